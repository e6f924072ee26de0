#!/usr/bin/env python3
"""Summarises `jfr print --events jdk.ExecutionSample` output (read from stdin) for scripts/bench-build --profile: the
share of samples per thread kind, then, for the build pool's threads (hubness_build), the frames that were running
(self) and the frames on the stack (inclusive), as percentages of those threads' samples."""
import collections
import re
import sys

text = sys.stdin.read()
threads, self_time, inclusive = collections.Counter(), collections.Counter(), collections.Counter()
build_samples = 0
for event in text.split("jdk.ExecutionSample")[1:]:
    m = re.search(r'sampledThread = "([^"]*)"', event)
    thread = re.sub(r"\d+", "N", m.group(1)) if m else "?"
    threads[thread] += 1
    if "hubness_build" not in thread:
        continue
    frames = re.findall(r"^\s+([\w.$<>]+)\(", event, re.M)
    if frames:
        build_samples += 1
        self_time[frames[0]] += 1
        for frame in set(frames):
            inclusive[frame] += 1
total = sum(threads.values())
if not total:
    sys.exit("no execution samples in the recording")
print("samples per thread kind (%d in all):" % total)
for thread, n in threads.most_common(6):
    print("  %5.1f%%  %s" % (100.0 * n / total, thread))
if build_samples:
    for title, counts in (("self", self_time), ("inclusive", inclusive)):
        print("build pool threads, %s (%% of their %d samples):" % (title, build_samples))
        for frame, n in counts.most_common(15):
            print("  %5.1f%%  %s" % (100.0 * n / build_samples, frame))
