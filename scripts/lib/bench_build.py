#!/usr/bin/env python3
"""The client side of scripts/bench-build: indexes a synthetic gallery and a query-bank index into a running node,
times a bank build through the public REST API, and prints the table of docs/benchmarks.md.

Data (seeded, regenerated identically on every run): unit vectors of N(0, I) plus, for 60 % of the rows, 0.6 x one of
8 shared random "hub" directions, renormalised, so the space has crowded regions as real embeddings do. Gallery row i
is the document "g<i>"; it is generated in chunks of CHUNK rows, each from its own seed, by worker processes, and sent
as large `_bulk` bodies over two connections with refresh off and the translog async (both restored at the end)."""
import argparse
import shlex
import subprocess
import http.client
import json
import multiprocessing
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np

CHUNK = 2000
HUBS = 8
INDEX = "bench-build-gallery"
QUERY_INDEX = "bench-build-queries"
FIELD = "v"
BANK = "bench-build-bank"


class Node:
    def __init__(self, port, timeout):
        self.port, self.timeout = port, timeout

    def call(self, method, path, body=None, ok=(200, 201), content_type="application/json"):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        try:
            headers = {"Content-Type": content_type} if body is not None else {}
            conn.request(method, path, body=body, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
        finally:
            conn.close()
        if ok is not None and resp.status not in ok:
            raise RuntimeError("%s %s -> %d: %s" % (method, path, resp.status, data[:2000].decode("utf-8", "replace")))
        return resp.status, (json.loads(data) if data else None)


def hubs(d, seed):
    h = np.random.default_rng([seed, 999_999]).standard_normal((HUBS, d))
    return h / np.linalg.norm(h, axis=1, keepdims=True)


def vectors(stream, chunk, rows, d, seed):
    """Rows of chunk `chunk` of stream `stream` (0 = gallery, 1 = query bank), float32, unit length."""
    rng = np.random.default_rng([seed, stream, chunk])
    v = rng.standard_normal((rows, d))
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    hub_of = rng.integers(0, HUBS, rows)
    with_hub = rng.random(rows) < 0.6
    v[with_hub] += 0.6 * hubs(d, seed)[hub_of[with_hub]]
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    return v.astype(np.float32)


def bulk_body(args):
    """One `_bulk` body (bytes) for rows [first, first + rows) of a stream."""
    stream, chunk, first, rows, d, seed, prefix = args
    v = vectors(stream, chunk, rows, d, seed)
    row_format = '{"%s":[%s]}\n' % (FIELD, ",".join(["%.6g"] * d))
    parts = []
    for i in range(rows):
        parts.append('{"index":{"_id":"%s%d"}}\n' % (prefix, first + i))
        parts.append(row_format % tuple(v[i].tolist()))
    return "".join(parts).encode("ascii")


def count(node, index):
    status, body = node.call("GET", "/%s/_count" % index, ok=(200, 404))
    return body["count"] if status == 200 else -1


def create_index(node, index, d, shards):
    node.call("DELETE", "/" + index, ok=(200, 404))
    node.call("PUT", "/" + index, json.dumps({
        "settings": {"index": {"knn": True, "knn.advanced.approximate_threshold": -1, "number_of_shards": shards,
                               "number_of_replicas": 0, "refresh_interval": "-1", "translog.durability": "async"}},
        "mappings": {"properties": {FIELD: {"type": "knn_vector", "dimension": d, "space_type": "cosinesimil"}}}}))


def load(node, index, stream, n, d, seed, prefix, label):
    """Indexes rows [0, n) of a stream; prints progress every ~10 s; returns the seconds it took."""
    chunks = [(stream, c, c * CHUNK, min(CHUNK, n - c * CHUNK), d, seed, prefix) for c in range((n + CHUNK - 1) // CHUNK)]
    t0 = last = time.time()
    done = 0

    def send(body):
        _, resp = node.call("POST", "/%s/_bulk" % index, body, content_type="application/x-ndjson")
        if resp.get("errors"):
            failed = next(i for i in resp["items"] if "error" in i["index"])
            raise RuntimeError("bulk into %s failed: %s" % (index, json.dumps(failed)[:1000]))
        return len(resp["items"])

    with multiprocessing.Pool(2) as workers, ThreadPoolExecutor(2) as senders:
        pending = []
        for body in workers.imap(bulk_body, chunks):
            pending.append(senders.submit(send, body))
            while len(pending) >= 4 or (pending and pending[0].done()):
                done += pending.pop(0).result()
                if time.time() - last >= 10:
                    last = time.time()
                    print("  %s: %d / %d documents, %.0f docs/s, load average %s" % (
                        label, done, n, done / (last - t0), loadavg()), flush=True)
        for f in pending:
            done += f.result()
    node.call("PUT", "/%s/_settings" % index, json.dumps({"index": {"refresh_interval": None, "translog.durability": None}}))
    node.call("POST", "/%s/_flush" % index)
    node.call("POST", "/%s/_refresh" % index)
    took = time.time() - t0
    print("  %s: %d documents in %.1f s (%.0f docs/s)" % (label, n, took, n / took), flush=True)
    return took


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def kernel_rate(command):
    """Runs the kernel benchmark (about 10 s); returns (kernel name, GFLOP/s on one core)."""
    print("measuring the kernel's single-core rate (10 s)...", flush=True)
    name, gflops = subprocess.run(shlex.split(command), check=True, capture_output=True, text=True).stdout.split()
    return name, float(gflops)


def build(node, args):
    """PUTs the bank without waiting, polls until it is ready; returns (wall seconds, the bank's status)."""
    node.call("DELETE", "/_plugins/_hubness/banks/" + BANK, ok=(200, 404))
    definition = {
        "gallery": {"index": INDEX, "field": FIELD},
        "query_bank": {"index": QUERY_INDEX, "field": FIELD, "max_size": args.query_bank},
        "gallery_bank": {"sample": {"size": args.gallery_bank, "seed": 42}},
        "description": "scripts/bench-build",
    }
    t0 = time.time()
    node.call("PUT", "/_plugins/_hubness/banks/%s?wait_for_completion=false" % BANK, json.dumps(definition), ok=(200, 201, 202))
    last = t0
    while True:
        time.sleep(1)
        _, status = node.call("GET", "/_plugins/_hubness/banks/" + BANK)
        if status["state"] == "ready" and status.get("version") is not None:
            return time.time() - t0, status
        if status["state"] == "failed":
            raise RuntimeError("the build failed: " + json.dumps(status.get("failure")))
        if time.time() - t0 > args.build_timeout:
            raise RuntimeError("the build did not finish in %d s (--build-timeout): %s" % (args.build_timeout, json.dumps(status)[:1000]))
        if time.time() - last >= 15:
            last = time.time()
            print("  building... %.0f s, state %s, load average %s" % (last - t0, status["state"], loadavg()), flush=True)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--docs", type=int, default=1_000_000)
    p.add_argument("--query-bank", type=int, default=10_000)
    p.add_argument("--gallery-bank", type=int, default=10_000)
    p.add_argument("--dim", type=int, default=384)
    p.add_argument("--shards", type=int, default=3)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--reuse", action="store_true")
    p.add_argument("--index-only", action="store_true")
    p.add_argument("--kernel-rate-command", required=True,
                   help="prints '<kernel name> <GFLOP/s>' for the kernel on one core (benchmarks' KernelRate)")
    p.add_argument("--build-timeout", type=int, default=7200)
    p.add_argument("--rows-per-step", type=int, default=None)
    p.add_argument("--profile", action="store_true", help="handled by scripts/bench-build (a flight recording)")
    args = p.parse_args()
    node = Node(args.port, timeout=3600)
    d = args.dim

    print("load average before indexing: %s" % loadavg(), flush=True)
    index_seconds = {}
    for index, stream, n, prefix, shards in ((INDEX, 0, args.docs, "g", args.shards), (QUERY_INDEX, 1, args.query_bank, "q", 1)):
        if args.reuse and count(node, index) == n:
            print("  %s: %d documents already there (--reuse)" % (index, n), flush=True)
            continue
        create_index(node, index, d, shards)
        index_seconds[index] = load(node, index, stream, n, d, args.seed, prefix, index)
    if args.index_only:
        return

    _, nodes = node.call("GET", "/_nodes/os")
    cores = sum(n["os"]["allocated_processors"] for n in nodes["nodes"].values())
    # set (or reset to the default) on every run: a reused node keeps persistent settings
    node.call("PUT", "/_cluster/settings", json.dumps(
        {"persistent": {"plugins.hubness.build.rows_per_step": args.rows_per_step}}))
    _, settings = node.call("GET", "/_cluster/settings?include_defaults=true&flat_settings=true")
    rows_per_step = {**settings["defaults"], **settings["persistent"]}["plugins.hubness.build.rows_per_step"]
    kernel_name, kernel_before = kernel_rate(args.kernel_rate_command)
    print("load average before the build: %s; rows per step %s" % (loadavg(), rows_per_step), flush=True)
    seconds, status = build(node, args)
    print("load average after the build: %s" % loadavg(), flush=True)
    _, kernel_after = kernel_rate(args.kernel_rate_command)
    kernel_gflops = (kernel_before + kernel_after) / 2
    b = status["build"]
    docs, mq, mg = b["gallery_documents"], b["query_bank_size"], b["gallery_bank_size"]
    gflop = 2.0 * docs * (mq + mg) * d / 1e9
    e2e = gflop / seconds
    print()
    print("build of bank %s version %s (kernel %s); GFLOP = 2*docs*(|Q|+|G|)*d; ratio = end-to-end / (kernel x cores)" % (
        BANK, status["version"], kernel_name))
    print("%9s %4s %7s %7s %6s | %10s %10s %9s | %14s %6s %6s" % (
        "docs", "d", "|Q|", "|G|", "shards", "build s", "build_ms", "GFLOP/s", "kernel GFLOP/s", "cores", "ratio"))
    print("%9d %4d %7d %7d %6d | %10.1f %10d %9.2f | %14.1f %6d %6.3f" % (
        docs, d, mq, mg, args.shards, seconds, b["build_millis"], e2e, kernel_gflops, cores,
        e2e / (kernel_gflops * cores)))
    print("kernel GFLOP/s: %.1f before the build, %.1f after" % (kernel_before, kernel_after))
    if index_seconds:
        print("indexing: " + ", ".join("%s %.1f s" % kv for kv in index_seconds.items()))


if __name__ == "__main__":
    sys.exit(main())
