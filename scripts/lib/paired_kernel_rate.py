#!/usr/bin/env python3
"""Paired measurement of scripts/bench-kernels: our kernel (benchmarks' KernelWorker, a JVM driven over stdin) and
numpy's single-thread matmul on the same float32 shape (block x d gallery rows times the transpose of a bank x d bank),
interleaved burst by burst so that both sides of a pair run a burst's length apart and meet the same load.
This machine's speed switches between two levels (about 1.5x apart, both sides alike) for stretches of seconds to
minutes; rounds of several seconds per side left it to chance which side drew the slow stretch, a pair of short
bursts does not. Both sides run pinned to the same CPU (they never run at once): unpinned, a process woken for its
burst lands on either core, and on this machine that alone moved both sides' medians from about 120 to about 83
GFLOP/s, with a spread as wide as the gap between them. Each side first warms up (ours 3 s, for the JIT; numpy 1 s);
the side that runs first alternates from pair to pair. Prints one CSV line per pair: d,bank,block,pair,ours GFLOP/s,numpy GFLOP/s.

Usage: paired_kernel_rate.py d bank block pairs burst_ms cpu java-command..."""
import os

os.environ["OPENBLAS_NUM_THREADS"] = "1"  # before numpy loads OpenBLAS: the single-thread figure is the reference

import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

d, bank, block, pairs, burst_ms, cpu = (int(x) for x in sys.argv[1:7])
java = sys.argv[7:]
os.sched_setaffinity(0, {cpu})  # the JVM started below inherits it
rng = np.random.default_rng(3)
a = (rng.standard_normal((block, d)) / np.sqrt(d)).astype(np.float32)
b = (rng.standard_normal((bank, d)) / np.sqrt(d)).astype(np.float32)
out = np.empty((block, bank), np.float32)
flop = 2.0 * block * bank * d


def numpy_burst(ms):
    start, calls = time.perf_counter(), 0
    while time.perf_counter() - start < ms / 1000.0:
        np.matmul(a, b.T, out=out)
        calls += 1
    return flop * calls / (time.perf_counter() - start) / 1e9


worker = subprocess.Popen(java + [str(d), str(bank)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)


def our_burst(ms):
    worker.stdin.write("%d\n" % ms)
    worker.stdin.flush()
    line = worker.stdout.readline()
    if not line:
        sys.exit("KernelWorker ended early (exit code %s)" % worker.wait())
    return float(line)


try:
    ready = worker.stdout.readline()
    if not ready.startswith("ready"):
        sys.exit("KernelWorker did not start: %r" % ready)
    for _ in range(3):
        our_burst(1000)
    numpy_burst(1000)
    for pair in range(pairs):
        if pair % 2 == 0:
            ours = our_burst(burst_ms)
            theirs = numpy_burst(burst_ms)
        else:
            theirs = numpy_burst(burst_ms)
            ours = our_burst(burst_ms)
        print("%d,%d,%d,%d,%.2f,%.2f" % (d, bank, block, pair, ours, theirs), flush=True)
finally:
    if worker.poll() is None:  # an empty line ends it; kill it if it does not go
        try:
            worker.stdin.write("\n")
            worker.stdin.close()
            worker.wait(timeout=30)
        except (BrokenPipeError, subprocess.TimeoutExpired):
            worker.kill()
