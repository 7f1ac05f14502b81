#!/usr/bin/python3
"""The parts of bench/bench_watch.py that need no micdoctor watch: reading
/proc (a command name with spaces and parentheses, a zombie without RSS),
the sampler on real child processes (one that burns a known amount of CPU,
one whose memory grows), the figures (CPU per wall second, the RSS slope
per hour) and the check of watch's JSON output (event lines, then the
micdoctor.check/1 summary). Usage: test_bench_watch.py"""
import json
import os
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_watch as bw  # noqa: E402


def stat_line(comm, utime, stime):
    # The shape of /proc/PID/stat (proc(5)): pid (comm) state ppid ... utime(14) stime(15) ...
    rest = ["S", "1", "2", "3", "0", "-1", "4194304", "100", "0", "0", "0", str(utime), str(stime), "0", "0", "20",
            "0", "1", "0", "12345", "1000000", "250"]
    return f"4242 ({comm}) " + " ".join(rest) + "\n"


class ProcReading(unittest.TestCase):
    def test_cpu_ticks_from_stat_even_with_a_strange_command_name(self):
        self.assertEqual(bw.parse_stat_cpu_ticks(stat_line("micdoctor", 120, 30)), 150)
        self.assertEqual(bw.parse_stat_cpu_ticks(stat_line("a) b (c) 7 8", 5, 6)), 11)

    def test_cpu_of_this_process_agrees_with_os_times(self):
        end = time.process_time() + 0.3
        while time.process_time() < end:
            pass
        with open("/proc/self/stat") as f:
            cpu = bw.parse_stat_cpu_ticks(f.read()) / bw.CLOCK_TICKS
        t = os.times()
        self.assertAlmostEqual(cpu, t.user + t.system, delta=0.05)

    def test_rss_from_status_and_none_for_a_zombie(self):
        with open("/proc/self/status") as f:
            self.assertGreater(bw.parse_rss_kib(f.read()), 1000)
        self.assertIsNone(bw.parse_rss_kib("Name:\tsleep\nState:\tZ (zombie)\nThreads:\t1\n"))
        zombie = subprocess.Popen(["true"])
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            with open(f"/proc/{zombie.pid}/stat") as f:
                if f.read().split(") ")[1].startswith("Z"):
                    break
            time.sleep(0.01)
        self.assertIsNone(bw.read_process(zombie.pid), "an ended process is not sampled as 0 MiB")
        zombie.wait()
        self.assertIsNone(bw.read_process(zombie.pid))


class Sampling(unittest.TestCase):
    def test_a_process_that_burns_half_a_second_reads_so(self):
        burner = subprocess.Popen([sys.executable, "-c", "import time\nend = time.process_time() + 0.5\n"
                                   "while time.process_time() < end: pass\ntime.sleep(0.6)"])
        sampler = bw.Sampler([burner.pid], 0.1).start()
        burner.wait()
        sampler.stop()
        self.assertGreater(len(sampler.samples), 3)
        times = [t for t, _, _ in sampler.samples]
        self.assertEqual(times, sorted(times))
        cpu = [c for _, c, _ in sampler.samples]
        self.assertEqual(cpu, sorted(cpu))
        # The interpreter's start-up adds a little to the half second.
        self.assertGreaterEqual(cpu[-1], 0.45)
        self.assertLess(cpu[-1], 1.0)

    def test_growing_memory_has_a_positive_slope_and_steady_memory_none(self):
        grower = subprocess.Popen([sys.executable, "-c", "import time\nblocks = []\nfor _ in range(12):\n"
                                   "    blocks.append(bytearray(4 << 20))\n    time.sleep(0.1)\ntime.sleep(0.3)"])
        sampler = bw.Sampler([grower.pid], 0.05).start()
        grower.wait()
        sampler.stop()
        f = bw.summarize(sampler.samples)
        self.assertGreater(f["rss_max_mib"] - f["rss_start_mib"], 30)
        self.assertGreater(f["rss_slope_mib_per_hour"], 1000)
        steady = subprocess.Popen(["sleep", "1"])
        sampler = bw.Sampler([steady.pid], 0.05).start()
        steady.wait()
        sampler.stop()
        self.assertEqual(bw.summarize(sampler.samples)["rss_slope_mib_per_hour"], 0)

    def test_a_pipeline_is_summed(self):
        a = subprocess.Popen(["sleep", "0.6"])
        b = subprocess.Popen(["sleep", "0.6"])
        sampler = bw.Sampler([a.pid, b.pid], 0.1).start()
        time.sleep(0.3)
        single = bw.read_process(a.pid)[1]
        sampler.stop()
        a.wait()
        b.wait()
        self.assertAlmostEqual(sampler.samples[0][2], 2 * single, delta=single * 0.2)


