"""Cards with the controls of real machines, through alsa-lib, for end-to-end tests.

    from test_cards import TestCards
    cards = TestCards(build_dir, tmp_dir)          # copies tests/fixtures/mixers/*.state
    env = cards.env(os.environ)                     # ALSA_CONFIG_PATH + MICDOCTOR_ALSA_STATE
    cards.amixer("Generic_1", "sset", "Capture", "nocap")
    cards.capture_values("Generic_1", "Capture")    # [63, 63]

The plugin and its configuration are built with the tests
(build/tests/alsa_plugin/); see docs/fix-and-undo.md, "Running micdoctor against
test mixers".
"""
import os
import re
import shutil
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "fixtures", "mixers")


class TestCards:
    def __init__(self, build_dir, tmp_dir, cards=("Generic_1", "Headset", "Intel", "sofhdadsp")):
        self.config = os.path.join(build_dir, "tests", "alsa_plugin", "micdoctor-test-alsa.conf")
        if not os.path.exists(self.config):
            raise FileNotFoundError(self.config + " (build the tests first)")
        self.state = os.path.join(tmp_dir, "alsa-cards")
        os.makedirs(self.state, exist_ok=True)
        for card in cards:
            shutil.copy(os.path.join(FIXTURES, card + ".state"), self.state)

    def env(self, base=None):
        env = dict(base if base is not None else os.environ)
        env["ALSA_CONFIG_PATH"] = self.config
        env["MICDOCTOR_ALSA_STATE"] = self.state
        return env

    def amixer(self, card, *args):
        return subprocess.run(["amixer", "-D", "hw:" + card, *args], env=self.env(), capture_output=True,
                              text=True, timeout=10, check=True).stdout

    def capture_values(self, card, element):
        """The raw capture step of every channel, as amixer shows them."""
        text = self.amixer(card, "sget", element)
        return [int(v) for v in re.findall(r"(?:Front Left|Front Right|Mono): Capture (\d+) ", text)]
