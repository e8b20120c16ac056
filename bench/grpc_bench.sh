#!/usr/bin/env bash
# gRPC under load (bench/README.md): replays the 1M-job SWF trace of
# bench/side_by_side.py into a fresh ledger, serves it on 127.0.0.1 (any free
# port), and runs bench/grpc_load against it: GetCostReport by project and
# by day, ListJobs pages, GetRun, at 1, 8 and 64 concurrent clients, a few
# seconds each; prints one CSV row per call and client count.
# Usage: bench/grpc_bench.sh [build-dir] [seconds-per-cell]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
seconds=${2:-3}
cmake --build "$build" --target gpuledger grpc_load >&2
ledger=$(bench/big_ledger.sh "$build" grpc)
dir=$(dirname "$ledger")
out=$dir/serve.out
"$build/gpuledger" serve --ledger "$ledger" --listen 127.0.0.1:0 >"$out" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null' EXIT
for _ in $(seq 600); do   # "listening on 127.0.0.1:PORT", within a minute
  grep -q '^listening on ' "$out" && break
  sleep 0.1
done
address=$(sed -n 's/^listening on \([^ ]*\).*/\1/p' "$out" | head -1)
[ -n "$address" ] || { echo "grpc_bench: the server did not start: $(cat "$out")" >&2; exit 1; }
"$build/bench/grpc_load" --server "$address" --run runs/1 --seconds "$seconds"