class Figures(unittest.TestCase):
    def test_slope_of_a_line(self):
        self.assertAlmostEqual(bw.slope_per_hour([(0, 10.0), (1800, 11.0), (3600, 12.0)]), 2.0)
        self.assertEqual(bw.slope_per_hour([(5, 3.0)]), 0.0)

    def test_summary_of_samples(self):
        # 10 minutes, 0.6 s of CPU a minute after 2 s of start-up; RSS grows 1 MiB over the run after the first minute.
        samples = [(t, 2.0 + 0.01 * t, 10240 + (t - 60) * 1024 / 540 if t > 60 else 10240) for t in range(5, 601, 5)]
        f = bw.summarize(samples, [(t, 0.02 * t) for t in range(5, 601, 5)])
        self.assertAlmostEqual(f["cpu_percent"], 1.0)
        self.assertAlmostEqual(f["cpu_percent_with_start"], (2.0 + 6.0) / 600 * 100)
        self.assertAlmostEqual(f["rss_start_mib"], 10.0)
        self.assertAlmostEqual(f["rss_end_mib"], 11.0)
        self.assertAlmostEqual(f["rss_slope_mib_per_hour"], 1024 / 540 * 3600 / 1024)
        self.assertAlmostEqual(f["server_cpu_percent"], 2.0)
        with self.assertRaises(ValueError):
            bw.summarize(samples[:1])


class WatchOutput(unittest.TestCase):
    EVENT = {"schema": "micdoctor.event/1", "time": "2026-12-03T21:55:01.234Z", "elapsed_s": 0.0,
             "kind": "watch.started", "subject": "mic", "from": "", "to": "", "details": {}}

    def event(self, kind):
        return json.dumps(dict(self.EVENT, kind=kind))

    def test_events_then_a_summary_on_one_line_or_several(self):
        summary = {"schema": "micdoctor.check/1", "findings": [{"id": "app.agc_fighting"}]}
        lines = [self.event("watch.started"), self.event("signal.level"), self.event("signal.level"),
                 self.event("watch.ended")]
        for text in ("\n".join(lines + [json.dumps(summary)]) + "\n",
                     "\n".join(lines) + "\n" + json.dumps(summary, indent=2) + "\n"):
            events, kinds, findings = bw.check_watch_output(text)
            self.assertEqual(events, 4)
            self.assertEqual(kinds, {"watch.started": 1, "signal.level": 2, "watch.ended": 1})
            self.assertEqual(findings, ["app.agc_fighting"])

    def test_broken_output_is_named(self):
        with self.assertRaisesRegex(ValueError, "no output"):
            bw.check_watch_output("")
        with self.assertRaisesRegex(ValueError, "not micdoctor.check/1"):
            bw.check_watch_output(self.event("watch.started") + "\n")
        with self.assertRaisesRegex(ValueError, "not a micdoctor.event/1"):
            bw.check_watch_output('{"schema":"other"}\n{"schema":"micdoctor.check/1"}\n')
        with self.assertRaisesRegex(ValueError, "not JSON"):
            bw.check_watch_output(self.event("watch.started")[:-3] + "\n")


if __name__ == "__main__":
    unittest.main(verbosity=2)
