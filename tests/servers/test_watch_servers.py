#!/usr/bin/python3
"""`micdoctor watch` against real sound servers (a private PulseAudio daemon,
a private PipeWire stack): a call app whose microphone volume is changed ten
times in 20 s (app.agc_fighting), the microphone unplugged mid-call
(device.removed_during_call), the feed going quiet while the app records
(signal.went_silent, dated within 0.5 s), moves, mutes and default changes
(each event once, in order), the server killed mid-watch (exit 2 within
2 s), and hostile names in every event. Each scenario runs
`micdoctor watch --format json` and reads its JSON Lines as they come; it
acts only once the watch's own meter.started line says it is listening.
Usage: test_watch_servers.py PATH/TO/micdoctor [pulseaudio|pipewire]"""
import datetime
import json
import math
import os
import queue
import signal
import subprocess
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from soundserver import PipeWireServer, PulseAudioServer, wait_until  # noqa: E402

MICDOCTOR = None
SERVERS = {"pulseaudio": PulseAudioServer, "pipewire": PipeWireServer}
CALL_APP = "ZOOM VoiceEngine"
# Control characters (a colour, a terminal title, a bell), quotes, markup. A
# module argument cannot hold a double quote (nor end in a backslash): the
# device's name has neither, the app's has both. Invalid UTF-8 is refused by
# libpulse itself (pa_proplist_sets), so no server carries it to micdoctor.
HOSTILE = 'Mic \x1b[31mRED\x1b]0;pwned\x07 <script>alert(1)</script> & co'
HOSTILE_APP = 'Zoom "quoted" \x1b[31mRED\x07 <script>alert(1)</script> \\'


