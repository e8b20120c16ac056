#!/usr/bin/env bash
# Replays synthetic traces of 10K, 100K and 1M jobs at 90% offered load on a
# 16,384-GPU cluster under fcfs and easy, ledger written, one process per
# configuration, and prints a CSV row for each:
#   policy,jobs,load,generate_s,replay_s,jobs_per_s,peak_rss_mib,utilization,mean_wait_s
# replay_s is wall-clock time of the replay with its ledger writes (SQLite file
# in $TMPDIR); peak_rss_mib is the process's peak resident memory.
# Usage: bench/run.sh [build-dir]   (builds the benchmark first)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
cmake --build "$build" --target replay_bench >&2
echo "policy,jobs,load,generate_s,replay_s,jobs_per_s,peak_rss_mib,utilization,mean_wait_s"
for jobs in 10000 100000 1000000; do
  for policy in fcfs easy; do
    "$build/bench/replay_bench" --jobs "$jobs" --policy "$policy" --load 0.9 \
      --ledger "${TMPDIR:-/tmp}/gpuledger_bench.sqlite"
  done
done
rm -f "${TMPDIR:-/tmp}"/gpuledger_bench.sqlite*
