#!/usr/bin/env bash
# Builds the libFuzzer targets with clang and runs them for a while: the
# decode-and-analyse path from small valid files in every supported
# container, the snapshot-check-report-fix-plan path (and the journal
# reader) from the recorded fixtures and journal, and the alsa-info reader
# from the real dumps.
# Usage: fuzz/run.sh [SECONDS]   (default 60, shared between the three targets)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-60}
build="$root/build-fuzz"
cmake -S "$root" -B "$build" -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DMICDOCTOR_FUZZ=ON -DMICDOCTOR_TESTS=OFF -DMICDOCTOR_BENCH=OFF > /dev/null
cmake --build "$build" --target micdoctor_fuzz micdoctor_fuzz_snapshot micdoctor_fuzz_alsa_info -j "$(nproc)" > /dev/null
seeds="$build/seeds"
mkdir -p "$seeds"
if [[ -z $(ls -A "$seeds") ]]; then
  sox -D -n -r 8000 -c 1 -b 16 "$seeds/a.wav" synth 0.3 sine 440
  sox -D -n -r 16000 -c 2 -b 24 "$seeds/b.flac" synth 0.2 pinknoise
  sox -D -n -r 22050 -c 1 -e floating-point -b 32 "$seeds/c.wav" synth 0.2 square 50
  sox -D -n -r 44100 -c 1 -b 16 "$seeds/d.aiff" synth 0.1 sine 1000
  sox -D -n -r 48000 -c 2 "$seeds/e.ogg" synth 0.5 sine 300
  sox -D -n -r 11025 -c 1 -b 8 "$seeds/f.caf" synth 0.1 sine 100 2> /dev/null || true
  sox -D -n -r 48000 -c 2 -b 16 "$seeds/g.wav" synth 0.2 sine 440 sine 660  # the 16-bit stereo fast path
fi
fuzz() {  # target seeds seconds
  local work="$build/corpus-$1" log="$build/$1.log"
  mkdir -p "$work"
  echo "-- $1 ($3 s)"
  local status=0
  LSAN_OPTIONS="suppressions=$root/fuzz/lsan.supp" \
    "$build/fuzz/$1" "$work" "$2" -max_total_time="$3" -max_len=65536 -timeout=10 \
    -rss_limit_mb=1024 -print_final_stats=1 -artifact_prefix="$build/" > "$log" 2>&1 || status=$?
  grep -E "^(Done|stat::(number_of_executed|new_units|peak_rss))" "$log" || true
  if ((status != 0)); then
    # The whole report, so a failure in CI can be read there.
    grep -vE "^(INFO|#[0-9])" "$log" | tail -80
    echo "-- $1 failed (status $status); the input is saved in $build/"
    return 1
  fi
}
fuzz micdoctor_fuzz "$seeds" $((seconds / 2))
seeds_snapshot="$build/seeds-snapshot"
mkdir -p "$seeds_snapshot"
cp "$root"/tests/fixtures/snapshots/*.json "$root"/tests/fixtures/journals/*.json "$root"/data/known-bad-versions.json \
  "$seeds_snapshot"/
fuzz micdoctor_fuzz_snapshot "$seeds_snapshot" $((seconds / 4))
seeds_alsa_info="$build/seeds-alsa-info"
mkdir -p "$seeds_alsa_info"
cp "$root"/tests/fixtures/alsa-info/*.txt "$seeds_alsa_info"/
fuzz micdoctor_fuzz_alsa_info "$seeds_alsa_info" $((seconds / 4))