def unix_s(event):
    """The event's wall time ("time": ISO 8601 UTC with milliseconds) in seconds."""
    return datetime.datetime.strptime(event["time"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(
        tzinfo=datetime.timezone.utc).timestamp()


class Watch:
    """micdoctor watch as a subprocess; its lines are read as they come."""

    def __init__(self, env, *args, fmt="json"):
        self.format = fmt
        self.process = subprocess.Popen([MICDOCTOR, "watch", "--format", fmt, *args], env=env,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.lines = queue.Queue()
        self.seen = []
        self.stderr = b""
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for raw in self.process.stdout:
            self.lines.put(raw)
        self.lines.put(None)

    def _next(self, deadline):
        raw = self.lines.get(timeout=max(0.01, deadline - time.monotonic()))
        if raw is None:
            raise AssertionError("the watch ended early: " + self.process.stderr.read().decode(errors="replace"))
        self.seen.append(raw)
        return raw

    def wait_for(self, kind, timeout=10.0, **fields):
        """The next event of this kind (whose fields match), reading on; fails after timeout."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                raw = self._next(deadline)
            except queue.Empty:
                raise AssertionError(f"no {kind} {fields} within {timeout} s; saw {self.kinds()}") from None
            if self.format != "json":
                continue
            event = json.loads(raw)
            if event.get("kind") == kind and all(event.get(k) == v for k, v in fields.items()):
                return event

    def wait_for_line(self, predicate, timeout=10.0):
        """The next line (bytes) for which predicate holds: for the text timeline."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                raw = self._next(deadline)
            except queue.Empty:
                raise AssertionError(f"no such line within {timeout} s; saw {self.seen}") from None
            if predicate(raw):
                return raw

    def stop(self, sig=signal.SIGINT, timeout=10):
        """Ctrl-C (or another signal), then everything it printed: (rc, events, summary)."""
        if self.process.poll() is None:
            self.process.send_signal(sig)
        return self.finish(timeout)

    def finish(self, timeout=30):
        self.process.wait(timeout=timeout)
        self.reader.join(timeout=5)
        while True:
            try:
                raw = self.lines.get_nowait()
            except queue.Empty:
                break
            if raw is not None:
                self.seen.append(raw)
        self.stderr = self.process.stderr.read()
        if self.format != "json":
            return self.process.returncode, None, None
        documents = [json.loads(raw) for raw in self.seen]  # every line is JSON, or this fails
        events = [d for d in documents if d.get("schema") == "micdoctor.event/1"]
        summaries = [d for d in documents if d.get("schema") == "micdoctor.check/1"]
        return self.process.returncode, events, summaries[-1] if summaries else None

    def kinds(self):
        out = []
        for raw in self.seen:
            try:
                out.append(json.loads(raw).get("kind"))
            except ValueError:
                pass
        return out

    def kill(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


class WatchScenarios(unittest.TestCase):
    server_class = None
    count = 0

    @classmethod
    def setUpClass(cls):
        cls.server = cls.server_class()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def setUp(self):
        WatchScenarios.count += 1
        self.modules = []
        self.watches = []
        self.feeds = []
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        for w in self.watches:
            w.kill()
        for p in self.feeds:
            if p.poll() is None:
                p.kill()
                p.wait()
        self.server.stop_clients()
        self.server.set_default_source("speakers.monitor")
        self.server.unload(self.modules)
        wait_until(lambda: set(self.server.source_names()) <= {"speakers.monitor"}, 5, "scenario sources gone")

    # -- helpers -----------------------------------------------------------
    def mic(self, description="USB Headset Microphone", default=True):
        # Unique names: WirePlumber restores a source's settings from its namesakes.
        name = f"headset{self.count}{len(self.modules)}"
        self.modules += self.server.add_microphone(name, f"{description} {self.count}")
        if default:
            self.server.set_default_source(name)
        return name

    def watch(self, *args, fmt="json"):
        w = Watch(self.server.env, *args, fmt=fmt)
        self.watches.append(w)
        return w

    def call_app(self, source=None, name=CALL_APP):
        """A call app recording (parec under the app's name); source None follows the default."""
        return self.server.start_recorder(source, name)

    def feed(self, mic, seconds=60):
        """A steady tone into the microphone, in real time (paplay into its feed sink)."""
        tone = subprocess.Popen(["sox", "-V1", "-n", "-r", "48000", "-c", "1", "-b", "16", "-t", "wav", "-",
                                 "synth", str(seconds), "sine", "440", "vol", "0.3"],
                                stdout=subprocess.PIPE, env=self.server.env)
        player = subprocess.Popen(["paplay", "--latency-msec=20", "-d", f"feed_{mic}"], stdin=tone.stdout,
                                  env=self.server.env)
        tone.stdout.close()
        self.feeds += [player, tone]
        return player

    def finding(self, summary, finding_id):
        matches = [f for f in summary["findings"] if f["id"] == finding_id]
        if not matches:
            raise AssertionError(f"{finding_id} not among {[f['id'] for f in summary['findings']]}")
        return matches[0]

    # -- scenarios ---------------------------------------------------------
    def test_volume_changed_ten_times_in_20_s_is_agc_fighting(self):
        mic = self.mic()
        self.call_app(mic)
        w = self.watch("--duration", "60")
        w.wait_for("meter.started", subject=mic)
        levels = ["30%", "85%", "25%", "90%", "20%", "95%", "35%", "80%", "40%", "75%"]
        start = time.monotonic()
        for i, level in enumerate(levels):
            # Ten changes spread over 20 s, as an app's gain control makes them.
            time.sleep(max(0.0, start + 2.0 * i - time.monotonic()))
            self.server.pactl("set-source-volume", mic, level)
            w.wait_for("source.volume", subject=mic, to=level.replace("%", " %"))
        rc, events, summary = w.stop()
        self.assertEqual(rc, 1, w.stderr)
        self.assertEqual(sum(1 for e in events if e["kind"] == "source.volume"), 10)
        self.assertEqual(summary["source_in_use"], mic)
        agc = self.finding(summary, "app.agc_fighting")
        self.assertIn(CALL_APP, agc["title"] + agc["detail"])
        # Ctrl-C ends it with the summary.
        self.assertEqual([e["details"]["why"] for e in events if e["kind"] == "watch.ended"], ["Ctrl-C"])

    def test_microphone_unplugged_mid_call(self):
        mic = self.mic()
        modules = list(self.modules)
        self.call_app(mic)
        w = self.watch("--duration", "60")
        w.wait_for("meter.started", subject=mic)
        self.server.unload(modules)
        self.modules = []
        w.wait_for("device.removed", subject=mic)
        rc, events, summary = w.stop()
        self.assertEqual(rc, 1, w.stderr)
        stopped = [e for e in events if e["kind"] == "meter.stopped" and e["subject"] == mic]
        self.assertEqual(len(stopped), 1, events)
        removed = self.finding(summary, "device.removed_during_call")
        self.assertIn(mic, json.dumps(removed))

    def test_a_named_device_is_metered_again_when_it_comes_back(self):
        mic = self.mic()
        modules = list(self.modules)
        w = self.watch("--device", mic, "--duration", "60")
        w.wait_for("meter.started", subject=mic)
        self.server.unload(modules)
        self.modules = []
        stopped = w.wait_for("meter.stopped", subject=mic)
        self.assertIn("went away", stopped["details"]["why"])
        # Plugged in again under the same name: metered again, and nothing else in between.
        self.modules += self.server.add_microphone(mic, "USB Headset Microphone again")
        w.wait_for("meter.started", subject=mic)
        rc, events, summary = w.stop(signal.SIGTERM)  # SIGTERM ends it like Ctrl-C, with the summary
        self.assertEqual([e["subject"] for e in events if e["kind"] == "meter.started"], [mic, mic])
        self.assertEqual([e["details"]["why"] for e in events if e["kind"] == "watch.ended"], ["stopped (SIGTERM)"])
        self.assertEqual(summary["source_in_use"], mic)

    def test_feed_stopping_while_the_app_records_is_dated_silence(self):
        mic = self.mic()
        player = self.feed(mic)
        self.call_app(mic)
        w = self.watch("--duration", "60")
        w.wait_for("meter.started", subject=mic)
        time.sleep(1.5)  # a stretch of signal before the silence (nothing to await: this is the sound)
        player.kill()
        stopped_at = time.time()
        player.wait()
        silence = w.wait_for("signal.silence_started", subject=mic, timeout=15)
        rc, events, summary = w.stop()
        self.assertEqual(rc, 1, w.stderr)
        offset = unix_s(silence) - stopped_at
        print(f"\n  silence dated {offset:+.2f} s from the feed stopping", file=sys.stderr)
        self.assertLessEqual(abs(offset), 0.5, (silence, stopped_at))
        # elapsed_s says the same as time: from the watch's own start.
        started = next(e for e in events if e["kind"] == "watch.started")
        self.assertAlmostEqual(silence["elapsed_s"] - started["elapsed_s"], unix_s(silence) - unix_s(started),
                               delta=0.01)
        went_silent = self.finding(summary, "signal.went_silent")
        self.assertIn(CALL_APP, json.dumps(went_silent))

    def test_a_source_that_stops_delivering_is_dated_silence(self):
        """A pipe source whose writer stops writing (the fifo stays open)
        delivers nothing at all, not zeros: the stall is the silence, dated
        where the audio ended."""
        fifo = os.path.join(self.server.dir, f"pipe{self.count}.fifo")
        name = f"pipe_mic{self.count}"
        self.modules.append(self.server.load_module("module-pipe-source", f"source_name={name}", f"file={fifo}",
                                                    "format=s16le", "rate=48000", "channels=1"))
        wait_until(lambda: name in self.server.source_names(), 5, name)
        self.server.set_default_source(name)
        fd = os.open(fifo, os.O_WRONLY)
        self.addCleanup(os.close, fd)
        writing = threading.Event()
        writing.set()
        stopped_at = []

        def write_tone():
            # A 440 Hz tone in real time, 100 ms at a time, until told to stop.
            block = b"".join(int(8000 * math.sin(2 * math.pi * 440 * i / 48000)).to_bytes(2, "little", signed=True)
                             for i in range(4800))
            start, n = time.monotonic(), 0
            while writing.is_set():
                os.write(fd, block)
                n += 1
                time.sleep(max(0.0, start + n * 0.1 - time.monotonic()))
            stopped_at.append(time.time())

        writer = threading.Thread(target=write_tone, daemon=True)
        writer.start()
        self.addCleanup(writer.join)
        self.addCleanup(writing.clear)
        self.call_app(name)
        w = self.watch("--duration", "60")
        w.wait_for("meter.started", subject=name)
        time.sleep(1.5)  # a stretch of signal before the stall (nothing to await: this is the sound)
        writing.clear()
        writer.join()
        silence = w.wait_for("signal.silence_started", subject=name, timeout=15)
        rc, events, summary = w.stop()
        self.assertEqual(rc, 1, w.stderr)
        offset = unix_s(silence) - stopped_at[0]
        print(f"\n  stalled source: silence dated {offset:+.2f} s from the writer stopping", file=sys.stderr)
        self.assertLessEqual(abs(offset), 0.5, (silence, stopped_at))
        self.assertIn(CALL_APP, json.dumps(self.finding(summary, "signal.went_silent")))

    def test_moves_mutes_and_default_changes_each_once_in_order(self):
        first = self.mic("Laptop Microphone")
        second = self.mic("USB Headset Microphone", default=False)
        # An app that follows the default: both servers move it when asked.
        stream = self.call_app(None, "CallApp")
        w = self.watch("--duration", "60")
        w.wait_for("meter.started", subject=first)
        self.server.move_source_output(stream, second)
        w.wait_for("app.moved", **{"from": first, "to": second})
        self.server.pactl("set-source-output-mute", str(stream), "1")
        w.wait_for("app.mute", to="muted")
        self.server.pactl("set-source-mute", second, "1")
        w.wait_for("source.mute", subject=second, to="muted")
        self.server.set_default_source(second)
        w.wait_for("default.changed", **{"from": first, "to": second})
        w.wait_for("meter.started", subject=second)  # the meter follows the default
        rc, events, summary = w.stop()
        self.assertEqual(rc, 1, w.stderr)
        watched = ("app.moved", "app.mute", "source.mute", "default.changed")
        self.assertEqual([e["kind"] for e in events if e["kind"] in watched], list(watched))
        self.assertIn("CallApp", next(e for e in events if e["kind"] == "app.moved")["subject"])
        ids = [f["id"] for f in summary["findings"]]
        self.assertIn("app.moved_during_call", ids)
        self.assertIn("app.muted_during_call", ids)
        # The watch's own meter is never an app in its timeline.
        self.assertFalse([e for e in events if e["kind"] == "app.started" and "micdoctor" in e["subject"]])

    def test_hostile_names_in_every_event(self):
        plain = self.mic()
        w = self.watch("--duration", "60")
        text = self.watch("--duration", "60", fmt="text")
        w.wait_for("meter.started", subject=plain)
        # A microphone described with control characters, quotes and markup.
        feed = self.server.load_module("module-null-sink", f"sink_name=feed_hostile{self.count}", "rate=48000")
        self.modules.append(feed)
        hostile = f"hostile{self.count}"
        remap = self.server.load_module("module-remap-source", f"source_name={hostile}",
                                        f"master=feed_hostile{self.count}.monitor",
                                        f"source_properties='device.description=\"{HOSTILE}\"'")
        self.modules.insert(0, remap)
        w.wait_for("device.added", subject=hostile)
        self.server.set_default_source(hostile)
        w.wait_for("meter.started", subject=hostile)
        # pactl prints such a name its own way: the watch's event says it started.
        self.server.clients.append(subprocess.Popen(["parec", "-d", hostile, "--latency-msec=20",
                                                     f"--client-name={HOSTILE_APP}"], env=self.server.env,
                                                    stdout=subprocess.DEVNULL))
        w.wait_for("app.started")
        self.server.pactl("set-source-volume", hostile, "40%")
        w.wait_for("source.volume", subject=hostile)
        self.server.pactl("set-source-mute", hostile, "1")
        w.wait_for("source.mute", subject=hostile)
        self.server.stop_clients()
        w.wait_for("app.stopped")
        self.server.set_default_source(plain)
        self.server.unload([remap, feed])
        self.modules = [m for m in self.modules if m not in (remap, feed)]
        w.wait_for("device.removed", subject=hostile)
        rc, events, summary = w.stop()  # every line parsed as JSON in stop()
        self.assertIn(rc, (0, 1), w.stderr)
        def texts(value):
            if isinstance(value, dict):
                return [t for v in value.values() for t in texts(v)]
            return [value] if isinstance(value, str) else []

        def naming(name):
            return {e["kind"] for e in events if any(name in t for t in texts(e))}
        for kind in ("device.added", "default.changed", "meter.started", "source.volume", "source.mute",
                     "device.removed"):
            self.assertIn(kind, naming(hostile), events)
        for kind in ("app.started", "app.stopped"):
            self.assertIn(kind, naming(HOSTILE_APP), events)
        self.assertIn("default.changed", naming(HOSTILE))  # the description, intact
        # The text timeline tells the hostile microphone's removal too (its last event here).
        text.wait_for_line(lambda line: b"\\x1b[31mred" in line.lower() and
                           any(word in line.lower() for word in (b"disappeared", b"removed")))
        text_rc, _, _ = text.stop()
        self.assertIn(text_rc, (0, 1))
        timeline = b"".join(text.seen)
        self.assertNotIn(b"\x1b", timeline)
        self.assertNotIn(b"\x07", timeline)
        self.assertIn(b"\\x1b[31mred", timeline.lower())  # escaped, still readable
        self.assertIn(b'"quoted"', timeline)
        self.assertIn(b"Summary:", timeline)  # Ctrl-C ends the text timeline with the summary
        self.assertIn(b"<script>", timeline)


    def test_options_are_checked_before_watching(self):
        self.mic()

        def run(*args):
            start = time.monotonic()
            p = subprocess.run([MICDOCTOR, "watch", *args], env=self.server.env, capture_output=True, timeout=20)
            return p.returncode, p.stderr.decode(errors="replace"), time.monotonic() - start

        rc, err, seconds = run("--device", "no-such-mic", "--duration", "30")
        self.assertEqual(rc, 2)
        self.assertIn("no capture device 'no-such-mic'", err)
        self.assertIn("micdoctor devices", err)
        self.assertLess(seconds, 5)
        for duration in ("0", "-1", "86401", "soon"):
            rc, err, _ = run("--duration", duration)
            self.assertEqual(rc, 2, duration)
            self.assertIn("--duration", err)
        rc, err, _ = run("--format", "markdown", "--duration", "1")
        self.assertEqual((rc, "--format" in err), (2, True))
        rc, err, seconds = run("--output", os.path.join(self.server.dir, "no", "such", "dir", "t.jsonl"),
                               "--duration", "30")
        self.assertEqual(rc, 2)
        self.assertIn("no such directory", err)
        self.assertLess(seconds, 5)  # said before watching, not after
        # The html report is written whole at the end, where --output says.
        report = os.path.join(self.server.dir, f"watch{self.count}.html")
        rc, err, _ = run("--format", "html", "--output", report, "--duration", "1")
        self.assertIn(rc, (0, 1), err)
        with open(report, encoding="utf-8") as f:
            self.assertIn("<html", f.read())


class ServerKilled(unittest.TestCase):
    """Its own server: this one ends it."""

    def test_server_killed_mid_watch(self):
        server = SERVER()
        try:
            mic = "killmic"
            server.add_microphone(mic, "USB Headset Microphone")
            server.set_default_source(mic)
            w = Watch(server.env, "--duration", "60")
            w.wait_for("meter.started", subject=mic)
            server.processes[-1].kill()  # pulseaudio, or pipewire-pulse
            killed = time.monotonic()
            w.process.wait(timeout=10)
            self.assertLess(time.monotonic() - killed, 2.0)
            rc, events, summary = w.finish()
            self.assertEqual(rc, 2)
            self.assertIn(b"sound server went away", w.stderr)
            self.assertEqual(len(w.stderr.splitlines()), 1, w.stderr)
            kinds = [e["kind"] for e in events]
            self.assertIn("server.lost", kinds)
            self.assertIn("watch.ended", kinds)
            self.assertIsNotNone(summary)
        finally:
            server.stop()


class PulseAudioWatch(WatchScenarios):
    server_class = PulseAudioServer


class PipeWireWatch(WatchScenarios):
    server_class = PipeWireServer


if __name__ == "__main__":
    MICDOCTOR = os.path.abspath(sys.argv.pop(1))
    which = sys.argv.pop(1) if len(sys.argv) > 1 and sys.argv[1] in SERVERS else "pulseaudio"
    SERVER = SERVERS[which]
    loader = unittest.TestLoader()
    cases = unittest.TestSuite()
    cases.addTests(loader.loadTestsFromTestCase(PulseAudioWatch if which == "pulseaudio" else PipeWireWatch))
    cases.addTests(loader.loadTestsFromTestCase(ServerKilled))
    result = unittest.TextTestRunner(verbosity=2).run(cases)
    sys.exit(0 if result.wasSuccessful() else 1)
