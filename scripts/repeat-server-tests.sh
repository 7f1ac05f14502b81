#!/usr/bin/env bash
# Runs every test that starts a real sound server (or Chromium) N times in a row,
# with the parallelism CI uses, on an existing release build (scripts/build.sh).
# Prints one line per run and the count of green runs; exit 1 if any run failed.
#   scripts/repeat-server-tests.sh [N]      (default 10)
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-10}
pattern='^(servers|mic_test_.*|fix_.*|demo|html_report)$'
logs=$(mktemp -d)
green=0
for ((i = 1; i <= runs; i++)); do
  start=$(date +%s)
  if ctest --test-dir "$root/build" -R "$pattern" -j "$(nproc)" --output-on-failure > "$logs/run$i.log" 2>&1; then
    green=$((green + 1)); result=green
  else
    result="FAILED ($(grep -E '^\s+[0-9]+ - ' "$logs/run$i.log" | awk '{print $3}' | tr '\n' ' '); log: $logs/run$i.log)"
  fi
  echo "run $i: $result in $(($(date +%s) - start)) s"
done
echo "$green of $runs runs green"
((green == runs))
