#!/usr/bin/env bash
# Installs what micdoctor needs, builds it, and runs its main job:
# `micdoctor check` on this machine. Where no sound server runs (a server or
# a fresh VM), it then runs `micdoctor demo`: check, fix, the microphone test
# and undo on a private PulseAudio of its own with typical faults, removed
# again at the end. Last, `micdoctor analyze` on generated recordings with
# typical faults. Nothing is recorded from a real microphone, nothing is
# changed on this machine's sound server, nothing leaves it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh" > /dev/null
micdoctor="$root/build/micdoctor"
work=$(mktemp -d)
cleanup() { rm -rf "$work"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "== micdoctor check on this machine"
echo
if "$micdoctor" check; then :; fi

if ! "$micdoctor" devices > /dev/null 2>&1; then
  echo
  echo "== No sound server runs here, so here is micdoctor demo: check, fix, the microphone test"
  echo "   and undo on a private PulseAudio of its own with typical faults (removed again at the end)"
  echo
  "$micdoctor" demo
fi

echo
echo "== micdoctor analyze on six generated recordings"
echo
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
"$micdoctor" analyze 1-clean.wav 2-clipping.wav 3-mains-hum.wav 4-bluetooth-headset.wav \
  5-far-too-quiet.wav 6-muted.wav || true
