#!/usr/bin/python3
"""The cost of `micdoctor watch` beside a call, on a private sound server
(tests/servers/soundserver.py; PulseAudio unless --server pipewire): a
virtual microphone fed speech in a loop, an app ("Video call", parec)
recording it, and then, one after the other for MINUTES each:

  1. `micdoctor watch --format json --duration S` (its output is checked:
     micdoctor.event/1 lines, then the micdoctor.check/1 summary);
  2. what a person would otherwise run to watch a microphone: `pactl
     subscribe` (the server's events) plus `parec | sox -S ... -n stats`
     (a live level meter on the terminal, the statistics at the end).

Every EVERY seconds each process's CPU time (utime + stime from
/proc/PID/stat) and resident memory (VmRSS from /proc/PID/status) are read,
and the sound server's CPU too (what each watcher costs the server). Printed:
CPU seconds per wall second as % of one core (steady: from the first sample
to the last; and from the process's start), RSS at the start, its maximum, at
the end and its slope per hour (least squares over the samples after the
first minute, or the second half of a shorter run), then the ratios
micdoctor / the manual watch from this same run.

Usage: bench/bench_watch.py [build/micdoctor] [--minutes M] [--every N] [--server pulseaudio|pipewire]"""
import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

# --- reading /proc ------------------------------------------------------------


def parse_stat_cpu_ticks(stat_text):
    """utime + stime (clock ticks) from the text of /proc/PID/stat. The command
    name (field 2) is in parentheses and may itself hold spaces and ')': the
    fields are counted from the last ')'."""
    fields = stat_text[stat_text.rindex(")") + 2:].split()
    # fields[0] is field 3 (state): utime is field 14, stime field 15.
    return int(fields[11]) + int(fields[12])


def parse_rss_kib(status_text):
    """VmRSS in KiB from the text of /proc/PID/status; None for a zombie (an
    ended process not yet waited for), which has none."""
    for line in status_text.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return None


