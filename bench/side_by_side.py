#!/usr/bin/env python3
"""Issue 13's figures in one run (bench/README.md): gpuledger against the plain
Python baseline and against the machine's limits, on the same traces.

    bench/side_by_side.py [--build build] [--runs 5] [--dir /tmp/gpuledger-bench]

Steps (each a process of its own; figures are medians over --runs, and the
baseline and gpuledger alternate so a noisy moment hits both):
  1. traces: bench/make_swf.py, 100K and 1M jobs, 16,384 GPUs, 90% load;
  2. 100K: bench/easy_baseline.py and `gpuledger replay T.swf --policy easy
     --ledger L`, alternating; their schedules must be equal job for job
     (--schedule-out), and the ratio of their wall times is printed;
  3. 1M: `gpuledger replay` wall time, peak memory, the ledger's bytes per job
     and rows per second (every job, usage entry and other row of the run,
     however many share a SQLite row, over the whole process's wall time);
  4. the limits: bench/sqlite_limit, a raw insert loop of as many rows as the
     1M ledger holds (six integers a row, and today's text shape), and the
     scheduler with no ledger (`replay_bench --swf T.swf --no-ledger`).
"""
import argparse
import os
import sqlite3
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def measured(cmd):
    """(wall s, peak MiB, stdout) of cmd, peak from the child's rusage."""
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out = p.stdout.read()
    err = p.stderr.read()
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.monotonic() - t0
    if status != 0:
        sys.exit(f"{' '.join(cmd)} failed ({status}):\n{err.decode()}")
    return wall, ru.ru_maxrss / 1024.0, out.decode()


def median(xs):
    return statistics.median(xs)


def fresh(path):
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default="build")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--dir", default="/tmp/gpuledger-bench")
    ap.add_argument("--big", type=int, default=1000000, help="jobs of the big trace")
    a = ap.parse_args()
    os.makedirs(a.dir, exist_ok=True)
    gl = os.path.join(a.build, "gpuledger")
    traces = {}
    for n in (100000, a.big):
        t = os.path.join(a.dir, f"t{n}.swf")
        if not os.path.exists(t):
            subprocess.run([sys.executable, os.path.join(HERE, "make_swf.py"), "--jobs", str(n),
                            "-o", t], check=True)
        traces[n] = t
    ledger = os.path.join(a.dir, "l.sqlite")
    model = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo")
                  if l.startswith("model name")), "?")
    mem = next(int(l.split()[1]) for l in open("/proc/meminfo") if l.startswith("MemTotal"))
    print(f"machine: {os.cpu_count()} cores ({model}), {mem / 2**20:.0f} GiB; "
          f"{subprocess.run([gl, '--version'], capture_output=True, text=True).stdout.strip()}")

    # 2. 100K against the baseline, alternating.
    t = traces[100000]
    py, ours = [], []
    for _ in range(a.runs):
        w, _, _ = measured([sys.executable, os.path.join(HERE, "easy_baseline.py"), t,
                            "--schedule-out", os.path.join(a.dir, "py.csv")])
        py.append(w)
        fresh(ledger)
        w, _, _ = measured([gl, "replay", t, "--policy", "easy", "--ledger", ledger,
                            "--schedule-out", os.path.join(a.dir, "gl.csv")])
        ours.append(w)
    same = open(os.path.join(a.dir, "py.csv")).read() == open(os.path.join(a.dir, "gl.csv")).read()
    print(f"100K EASY: python baseline {median(py):.3f} s, gpuledger replay {median(ours):.3f} s, "
          f"gpuledger {median(py) / median(ours):.1f}x faster; schedules "
          f"{'equal job for job' if same else 'DIFFER'}")

    # 3. 1M with the ledger.
    t = traces[a.big]
    walls, peaks = [], []
    for _ in range(a.runs):
        fresh(ledger)
        w, peak, _ = measured([gl, "replay", t, "--policy", "easy", "--ledger", ledger])
        walls.append(w)
        peaks.append(peak)
    # Rows as a reader sees them: each job and usage entry (packed many to a
    # SQLite row since schema 8-9) and every row of the other tables.
    db = sqlite3.connect(ledger)
    rows = 0
    for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
        if name == "entry_batches":
            rows += db.execute("SELECT COALESCE(SUM(entries), 0) FROM entry_batches").fetchone()[0]
        elif name == "job_batches":
            rows += db.execute("SELECT COALESCE(SUM(jobs), 0) FROM job_batches").fetchone()[0]
        else:
            rows += db.execute(f"SELECT COUNT(*) FROM {name}").fetchone()[0]
    db.close()
    size = os.path.getsize(ledger)
    print(f"{a.big // 1000}K EASY replay with ledger: {median(walls):.2f} s wall, "
          f"{max(peaks):.0f} MiB peak, ledger {size / a.big:.0f} bytes per job "
          f"({rows:,} rows, {rows / median(walls):,.0f} rows/s over the wall time)")

    # 4. The limits.
    for shape in ("ints", "text"):
        runs = [measured([os.path.join(a.build, "bench", "sqlite_limit"), "--rows", str(rows),
                          "--shape", shape, "--file", os.path.join(a.dir, "raw.sqlite")])[2]
                for _ in range(a.runs)]
        rates = [float(r.split(",")[3]) for r in runs]
        per_row = float(runs[-1].split(",")[4])
        print(f"raw SQLite insert loop, {rows:,} rows of {shape}: {median(rates):,.0f} rows/s, "
              f"{per_row:.1f} bytes a row; the ledger wrote "
              f"{100 * rows / median(walls) / median(rates):.0f}% of that")
    runs = [measured([os.path.join(a.build, "bench", "replay_bench"), "--swf", t, "--no-ledger",
                      "--policy", "easy"])[2] for _ in range(a.runs)]
    secs = [float(r.split(",")[4]) for r in runs]
    print(f"scheduler alone, {a.big // 1000}K EASY: {median(secs):.3f} s, "
          f"{a.big / median(secs):,.0f} jobs/s")
    fresh(ledger)


if __name__ == "__main__":
    main()
