#!/usr/bin/python3
"""How often `micdoctor analyze` calls clean speech noisy when the recording
begins mid-sentence: 3 s windows begun every 50 ms over the first 2 s of an
espeak-ng sentence in three voices, and every 100 ms over the first 2 s of
Debian's recorded human readings (five LibriVox chapters from
pocketsphinx-testdata, codec2's reference recording), each over the faint
hiss of a real microphone (pink noise near -70 dBFS).

Usage: bench/midsentence_windows.py PATH/TO/micdoctor [PATH/TO/another/micdoctor ...]
Prints, per binary and source, the windows called signal.noisy."""
import glob
import json
import os
import subprocess
import sys
import tempfile

SENTENCES = ("Hello, can you hear me? I am testing my microphone before the meeting starts. "
             "Please tell me if the sound is clear, or if I should move closer.")
VOICES = [("en-us", "150"), ("en-us", "170"), ("en-gb", "130")]
HUMAN = sorted(glob.glob("/usr/share/pocketsphinx/test/data/librivox/*.wav")) + ["/usr/share/codec2/raw/speech_orig_16k.wav"]


def sox(d, *args):
    subprocess.run(["sox", *args], check=True, cwd=d, env=dict(os.environ, SOX_OPTS="-V1"))


def over_hiss(d, name, source, norm, pad):
    speech = f"{name}-speech.wav"
    sox(d, source, "-r", "48000", "-c", "1", speech, "norm", norm, *(["pad", "0.3", "0.3", "repeat", "2"] if pad else []))
    seconds = subprocess.run(["soxi", "-D", speech], capture_output=True, check=True, cwd=d).stdout.decode().strip()
    sox(d, "-n", "-r", "48000", "-c", "1", f"{name}-hiss.wav", "synth", seconds, "pinknoise", "vol", "0.0003")
    sox(d, "-m", speech, f"{name}-hiss.wav", "-b", "16", f"{name}.wav")
    return f"{name}.wav"


def windows(d, whole, name, step):
    out = []
    for k in range(int(round(2.0 / step)) + 1):
        cut = f"{name}-{k * step:.2f}.wav"
        sox(d, whole, cut, "trim", f"{k * step:.2f}", "3")
        out.append(os.path.join(d, cut))
    return out


def main():
    binaries = sys.argv[1:]
    with tempfile.TemporaryDirectory() as d:
        sources = {}
        for voice, speed in VOICES:
            name = f"espeak-{voice}-{speed}"
            subprocess.run(["espeak-ng", "-v", voice, "-s", speed, "-w", f"{name}-tts.wav", SENTENCES], check=True, cwd=d)
            sources[name] = windows(d, over_hiss(d, name, f"{name}-tts.wav", "-8", True), name, 0.05)
        for path in HUMAN:
            name = os.path.splitext(os.path.basename(path))[0]
            sources[name] = windows(d, over_hiss(d, name, path, "-10", False), name, 0.1)
        for binary in binaries:
            total_noisy = total = 0
            print(binary)
            for name, cuts in sources.items():
                p = subprocess.run([binary, "analyze", "--format", "json", *cuts], capture_output=True, check=False)
                noisy = [os.path.basename(r["file"]) for r in map(json.loads, p.stdout.decode().splitlines())
                         if any(f["id"] == "signal.noisy" for f in r["findings"])]
                total_noisy += len(noisy)
                total += len(cuts)
                print(f"  {name:48} {len(noisy):2} of {len(cuts)} noisy {' '.join(noisy)}")
            print(f"  all: {total_noisy} of {total} windows called noisy")


if __name__ == "__main__":
    main()
