#!/usr/bin/env python3
"""Turns the output folder of scripts/bench-kernels (numpy.csv and the JMH logs per shape) into the table of
docs/benchmarks.md: GFLOP/s of numpy's single-thread matmul beside ours, and the ratio. Both sides are summarised
the same way, from every measured second of every round: the median (robust to a second disturbed by another job) and
the best; "rounds" counts the alternated numpy/ours pairs in which ours had the higher median."""
import collections
import glob
import os
import re
import statistics
import sys

folder, block = sys.argv[1], int(sys.argv[2])


def gflops(ms, d, bank):
    return 2.0 * block * bank * d / (ms * 1e-3) / 1e9


numpy = collections.defaultdict(list)  # (d, bank) -> [per-round list of GFLOP/s]
for line in open(os.path.join(folder, "numpy.csv")):
    fields = line.strip().split(",")
    numpy[(int(fields[0]), int(fields[1]))].append([float(x) for x in fields[4:]])

ours = collections.defaultdict(list)  # (d, bank, method) -> [per-round list of GFLOP/s]
for path in sorted(glob.glob(os.path.join(folder, "jmh-*.log"))):
    d, bank = (int(x) for x in re.findall(r"jmh-(\d+)-(\d+)-", path)[0])
    method, seconds = None, {}
    for line in open(path):
        m = re.match(r"# Benchmark: .*\.(\w+)$", line.strip())
        if m:
            method = m.group(1)
        m = re.match(r"Iteration\s+\d+: ([\d.]+) ms/op", line.strip())
        if m and method:
            seconds.setdefault(method, []).append(gflops(float(m.group(1)), d, bank))
    for method, rates in seconds.items():
        ours[(d, bank, method)].append(rates)


def flat(rounds):
    return [x for r in rounds for x in r]


print("%d gallery rows vs a bank; GFLOP/s = 2*%d*bank*d / time, per measured second; median and best over all "
      "rounds" % (block, block))
print("%5s %6s | %10s %10s %7s %7s | %10s %10s %7s | %10s %10s" % (
    "d", "bank", "numpy med", "ours med", "ratio", "rounds", "numpy best", "ours best", "ratio",
    "pack/call", "VectorUtil"))
for (d, bank) in sorted(numpy):
    np_rounds, our_rounds = numpy[(d, bank)], ours.get((d, bank, "blocked"), [])
    if not our_rounds:
        continue
    np_all, our_all = flat(np_rounds), flat(our_rounds)
    wins = sum(statistics.median(o) > statistics.median(n) for n, o in zip(np_rounds, our_rounds))

    def median_of(method):
        rates = flat(ours.get((d, bank, method), []))
        return statistics.median(rates) if rates else float("nan")

    print("%5d %6d | %10.1f %10.1f %6.2fx %7s | %10.1f %10.1f %6.2fx | %10.1f %10.1f" % (
        d, bank, statistics.median(np_all), statistics.median(our_all),
        statistics.median(our_all) / statistics.median(np_all), "%d/%d" % (wins, min(len(np_rounds), len(our_rounds))),
        max(np_all), max(our_all), max(our_all) / max(np_all),
        median_of("blockedPackPerCall"), median_of("luceneVectorUtilLoop")))
