#!/usr/bin/env bash
# The 1M-job run the gRPC and page benchmarks measure (bench/README.md):
# bench/side_by_side.py's 1M-job SWF trace (written once, then kept) replayed
# with EASY into a fresh ledger NAME.sqlite. Prints the ledger's path.
# Usage: bench/big_ledger.sh BUILD-DIR NAME
set -euo pipefail
cd "$(dirname "$0")/.."
build=$1
dir=${TMPDIR:-/tmp}/gpuledger-bench
mkdir -p "$dir"
trace=$dir/t1000000.swf
[ -f "$trace" ] || python3 bench/make_swf.py --jobs 1000000 -o "$trace" >&2
ledger=$dir/$2.sqlite
rm -f "$ledger" "$ledger-wal" "$ledger-shm"
"$build/gpuledger" replay "$trace" --policy easy --ledger "$ledger" >/dev/null
echo "$ledger"
