#!/usr/bin/env bash
# The HTML report of a large run (bench/README.md, issue 14's targets): the
# 1M-job SWF trace of bench/side_by_side.py replayed into a fresh ledger,
# then `gpuledger report --html` timed (wall, peak memory, page size), and the
# page's render time in Debian's Chromium (bench/page_render.js: navigation to
# every chart drawn, median of --runs fresh tabs). Prints CSV rows.
# Usage: bench/page_bench.sh [build-dir] [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
runs=${2:-5}
cmake --build "$build" --target gpuledger >&2
modules=$build/browser/node_modules
if [ ! -d "$modules/playwright-core" ]; then   # the browser test's install
  (cd "$build/browser" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error) >&2
fi
ledger=$(bench/big_ledger.sh "$build" page)
dir=$(dirname "$ledger")
page=$dir/page.html
echo "what,runs,median_s,min_s,max_s,extra"
walls=()
for _ in $(seq "$runs"); do
  rm -f "$page"
  /usr/bin/time -f "%e %M" -o "$dir/time.out" "$build/gpuledger" report --ledger "$ledger" \
    --html "$page" >/dev/null
  walls+=("$(cat "$dir/time.out")")
done
printf '%s\n' "${walls[@]}" | sort -n | awk -v n="$runs" -v bytes="$(stat -c %s "$page")" '
  { wall[NR] = $1; if ($2 > peak) peak = $2 }
  END { printf "write,%d,%.3f,%.3f,%.3f,%.0f MiB peak; page %d bytes\n",
        n, wall[int((n + 1) / 2)], wall[1], wall[n], peak / 1024, bytes }'
NODE_PATH=$modules node bench/page_render.js "$page" --runs "$runs" | sed 's/$/,Chromium '"$(chromium --version 2>/dev/null | awk '{print $2}')"'/'
