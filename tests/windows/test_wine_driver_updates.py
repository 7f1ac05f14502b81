#!/usr/bin/python3
"""micdoctor.exe (the mingw-w64 build) under Wine: the Windows Update driver
search and the driver policies (issue 15). Wine 8's wuapi creates an
UpdateSession and a searcher, but IUpdateSearcher::Search answers E_NOTIMPL:
proven here is that `check` still completes quickly with a clear
driver_updates.error (the search runs on a worker thread with a deadline),
and that the policies that keep driver updates away are read from the real
(Wine) registry, said in driver_updates.blocked_by/blocked_detail and in the
driver.update_available finding, and never changed; the person's own Device
Installation Settings choice is information (driver_updates.install_setting),
not a block. What Wine cannot show
(offered updates, hardware ids, the driver store, install dates) is covered by
the snapshot fixtures in tests/fixtures/windows and the unit tests
(tests/unit/windows_driver_checks_test.cpp).
Usage: test_wine_driver_updates.py PATH/TO/micdoctor.exe
Exit status 77 (skipped) when the exe or wine is not there."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

from wineprefix import WinePrefix, windows_path

EXE = None
WU_POLICY = r"HKLM\SOFTWARE\Policies\Microsoft\Windows\WindowsUpdate"
SEARCHING_POLICY = r"HKLM\SOFTWARE\Policies\Microsoft\Windows\DriverSearching"
SEARCHING_SETTING = r"HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\DriverSearching"
SEARCHING_USER = r"HKCU\SOFTWARE\Policies\Microsoft\Windows\DriverSearching"
# The check's search deadline is 5 s; Wine starting the exe adds a few seconds.
CHECK_SECONDS = 30


class WineDriverUpdates(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="micdoctor-wine-drivers-")
        cls.wine = WinePrefix(cls.dir, HOME=cls.dir)
        cls.wine.env.pop("PULSE_SERVER", None)
        cls.env = cls.wine.make().env

    @classmethod
    def tearDownClass(cls):
        cls.wine.stop()
        shutil.rmtree(cls.dir, ignore_errors=True)

    def setUp(self):
        self.addCleanup(self.clear_policies)

    def clear_policies(self):
        for key in (WU_POLICY, SEARCHING_POLICY, SEARCHING_SETTING, SEARCHING_USER):
            self.reg("delete", key, "/f", check=False)

    def reg(self, *args, check=True):
        p = subprocess.run(["wine", "reg", *args], env=self.env, capture_output=True, text=True, timeout=60)
        if check and p.returncode != 0:
            raise RuntimeError(f"wine reg {args}: {p.stdout} {p.stderr}")
        return p.stdout

    def set_dword(self, key, name, value):
        self.reg("add", key, "/v", name, "/t", "REG_DWORD", "/d", str(value), "/f")

    def dword(self, key, name):
        for line in self.reg("query", key, "/v", name, check=False).splitlines():
            parts = line.split()
            if parts and parts[0] == name:
                return int(parts[-1], 16)
        return None

    def check(self):
        """check --format json, timed: (report, seconds)."""
        env = dict(self.env, MICDOCTOR_STATE_DIR=windows_path(self.dir))
        start = time.monotonic()
        p = subprocess.run(["wine", EXE, "check", "--format", "json"], env=env, capture_output=True, text=True,
                           timeout=120)
        seconds = time.monotonic() - start
        self.assertIn(p.returncode, (0, 1), p.stdout + p.stderr)
        return json.loads(p.stdout), seconds

    @staticmethod
    def findings(report, check_id):
        return [f for f in report["findings"] if f["id"] == check_id]

    def test_the_search_stub_gives_a_clear_error_quickly(self):
        report, seconds = self.check()
        self.assertLess(seconds, CHECK_SECONDS)
        updates = report["driver_updates"]
        self.assertEqual((updates["searched"], updates["online"], updates["updates"]), (False, False, []))
        self.assertEqual(updates["error"], "Windows Update cannot search on this system: 0x80004001 (Not implemented.)")
        self.assertEqual((updates["blocked_by"], updates["blocked_detail"]), ("", ""))
        # No offer and no policy: nothing to say about driver updates.
        self.assertEqual(self.findings(report, "driver.update_available"), [])
        self.assertEqual(self.findings(report, "driver.recently_changed"), [])

    def test_a_policy_that_excludes_drivers_is_said_and_left_alone(self):
        self.set_dword(WU_POLICY, "ExcludeWUDriversInQualityUpdate", 1)
        report, seconds = self.check()
        self.assertLess(seconds, CHECK_SECONDS)
        updates = report["driver_updates"]
        self.assertEqual(updates["blocked_by"], "ExcludeWUDriversInQualityUpdate")
        self.assertEqual(updates["blocked_detail"],
                         'The group policy "Do not include drivers with Windows Updates" is on '
                         r"(HKLM\SOFTWARE\Policies\Microsoft\Windows\WindowsUpdate ExcludeWUDriversInQualityUpdate = 1).")
        [finding] = self.findings(report, "driver.update_available")
        self.assertEqual((finding["severity"], finding["step"]), ("info", 4))
        self.assertIn(updates["blocked_detail"], finding["detail"])
        self.assertIn("micdoctor does not change such policies", finding["detail"])
        self.assertEqual(self.dword(WU_POLICY, "ExcludeWUDriversInQualityUpdate"), 1)  # not worked around

    def test_the_value_that_allows_drivers_is_not_a_block(self):
        self.set_dword(WU_POLICY, "ExcludeWUDriversInQualityUpdate", 0)
        self.set_dword(SEARCHING_SETTING, "SearchOrderConfig", 1)
        report, _ = self.check()
        self.assertEqual(report["driver_updates"]["blocked_by"], "")
        self.assertEqual(self.findings(report, "driver.update_available"), [])

    def test_each_driver_searching_value_is_read(self):
        cases = [
            (SEARCHING_POLICY, "SearchOrderConfig", 0, "DriverSearching",
             r"(HKLM\SOFTWARE\Policies\Microsoft\Windows\DriverSearching SearchOrderConfig = 0)"),
            (SEARCHING_USER, "DontSearchWindowsUpdate", 1, "DontSearchWindowsUpdate",
             r"(HKCU\SOFTWARE\Policies\Microsoft\Windows\DriverSearching DontSearchWindowsUpdate = 1)"),
        ]
        for key, name, value, blocked_by, registry in cases:
            with self.subTest(name=name, key=key):
                self.clear_policies()
                self.set_dword(key, name, value)
                updates = self.check()[0]["driver_updates"]
                self.assertEqual(updates["blocked_by"], blocked_by)
                self.assertIn(registry, updates["blocked_detail"])
                self.assertEqual(self.dword(key, name), value)

    def test_the_device_installation_setting_is_information_not_a_block(self):
        # "Device Installation Settings: No" is the person's own choice for new
        # devices; Windows Update still offers driver updates under Optional updates.
        self.set_dword(SEARCHING_SETTING, "SearchOrderConfig", 0)
        report, _ = self.check()
        updates = report["driver_updates"]
        self.assertEqual((updates["blocked_by"], updates["blocked_detail"]), ("", ""))
        self.assertIn("Hardware > Device Installation Settings", updates["install_setting"])
        self.assertIn(r"(Control Panel > System > Advanced system settings", updates["install_setting"])
        self.assertIn(r"HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\DriverSearching SearchOrderConfig = 0",
                      updates["install_setting"])
        self.assertEqual(self.findings(report, "driver.update_available"), [])
        self.assertEqual(self.dword(SEARCHING_SETTING, "SearchOrderConfig"), 0)

    def test_several_policies_are_all_said(self):
        self.set_dword(WU_POLICY, "ExcludeWUDriversInQualityUpdate", 1)
        self.set_dword(SEARCHING_USER, "DontSearchWindowsUpdate", 1)
        updates = self.check()[0]["driver_updates"]
        self.assertEqual(updates["blocked_by"], "ExcludeWUDriversInQualityUpdate")
        self.assertIn("ExcludeWUDriversInQualityUpdate = 1). The policy", updates["blocked_detail"])
        self.assertIn("DontSearchWindowsUpdate = 1)", updates["blocked_detail"])


if __name__ == "__main__":
    if len(sys.argv) < 2 or not os.path.isfile(sys.argv[1]) or shutil.which("wine") is None:
        print("skipped: needs micdoctor.exe (scripts/build-windows.sh) and wine")
        sys.exit(77)
    EXE = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
