"""Running the real micdoctor binary against a fixture machine (tests/fixtures/machines/<name>/).

    with MachineRun(micdoctor, build_dir, "medion-capture-off") as m:
        p = m.run("check", "--format", "json")
        m.amixer("PCH", "sget", "Capture")

Each run is in its own temporary directory: HOME and XDG_* point inside it,
PULSE_SERVER names a socket nobody listens on (no sound server answers), and
MICDOCTOR_TEST_MACHINE_ROOT is the machine. When the machine has a mixers/
folder, its <CARD>.state files are copied into the temporary directory and
served through real alsa-lib by the test ALSA control plugin
(tests/alsa_plugin: ALSA_CONFIG_PATH, MICDOCTOR_ALSA_STATE)."""
import os
import shutil
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
MACHINES = os.path.normpath(os.path.join(HERE, "..", "fixtures", "machines"))

# Findings this test machine gives whatever fixture it reads: no sound server
# answers, and it has no /dev/snd.
ENVIRONMENT_IDS = {"server.unreachable", "permission.device_node"}


def machine_names():
    return sorted(n for n in os.listdir(MACHINES) if os.path.isdir(os.path.join(MACHINES, n)))


def expected_ids(name):
    with open(os.path.join(MACHINES, name, "expected-ids"), encoding="utf-8") as f:
        return [line.strip() for line in f if line.strip() and not line.startswith("#")]


class MachineRun:
    def __init__(self, micdoctor, build_dir, name):
        self.micdoctor = micdoctor
        self.root = os.path.join(MACHINES, name)
        self.config = os.path.join(build_dir, "tests", "alsa_plugin", "micdoctor-test-alsa.conf")
        self.tmp = tempfile.TemporaryDirectory(prefix="micdoctor-" + name + "-")
        d = self.tmp.name
        self.home = os.path.join(d, "home")
        self.state_home = os.path.join(d, "state")
        for sub in ("home", "config", "state", "cache", "data", "runtime"):
            os.makedirs(os.path.join(d, sub), mode=0o700)
        self.cards = None
        mixers = os.path.join(self.root, "mixers")
        if os.path.isdir(mixers):
            if not os.path.exists(self.config):
                raise FileNotFoundError(self.config + " (build the tests first)")
            self.cards = os.path.join(d, "alsa-cards")
            shutil.copytree(mixers, self.cards)
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "LANG": "C.UTF-8",
            "HOME": self.home,
            "XDG_CONFIG_HOME": os.path.join(d, "config"),
            "XDG_STATE_HOME": self.state_home,
            "XDG_CACHE_HOME": os.path.join(d, "cache"),
            "XDG_DATA_HOME": os.path.join(d, "data"),
            "XDG_RUNTIME_DIR": os.path.join(d, "runtime"),
            "PULSE_SERVER": "unix:" + os.path.join(d, "none"),
            "MICDOCTOR_TEST_MACHINE_ROOT": self.root,
            # No real card of this machine may answer: without a mixers/ folder
            # the plugin serves no card at all.
            "ALSA_CONFIG_PATH": self.config,
            "MICDOCTOR_ALSA_STATE": self.cards or os.path.join(d, "no-cards"),
        }
        # The sanitizer build's settings (scripts/test.sh) pass through.
        self.env.update({k: v for k, v in os.environ.items() if k.endswith("SAN_OPTIONS") or k == "MICDOCTOR_SANITIZED"})

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.tmp.cleanup()

    def run(self, *args, timeout=30):
        return subprocess.run([self.micdoctor, *args], env=self.env, capture_output=True, text=True, timeout=timeout)

    def amixer(self, card, *args):
        return subprocess.run(["amixer", "-D", "hw:" + card, *args], env=self.env, capture_output=True, text=True,
                              timeout=10, check=True).stdout

    def card_state(self, card):
        with open(os.path.join(self.cards, card + ".state"), encoding="utf-8") as f:
            return f.read()
