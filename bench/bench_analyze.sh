#!/usr/bin/env bash
# Whole-file benchmark: `micdoctor analyze` (single-threaded, all metrics and
# findings) side by side with `sox FILE -n stats` and
# `ffmpeg -i FILE -af astats -f null -` on one hour of 48 kHz stereo 16-bit
# speech, in one run: each command is timed whole, REPEAT times in turn (the
# machine's noise varies), and the median time and the peak memory reported.
# Usage: bench/bench_analyze.sh [build/micdoctor] [SECONDS] [REPEAT]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
micdoctor=$(realpath "${1:-$here/../build/micdoctor}")
seconds=${2:-3600}
repeat=${3:-3}
work=${MICDOCTOR_BENCH_DIR:-$(mktemp -d)}
file="$work/speech-${seconds}s.wav"
[[ -f $file ]] || "$here/make_hour.sh" "$file" "$seconds"
cat "$file" > /dev/null  # warm the page cache: every tool reads from memory

measure() {  # name command... -> prints "name seconds peak_kib"
  local name=$1; shift
  # micdoctor exits 1 when it finds problems; time(1) still reports.
  /usr/bin/time -o "$work/time.out" -f '%e %M' "$@" > /dev/null 2>&1 || true
  echo "$name $(tail -1 "$work/time.out")"
}
for _ in $(seq "$repeat"); do
  measure micdoctor "$micdoctor" analyze --jobs 1 "$file"
  measure sox sox "$file" -n stats
  measure ffmpeg ffmpeg -hide_banner -nostats -i "$file" -af astats -f null -
done > "$work/times.txt"
python3 - "$work/times.txt" "$file" <<'PY'
import statistics
import sys
rows = [line.split() for line in open(sys.argv[1]) if line.strip()]
runs = {}
for name, seconds, kib in (r for r in rows if len(r) == 3):
    runs.setdefault(name, []).append((float(seconds), int(kib)))
times = {name: (statistics.median(t for t, _ in v), max(k for _, k in v)) for name, v in runs.items()}
print(f"file: {sys.argv[2]}; median of {len(runs['micdoctor'])} runs each")
print(f"{'tool':10} {'seconds':>8} {'peak MiB':>9} {'micdoctor faster by':>20}")
mine = times["micdoctor"][0]
for tool, (t, kib) in times.items():
    ratio = "" if tool == "micdoctor" else f"{t / mine:.2f}x"
    print(f"{tool:10} {t:8.2f} {kib / 1024:9.1f} {ratio:>20}")
PY
