#!/usr/bin/env python3
"""Independent numpy reference for the hubness normalisations (DESIGN.md section 1).

Written separately from the Java code on purpose: it shares no code with it and works directly from the
formulas, in float64, from the same float32 inputs. The Java OracleAgreementTests compares the two.

    python3 hubness_oracle.py --queries Q.npy --gallery G.npy [--query-bank BQ.npy] [--gallery-bank BG.npy]
        --methods none,is,dis,dual_is,dual_dis,csls,nnn [--beta-q 20] [--beta-g 3] [--k 1]
        [--csls-k 10] [--nnn-k 16] [--nnn-alpha 0.75] [--similarity cosine|dot|l2] --out-dir DIR

writes DIR/score_<method>.npy (float64, |Q| x |G|, C order).

    python3 hubness_oracle.py --gallery G.npy [--query-bank BQ.npy] [--gallery-bank BG.npy] --hubs-k K
        [--similarity cosine|dot|l2] --hubs-out DIR

writes, for each bank given, DIR/hubs_<query_bank|gallery_bank>.npy (int64, one N_K(g) per gallery row: how many of
the bank's vectors have gallery row g among their K largest raw similarities s over the whole gallery) and
DIR/hubs.json: per bank the population skewness of those counts (zeros included; null when every count is equal) and
min_boundary_gap, the smallest s_(K) - s_(K+1) over the bank's rows (a caller computing s in float32 picks the same
top K only where this is clear of its rounding). Both modes may run in one call.
Conventions: ties in top-k go to the smaller gallery index; CSLS omits the per-query constant r_G(q);
the NNN bias is alpha times the mean of the nnn_k largest query-bank similarities.
Similarity l2 is s(x, y) = -||x - y||^2, computed here from the differences themselves.
"""
import argparse
import json
import os
import sys

import numpy as np


def load(path, similarity):
    x = np.load(path).astype(np.float64)
    if similarity == "cosine":
        x = x / np.linalg.norm(x, axis=1, keepdims=True)
    return x


def similarity_matrix(A, B, similarity):
    """s(a_i, b_j) for every row pair: dot products, or -||a_i - b_j||^2 for l2 (in row chunks to bound memory)."""
    if similarity != "l2":
        return A @ B.T
    out = np.empty((A.shape[0], B.shape[0]))
    for start in range(0, A.shape[0], 32):
        diff = A[start:start + 32, None, :] - B[None, :, :]
        out[start:start + 32] = -np.einsum("ijk,ijk->ij", diff, diff)
    return out


def log_sum_exp_over_rows(m, beta):
    """log sum_b exp(beta * m[b, g]) for every column g, stabilised by the column maximum."""
    z = beta * m
    top = z.max(axis=0)
    return top + np.log(np.exp(z - top).sum(axis=0))


def mean_of_largest_over_rows(m, k):
    k = min(k, m.shape[0])
    return np.sort(m, axis=0)[-k:, :].mean(axis=0)


def top_k_columns(bank_by_gallery, k):
    """Each bank row's k largest gallery columns; a stable sort puts the smaller index first on ties."""
    return np.argsort(-bank_by_gallery, axis=1, kind="stable")[:, :k]


def activation_set(bank_by_gallery, k):
    """Union over bank rows of their top-k gallery columns."""
    active = np.zeros(bank_by_gallery.shape[1], dtype=bool)
    active[np.unique(top_k_columns(bank_by_gallery, k))] = True
    return active


def hub_counts(bank_by_gallery, k):
    """N_k(g) for every gallery column g: the number of bank rows with g among their top k."""
    return np.bincount(top_k_columns(bank_by_gallery, k).ravel(), minlength=bank_by_gallery.shape[1]).astype(np.int64)


def population_skewness(counts):
    """m3 / m2^1.5 with the population moments (scipy.stats.skew(counts, bias=True)); None when m2 is 0."""
    centred = counts.astype(np.float64) - counts.mean()
    m2 = np.mean(centred ** 2)
    return None if m2 == 0 else float(np.mean(centred ** 3) / m2 ** 1.5)


def min_boundary_gap(bank_by_gallery, k):
    """The smallest gap between a bank row's k-th and (k+1)-th largest similarity; None without a (k+1)-th."""
    if bank_by_gallery.shape[1] <= k:
        return None
    top = -np.sort(-bank_by_gallery, axis=1)
    return float((top[:, k - 1] - top[:, k]).min())


