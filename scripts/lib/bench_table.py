#!/usr/bin/env python3
"""Turns the output folder of scripts/bench-kernels (JMH CSVs and logs per shape, numpy.csv) into the table of
docs/benchmarks.md: GFLOP/s of numpy's single-thread matmul beside ours, and the ratio. "mean" compares JMH's mean
with numpy's median round; "best" compares the fastest measured second of each, which on a shared machine is the
one least disturbed by other jobs."""
import csv
import glob
import os
import re
import sys

folder, block = sys.argv[1], int(sys.argv[2])
numpy = {}
for line in open(os.path.join(folder, "numpy.csv")):
    d, bank, _, median, best, _ = line.strip().split(",")
    numpy[(int(d), int(bank))] = (float(median), float(best))
ours = {}
for path in glob.glob(os.path.join(folder, "jmh-*.csv")):
    for r in csv.DictReader(open(path)):
        method = r["Benchmark"].rsplit(".", 1)[-1]
        ours.setdefault((int(r["Param: d"]), int(r["Param: bank"])), {})[method] = (
            float(r["Score"]), float(r["Score Error (99.9%)"] or "nan"))
fastest = {}  # (d, bank, method) -> fastest measured iteration, ms/op
for path in glob.glob(os.path.join(folder, "jmh-*.log")):
    d, bank = (int(x) for x in re.findall(r"jmh-(\d+)-(\d+)\.log", path)[0])
    method = None
    for line in open(path):
        m = re.match(r"# Benchmark: .*\.(\w+)$", line.strip())
        if m:
            method = m.group(1)
        m = re.match(r"Iteration\s+\d+: ([\d.]+) ms/op", line.strip())
        if m and method:
            key = (d, bank, method)
            fastest[key] = min(fastest.get(key, float("inf")), float(m.group(1)))


def gflops(ms, d, bank):
    return 2.0 * block * bank * d / (ms * 1e-3) / 1e9


print("%d gallery rows vs a bank; GFLOP/s = 2*%d*bank*d / time; ms/op is JMH's mean with its 99.9%% error" % (block, block))
print("%5s %6s | %11s %11s %16s %9s | %11s %11s %9s | %12s %10s" % (
    "d", "bank", "numpy med", "ours mean", "ours ms/op", "ratio", "numpy best", "ours best", "ratio",
    "pack/call", "VectorUtil"))
for (d, bank) in sorted(ours):
    m = ours[(d, bank)]
    b, err = m["blocked"]
    np_median, np_best = numpy.get((d, bank), (float("nan"), float("nan")))
    best = gflops(fastest.get((d, bank, "blocked"), float("nan")), d, bank)
    per_call = gflops(m["blockedPackPerCall"][0], d, bank) if "blockedPackPerCall" in m else float("nan")
    vu = gflops(m["luceneVectorUtilLoop"][0], d, bank) if "luceneVectorUtilLoop" in m else float("nan")
    print("%5d %6d | %11.1f %11.1f %7.2f ± %6.2f %8.2fx | %11.1f %11.1f %8.2fx | %12.1f %10.1f" % (
        d, bank, np_median, gflops(b, d, bank), b, err, gflops(b, d, bank) / np_median,
        np_best, best, best / np_best, per_call, vu))
