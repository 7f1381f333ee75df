#!/usr/bin/env python3
"""A PRO380-S fleet (docs/config.md, "[[fleet]]"): meters without a bus, read over REST.

3 meters with variant = "s" beside one [[meter]], under a constant load: the start line names the fleet's serials ("no bus"); the REST API lists every meter of
the fleet with its variant, and a fleet meter's quantities are the load's; the web page is
served. With the web off (`--http off`), an s fleet exits 2 naming the fleet and the reason, and
nothing is written; a bus key in an s fleet exits 2 naming the key.

Environment: PRO380_BINARY.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fleet_e2e  # noqa: E402
import modbus_e2e as e2e  # noqa: E402

SOURCE = "const:P1=2000,P2=-1500,P3=500"
LINE = re.compile(r"^fleet: 3 PRO380-S, serials (\d{8})-(\d{8}), no bus: on the web page and "
                  r"REST API$", re.M)
CONFIG = """
[interfaces]
modbus_tcp = "127.0.0.1:0"
[[meter]]
serial = "22091039"
[[fleet]]
variant = "s"
count = 3
serial_start = "60000001"
wiring = "3p4w"
"""


def get(url):
    with urllib.request.urlopen(url, timeout=5) as reply:
        return reply.read().decode()


class FleetSTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.fleet = fleet_e2e.FleetRun("pro380-fleet-s-", CONFIG, source=SOURCE,
                                       http="127.0.0.1:0", expect_tcp=1)
        cls.line = cls.fleet.start_lines(LINE, 1)[0]
        cls.web = cls.fleet.meter.web_url

    @classmethod
    def tearDownClass(cls):
        cls.fleet.stop()

    def test_the_start_line_names_the_fleet_s_serials(self):
        self.assertEqual(self.line.groups(), ("60000001", "60000003"))
        self.assertNotIn("pro380 s meter", self.fleet.meter.output())  # no line a meter

    def test_rest_lists_every_fleet_meter_and_reads_one(self):
        listed = json.loads(get(f"{self.web}api/v1/meters"))
        meters = listed["meters"] if isinstance(listed, dict) else listed
        variants = {m["serial"]: m["variant"] for m in meters}
        self.assertEqual(variants, {"22091039": "mod", "60000001": "s", "60000002": "s",
                                    "60000003": "s"})
        # The meters take their first measurement on the run's first tick (100 ms).
        deadline = time.monotonic() + 5
        while True:
            quantities = json.loads(get(f"{self.web}api/v1/meters/60000002"))["quantities"]
            if quantities["voltage_l1_v"] > 0 or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        self.assertAlmostEqual(quantities["active_power_l1_kw"], 2.0, delta=0.001)
        self.assertAlmostEqual(quantities["active_power_l2_kw"], -1.5, delta=0.001)
        self.assertAlmostEqual(quantities["active_power_kw"], 1.0, delta=0.001)
        self.assertIn("<html", get(self.web).lower())


class FleetSConfigTest(unittest.TestCase):
    def run_config(self, text, *args):
        work = tempfile.mkdtemp(prefix="pro380-fleet-s-bad-")
        try:
            config = os.path.join(work, "fleet.toml")
            with open(config, "w") as f:
                f.write(text)
            done = subprocess.run([e2e.BINARY, "run", "--config", config, "--state",
                                   os.path.join(work, "state"), "--stop-after", "1s", *args],
                                  capture_output=True, text=True, timeout=30, check=False)
            self.assertFalse(os.path.exists(os.path.join(work, "state")))
            return done
        finally:
            shutil.rmtree(work, ignore_errors=True)

    def test_web_off_exits_2_naming_the_fleet_and_the_reason(self):
        done = self.run_config(CONFIG, "--http", "off")
        self.assertEqual(done.returncode, 2, done.stderr)
        self.assertIn("fleet[1] is variant s: a PRO380-S has no bus", done.stderr)

    def test_a_bus_key_exits_2_naming_it(self):
        done = self.run_config(CONFIG + 'mbus_tcp = "127.0.0.1:0"\n')
        self.assertEqual(done.returncode, 2, done.stderr)
        self.assertIn("fleet[1].mbus_tcp is not a key of an s fleet: a PRO380-S has no bus",
                      done.stderr)


if __name__ == "__main__":
    if not e2e.BINARY:
        print("skipped: needs PRO380_BINARY")
        sys.exit(77)
    unittest.main()
