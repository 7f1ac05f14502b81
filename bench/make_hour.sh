#!/usr/bin/env bash
# Makes the benchmark recording: one hour of speech, 48 kHz, stereo, 16-bit
# WAV (about 660 MiB), from the packaged voices (espeak-ng, flite and the
# recordings alsa-utils ships), with pauses and a -60 dBFS microphone noise
# floor, so that every part of the analysis does its real work.
# Usage: bench/make_hour.sh OUT.wav [SECONDS]
set -euo pipefail
out=${1:?usage: make_hour.sh OUT.wav [SECONDS]}
seconds=${2:-3600}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

texts=("Hello, can you hear me? I am testing my microphone before the meeting starts."
       "The quick brown fox jumps over the lazy dog, and then it runs back home."
       "Please check the audio settings; the others in the call say they hear nothing at all.")
parts=()
i=0
for text in "${texts[@]}"; do
  for voice in en-us en-gb en-us+f3; do
    espeak-ng -v "$voice" -w "$work/e$i.wav" "$text"
    parts+=("$work/e$i.wav"); i=$((i + 1))
  done
  for voice in slt rms; do
    flite -voice "$voice" -t "$text" -o "$work/f$i.wav"
    parts+=("$work/f$i.wav"); i=$((i + 1))
  done
done
for clip in Front_Center Front_Left Rear_Right Side_Left; do parts+=("/usr/share/sounds/alsa/$clip.wav"); done

# Each phrase at 48 kHz mono, followed by 0.6 s of pause, into one minute-ish loop.
loop=()
for p in "${parts[@]}"; do
  sox "$p" -r 48000 -c 1 -b 16 "$work/p$((${#loop[@]})).wav" rate -v norm -3 pad 0 0.6
  loop+=("$work/p$((${#loop[@]})).wav")
done
sox "${loop[@]}" "$work/loop.wav"
loop_seconds=$(soxi -D "$work/loop.wav")
repeats=$(python3 -c "import math; print(max(0, math.ceil($seconds / $loop_seconds) - 1))")
sox "$work/loop.wav" "$work/long.wav" repeat "$repeats" trim 0 "$seconds"
# Stereo with a little difference between the channels, plus the noise floor.
sox -n -r 48000 -c 2 -b 16 "$work/noise.wav" synth "$seconds" pinknoise vol 0.001
sox -M "$work/long.wav" "$work/long.wav" "$work/speech2.wav" remix 1 2v0.9
sox -m "$work/speech2.wav" "$work/noise.wav" -b 16 "$out"