def write_hubs(banks, k, out_dir):
    """hubs_<bank>.npy and hubs.json (see the module docstring) for each (name, bank x gallery similarities)."""
    os.makedirs(out_dir, exist_ok=True)
    summary = {"k": k}
    for name, bank_by_gallery in banks:
        counts = hub_counts(bank_by_gallery, k)
        np.save(os.path.join(out_dir, "hubs_%s.npy" % name), counts)
        summary[name] = {
            "skewness": population_skewness(counts),
            "min_boundary_gap": min_boundary_gap(bank_by_gallery, k),
        }
    with open(os.path.join(out_dir, "hubs.json"), "w") as f:
        json.dump(summary, f, indent=1)


def scores(method, S, BqG, BgG, a):
    bq, bg = a.beta_q, a.beta_g
    if method == "none":
        return S.copy()
    Lq = log_sum_exp_over_rows(BqG, bq)
    top1 = S.argmax(axis=1)  # first maximum: ties to the smaller index
    if method == "is":
        return bq * S - Lq[None, :]
    if method == "dis":
        gate = activation_set(BqG, a.k)[top1].astype(np.float64)
        return bq * S - gate[:, None] * Lq[None, :]
    if method == "csls":
        return 2 * S - mean_of_largest_over_rows(BqG, a.csls_k)[None, :]
    if method == "nnn":
        return S - a.nnn_alpha * mean_of_largest_over_rows(BqG, a.nnn_k)[None, :]
    Lg = log_sum_exp_over_rows(BgG, bg)
    if method == "dual_is":
        return (bq + bg) * S - Lq[None, :] - Lg[None, :]
    if method == "dual_dis":
        gq = activation_set(BqG, a.k)[top1].astype(np.float64)
        gg = activation_set(BgG, a.k)[top1].astype(np.float64)
        return (bq + bg) * S - gq[:, None] * Lq[None, :] - gg[:, None] * Lg[None, :]
    raise SystemExit("unknown method " + method)


def main(argv):
    p = argparse.ArgumentParser()
    p.add_argument("--queries")
    p.add_argument("--gallery", required=True)
    p.add_argument("--query-bank")
    p.add_argument("--gallery-bank")
    p.add_argument("--methods", default="none,is,dis,dual_is,dual_dis,csls,nnn")
    p.add_argument("--beta-q", type=float, default=20.0)
    p.add_argument("--beta-g", type=float, default=3.0)
    p.add_argument("--k", type=int, default=1)
    p.add_argument("--csls-k", type=int, default=10)
    p.add_argument("--nnn-k", type=int, default=16)
    p.add_argument("--nnn-alpha", type=float, default=0.75)
    p.add_argument("--similarity", choices=["cosine", "dot", "l2"], default="cosine")
    p.add_argument("--out-dir", help="score mode: write score_<method>.npy here (needs --queries)")
    p.add_argument("--hubs-k", type=int, help="hubs mode: N_k with this k for each bank given (needs --hubs-out)")
    p.add_argument("--hubs-out", help="hubs mode: write hubs_<bank>.npy and hubs.json here")
    a = p.parse_args(argv)
    if a.out_dir is None and a.hubs_k is None:
        p.error("nothing to do: give --out-dir (scores) or --hubs-k with --hubs-out (hubs), or both")
    if a.out_dir is not None and a.queries is None:
        p.error("--out-dir writes query scores: give --queries")
    if a.hubs_k is not None and (a.hubs_out is None or a.hubs_k < 1 or not (a.query_bank or a.gallery_bank)):
        p.error("--hubs-k needs a k of at least 1, --hubs-out and --query-bank and/or --gallery-bank")

    G = load(a.gallery, a.similarity)
    BqG = similarity_matrix(load(a.query_bank, a.similarity), G, a.similarity) if a.query_bank else None
    BgG = similarity_matrix(load(a.gallery_bank, a.similarity), G, a.similarity) if a.gallery_bank else None
    if a.out_dir is not None:
        S = similarity_matrix(load(a.queries, a.similarity), G, a.similarity)
        os.makedirs(a.out_dir, exist_ok=True)
        for method in a.methods.split(","):
            scored = np.ascontiguousarray(scores(method, S, BqG, BgG, a))
            np.save(os.path.join(a.out_dir, "score_%s.npy" % method), scored)
    if a.hubs_k is not None:
        banks = [(name, m) for name, m in (("query_bank", BqG), ("gallery_bank", BgG)) if m is not None]
        write_hubs(banks, a.hubs_k, a.hubs_out)


if __name__ == "__main__":
    main(sys.argv[1:])
