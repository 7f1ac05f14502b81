"""micdoctor against the REAL fwupd daemon from Debian (fwupd 2.0.20 with
fwupd-tests) on a PRIVATE system bus: its own dbus-daemon in a temp dir,
DBUS_SYSTEM_BUS_ADDRESS pointing micdoctor and fwupdmgr there, never at the
machine's system bus.

The packaged daemon gives test devices headless: FWUPD_SYSCONFDIR points it at
a fwupd.conf of our own with TestDevices=true (fwupd's "test" plugin: an
"Integrated Webcam(TM)" by "ACME Corp.", icon camera-web, firmware 1.2.2) and
OnlyTrusted=false (the test cabinets are not signed by LVFS), with the
fwupd-tests remote (/usr/share/fwupd/remotes.d/fwupd-tests.conf: releases 1.2.3
and 1.2.4 from /usr/share/installed-tests/fwupd/fwupd-tests.xml).
FWUPD_LOCALSTATEDIR, FWUPD_CACHEDIR and FWUPD_RUNDIR keep its state in the temp
dir. It runs as root here; as root, fwupd does not ask polkit.

argv: the micdoctor binary.
Proves: no daemon -> an error in words, fast, and check does not start fwupd
(the private bus can activate it, and a direct call does); a bus that accepts and never
answers -> cut off by the deadline; firmware.update_available on the webcam
(audio by its icon) with both versions and the release summary, and not on
the CPU (not audio, not updatable); a plain `fix --yes` installs nothing;
`fix --only firmware.update --dry-run` shows the plan and installs nothing;
`fix --only firmware.update --yes` installs 1.2.4 through fwupdmgr (the real
device's version changes) and the finding is gone; `undo` says it cannot undo
firmware and leaves 1.2.4."""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from soundserver import wait_until  # noqa: E402

MICDOCTOR = os.path.abspath(sys.argv[1])
DAEMON = "/usr/libexec/fwupd/fwupd"
WEBCAM = "08d460be0f1f9f128413f816022a6439e0078018"  # the test plugin's fixed DeviceId
ID = "firmware.update_available"


