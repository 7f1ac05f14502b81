#!/usr/bin/env bash
# Builds the libFuzzer target with clang and runs it for a while from a seed
# corpus of small valid files in every supported container.
# Usage: fuzz/run.sh [SECONDS]   (default 60)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-60}
build="$root/build-fuzz"
cmake -S "$root" -B "$build" -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DMICDOCTOR_FUZZ=ON -DMICDOCTOR_TESTS=OFF -DMICDOCTOR_BENCH=OFF > /dev/null
cmake --build "$build" --target micdoctor_fuzz -j "$(nproc)" > /dev/null
seeds="$build/seeds"
mkdir -p "$seeds"
if [[ -z $(ls -A "$seeds") ]]; then
  sox -D -n -r 8000 -c 1 -b 16 "$seeds/a.wav" synth 0.3 sine 440
  sox -D -n -r 16000 -c 2 -b 24 "$seeds/b.flac" synth 0.2 pinknoise
  sox -D -n -r 22050 -c 1 -e floating-point -b 32 "$seeds/c.wav" synth 0.2 square 50
  sox -D -n -r 44100 -c 1 -b 16 "$seeds/d.aiff" synth 0.1 sine 1000
  sox -D -n -r 48000 -c 2 "$seeds/e.ogg" synth 0.5 sine 300
  sox -D -n -r 11025 -c 1 -b 8 "$seeds/f.caf" synth 0.1 sine 100 2> /dev/null || true
fi
work="$build/corpus"
mkdir -p "$work"
LSAN_OPTIONS="suppressions=$root/fuzz/lsan.supp" \
  "$build/fuzz/micdoctor_fuzz" "$work" "$seeds" -max_total_time="$seconds" -max_len=65536 -timeout=10 \
  -rss_limit_mb=1024 -print_final_stats=1 2>&1 | tail -12
