#!/usr/bin/env python3
"""Turns the output folder of scripts/bench-kernels (JMH CSVs per shape, numpy.csv) into the table of
docs/benchmarks.md: GFLOP/s of numpy's single-thread matmul beside ours, and the ratio."""
import csv
import glob
import os
import sys

folder, block = sys.argv[1], int(sys.argv[2])
numpy = {}
for line in open(os.path.join(folder, "numpy.csv")):
    d, bank, _, gflops, _ = line.strip().split(",")
    numpy[(int(d), int(bank))] = float(gflops)
ours = {}
for path in glob.glob(os.path.join(folder, "jmh-*.csv")):
    for r in csv.DictReader(open(path)):
        method = r["Benchmark"].rsplit(".", 1)[-1]
        ours.setdefault((int(r["Param: d"]), int(r["Param: bank"])), {})[method] = (
            float(r["Score"]), float(r["Score Error (99.9%)"] or "nan"))

def gflops(ms, d, bank):
    return 2.0 * block * bank * d / (ms * 1e-3) / 1e9

print("%d gallery rows vs a bank, GFLOP/s = 2*%d*bank*d / time (ms/op from JMH, 99.9%% error)" % (block, block))
print("%5s %6s %12s %16s %11s %15s %14s %10s" % ("d", "bank", "numpy 1-thr", "ours (packed)", "ms/op", "ours pack/call",
                                                  "VectorUtil loop", "ours/numpy"))
for (d, bank) in sorted(ours):
    m = ours[(d, bank)]
    b, err = m["blocked"]
    per_call = gflops(m["blockedPackPerCall"][0], d, bank) if "blockedPackPerCall" in m else float("nan")
    vu = gflops(m["luceneVectorUtilLoop"][0], d, bank) if "luceneVectorUtilLoop" in m else float("nan")
    np_rate = numpy.get((d, bank), float("nan"))
    print("%5d %6d %12.1f %16.1f %5.2f ± %4.2f %15.1f %14.1f %9.2fx" % (
        d, bank, np_rate, gflops(b, d, bank), b, err, per_call, vu, gflops(b, d, bank) / np_rate))
