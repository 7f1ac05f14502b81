#!/usr/bin/python3
"""`micdoctor analyze` on recordings begun in the middle of a sentence, as a
microphone test is when the person is already talking: clean speech must not
be read as noise, the background must be the one heard in the real pauses,
and talk without any pause is still a voice.

The background is measured in pauses, found against the quietest level of the
~2 s before each one; a recording begun mid-word first hears the quieter end
of that word. Judging each pause against the ~2 s after it too is what keeps
that end from being taken for the background (docs/microphone-test.md).

Usage: test_analyze_midsentence.py PATH/TO/micdoctor"""
import json
import os
import statistics
import subprocess
import sys
import tempfile
import unittest

MICDOCTOR = None
SENTENCES = ("Hello, can you hear me? I am testing my microphone before the meeting starts. "
             "Please tell me if the sound is clear, or if I should move closer.")
# espeak-ng voices and speeds: each put a word across some of the starts
# below (before the fix: 3 of 41 starts for the first, 6 of 41 for the second).
VOICES = [("en-us", "170"), ("en-gb", "130")]
STARTS = [round(0.05 * k, 2) for k in range(41)]  # 0 to 2 s
WINDOW_S = 3


def sox(directory, *args):
    subprocess.run(["sox", *args], check=True, cwd=directory, timeout=60, env=dict(os.environ, SOX_OPTS="-V1"))


def analyze(*paths):
    p = subprocess.run([MICDOCTOR, "analyze", "--format", "json", *paths], capture_output=True, timeout=120)
    if p.returncode not in (0, 1):
        raise AssertionError(p.stderr.decode(errors="replace"))
    return {os.path.basename(r["file"]): r for r in map(json.loads, p.stdout.decode().splitlines())}


class MidSentence(unittest.TestCase):
    def test_clean_speech_begun_mid_sentence_is_not_noise(self):
        with tempfile.TemporaryDirectory() as d:
            for index, (voice, speed) in enumerate(VOICES):
                with self.subTest(voice=voice, speed=speed):
                    self.check_voice(d, index, voice, speed)

    def check_voice(self, d, index, voice, speed):
        # As test_mic_test.py's clean content: speech near -27 dBFS over the
        # faint hiss of a real microphone, 48 kHz, with short pauses between.
        tts = f"voice{index}.wav"
        subprocess.run(["espeak-ng", "-v", voice, "-s", speed, "-w", tts, SENTENCES], check=True, cwd=d, timeout=60)
        sox(d, tts, "-r", "48000", f"speech{index}.wav", "norm", "-8", "pad", "0.3", "0.3", "repeat", "2")
        seconds = float(subprocess.run(["soxi", "-D", f"speech{index}.wav"], capture_output=True, check=True,
                                       cwd=d, timeout=60).stdout)
        sox(d, "-n", "-r", "48000", "-c", "1", f"hiss{index}.wav", "synth", str(seconds), "pinknoise", "vol", "0.0003")
        whole = f"whole{index}.wav"
        sox(d, "-m", f"speech{index}.wav", f"hiss{index}.wav", "-b", "16", whole)
        cuts = []
        for start in STARTS:
            cut = f"cut{index}-{start:.2f}.wav"
            sox(d, whole, cut, "trim", str(start), str(WINDOW_S))
            cuts.append(cut)
        reports = analyze(*(os.path.join(d, name) for name in [whole, *cuts]))
        reference = reports[whole]["metrics"]["noise_floor_dbfs"]
        self.assertIsNotNone(reference)
        noisy, off = [], []
        for cut in cuts:
            report = reports[cut]
            ids = [f["id"] for f in report["findings"]]
            if "signal.noisy" in ids:
                noisy.append((cut, report["metrics"].get("snr_db")))
            floor = report["metrics"].get("noise_floor_dbfs")
            if floor is not None and abs(floor - reference) > 3:
                off.append((cut, floor))
        self.assertEqual(noisy, [], f"clean speech read as noise (background {reference} dBFS in the whole)")
        self.assertEqual(off, [], f"background not the one of the whole recording ({reference} dBFS)")
        measured = [reports[c]["metrics"]["noise_floor_dbfs"] for c in cuts
                    if reports[c]["metrics"].get("noise_floor_dbfs") is not None]
        # Most windows hold a real pause: the background is measured, not left out.
        self.assertGreater(len(measured), len(cuts) // 2)
        self.assertLess(abs(statistics.median(measured) - reference), 1.5)

    def test_talk_without_a_pause_is_speech_wherever_the_window_falls(self):
        """As test_mic_test.py's continuous content: a sentence with every
        pause over 50 ms cut out, so no 3 s of it holds a pause. The quieter
        sounds of its words, steady for a moment, must not be taken for a
        background so loud that the voice vanishes under it (before: 4 of
        these 170 windows were "no voice")."""
        with tempfile.TemporaryDirectory() as d:
            subprocess.run(["espeak-ng", "-v", "en-us", "-s", "170", "-w", "voice.wav", SENTENCES * 2], check=True,
                           cwd=d, timeout=60)
            sox(d, "voice.wav", "-r", "48000", "tight.wav", "silence", "-l", "1", "0.02", "-45d", "-1", "0.05", "-45d",
                "norm", "-10", "repeat", "4")
            sox(d, "-n", "-r", "48000", "-c", "1", "hiss.wav", "synth", "22", "pinknoise", "vol", "0.0003")
            sox(d, "-m", "-v", "1", "tight.wav", "-v", "1", "hiss.wav", "-b", "16", "continuous.wav", "trim", "0", "20")
            cuts = []
            for k in range(170):
                cut = os.path.join(d, f"window-{k / 10:.1f}.wav")
                sox(d, "continuous.wav", cut, "trim", f"{k / 10:.1f}", str(WINDOW_S))
                cuts.append(cut)
            reports = analyze(*cuts)
            silent = [name for name, report in reports.items()
                      if any(f["id"] == "signal.no_speech" for f in report["findings"])]
            self.assertEqual(silent, [])
            for name, report in reports.items():
                level = report["metrics"]["speech_level_dbfs"]
                self.assertIsNotNone(level, name)
                self.assertGreater(level, -35, name)
                self.assertLess(level, -15, name)


if __name__ == "__main__":
    MICDOCTOR = sys.argv.pop(1)
    unittest.main()
