"""read_bluetooth against BlueZ's D-Bus interface on a PRIVATE system bus:
python-dbusmock's bluez5 template (the object paths, interfaces and property
types of bluetoothd) behind its own dbus-daemon; DBUS_SYSTEM_BUS_ADDRESS
points the reader there, never at the machine's system bus.

argv: the below_server_probe program (tests/servers/below_server_probe.cpp).
Proves: the live reader sees the adapter and a connected, paired headset with
its Handsfree and A2DP sink UUIDs; sees oFono when org.ofono is on the bus;
reads busctl's JSON of the same reply (the fixture form) the same way; and
says why, within its timeout, when BlueZ is gone, the bus is absent, or the
bus never answers."""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from soundserver import wait_until  # noqa: E402

PROBE = sys.argv[1] if len(sys.argv) > 1 else None
PYTHON = "/usr/bin/python3"  # the interpreter Debian's python3-dbusmock is installed for
HANDSFREE = "0000111e-0000-1000-8000-00805f9b34fb"
HEADSET = "00001108-0000-1000-8000-00805f9b34fb"
A2DP_SINK = "0000110b-0000-1000-8000-00805f9b34fb"
HEADSET_ADDRESS = "00:1B:66:AA:BB:CC"
# A real headset's UUIDs as BlueZ lists them (bluetoothctl info of a Sony
# WH-1000XM3: Headset, Audio Sink, A/V Remote Control Target, A/V Remote
# Control, Handsfree, PnP Information, and vendor services).
HEADSET_UUIDS = [HEADSET, A2DP_SINK, "0000110c-0000-1000-8000-00805f9b34fb", "0000110e-0000-1000-8000-00805f9b34fb",
                 HANDSFREE, "00001200-0000-1000-8000-00805f9b34fb"]


