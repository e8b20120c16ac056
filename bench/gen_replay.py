#!/usr/bin/env python3
"""Generates and replays synthetic job traces (gpuledger gen, then replay)
of 100K and 1M jobs, and prints one CSV row per step:
  step,preset,jobs,seconds,peak_rss_mib
Each step runs as its own process; peak_rss_mib is that process's peak
resident memory (getrusage of the finished child). Files go to $TMPDIR.
Usage: bench/gen_replay.py [build-dir] [preset]"""

import os
import resource
import subprocess
import sys
import tempfile
import time

build = sys.argv[1] if len(sys.argv) > 1 else "build"
preset = sys.argv[2] if len(sys.argv) > 2 else "kalos"
binary = os.path.join(build, "replay", "gpuledger")
tmp = tempfile.mkdtemp(prefix="gpuledger_bench_")
print("step,preset,jobs,seconds,peak_rss_mib")
for jobs in (100_000, 1_000_000):
    trace = os.path.join(tmp, f"{preset}_{jobs}.csv.gz")
    ledger = os.path.join(tmp, f"{preset}_{jobs}.sqlite")
    for step, cmd in (("gen", [binary, "gen", "--preset", preset, "--jobs", str(jobs), "--seed", "1", "-o", trace]),
                      ("replay", [binary, "replay", trace, "--ledger", ledger, "--policy", "easy"])):
        start = time.monotonic()
        pid = os.fork()
        if pid == 0:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)  # the commands' reports are not the benchmark's output
            os.execv(cmd[0], cmd)
        _, status, usage = os.wait4(pid, 0)
        elapsed = time.monotonic() - start
        if status != 0:
            sys.exit(f"{' '.join(cmd)} failed")
        print(f"{step},{preset},{jobs},{elapsed:.2f},{usage.ru_maxrss / 1024:.1f}", flush=True)
for f in os.listdir(tmp):
    os.remove(os.path.join(tmp, f))
os.rmdir(tmp)