def read_process(pid):
    """(CPU seconds, RSS KiB) of a live process, or None once it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            cpu = parse_stat_cpu_ticks(f.read()) / CLOCK_TICKS
        with open(f"/proc/{pid}/status") as f:
            rss = parse_rss_kib(f.read())
    except (FileNotFoundError, ProcessLookupError, ValueError, IndexError):
        return None
    return None if rss is None else (cpu, rss)


# --- sampling and the figures -------------------------------------------------


class Sampler:
    """Reads the CPU time and RSS of a group of processes (summed) every
    `every` seconds on a thread of its own, until stop() or until every
    process of the group is gone. Also the CPU of `others` (the server).
    Create it right after spawning the group: times count from then."""

    def __init__(self, pids, every, others=()):
        self.pids, self.every, self.others = list(pids), every, list(others)
        self.samples = []        # (seconds since start, CPU seconds, RSS KiB) of the group
        self.other_cpu = []      # (seconds since start, CPU seconds) of the others
        self.started = time.monotonic()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self):
        # The first sample after `every` seconds: the start-up is over (its CPU
        # counts in cpu_percent_with_start, measured from here, the spawn).
        self._thread.start()
        return self

    def _sample(self):
        now = time.monotonic() - self.started
        read = [read_process(pid) for pid in self.pids]
        if all(r is None for r in read):
            return False
        if any(r is None for r in read):
            return True  # one of a pipeline is gone: a partial sum would read as a drop
        self.samples.append((now, sum(r[0] for r in read), sum(r[1] for r in read)))
        others = [read_process(pid) for pid in self.others]
        if others and all(o is not None for o in others):
            self.other_cpu.append((now, sum(o[0] for o in others)))
        return True

    def _run(self):
        while not self._stop.wait(self.every):
            if not self._sample():
                return

    def stop(self):
        self._stop.set()
        self._thread.join()
        self._sample()


def slope_per_hour(points):
    """Least-squares slope of (seconds, value) points, per hour (0 for fewer than two)."""
    if len(points) < 2:
        return 0.0
    n = len(points)
    mean_t = sum(t for t, _ in points) / n
    mean_v = sum(v for _, v in points) / n
    var = sum((t - mean_t) ** 2 for t, _ in points)
    if var == 0:
        return 0.0
    return sum((t - mean_t) * (v - mean_v) for t, v in points) / var * 3600


def summarize(samples, other_cpu=()):
    """The figures of one process group from its samples."""
    if len(samples) < 2:
        raise ValueError("fewer than two samples: the process ended at once")
    (t0, c0, _), (t1, c1, _) = samples[0], samples[-1]
    rss = [r for _, _, r in samples]
    settled_after = min(60.0, t1 / 2)
    settled = [(t, r / 1024) for t, _, r in samples if t >= settled_after]
    figures = {
        "seconds": t1,
        "cpu_percent": (c1 - c0) / (t1 - t0) * 100 if t1 > t0 else 0.0,
        "cpu_percent_with_start": c1 / t1 * 100 if t1 > 0 else 0.0,
        "rss_start_mib": rss[0] / 1024,
        "rss_max_mib": max(rss) / 1024,
        "rss_end_mib": rss[-1] / 1024,
        "rss_slope_mib_per_hour": slope_per_hour(settled),
    }
    if len(other_cpu) >= 2:
        (s0, o0), (s1, o1) = other_cpu[0], other_cpu[-1]
        figures["server_cpu_percent"] = (o1 - o0) / (s1 - s0) * 100 if s1 > s0 else 0.0
    return figures


def check_watch_output(text):
    """What `micdoctor watch --format json` wrote: JSON Lines of micdoctor.event/1,
    then one micdoctor.check/1 document (on one line or several). Returns
    (events, kinds counted, the summary's finding ids); raises ValueError with
    what is wrong otherwise."""
    decoder = json.JSONDecoder()
    documents, at = [], 0
    while True:
        while at < len(text) and text[at].isspace():
            at += 1
        if at >= len(text):
            break
        try:
            document, at = decoder.raw_decode(text, at)
        except json.JSONDecodeError as e:
            raise ValueError(f"not JSON at character {at}: {e}") from None
        documents.append(document)
    if not documents:
        raise ValueError("no output")
    *events, summary = documents
    kinds = {}
    for e in events:
        if not isinstance(e, dict) or e.get("schema") != "micdoctor.event/1":
            raise ValueError(f"not a micdoctor.event/1 line: {str(e)[:200]}")
        kinds[e.get("kind")] = kinds.get(e.get("kind"), 0) + 1
    if not isinstance(summary, dict) or summary.get("schema") != "micdoctor.check/1":
        raise ValueError(f"the last document is not micdoctor.check/1: {str(summary)[:200]}")
    return len(events), kinds, [f.get("id") for f in summary.get("findings", [])]


# --- the scenario -------------------------------------------------------------


def speech_loop(directory):
    """A speech file of a minute or so (espeak-ng, levelled with sox)."""
    env = dict(os.environ, SOX_OPTS="-V1")
    subprocess.run(["espeak-ng", "-w", "voice.wav", "Hello, can you hear me? I am talking in a call. "
                    "One, two, three, four, five. Let us look at the slides together."], cwd=directory, check=True)
    subprocess.run(["sox", "voice.wav", "-r", "48000", "speech.wav", "norm", "-8", "pad", "0", "0.8", "repeat", "8"],
                   cwd=directory, check=True, env=env)
    return os.path.join(directory, "speech.wav")


class Feed:
    """Plays the speech into the microphone's feed again and again."""

    def __init__(self, server, sink, wav):
        self.server, self.sink, self.wav = server, sink, wav
        self._stop = threading.Event()
        self._player = None
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        while not self._stop.is_set():
            self._player = subprocess.Popen(["paplay", "-d", self.sink, self.wav], env=self.server.env,
                                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            self._player.wait()

    def stop(self):
        self._stop.set()
        if self._player is not None and self._player.poll() is None:
            self._player.kill()
        self._thread.join()


def end_processes(processes):
    for p in processes:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    for p in processes:
        try:
            p.wait(timeout=5)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def run_micdoctor(micdoctor, server, seconds, every, server_pids, directory):
    out_path = os.path.join(directory, "watch.jsonl")
    with open(out_path, "wb") as out, open(os.path.join(directory, "watch.err"), "wb") as err:
        p = subprocess.Popen([micdoctor, "watch", "--format", "json", "--duration", str(seconds)], env=server.env,
                             stdout=out, stderr=err)
        sampler = Sampler([p.pid], every, server_pids).start()
        try:
            code = p.wait(timeout=seconds + 60)
        finally:
            if p.poll() is None:
                end_processes([p])
        sampler.stop()
    if code not in (0, 1):
        with open(os.path.join(directory, "watch.err"), errors="replace") as f:
            raise RuntimeError(f"micdoctor watch exited {code}: {f.read()[-2000:]}")
    with open(out_path, encoding="utf-8", errors="replace") as f:
        events, kinds, findings = check_watch_output(f.read())
    return summarize(sampler.samples, sampler.other_cpu), (events, kinds, findings)


def run_manual_watch(server, source, seconds, every, server_pids):
    """`pactl subscribe` and `parec | sox -S ... -n stats`, as a person would type them."""
    subscribe = subprocess.Popen(["pactl", "subscribe"], env=server.env, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
    parec = subprocess.Popen(["parec", "-d", source, "--format=s16le", "--rate=48000", "--channels=1"],
                             env=server.env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    sox = subprocess.Popen(["sox", "-S", "-t", "raw", "-r", "48000", "-e", "signed", "-b", "16", "-c", "1", "-",
                            "-n", "stats"], env=server.env, stdin=parec.stdout, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
    parec.stdout.close()
    processes = [subscribe, parec, sox]
    sampler = Sampler([p.pid for p in processes], every, server_pids).start()
    try:
        time.sleep(seconds)  # the manual watch has no end of its own: it runs as long as micdoctor's
        sampler.stop()
    finally:
        end_processes(processes)
    return summarize(sampler.samples, sampler.other_cpu)


def row(name, f):
    server = f"{f['server_cpu_percent']:8.2f} %" if "server_cpu_percent" in f else f"{'':10}"
    return (f"{name:44} {f['cpu_percent']:7.3f} % {f['cpu_percent_with_start']:7.3f} % {server} "
            f"{f['rss_start_mib']:7.1f} {f['rss_max_mib']:7.1f} {f['rss_end_mib']:7.1f} "
            f"{f['rss_slope_mib_per_hour']:+9.2f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("micdoctor", nargs="?", default=os.path.join(ROOT, "build", "micdoctor"))
    parser.add_argument("--minutes", type=float, default=5)
    parser.add_argument("--every", type=float, default=5, help="seconds between samples")
    parser.add_argument("--server", choices=("pulseaudio", "pipewire"), default="pulseaudio")
    parser.add_argument("--manual-minutes", type=float, default=None,
                        help="how long the manual watch runs (default: as long as micdoctor's); its rates "
                             "(CPU per wall second) compare with micdoctor's over any length")
    args = parser.parse_args()
    micdoctor = os.path.abspath(args.micdoctor)
    seconds = max(1, round(args.minutes * 60))
    manual_seconds = seconds if args.manual_minutes is None else max(1, round(args.manual_minutes * 60))

    sys.path.insert(0, os.path.join(ROOT, "tests", "servers"))
    from soundserver import PipeWireServer, PulseAudioServer

    with tempfile.TemporaryDirectory(prefix="micdoctor-bench-watch-") as directory:
        wav = speech_loop(directory)
        server = PulseAudioServer() if args.server == "pulseaudio" else PipeWireServer()
        feed = None
        try:
            server.add_microphone("mic", "USB Headset Microphone")
            server.set_default_source("mic")
            feed = Feed(server, "feed_mic", wav)
            server.start_recorder("mic", "Video call")
            server_pids = [p.pid for p in server.processes]
            print(f"micdoctor watch beside a call on {server.name}: {seconds} s, the manual watch {manual_seconds} s, "
                  f"sampled every {args.every:g} s")
            ours, (events, kinds, findings) = run_micdoctor(micdoctor, server, seconds, args.every, server_pids,
                                                            directory)
            theirs = run_manual_watch(server, "mic", manual_seconds, args.every, server_pids)
        finally:
            if feed is not None:
                feed.stop()
            server.stop()

    print(f"{'':44} {'CPU, % of one core':>19} {'server':>10} {'RSS, MiB':>23} {'RSS slope':>9}")
    print(f"{'':44} {'steady':>9} {'w/ start':>9} {'CPU':>10} {'start':>7} {'max':>7} {'end':>7} {'MiB/hour':>9}")
    print(row("micdoctor watch --format json", ours))
    print(row("pactl subscribe + parec | sox -S -n stats", theirs))
    cpu_ratio = ours["cpu_percent"] / theirs["cpu_percent"] if theirs["cpu_percent"] > 0 else float("inf")
    print(f"ratios micdoctor / manual: CPU {cpu_ratio:.2f}, RSS at the end {ours['rss_end_mib'] / theirs['rss_end_mib']:.2f}")
    print(f"micdoctor's output: {events} events ({', '.join(f'{k} {n}' for k, n in sorted(kinds.items()))}); "
          f"findings: {', '.join(findings) or 'none'}")
    print(f"target: metering at most 1 % of one core: {'met' if ours['cpu_percent'] <= 1.0 else 'NOT met'}; "
          f"memory constant: RSS {ours['rss_slope_mib_per_hour']:+.2f} MiB per hour after the first minute")


if __name__ == "__main__":
    main()
