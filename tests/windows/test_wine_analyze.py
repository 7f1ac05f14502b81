#!/usr/bin/python3
"""`micdoctor.exe analyze` under Wine: recordings decoded by Media Foundation
(Wine 8's mfplat/mfreadwrite over winegstreamer and the host's GStreamer
plugins) give the same verdict as the Linux build (libsndfile) on the same
files. Recordings are made here with espeak-ng, sox and ffmpeg: speech over
hiss, and its clipped, humming, narrowband and quiet versions.
- WAV (16-bit, 24-bit, 32-bit float), FLAC and --raw: the same samples as on
  Linux, so the same findings and the same metrics;
- MP3 and M4A (AAC): lossy, so the same findings and a level within 1 dB;
- the reasons a file cannot be read, and a file name outside ASCII.
With the Linux build (build/micdoctor, or the second argument) the verdicts
are compared with it; without it, with what each recording was made to show.
Usage: test_wine_analyze.py PATH/TO/micdoctor.exe [PATH/TO/linux/micdoctor]"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "servers"))
from test_mic_test import make_content  # noqa: E402
from wineprefix import WinePrefix  # noqa: E402

EXE = None
LINUX = None
# What each recording was made to show (make_content), for when there is no Linux build to ask.
MADE_TO_SHOW = {"clean": None, "clipped": "signal.clipping", "hum": "signal.hum",
                "narrowband": "signal.narrowband", "quiet": "signal.too_quiet"}
LEVELS = ("peak_dbfs", "rms_dbfs", "noise_floor_dbfs", "speech_level_dbfs")


class Analyze(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="micdoctor-wine-analyze-")
        cls.wine = WinePrefix(cls.dir, sound=False, display=False).start()
        cls.env = cls.wine.env
        cls.files = make_content(cls.dir)  # while Wine makes its prefix
        sox_env = dict(os.environ, SOX_OPTS="-V1")
        for name in ("clean", "hum"):
            wav = cls.files[name]
            for ext in ("flac", "mp3"):
                subprocess.run(["sox", wav, wav[:-3] + ext], check=True, env=sox_env, timeout=60)
            subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-i", wav, "-c:a", "aac", "-b:a", "128k",
                            wav[:-3] + "m4a"], check=True, timeout=60)
        clean = cls.files["clean"]
        subprocess.run(["sox", clean, "-b", "24", os.path.join(cls.dir, "clean24.wav")], check=True, env=sox_env)
        subprocess.run(["sox", clean, "-e", "floating-point", "-b", "32", os.path.join(cls.dir, "cleanf.wav")],
                       check=True, env=sox_env)
        subprocess.run(["sox", cls.files["hum"], "-c", "2", os.path.join(cls.dir, "hum-stereo.wav")], check=True,
                       env=sox_env)
        subprocess.run(["sox", clean, "-t", "raw", os.path.join(cls.dir, "clean.raw")], check=True, env=sox_env)
        cls.wine.wait()

    @classmethod
    def tearDownClass(cls):
        cls.wine.stop()
        shutil.rmtree(cls.dir, ignore_errors=True)

    def windows(self, *args):
        """micdoctor.exe analyze under Wine, run in the files' directory; (status, JSON lines by file)."""
        p = subprocess.run(["wine", EXE, "analyze", "--format", "json", "--jobs", "2", *args], env=self.env,
                           cwd=self.dir, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120)
        return p.returncode, {line["file"]: line for line in map(json.loads, p.stdout.splitlines())}, p.stderr

    def linux(self, *args):
        p = subprocess.run([LINUX, "analyze", "--format", "json", *args], cwd=self.dir, capture_output=True,
                           text=True, timeout=120)
        return {line["file"]: line for line in map(json.loads, p.stdout.splitlines())}

    @staticmethod
    def verdict(line):
        return sorted((f["id"], f["severity"]) for f in line["findings"])

    def assertSameSamples(self, windows, linux, what):
        """The same samples decoded: the same verdict and the same numbers."""
        self.assertNotIn("error", windows, what)
        self.assertEqual(self.verdict(windows), self.verdict(linux), what)
        for key, value in linux["metrics"].items():
            if isinstance(value, float):
                self.assertAlmostEqual(windows["metrics"][key], value, delta=0.011, msg=f"{what}: {key}")
            else:
                self.assertEqual(windows["metrics"][key], value, f"{what}: {key}")

    def test_wav_gives_the_verdict_linux_gives(self):
        names = [os.path.basename(self.files[n]) for n in MADE_TO_SHOW] + ["clean24.wav", "cleanf.wav",
                                                                              "hum-stereo.wav"]
        status, results, stderr = self.windows(*names)
        self.assertEqual(status, 1, stderr)  # some recordings are faulty
        self.assertEqual(list(results), names)  # in the order given, each read
        for kind, made_to_show in MADE_TO_SHOW.items():
            ids = [f["id"] for f in results[f"{kind}.wav"]["findings"] if f["severity"] != "info"]
            self.assertIn(made_to_show, ids or [None], f"{kind}.wav: {ids}")
        if LINUX:
            expected = self.linux(*names)
            for name in names:
                self.assertSameSamples(results[name], expected[name], name)
        self.assertEqual(self.verdict(results["clean24.wav"]), self.verdict(results["clean.wav"]))
        self.assertEqual(self.verdict(results["cleanf.wav"]), self.verdict(results["clean.wav"]))
        self.assertEqual(results["hum-stereo.wav"]["metrics"]["channels"], 2)

    def test_flac_is_the_same_samples_as_the_wav(self):
        status, results, stderr = self.windows("clean.flac", "hum.flac", "clean.wav", "hum.wav")
        self.assertEqual(status, 1, stderr)
        for name in ("clean", "hum"):
            self.assertSameSamples(results[f"{name}.flac"], results[f"{name}.wav"], f"{name}.flac")

    def test_mp3_and_m4a_give_the_verdict_of_the_wav(self):
        names = ["clean.mp3", "hum.mp3", "clean.m4a", "hum.m4a"]
        status, results, stderr = self.windows(*names, "clean.wav", "hum.wav")
        self.assertEqual(status, 1, stderr)
        for name in names:
            with self.subTest(name=name):
                decoded, wav = results[name], results[name[:-3] + "wav"]
                self.assertNotIn("error", decoded)
                self.assertEqual(self.verdict(decoded), self.verdict(wav))
                # Encoders pad the start and the end by a few milliseconds.
                self.assertAlmostEqual(decoded["metrics"]["duration_s"], wav["metrics"]["duration_s"], delta=0.1)
                self.assertEqual(decoded["metrics"]["sample_rate"], 48000)
                self.assertAlmostEqual(decoded["metrics"]["rms_dbfs"], wav["metrics"]["rms_dbfs"], delta=1.0)

    def test_raw_pcm_reads_as_on_linux(self):
        status, results, stderr = self.windows("--raw", "s16le,48000,1", "clean.raw")  # --raw is for every file
        self.assertEqual(status, 0, stderr)
        _, wav, _ = self.windows("clean.wav")
        self.assertSameSamples(results["clean.raw"], wav["clean.wav"], "clean.raw")
        if LINUX:
            self.assertSameSamples(results["clean.raw"], self.linux("--raw", "s16le,48000,1", "clean.raw")["clean.raw"],
                                   "clean.raw")

    def test_a_file_that_cannot_be_read_says_why(self):
        os.makedirs(os.path.join(self.dir, "folder.wav"), exist_ok=True)
        open(os.path.join(self.dir, "empty.wav"), "wb").close()
        with open(os.path.join(self.dir, "notes.wav"), "w", encoding="ascii") as f:
            f.write("these are notes, not sound\n")
        status, results, stderr = self.windows("missing.wav", "folder.wav", "empty.wav", "notes.wav", "clean.wav")
        self.assertEqual(status, 2)
        self.assertEqual(results["missing.wav"]["error"], "no such file")
        self.assertEqual(results["folder.wav"]["error"], "is a directory, not a file")
        self.assertEqual(results["empty.wav"]["error"], "empty file (0 bytes)")
        self.assertTrue(results["notes.wav"]["error"].startswith("not an audio file"), results["notes.wav"])
        self.assertNotIn("error", results["clean.wav"])  # the others are still judged
        self.assertIn("micdoctor: notes.wav: not an audio file", stderr)

    def test_a_file_name_outside_ascii(self):
        name = "voix enregistrée ✓ микрофон.wav"
        shutil.copy(self.files["hum"], os.path.join(self.dir, name))
        status, results, stderr = self.windows(name)
        self.assertEqual(status, 1, stderr)
        self.assertIn("signal.hum", [f["id"] for f in results[name]["findings"]])


if __name__ == "__main__":
    EXE = os.path.abspath(sys.argv.pop(1))
    if len(sys.argv) > 1:
        LINUX = os.path.abspath(sys.argv.pop(1))
    else:
        default = os.path.join(HERE, "..", "..", "build", "micdoctor")
        LINUX = os.path.abspath(default) if os.access(default, os.X_OK) else None
    unittest.main(verbosity=2)
