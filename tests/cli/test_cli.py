#!/usr/bin/python3
"""End-to-end tests of `micdoctor analyze`: the exit-status contract, JSON
Lines in argument order, one-line errors for bad files, escaping of hostile
file names, and no hang on pipes. Usage: test_cli.py PATH/TO/micdoctor"""
import json
import math
import os
import stat
import struct
import subprocess
import sys
import tempfile
import unittest
import wave

MICDOCTOR = None
VOICE = "/usr/share/sounds/alsa/Front_Center.wav"  # a real voice recording (alsa-utils)


def write_wav(path, samples, rate=16000, channels=1):
    with wave.open(path, "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(b"".join(struct.pack("<h", max(-32768, min(32767, int(s * 32767)))) for s in samples))


def run(*args, timeout=60):
    return subprocess.run([MICDOCTOR, *args], capture_output=True, timeout=timeout)


class Cli(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.TemporaryDirectory()
        d = cls.dir.name
        cls.silence = os.path.join(d, "silence.wav")
        write_wav(cls.silence, [0.0] * 32000)
        cls.tone = os.path.join(d, "hum.wav")
        write_wav(cls.tone, [0.1 * math.sin(2 * math.pi * 50 * i / 16000) for i in range(48000)])

    @classmethod
    def tearDownClass(cls):
        cls.dir.cleanup()

    def test_usage_errors_exit_2(self):
        self.assertEqual(run().returncode, 2)
        self.assertEqual(run("frobnicate").returncode, 2)
        self.assertEqual(run("analyze").returncode, 2)
        p = run("analyze", "--format", "yaml", VOICE)
        self.assertEqual(p.returncode, 2)
        self.assertIn(b"--format", p.stderr)
        self.assertEqual(run("analyze", "--bogus", VOICE).returncode, 2)
        self.assertEqual(run("help").returncode, 0)

    # Each command and the options its help must name (a sample: the help lists every declared option).
    COMMANDS = {
        "check": ["--device", "--format", "--output", "--verbose", "--snapshot", "--alsa-info", "--test", "--save",
                  "--full"],
        "test": ["--device", "--seconds", "--save", "--format", "--output", "--full"],
        "devices": ["--format", "--snapshot"],
        "drivers": ["--format", "--refresh", "--output", "--snapshot"],
        "fix": ["--device", "--yes", "--dry-run", "--only", "--format", "--test", "--snapshot", "source.unmute"],
        "undo": ["--all", "--list", "--format"],
        "analyze": ["--format", "--output", "--jobs", "--raw"],
        "demo": [],
    }

    def test_every_command_prints_its_own_help_and_exits_0(self):
        for command, options in self.COMMANDS.items():
            for argv in ([command, "--help"], [command, "-h"], ["help", command]):
                with self.subTest(argv=argv):
                    p = run(*argv, timeout=10)
                    self.assertEqual(p.returncode, 0, p.stderr)
                    self.assertEqual(p.stderr, b"")
                    out = p.stdout.decode()
                    self.assertIn(f"micdoctor {command} [OPTIONS]", out)
                    for option in options:
                        self.assertIn(option, out)
                    # Only this command's options: help of another command would name its own.
                    other = "--seconds" if command != "test" else "--snapshot"
                    self.assertNotIn(other, out)
        # The overview lists every command.
        p = run("help")
        for command in self.COMMANDS:
            self.assertIn(f"\n  {command} ", p.stdout.decode())

    def test_usage_mistakes_are_one_line_and_the_hint_to_help(self):
        cases = [
            (["check", "--bogus"], "unknown option --bogus"),
            (["check", "stray"], "unexpected argument 'stray'"),
            (["check", "--format"], "--format needs a value"),
            (["check", "--format", "yaml"], "--format must be"),
            (["test", "--seconds", "99"], "--seconds must be from 0.5 to 60"),
            (["devices", "--format", "html"], "--format must be text or json"),
            (["fix", "--yes=3"], "--yes takes no value"),
            (["fix", "--only", "source.explode"], "--only needs a fix id"),
            (["undo", "--format", "xml"], "--format must be text or json"),
            (["analyze", "--jobs", "0", VOICE], "--jobs must be a number"),
            (["demo", "now"], "demo takes no options"),
            (["check", "--alsa-info"], "--alsa-info needs a value"),
            (["check", "--alsa-info", "dump.txt", "--test"], "--alsa-info judges a dump; it cannot listen"),
            (["check", "--alsa-info", "dump.txt", "--snapshot", "s.json"], "--snapshot or --alsa-info, not both"),
            (["check", "--alsa-info", "dump.txt", "--device", "mic"], "an alsa-info dump has none"),
        ]
        for argv, problem in cases:
            with self.subTest(argv=argv):
                p = run(*argv, timeout=10)
                self.assertEqual(p.returncode, 2, p.stdout)
                lines = p.stderr.decode().splitlines()
                self.assertEqual(len(lines), 2, lines)
                self.assertIn(f"micdoctor {argv[0]}: ", lines[0])
                self.assertIn(problem, lines[0])
                self.assertIn(f"micdoctor help {argv[0]}", lines[1])
        p = run("help", "frobnicate")
        self.assertEqual(p.returncode, 2)
        self.assertIn(b"unknown command 'frobnicate'", p.stderr)

    def test_the_commands_run_with_their_options_on_a_snapshot(self):
        fixture = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "snapshots",
                               "laptop_usb_headset_healthy.json")
        for argv in (["devices", "--snapshot", fixture], ["devices", "--format", "json", "--snapshot", fixture],
                     ["check", "--snapshot", fixture, "-v"], ["check", "--format=json", "--snapshot", fixture],
                     ["fix", "--dry-run", "--snapshot", fixture, "--format", "json"]):
            with self.subTest(argv=argv):
                p = run(*argv, timeout=20)
                self.assertIn(p.returncode, (0, 1), p.stderr)
                self.assertEqual(p.stderr, b"")
                if "json" in argv or "--format=json" in argv:
                    json.loads(p.stdout)

    def one_line_error(self, *argv):
        p = run(*argv, timeout=10)
        self.assertEqual(p.returncode, 2, p.stdout)
        lines = p.stderr.decode().splitlines()
        self.assertEqual(len(lines), 1, lines)
        return lines[0]

    def test_a_file_that_is_no_snapshot_is_named_plainly(self):
        d = self.dir.name
        files = {"array.json": b"[1, 2]", "no-schema.json": b'{"devices": []}', "empty.json": b"",
                 "cut.json": b'{"schema": "micdoctor.snapshot/1",\n "devices": [', "text.json": b'"hello"'}
        for name, content in files.items():
            with open(os.path.join(d, name), "wb") as f:
                f.write(content)
        expected = {VOICE: "not JSON: it is a recording", "array.json": "JSON, but an array",
                    "no-schema.json": 'without a "schema"', "empty.json": "the file is empty",
                    "cut.json": "not valid JSON: stops at line 2", "text.json": "JSON, but a string"}
        for name, words in expected.items():
            with self.subTest(file=name):
                line = self.one_line_error("check", "--snapshot", os.path.join(d, name))
                self.assertIn("not a micdoctor snapshot", line)
                self.assertIn(words, line)
                self.assertNotIn("json.exception", line)  # never the JSON library's own message

    ALSA_INFO = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "alsa-info")

    def test_alsa_info_dump_in_every_format(self):
        dump = os.path.join(self.ALSA_INFO, "lifebook-u7511-legacy-forced-0.5.0.txt")
        for fmt in ("text", "json", "html", "markdown"):
            with self.subTest(format=fmt):
                p = run("check", "--alsa-info", dump, "--format", fmt, timeout=20)
                self.assertIn(p.returncode, (0, 1), p.stderr)
                self.assertEqual(p.stderr, b"")
                self.assertIn(b"PCH", p.stdout)
        j = json.loads(run("check", "--alsa-info", dump, "--format", "json").stdout)
        self.assertEqual(j["schema"], "micdoctor.check/1")
        self.assertFalse(j["server"]["reachable"])
        self.assertEqual([c["id"] for c in j["kernel"]["cards"]], ["PCH"])
        # Steps 0, 1 and 3 need a sound server, which a dump does not have: not judged.
        not_judged = {f["step"] for f in j["findings"] if f["id"] == "check.not_judged"}
        self.assertEqual(not_judged, {0, 1, 3})
        self.assertNotIn("server.unreachable", [f["id"] for f in j["findings"]])

    def test_alsa_info_json_names_its_source(self):
        dump = os.path.join(self.ALSA_INFO, "medion-capture-off-0.4.64.txt")
        j = json.loads(run("check", "--alsa-info", dump, "--format", "json").stdout)
        if "source" not in j:
            self.skipTest("the snapshot JSON writes \"source\" from main's 8141aef on")
        self.assertEqual(j["source"], "alsa-info")

    def test_alsa_info_mangled_dump_on_standard_input(self):
        with open(os.path.join(self.ALSA_INFO, "lifebook-u7511-mangled.txt"), "rb") as f:
            mangled = f.read()
        p = subprocess.run([MICDOCTOR, "check", "--alsa-info", "-", "--format", "json"], input=mangled,
                           capture_output=True, timeout=20)
        self.assertIn(p.returncode, (0, 1), p.stderr)
        j = json.loads(p.stdout)
        self.assertEqual([c["id"] for c in j["kernel"]["cards"]], ["PCH"])
        self.assertEqual(j["kernel"]["cards"][0]["address"], "0000:00:1f.3")

    def test_alsa_info_refuses_what_is_no_dump_in_one_line(self):
        d = self.dir.name
        files = {"notes.txt": b"my microphone does not work\nplease help\n", "empty.txt": b"",
                 "binary.txt": b"!!ALSA Information Script v 0.5.3\n\x00\x01\x02"}
        for name, content in files.items():
            with open(os.path.join(d, name), "wb") as f:
                f.write(content)
        big = os.path.join(d, "big.txt")
        with open(big, "wb") as f:
            f.truncate((16 << 20) + 1)  # sparse: refused by its size, never read
        expected = {"notes.txt": "not an alsa-info dump", "empty.txt": "not an alsa-info dump",
                    "binary.txt": "binary data", "big.txt": "larger than 16 MiB", "missing.txt": "cannot open",
                    ".": "not a regular file"}
        for name, words in expected.items():
            with self.subTest(file=name):
                line = self.one_line_error("check", "--alsa-info", os.path.join(d, name))
                self.assertIn(words, line)
        p = subprocess.run([MICDOCTOR, "check", "--alsa-info", "-"], input=b"{}", capture_output=True, timeout=10)
        self.assertEqual(p.returncode, 2)
        self.assertIn(b"standard input: not an alsa-info dump", p.stderr)

    def test_alsa_info_hostile_card_name_is_escaped(self):
        with open(os.path.join(self.ALSA_INFO, "medion-capture-off-0.4.64.txt"), "rb") as f:
            dump = f.read()
        hostile = b"E\x1b[2J\x07<b>"  # an id is at most 15 characters
        dump = dump.replace(b" 0 [PCH            ]: HDA-Intel", b" 0 [" + hostile.ljust(15) + b"]: HDA-Intel")
        path = os.path.join(self.dir.name, "hostile-dump.txt")
        with open(path, "wb") as f:
            f.write(dump)
        p = run("check", "--alsa-info", path, timeout=20)
        self.assertIn(p.returncode, (0, 1), p.stderr)
        self.assertNotIn(b"\x1b", p.stdout)
        self.assertNotIn(b"\x07", p.stdout)
        self.assertIn(b"E\\x1B[2J\\x07<b>", p.stdout)
        html = run("check", "--alsa-info", path, "--format", "html", timeout=20).stdout
        self.assertNotIn(b"\x1b", html)
        self.assertNotIn(b"<b>", html)
        j = json.loads(run("check", "--alsa-info", path, "--format", "json").stdout)
        self.assertEqual(j["kernel"]["cards"][0]["id"], "E\x1b[2J\x07<b>")  # exact in JSON

    def test_files_that_cannot_be_written_say_why_before_any_work(self):
        d = self.dir.name
        blocker = os.path.join(d, "a-file")
        with open(blocker, "w") as f:
            f.write("x")
        missing = os.path.join(d, "missing", "dir")
        cases = [
            (["check", "--output", os.path.join(missing, "r.html")], "--output", f"no such directory: {missing}"),
            (["check", "--format", "markdown", "--output", d], "--output", "it is a directory"),
            (["check", "--output", os.path.join(blocker, "r.md")], "--output", f"{blocker} is not a directory"),
            (["analyze", "--format", "html", "--output", os.path.join(missing, "r.html"), VOICE], "--output",
             f"no such directory: {missing}"),
            (["test", "--save", os.path.join(missing, "x.wav")], "--save", f"no such directory: {missing}"),
            (["check", "--test", "--save", d], "--save", "it is a directory"),
        ]
        for argv, option, reason in cases:
            with self.subTest(argv=argv):
                line = self.one_line_error(*argv)
                self.assertIn(f"micdoctor: {option}: cannot write", line)
                self.assertIn(f"({reason})", line)
        self.assertEqual(os.listdir(d).count("a-file"), 1)
        self.assertFalse([n for n in os.listdir(d) if "partial" in n])

    def test_a_link_planted_at_the_partial_name_is_neither_followed_nor_truncated(self):
        d = tempfile.mkdtemp(dir=self.dir.name)
        victim = os.path.join(d, "precious.txt")
        with open(victim, "w") as f:
            f.write("keep me")
        report = os.path.join(d, "r.md")
        os.symlink(victim, report + ".micdoctor-partial")
        p = run("analyze", "--format", "markdown", "--output", report, VOICE, timeout=30)
        self.assertIn(p.returncode, (0, 1), p.stderr)
        with open(victim) as f:
            self.assertEqual(f.read(), "keep me")
        self.assertFalse(os.path.islink(report))
        with open(report) as f:
            self.assertIn("micdoctor analyze", f.read())  # the report itself was written
        self.assertFalse(os.path.lexists(report + ".micdoctor-partial"))

    def test_a_device_such_as_dev_null_is_a_valid_output(self):
        fixture = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "snapshots",
                               "laptop_usb_headset_healthy.json")
        as_nobody = None
        if os.geteuid() == 0:  # as a user who may not write /dev, as users are (and never risk root's /dev/null)
            def as_nobody():
                os.setgid(65534)
                os.setuid(65534)
        for argv in (["check", "--snapshot", fixture, "--format", "html", "--output", "/dev/null"],
                     ["analyze", "--format", "markdown", "--output", "/dev/null", VOICE]):
            with self.subTest(argv=argv):
                p = subprocess.run([MICDOCTOR, *argv], capture_output=True, timeout=30, preexec_fn=as_nobody)
                if p.returncode == 126 or os.geteuid() == 0 and b"micdoctor" not in p.stderr and p.returncode > 1:
                    self.skipTest("the user nobody cannot run the binary here")
                self.assertIn(p.returncode, (0, 1), p.stderr)
                self.assertEqual(p.stderr, b"")
                self.assertTrue(stat.S_ISCHR(os.stat("/dev/null").st_mode))

    def test_a_directory_without_write_permission_is_named(self):
        locked = os.path.join(self.dir.name, "locked")
        os.makedirs(locked, exist_ok=True)
        os.chmod(locked, 0o555)
        as_nobody = None
        if os.geteuid() == 0:  # root writes anywhere: run as nobody, which may not write here
            os.chmod(self.dir.name, 0o755)

            def as_nobody():
                os.setgid(65534)
                os.setuid(65534)
        p = subprocess.run([MICDOCTOR, "analyze", "--format", "markdown", "--output", os.path.join(locked, "r.md"),
                            VOICE], capture_output=True, timeout=30, preexec_fn=as_nobody)
        if p.returncode == 126 or b"Permission denied" in p.stderr and b"micdoctor" not in p.stderr:
            self.skipTest("the user nobody cannot run the binary here")
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn(b"(permission denied)", p.stderr)

    def test_a_broken_journal_is_named_once(self):
        state = os.path.join(self.dir.name, "state")
        journal = os.path.join(state, "micdoctor", "journal.json")
        os.makedirs(os.path.dirname(journal), exist_ok=True)
        env = dict(os.environ, XDG_STATE_HOME=state)
        cases = {b'{"schema":"micdoctor.journal/1","runs":[{"id":': "not valid JSON",
                 b'{"schema":"micdoctor.journal/9","runs":[]}': "written by a newer micdoctor"}
        for content, problem in cases.items():
            with open(journal, "wb") as f:
                f.write(content)
            for argv in (["undo"], ["undo", "--all"], ["undo", "--list"], ["fix", "--yes"]):
                with self.subTest(argv=argv, problem=problem):
                    p = subprocess.run([MICDOCTOR, *argv], env=env, capture_output=True, timeout=20)
                    self.assertEqual(p.returncode, 2)
                    line = p.stderr.decode()
                    self.assertEqual(len(line.splitlines()), 1, line)
                    self.assertTrue(line.startswith(f"micdoctor: the journal {journal}: {problem}"), line)
                    self.assertEqual(line.count("journal:"), 0, line)  # no "the journal: PATH: journal:"

    def test_clean_file_exits_0(self):
        p = run("analyze", VOICE)
        self.assertEqual(p.returncode, 0, p.stdout.decode())
        self.assertIn(b"sounds fine", p.stdout)

    def test_problem_exits_1_and_says_why(self):
        p = run("analyze", self.silence)
        self.assertEqual(p.returncode, 1)
        self.assertIn(b"digital silence", p.stdout)

    def test_json_lines_in_argument_order(self):
        files = [VOICE, self.silence, self.tone] * 4
        p = run("analyze", "--format", "json", *files)
        self.assertEqual(p.returncode, 1)
        lines = p.stdout.decode().splitlines()
        self.assertEqual(len(lines), len(files))
        for line, name in zip(lines, files):
            record = json.loads(line)
            self.assertEqual(record["schema"], "micdoctor.analysis/1")
            self.assertEqual(record["file"], name)
        ids = [{f["id"] for f in json.loads(l)["findings"]} for l in lines[:3]]
        self.assertEqual(ids[0], {"signal.ok"})
        self.assertIn("signal.digital_silence", ids[1])
        self.assertIn("signal.hum", ids[2])
        # Same answers one file at a time.
        self.assertEqual(run("analyze", "--format", "json", "--jobs", "1", *files).stdout, p.stdout)

    def test_unreadable_files_exit_2_and_the_rest_is_still_analysed(self):
        d = self.dir.name
        text = os.path.join(d, "notes.wav")
        with open(text, "w") as f:
            f.write("not audio\n" * 10)
        fifo = os.path.join(d, "pipe.wav")
        os.mkfifo(fifo)
        missing = os.path.join(d, "missing.wav")
        p = run("analyze", "--format", "json", missing, VOICE, text, fifo, timeout=20)
        self.assertEqual(p.returncode, 2)
        records = [json.loads(l) for l in p.stdout.decode().splitlines()]
        self.assertEqual([r["file"] for r in records], [missing, VOICE, text, fifo])
        self.assertEqual(records[0]["error"], "no such file")
        self.assertIn("metrics", records[1])
        self.assertIn("not an audio file", records[2]["error"])
        self.assertEqual(records[3]["error"], "not a regular file")
        errors = p.stderr.decode().splitlines()
        self.assertEqual(len(errors), 3)
        self.assertTrue(all(e.startswith("micdoctor: ") for e in errors))

    def test_memory_does_not_grow_with_length(self):
        """Peak memory for 10 minutes of 48 kHz stereo is that of 1 minute, and under 32 MiB."""
        peaks = {}
        for minutes in (1, 10):
            path = os.path.join(self.dir.name, f"long{minutes}.wav")
            subprocess.run(["sox", "-n", "-r", "48000", "-c", "2", "-b", "16", path, "synth", str(minutes * 60),
                            "pinknoise", "vol", "0.05"], check=True)
            # GNU time reports the peak resident set of micdoctor itself, in KiB.
            out = subprocess.run(["/usr/bin/time", "-f", "%M", MICDOCTOR, "analyze", path],
                                 capture_output=True, text=True, timeout=120)
            peaks[minutes] = int(out.stderr.strip().splitlines()[-1]) / 1024  # MiB
            os.unlink(path)
        # The absolute bound is the release build's; AddressSanitizer's shadow
        # memory and quarantine add their own (the growth test still holds there).
        if not os.environ.get("MICDOCTOR_SANITIZED"):
            self.assertLess(peaks[10], 32)
        self.assertLess(peaks[10] - peaks[1], 2, peaks)

    def test_truncated_files_are_reported(self):
        d = self.dir.name
        for ext in ("wav", "flac", "aiff"):
            whole = os.path.join(d, "whole." + ext)
            subprocess.run(["sox", VOICE, whole], check=True)
            cut = os.path.join(d, "cut." + ext)
            with open(whole, "rb") as f, open(cut, "wb") as g:
                data = f.read()
                g.write(data[:len(data) // 2])
            p = run("analyze", cut)
            self.assertEqual(p.returncode, 2, ext)
            self.assertRegex(p.stderr.decode(), r"(truncated|damaged or truncated)", ext)

    def test_hostile_file_names_are_escaped(self):
        name = os.path.join(self.dir.name, "evil\x1b[2J\x07\nname.wav")
        write_wav(name, [0.0] * 16000)
        p = run("analyze", name)
        self.assertNotIn(b"\x1b", p.stdout)
        self.assertNotIn(b"\x07", p.stdout)
        self.assertIn(b"evil\\x1B[2J\\x07\\x0Aname.wav", p.stdout)
        p = run("analyze", name + ".missing")
        self.assertNotIn(b"\x1b", p.stderr)
        j = run("analyze", "--format", "json", name)
        self.assertEqual(json.loads(j.stdout)["file"], name)  # exact in JSON, escaped by JSON itself

    def test_raw_input(self):
        raw = os.path.join(self.dir.name, "voice.raw")
        subprocess.run(["sox", VOICE, "-t", "raw", "-e", "signed-integer", "-b", "16", "-L", raw], check=True)
        p = run("analyze", "--raw", "s16le,48000,1", "--format", "json", raw)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertAlmostEqual(json.loads(p.stdout)["metrics"]["duration_s"], 1.428, places=2)
        self.assertEqual(run("analyze", "--raw", "s16le,48000", raw).returncode, 2)
        self.assertEqual(run("analyze", "--raw", "x9,48000,1", raw).returncode, 2)


if __name__ == "__main__":
    MICDOCTOR = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=1)
