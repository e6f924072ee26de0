#!/usr/bin/env python3
"""Turns a JMH CSV (from scripts/bench-kernels) into the ratio tables of docs/benchmarks.md."""
import csv
import sys
from collections import defaultdict

BLOCK = 256  # gallery rows per call in ManyToManyBenchmark

rows = list(csv.DictReader(open(sys.argv[1])))
one = defaultdict(dict)
many = defaultdict(dict)
for r in rows:
    name = r["Benchmark"].rsplit(".", 2)
    cls, method = name[-2], name[-1]
    score, err = float(r["Score"]), float(r["Score Error (99.9%)"] or "nan")
    d = int(r["Param: d"])
    if cls == "OneToManyBenchmark":
        one[(d, int(r["Param: n"]))][method] = (score, err)
    else:
        many[(d, int(r["Param: bank"]))][method] = (score, err)

print("One query vs n bank vectors (µs/op, lower is better; ratio = VectorUtil loop time / ours time)")
print("%5s %6s %12s %14s %14s %12s %10s %10s" % ("d", "n", "ours", "ours dot loop", "VectorUtil loop", "scalar twin",
                                                   "ours/VU", "ours/scalar"))
for (d, n) in sorted(one):
    m = one[(d, n)]
    ours, dl, vu, sc = (m[k][0] for k in ("ours", "oursDotLoop", "luceneVectorUtilLoop", "scalarTwin"))
    print("%5d %6d %12.1f %14.1f %14.1f %12.1f %9.2fx %9.2fx" % (d, n, ours, dl, vu, sc, vu / ours, sc / ours))
print()
print("256 gallery vectors vs a bank (ms/op and GFLOP/s = 2*256*bank*d / time; ratio = VectorUtil time / blocked time)")
print("%5s %6s %10s %10s %12s %10s %8s" % ("d", "bank", "blocked", "GFLOP/s", "VectorUtil", "GFLOP/s", "ratio"))
for (d, bank) in sorted(many):
    m = many[(d, bank)]
    b, vu = m["blocked"][0], m["luceneVectorUtilLoop"][0]
    flop = 2.0 * BLOCK * bank * d
    print("%5d %6d %10.2f %10.1f %12.2f %10.1f %7.2fx" % (d, bank, b, flop / (b * 1e-3) / 1e9, vu, flop / (vu * 1e-3) / 1e9, vu / b))
