#!/usr/bin/env python3
"""Independent numpy reference for the hubness normalisations (DESIGN.md section 1).

Written separately from the Java code on purpose: it shares no code with it and works directly from the
formulas, in float64, from the same float32 inputs. The Java OracleAgreementTests compares the two.

    python3 hubness_oracle.py --queries Q.npy --gallery G.npy [--query-bank BQ.npy] [--gallery-bank BG.npy]
        --methods none,is,dis,dual_is,dual_dis,csls,nnn [--beta-q 20] [--beta-g 3] [--k 1]
        [--csls-k 10] [--nnn-k 16] [--nnn-alpha 0.75] [--similarity cosine|dot|l2] --out-dir DIR

writes DIR/score_<method>.npy (float64, |Q| x |G|, C order).
Conventions: ties in top-k go to the smaller gallery index; CSLS omits the per-query constant r_G(q);
the NNN bias is alpha times the mean of the nnn_k largest query-bank similarities.
Similarity l2 is s(x, y) = -||x - y||^2, computed here from the differences themselves.
"""
import argparse
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


def activation_set(bank_by_gallery, k):
    """Union over bank rows of their top-k gallery columns; a stable sort puts the smaller index first on ties."""
    order = np.argsort(-bank_by_gallery, axis=1, kind="stable")[:, :k]
    active = np.zeros(bank_by_gallery.shape[1], dtype=bool)
    active[np.unique(order)] = True
    return active


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
    p.add_argument("--queries", required=True)
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
    p.add_argument("--out-dir", required=True)
    a = p.parse_args(argv)

    Q = load(a.queries, a.similarity)
    G = load(a.gallery, a.similarity)
    S = similarity_matrix(Q, G, a.similarity)
    BqG = similarity_matrix(load(a.query_bank, a.similarity), G, a.similarity) if a.query_bank else None
    BgG = similarity_matrix(load(a.gallery_bank, a.similarity), G, a.similarity) if a.gallery_bank else None
    os.makedirs(a.out_dir, exist_ok=True)
    for method in a.methods.split(","):
        np.save(os.path.join(a.out_dir, "score_%s.npy" % method), np.ascontiguousarray(scores(method, S, BqG, BgG, a)))


if __name__ == "__main__":
    main(sys.argv[1:])
