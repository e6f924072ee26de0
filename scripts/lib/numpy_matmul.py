#!/usr/bin/env python3
"""numpy's matmul on the kernel benchmark's shapes: block x d gallery times the transpose of a bank x d bank, float32.
Run with OPENBLAS_NUM_THREADS=1 for the single-thread figure. Prints one CSV line: d,bank,block,threads and then the
GFLOP/s of each of 5 measured one-second rounds (after 3 warm-up rounds), as JMH measures ours (5 x 1 s after
warm-up)."""
import os
import sys
import time

import numpy as np

d, bank, block = (int(x) for x in sys.argv[1:4])
rng = np.random.default_rng(3)
a = (rng.standard_normal((block, d)) / np.sqrt(d)).astype(np.float32)
b = (rng.standard_normal((bank, d)) / np.sqrt(d)).astype(np.float32)
out = np.empty((block, bank), np.float32)
flop = 2.0 * block * bank * d
rates = []
for round_ in range(8):  # 3 warm-up rounds, 5 measured
    start, calls = time.perf_counter(), 0
    while time.perf_counter() - start < 1.0:
        np.matmul(a, b.T, out=out)
        calls += 1
    if round_ >= 3:
        rates.append(flop * calls / (time.perf_counter() - start) / 1e9)
print(",".join([str(d), str(bank), str(block), os.environ.get("OPENBLAS_NUM_THREADS", "default")]
               + ["%.2f" % r for r in rates]))
