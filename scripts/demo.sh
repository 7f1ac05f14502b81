#!/usr/bin/env bash
# Installs what micdoctor needs, builds it, and shows its main job on this
# machine: `micdoctor analyze` on freshly generated recordings, one clean and
# one for each of several typical faults. Nothing is recorded from a
# microphone and nothing leaves the machine; the files go to a temporary
# directory that is removed afterwards.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh" > /dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

espeak-ng -v en-us -s 150 -w "$work/voice.wav" \
  "Hello, can you hear me? I am testing my microphone before the meeting starts. Please tell me if the sound is clear."
cd "$work"
export SOX_OPTS="-V1"  # quiet: the clipping is on purpose
# A microphone always has a little hiss; the clean take gets a -70 dBFS noise floor.
sox -n -r 48000 -c 1 noise.wav synth "$(soxi -D voice.wav)" pinknoise vol 0.0003
sox -m -v 1 "|sox voice.wav -p rate 48000 norm -8 pad 0.4 0.4" -v 1 "|sox noise.wav -p pad 0.4 0.4" -b 16 1-clean.wav
sox 1-clean.wav 2-clipping.wav gain 14
sox -m 1-clean.wav "|sox -n -r 48000 -c 1 -p synth $(soxi -D 1-clean.wav) sine 50 vol 0.05" 3-mains-hum.wav
sox 1-clean.wav 4-bluetooth-headset.wav sinc -3.4k
sox 1-clean.wav 5-far-too-quiet.wav gain -38
sox -D -n -r 48000 -c 1 -b 16 6-muted.wav trim 0 3  # a muted input delivers exact zeros

echo "micdoctor analyze on six generated recordings:"
echo
"$root/build/micdoctor" analyze 1-clean.wav 2-clipping.wav 3-mains-hum.wav 4-bluetooth-headset.wav \
  5-far-too-quiet.wav 6-muted.wav || true
