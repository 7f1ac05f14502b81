#!/usr/bin/python3
"""The microphone test, measured on a private server (PulseAudio, then
PipeWire) with a virtual microphone fed speech in real time:
  - latency from the end of capture to the printed verdict (micdoctor's own
    MICDOCTOR_TIMINGS line), over RUNS tests of SECONDS each;
  - CPU time of the whole test with the live meter drawn on a terminal (a
    pty) and without it (stderr not a terminal); the difference is the
    meter's cost, given as a share of one core over the test's wall time.
Usage: bench/bench_mic_test.py [build/micdoctor] [RUNS] [SECONDS]"""
import os
import pty
import re
import select
import statistics
import subprocess
import sys
import tempfile
import time

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "tests", "servers"))
from soundserver import PipeWireServer, PulseAudioServer  # noqa: E402


def speech(directory):
    env = dict(os.environ, SOX_OPTS="-V1")
    subprocess.run(["espeak-ng", "-w", "voice.wav", "Hello, this is a microphone test. One, two, three, four, five."],
                   cwd=directory, check=True)
    subprocess.run(["sox", "voice.wav", "-r", "48000", "speech.wav", "norm", "-8", "repeat", "30"], cwd=directory,
                   check=True, env=env)
    return os.path.join(directory, "speech.wav")


def cpu_of(argv, env, on_terminal):
    """(cpu seconds, wall seconds, stderr) of one run; stderr a pty when on_terminal."""
    start = time.monotonic()
    if on_terminal:
        pid, fd = pty.fork()
        if pid == 0:
            os.environ.clear()
            os.environ.update(env)
            os.execv(argv[0], argv)
        output = b""
        while True:
            ready, _, _ = select.select([fd], [], [], 1.0)
            if ready:
                try:
                    chunk = os.read(fd, 65536)
                except OSError:
                    break
                if not chunk:
                    break
                output += chunk
        _, _, usage = os.wait4(pid, 0)
        os.close(fd)
    else:
        p = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        output = p.stderr.read()
        _, _, usage = os.wait4(p.pid, 0)
    return usage.ru_utime + usage.ru_stime, time.monotonic() - start, output.decode(errors="replace")


def bench(server, micdoctor, runs, seconds, wav):
    server.add_microphone("mic", "USB Headset Microphone")
    server.set_default_source("mic")
    player = subprocess.Popen(["paplay", "-d", "feed_mic", wav], env=server.env)
    env = dict(server.env, MICDOCTOR_TIMINGS="1")
    argv = [micdoctor, "test", "--seconds", str(seconds)]
    latencies, with_meter, without_meter, walls = [], [], [], []
    try:
        for _ in range(runs):
            cpu, wall, err = cpu_of(argv, env, on_terminal=True)
            assert "dBFS" in err, "the meter was not drawn"
            with_meter.append(cpu)
            walls.append(wall)
            latencies += [float(x) for x in re.findall(r"printed verdict ([0-9.]+) ms", err)]
            cpu, _, err = cpu_of(argv, env, on_terminal=False)
            without_meter.append(cpu)
            latencies += [float(x) for x in re.findall(r"printed verdict ([0-9.]+) ms", err)]
    finally:
        player.kill()
        player.wait()
    return latencies, with_meter, without_meter, walls


def main():
    micdoctor = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "build", "micdoctor"))
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    seconds = float(sys.argv[3]) if len(sys.argv) > 3 else 5
    with tempfile.TemporaryDirectory() as d:
        wav = speech(d)
        print(f"micdoctor test --seconds {seconds:g}, {runs} runs with the meter on a pty and {runs} without")
        print(f"{'server':11} {'verdict latency median/max':>27} {'CPU with meter':>15} {'without':>8} "
              f"{'meter, % of a core':>19}")
        for server_class in (PulseAudioServer, PipeWireServer):
            server = server_class()
            try:
                latencies, on, off, walls = bench(server, micdoctor, runs, seconds, wav)
            finally:
                server.stop()
            meter = (statistics.median(on) - statistics.median(off)) / statistics.median(walls) * 100
            print(f"{server.name:11} {statistics.median(latencies):14.2f} / {max(latencies):5.2f} ms "
                  f"{statistics.median(on) * 1000:11.0f} ms {statistics.median(off) * 1000:5.0f} ms {meter:18.2f} %")


if __name__ == "__main__":
    main()
