#!/usr/bin/env python3
"""Turns the output folder of scripts/bench-kernels (paired.csv and one JMH log per shape) into the tables of
docs/benchmarks.md. Per shape, from the interleaved pairs: each side's median and 90th percentile GFLOP/s, the median
of the per-pair ratios ours/numpy (the figure the target is about: a slow stretch of the machine slows both bursts of
a pair, so it cancels in that pair's ratio), the ratio's interquartile range, and how many pairs ours won. Then the JMH figures
(median of its measured seconds) of our kernel, of the same with the bank packed per call, and of Lucene's
VectorUtil loop. "p90" is the 90th percentile of a side's bursts: its speed when the machine leaves it alone."""
import collections
import glob
import os
import re
import statistics
import sys

folder, block = sys.argv[1], int(sys.argv[2])


def gflops(ms, d, bank):
    return 2.0 * block * bank * d / (ms * 1e-3) / 1e9


pairs = collections.defaultdict(list)  # (d, bank) -> [(ours, numpy)]
for line in open(os.path.join(folder, "paired.csv")):
    d, bank, _, _, ours, theirs = line.strip().split(",")
    pairs[(int(d), int(bank))].append((float(ours), float(theirs)))

jmh = {}  # (d, bank, method) -> median GFLOP/s of the measured seconds
for path in sorted(glob.glob(os.path.join(folder, "jmh-*.log"))):
    d, bank = (int(x) for x in re.findall(r"jmh-(\d+)-(\d+)\.log", path)[0])
    method, seconds = None, collections.defaultdict(list)
    for line in open(path):
        m = re.match(r"# Benchmark: .*\.(\w+)$", line.strip())
        if m:
            method = m.group(1)
        m = re.match(r"Iteration\s+\d+: ([\d.]+) ms/op", line.strip())
        if m and method:
            seconds[method].append(gflops(float(m.group(1)), d, bank))
    for method, rates in seconds.items():
        jmh[(d, bank, method)] = statistics.median(rates)


def p90(xs):
    return statistics.quantiles(xs, n=10)[-1] if len(xs) > 1 else xs[0]


def quartiles(xs):
    q = statistics.quantiles(xs, n=4)
    return q[0], q[2]


print("%d gallery rows vs a bank; GFLOP/s = 2*%d*bank*d / time; paired bursts of ours and numpy (1 thread)"
      % (block, block))
print("%5s %6s | %5s %9s %9s %9s %9s | %6s %13s %7s | %8s %9s %10s" % (
    "d", "bank", "pairs", "numpy med", "numpy p90", "ours med", "ours p90", "ratio", "ratio IQR", "won",
    "JMH ours", "pack/call", "VectorUtil"))
for (d, bank), rows in sorted(pairs.items()):
    ratios = [o / n for o, n in rows]
    low, high = quartiles(ratios) if len(ratios) > 1 else (ratios[0], ratios[0])
    won = sum(r > 1.0 for r in ratios)
    theirs, ours = [n for _, n in rows], [o for o, _ in rows]
    print("%5d %6d | %5d %9.1f %9.1f %9.1f %9.1f | %5.2fx %6.2f-%.2fx %7s | %8.1f %9.1f %10.1f" % (
        d, bank, len(rows), statistics.median(theirs), p90(theirs), statistics.median(ours), p90(ours),
        statistics.median(ratios), low, high, "%d/%d" % (won, len(rows)),
        jmh.get((d, bank, "blocked"), float("nan")), jmh.get((d, bank, "blockedPackPerCall"), float("nan")),
        jmh.get((d, bank, "luceneVectorUtilLoop"), float("nan"))))

# The machine runs each core at one of two speeds about 1.5x apart (both sides alike); numpy's burst tells which one a
# pair met. The ratio per speed says whether a difference comes from the kernels or from how the pairs fell.
print()
top = max(p90([n for _, n in rows]) for rows in pairs.values())
cut = 0.85 * top
print("the pairs split by the speed the core ran at: full when numpy's burst reached 85 %% of %.1f GFLOP/s (the"
      " highest numpy p90 of the run), else slow" % top)
print("%5s %6s | %10s %12s | %10s %12s" % ("d", "bank", "full pairs", "full ratio", "slow pairs", "slow ratio"))


def median_or_dash(xs):
    return "%11.2fx" % statistics.median(xs) if xs else "%12s" % "-"


for (d, bank), rows in sorted(pairs.items()):
    full = [o / n for o, n in rows if n >= cut]
    slow = [o / n for o, n in rows if n < cut]
    print("%5d %6d | %10d %s | %10d %s" % (d, bank, len(full), median_or_dash(full), len(slow), median_or_dash(slow)))