class PrivateBus:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="micdoctor-fwupd-")
        self.address = f"unix:path={self.dir}/system_bus"
        # A bus of our own that can activate org.freedesktop.fwupd (like the
        # system bus with fwupd installed): the activation only leaves a mark,
        # so a reader that would start fwupd is caught.
        services = os.path.join(self.dir, "services")
        os.makedirs(services)
        self.activated = os.path.join(self.dir, "activated")
        with open(os.path.join(services, "org.freedesktop.fwupd.service"), "w") as f:
            f.write(f"[D-BUS Service]\nName=org.freedesktop.fwupd\nExec=/usr/bin/touch {self.activated}\n")
        config = os.path.join(self.dir, "bus.conf")
        with open(config, "w") as f:
            f.write(f"""<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>{self.address}</listen>
  <auth>EXTERNAL</auth>
  <servicedir>{services}</servicedir>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_type="method_call"/>
    <allow send_type="signal"/>
    <allow send_requested_reply="true" send_type="method_return"/>
    <allow send_requested_reply="true" send_type="error"/>
    <allow receive_type="method_call"/>
    <allow receive_type="method_return"/>
    <allow receive_type="error"/>
    <allow receive_type="signal"/>
  </policy>
</busconfig>
""")
        out = subprocess.run(["dbus-daemon", f"--config-file={config}", "--fork", "--print-pid"],
                             capture_output=True, text=True, timeout=10, check=True)
        self.bus_pid = int(out.stdout.split()[0])
        self.env = dict(os.environ, DBUS_SYSTEM_BUS_ADDRESS=self.address,
                        XDG_STATE_HOME=os.path.join(self.dir, "state"), PULSE_SERVER="unix:" + self.dir + "/no-pulse")
        self.env.pop("DBUS_SESSION_BUS_ADDRESS", None)
        self.daemon = None

    def start_fwupd(self):
        etc = os.path.join(self.dir, "etc")
        os.makedirs(os.path.join(etc, "fwupd", "remotes.d"))
        with open(os.path.join(etc, "fwupd", "fwupd.conf"), "w") as f:
            f.write("[fwupd]\nTestDevices=true\nOnlyTrusted=false\n")
        shutil.copy("/usr/share/fwupd/remotes.d/fwupd-tests.conf", os.path.join(etc, "fwupd", "remotes.d"))
        env = dict(self.env, FWUPD_SYSCONFDIR=etc)
        for name in ("LOCALSTATEDIR", "CACHEDIR", "RUNDIR"):
            path = os.path.join(self.dir, name.lower())
            os.makedirs(path)
            env["FWUPD_" + name] = path
        self.log = open(os.path.join(self.dir, "fwupd.log"), "wb")
        self.daemon = subprocess.Popen([DAEMON, "-v"], env=env, stdout=self.log, stderr=subprocess.STDOUT,
                                       stdin=subprocess.DEVNULL, cwd=self.dir)
        wait_until(lambda: WEBCAM in self.devices_text(), 30, "fwupd's test webcam on the private bus")

    def devices_text(self):
        p = subprocess.run(["busctl", f"--address={self.address}", "call", "org.freedesktop.fwupd", "/",
                            "org.freedesktop.fwupd", "GetDevices"], capture_output=True, text=True, timeout=10)
        return p.stdout if p.returncode == 0 else ""

    def webcam_version(self):
        p = subprocess.run(["busctl", f"--address={self.address}", "--json=short", "call", "org.freedesktop.fwupd",
                            "/", "org.freedesktop.fwupd", "GetDevices"], capture_output=True, text=True, timeout=10,
                           check=True)
        for device in json.loads(p.stdout)["data"][0]:
            if device["DeviceId"]["data"] == WEBCAM:
                return device["Version"]["data"]
        raise AssertionError("no webcam")

    def stop(self):
        if self.daemon is not None and self.daemon.poll() is None:
            self.daemon.terminate()
            try:
                self.daemon.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.daemon.kill()
                self.daemon.wait()
        try:
            os.kill(self.bus_pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        shutil.rmtree(self.dir, ignore_errors=True)


def micdoctor(env, *args, timeout=120):
    return subprocess.run([MICDOCTOR, *args], env=env, capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL, cwd=env.get("XDG_STATE_HOME", "/"))


def check(env):
    out = micdoctor(env, "check", "--format", "json")
    assert out.returncode in (0, 1, 2), out.stderr
    return json.loads(out.stdout)


def firmware(report):
    return report["firmware"]


def main():
    bus = PrivateBus()
    os.makedirs(bus.env["XDG_STATE_HOME"])
    try:
        # No fwupd on the bus: an error in words, at once (check never starts it).
        started = time.monotonic()
        fw = firmware(check(bus.env))
        assert not fw["read"] and "fwupd" in fw["error"] and ("not running" in fw["error"] or "not installed" in fw["error"]), fw
        assert fw["installed"] == os.access(DAEMON, os.X_OK), fw
        assert time.monotonic() - started < 20, "check took too long without fwupd"
        assert not os.path.exists(bus.activated), "check started fwupd (D-Bus activation)"
        # The same bus does activate it when asked directly: the mark above would have shown it.
        subprocess.run(["busctl", f"--address={bus.address}", "call", "org.freedesktop.fwupd", "/",
                        "org.freedesktop.DBus.Peer", "Ping"], capture_output=True, timeout=30)
        wait_until(lambda: os.path.exists(bus.activated), 10, "the activation mark")

        # The real daemon with its test devices.
        bus.start_fwupd()
        report = check(bus.env)
        fw = firmware(report)
        assert fw["read"] and fw["daemon_version"].startswith("2."), fw
        webcam = next(d for d in fw["devices"] if d["id"] == WEBCAM)
        assert webcam["is_audio"] and webcam["version"] == "1.2.2" and "updatable" in webcam["flags"], webcam
        assert [u["version"] for u in webcam["upgrades"]] == ["1.2.4", "1.2.3"], webcam
        assert webcam["upgrades"][0]["summary"] == "Firmware for the ACME Corp Integrated Webcam", webcam
        assert "flux capacitor" in webcam["upgrades"][0]["description"] and "<p>" not in webcam["upgrades"][0]["description"]
        others = [d for d in fw["devices"] if d["id"] != WEBCAM]
        assert others and not any(d["is_audio"] for d in others), others  # the CPU
        found = [f for f in report["findings"] if f["id"] == ID]
        assert [f["device"] for f in found] == [WEBCAM], found
        assert "1.2.2" in found[0]["detail"] and "1.2.4" in found[0]["detail"], found[0]
        assert "Firmware for the ACME Corp Integrated Webcam" in found[0]["detail"], found[0]

        # A plain fix --yes never installs firmware.
        out = micdoctor(bus.env, "fix", "--yes")
        assert out.returncode in (0, 1, 2), out.stderr
        assert bus.webcam_version() == "1.2.2", "a plain fix --yes installed firmware"

        # Asked for by id, a dry run shows the plan and installs nothing.
        out = micdoctor(bus.env, "fix", "--only", "firmware.update", "--dry-run")
        assert "1.2.4" in out.stdout and "cannot be undone by micdoctor" in out.stdout, out.stdout + out.stderr
        assert bus.webcam_version() == "1.2.2"

        # Asked for by id with --yes: installed through fwupdmgr, journalled.
        out = micdoctor(bus.env, "fix", "--only", "firmware.update", "--yes", timeout=300)
        assert bus.webcam_version() == "1.2.4", out.stdout + out.stderr
        journal = json.load(open(os.path.join(bus.env["XDG_STATE_HOME"], "micdoctor", "journal.json")))
        assert journal["schema"] == "micdoctor.journal/4", journal["schema"]
        change = journal["runs"][-1]["entries"][0]["change"]
        assert change["setting"] == "firmware_version" and change["from"]["name"] == "1.2.2", change
        assert not [f for f in check(bus.env)["findings"] if f["id"] == ID], "still offered after the install"

        # Undo says it cannot undo firmware, and leaves it.
        out = micdoctor(bus.env, "undo")
        assert "micdoctor cannot undo a firmware update" in out.stdout and "fwupdmgr downgrade" in out.stdout, out.stdout
        assert bus.webcam_version() == "1.2.4"
    finally:
        bus.stop()

    # A bus that accepts and never answers: cut off by the deadline.
    silent_dir = tempfile.mkdtemp(prefix="micdoctor-fwupd-silent-")
    path = os.path.join(silent_dir, "bus")
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(4)
    held = []
    stop = threading.Event()

    def accept():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                pass
    t = threading.Thread(target=accept, daemon=True)
    t.start()
    try:
        env = dict(os.environ, DBUS_SYSTEM_BUS_ADDRESS="unix:path=" + path, XDG_STATE_HOME=silent_dir,
                   PULSE_SERVER="unix:" + silent_dir + "/no-pulse")
        started = time.monotonic()
        fw = firmware(check(env))
        elapsed = time.monotonic() - started
        assert not fw["read"] and "did not answer" in fw["error"], fw
        assert elapsed < 20, f"check took {elapsed:.1f} s on a silent bus"
    finally:
        stop.set()
        t.join()
        for c in held:
            c.close()
        server.close()
        shutil.rmtree(silent_dir, ignore_errors=True)
    print("fwupd: all passed")


if __name__ == "__main__":
    main()