class PrivateSystemBus:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="micdoctor-bluez-")
        self.address = f"unix:path={self.dir}/system_bus"
        out = subprocess.run(["dbus-daemon", "--session", f"--address={self.address}", "--fork", "--print-pid"],
                             capture_output=True, text=True, timeout=10, check=True)
        self.daemon_pid = int(out.stdout.split()[0])
        self.env = dict(os.environ, DBUS_SYSTEM_BUS_ADDRESS=self.address)
        self.env.pop("DBUS_SESSION_BUS_ADDRESS", None)
        self.mocks = {}

    def start_mock(self, name, *argv):
        log = open(os.path.join(self.dir, name + ".log"), "wb")
        p = subprocess.Popen([PYTHON, "-m", "dbusmock", "--system", *argv], env=self.env, stdout=log,
                             stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        log.close()
        self.mocks[name] = p
        wait_until(lambda: self.has_owner(name), 15, f"{name} on the private bus")

    def stop_mock(self, name):
        p = self.mocks.pop(name)
        p.terminate()
        p.wait(timeout=5)
        wait_until(lambda: not self.has_owner(name), 5, f"{name} gone")

    def busctl(self, *args):
        return subprocess.run(["busctl", f"--address={self.address}", *args], capture_output=True, text=True,
                              timeout=10, check=True).stdout

    def has_owner(self, name):
        p = subprocess.run(["busctl", f"--address={self.address}", "call", "org.freedesktop.DBus", "/org/freedesktop/DBus",
                            "org.freedesktop.DBus", "NameHasOwner", "s", name], capture_output=True, text=True, timeout=10)
        return p.returncode == 0 and p.stdout.strip() == "b true"

    def mock_call(self, method, signature, *args):
        self.busctl("call", "org.bluez", "/", "org.bluez.Mock", method, signature, *args)

    def stop(self):
        for p in self.mocks.values():
            if p.poll() is None:
                p.kill()
                p.wait()
        try:
            os.kill(self.daemon_pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        shutil.rmtree(self.dir, ignore_errors=True)


def probe(env, *args):
    out = subprocess.run([PROBE, *args], env=env, capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def headset(state):
    return next(d for d in state["devices"] if d["address"] == HEADSET_ADDRESS)


def main():
    bus = PrivateSystemBus()
    try:
        # No BlueZ on the bus yet: read=false, and the reason names BlueZ.
        state = probe(bus.env, "bluetooth", "/", "2000")
        assert not state["read"] and "BlueZ" in state["error"], state

        bus.start_mock("org.bluez", "--template", "bluez5")
        bus.mock_call("AddAdapter", "ss", "hci0", "my-laptop")
        state = probe(bus.env, "bluetooth", "/", "2000")
        assert state["read"] and state["adapter_present"] and state["devices"] == [], state

        # A headset: known, paired, connected, advertising Handsfree, Headset and A2DP sink.
        bus.mock_call("AddDevice", "sss", "hci0", HEADSET_ADDRESS, "WH-1000XM3")
        bus.mock_call("PairDevice", "ssi", "hci0", HEADSET_ADDRESS, "2360324")  # class 0x240404: audio, headset
        bus.mock_call("ConnectDevice", "ss", "hci0", HEADSET_ADDRESS)
        path = "/org/bluez/hci0/dev_" + HEADSET_ADDRESS.replace(":", "_")
        bus.busctl("call", "org.bluez", path, "org.freedesktop.DBus.Mock", "UpdateProperties", "sa{sv}",
                   "org.bluez.Device1", "1", "UUIDs", "as", str(len(HEADSET_UUIDS)), *[u.upper() for u in HEADSET_UUIDS])
        state = probe(bus.env, "bluetooth", "/", "2000")
        device = headset(state)
        assert device["connected"] and device["paired"] and device["name"] == "WH-1000XM3", device
        assert device["uuids"] == HEADSET_UUIDS, device  # lower case, as the model holds them
        assert not state["ofono_running"], state

        # busctl's JSON of the same reply (the fixture machines' dbus/bluez.json) reads the same.
        recorded = os.path.join(bus.dir, "bluez.json")
        with open(recorded, "w") as f:
            f.write(bus.busctl("--json=short", "call", "org.bluez", "/", "org.freedesktop.DBus.ObjectManager",
                               "GetManagedObjects"))
        from_json = probe(bus.env, "bluetooth-json", recorded)
        live = dict(state)
        live.pop("elapsed_ms")
        assert from_json == live, (from_json, live)

        # oFono (an HFP backend) on the bus.
        bus.start_mock("org.ofono", "org.ofono", "/", "org.ofono.Manager")
        assert probe(bus.env, "bluetooth", "/", "2000")["ofono_running"]

        # BlueZ stops: read=false again, with the reason.
        bus.stop_mock("org.bluez")
        state = probe(bus.env, "bluetooth", "/", "2000")
        assert not state["read"] and "BlueZ" in state["error"] and state["devices"] == [], state

        # No bus at that address: read=false, said so.
        gone = dict(bus.env, DBUS_SYSTEM_BUS_ADDRESS=f"unix:path={bus.dir}/no-such-bus")
        state = probe(gone, "bluetooth", "/", "2000")
        assert not state["read"] and "system D-Bus" in state["error"], state

        # A bus that accepts the connection and never answers: the timeout holds.
        silent_path = os.path.join(bus.dir, "silent_bus")
        silent = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        silent.bind(silent_path)
        silent.listen(4)
        try:
            mute = dict(bus.env, DBUS_SYSTEM_BUS_ADDRESS=f"unix:path={silent_path}")
            started = time.monotonic()
            state = probe(mute, "bluetooth", "/", "500")
            took = time.monotonic() - started
            assert not state["read"] and state["error"], state
            assert took < 5, f"read_bluetooth took {took:.1f} s against a silent bus with a 0.5 s timeout"
        finally:
            silent.close()
        print("bluez_dbus: ok")
    finally:
        bus.stop()


if __name__ == "__main__":
    main()
