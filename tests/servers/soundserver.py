"""Private sound servers for tests: a PulseAudio daemon, or a PipeWire stack
(pipewire + wireplumber + pipewire-pulse under its own D-Bus session), each
headless in a temporary directory, stopped by process id. Scenarios are built
for real with pactl: a microphone is a null sink (the feed) plus
module-remap-source on its monitor, described like a device."""
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time


# "speakers" stands for a sound card's output: described as one. PipeWire
# gives its monitor these properties; PulseAudio gives a monitor only the
# card of its sink, which a null sink has not, so there it stays virtual.
SPEAKERS_PROPERTIES = 'device.description=\"Speakers\" device.bus=pci device.form_factor=speaker'


def wait_until(condition, timeout=10.0, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise TimeoutError(f"timed out after {timeout} s waiting for {what}")


class SoundServer:
    """Common part: the environment clients need, pactl, and virtual devices."""

    name = "server"

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix=f"micdoctor-{self.name}-")
        self.processes = []
        self.env = dict(os.environ)
        self.env.update(HOME=self.dir, XDG_RUNTIME_DIR=self.dir, XDG_STATE_HOME=os.path.join(self.dir, "state"),
                        XDG_CONFIG_HOME=os.path.join(self.dir, "config"), LC_ALL="C.UTF-8")
        self.env.pop("DISPLAY", None)
        self.clients = []

    # -- lifecycle ---------------------------------------------------------
    def _spawn(self, *argv, **kwargs):
        log = open(os.path.join(self.dir, os.path.basename(argv[0]) + ".log"), "wb")
        p = subprocess.Popen(argv, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                             stdin=subprocess.DEVNULL, **kwargs)
        log.close()
        self.processes.append(p)
        return p

    def _wait_ready(self):
        wait_until(lambda: os.path.exists(self.socket), 15, f"{self.name} socket {self.socket}")
        wait_until(lambda: subprocess.run(["pactl", "info"], env=self.env, capture_output=True,
                                          timeout=5).returncode == 0, 15, f"{self.name} to answer")

    def stop(self):
        for c in self.clients:
            _kill(c)
        for p in reversed(self.processes):
            _kill(p)
        for pid in getattr(self, "extra_pids", []):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        shutil.rmtree(self.dir, ignore_errors=True)

    # -- control -----------------------------------------------------------
    def pactl(self, *args, check=True):
        p = subprocess.run(["pactl", *args], env=self.env, capture_output=True, text=True, timeout=10)
        if check and p.returncode != 0:
            raise RuntimeError(f"pactl {' '.join(args)}: {p.stderr.strip()}")
        return p.stdout.strip()

    def load_module(self, *args):
        return int(self.pactl("load-module", *args))

    def add_microphone(self, name, description, bus="usb", form_factor="headset", rate=48000):
        """A virtual microphone: returns the module ids (feed sink, remap source).
        It runs at the content's rate, as a microphone records at its own: a
        resampler would round off the flat tops of clipped speech."""
        feed = self.load_module("module-null-sink", f"sink_name=feed_{name}", f"rate={rate}",
                                f"sink_properties='device.description=\"Feed {name}\"'")
        props = f"device.description=\"{description}\""
        if bus:
            props += f" device.bus={bus}"
        if form_factor:
            props += f" device.form_factor={form_factor}"
        remap = self.load_module("module-remap-source", f"source_name={name}", f"master=feed_{name}.monitor", f"rate={rate}",
                                 f"source_properties='{props}'")
        wait_until(lambda: name in self.source_names(), 5, f"source {name}")
        return [remap, feed]

    def unload(self, modules):
        for m in modules:
            self.pactl("unload-module", str(m), check=False)

    def source_names(self):
        out = self.pactl("list", "short", "sources")
        return [line.split("\t")[1] for line in out.splitlines() if "\t" in line]

    def source_field(self, source, field):
        """A field of `pactl list sources` for one source, e.g. Mute."""
        current = None
        for line in self.pactl("list", "sources").splitlines():
            line = line.strip()
            if line.startswith("Name: "):
                current = line[6:]
            elif current == source and line.startswith(field + ": "):
                return line[len(field) + 2:]
        return None

    def default_source(self):
        for line in self.pactl("info").splitlines():
            if line.startswith("Default Source: "):
                return line[len("Default Source: "):]
        return None

    def set_default_source(self, name):
        self.pactl("set-default-source", name)
        wait_until(lambda: self.default_source() == name, 5, f"default source {name}")

    def start_recorder(self, source, client_name, tool="parec"):
        """A recording application on a source, through the PulseAudio protocol
        (parec) or PipeWire's own (pw-record); returns its stream index.
        With source None, parec follows the default source, as most apps do."""
        if tool == "parec":
            argv = ["parec", *(["-d", source] if source else []), "--latency-msec=20", f"--client-name={client_name}"]
        else:
            argv = ["pw-record", "--target", source, "-P", f'{{ application.name = "{client_name}" }}',
                    os.path.join(self.dir, f"{client_name}.wav")]
        p = subprocess.Popen(argv, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.clients.append(p)
        found = []

        def stream_listed():
            index = None
            for line in self.pactl("list", "source-outputs").splitlines():
                line = line.strip()
                if line.startswith("Source Output #"):
                    index = int(line.split("#")[1])
                elif line == f'application.name = "{client_name}"':
                    found.append(index)
                    return True
            return False

        wait_until(stream_listed, 10, f"stream of {client_name}")
        return found[0]

    def stream_source(self, index):
        """The name of the source a recording stream (source output) records from, or None."""
        sources = {}
        for line in self.pactl("list", "short", "sources").splitlines():
            fields = line.split("\t")
            if len(fields) > 1:
                sources[fields[0]] = fields[1]
        for output in json.loads(self.pactl("-f", "json", "list", "source-outputs")):
            if output.get("index") == index:
                return sources.get(str(output.get("source")))
        return None

    def move_source_output(self, index, source):
        """Moves a recording stream by hand, as a person would, and waits until it
        records from `source`. PipeWire sometimes drops a hand move (seen a few times
        in many runs, see test_fix_servers.py): the move is asked for once more then,
        since what the tests prove is what follows a move, not that the server makes it."""
        for attempt in (1, 2):
            self.pactl("move-source-output", str(index), source)
            try:
                wait_until(lambda: self.stream_source(index) == source, 5, f"stream #{index} on {source}")
                return
            except TimeoutError:
                if attempt == 2:
                    raise

    def stop_clients(self):
        for c in self.clients:
            _kill(c)
        self.clients = []


class PulseAudioServer(SoundServer):
    name = "pulseaudio"

    def __init__(self):
        super().__init__()
        self.socket = os.path.join(self.dir, "native")
        conf = os.path.join(self.dir, "default.pa")
        with open(conf, "w") as f:
            f.write(f"load-module module-native-protocol-unix auth-anonymous=1 socket={self.socket}\n")
            f.write(f"load-module module-null-sink sink_name=speakers sink_properties='{SPEAKERS_PROPERTIES}'\n")
        self.env["PULSE_SERVER"] = "unix:" + self.socket
        self._spawn("pulseaudio", "-n", "-F", conf, "--daemonize=no", "--exit-idle-time=-1",
                    "--disallow-exit", "--log-target=stderr")
        self._wait_ready()


class PipeWireServer(SoundServer):
    name = "pipewire"

    def __init__(self):
        super().__init__()
        self.socket = os.path.join(self.dir, "pulse", "native")
        bus = os.path.join(self.dir, "bus")
        out = subprocess.run(["dbus-daemon", "--session", f"--address=unix:path={bus}", "--fork", "--print-pid"],
                             env=self.env, capture_output=True, text=True, timeout=10, check=True)
        self.extra_pids = [int(out.stdout.split()[0])]
        self.env["DBUS_SESSION_BUS_ADDRESS"] = f"unix:path={bus}"
        self.env["PULSE_SERVER"] = "unix:" + self.socket
        self._spawn("pipewire")
        wait_until(lambda: os.path.exists(os.path.join(self.dir, "pipewire-0")), 10, "pipewire socket")
        self._spawn("wireplumber")
        self._spawn("pipewire-pulse")
        self._wait_ready()
        self.load_module("module-null-sink", "sink_name=speakers", f"sink_properties='{SPEAKERS_PROPERTIES}'")


def _kill(p):
    if p.poll() is None:
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(timeout=3)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
