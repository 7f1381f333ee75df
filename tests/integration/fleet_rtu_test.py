#!/usr/bin/env python3
"""A fleet on Modbus RTU lines (docs/config.md, "[[fleet]]") as mbpoll sees it.

5 CT meters (ct = 100, combined_code = 4), 3 unit IDs a bus, on two pty lines from one
`modbus_rtu = "pty:DIR/line%d:4800:N"` and no TCP port: the start lines name both lines at
4800 8N1 with their IDs and serials; mbpoll, over each pty, reads the info block of several IDs:
each answers with its own serial, the CT meter code (0x0103), its ID, the line's baud rate and
parity (written into the meters' settings as for [interfaces]) and the fleet's combined code;
an ID past the last meter of a line is not answered. The fleet sets `variant = "mod"` (the
default). A bad `modbus_rtu`, or `modbus_rtu` in a `variant = "mb"` fleet (whose buses are
mbus_tcp and mbus), exits 2 naming the key, and nothing is opened.

Environment: PRO380_BINARY. Needs mbpoll (Debian package); exits 77 (skipped) without it.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fleet_e2e  # noqa: E402
import mbpoll  # noqa: E402
import modbus_e2e as e2e  # noqa: E402

LINE = re.compile(r"^fleet: Modbus RTU on (\S+) at 4800 8N1, IDs (\d+)-(\d+), "
                  r"serials (\d{8})-(\d{8})$", re.M)
CONFIG = """
[[fleet]]
count = 5
serial_start = "40000001"
ids_per_port = 3
modbus_rtu = "pty:{work}/line%d:4800:N"
variant = "mod"
ct = 100
combined_code = 4
"""


def mbpoll_words(path, unit, addr, count):
    return mbpoll.words(["-m", "rtu", "-b", "4800", "-P", "none", path], unit, addr,
                                  count)


class FleetRtuTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.fleet = fleet_e2e.FleetRun("pro380-fleet-rtu-", CONFIG)
        cls.work = cls.fleet.work
        cls.lines = [(m.group(1), int(m.group(2)), int(m.group(3)), m.group(4), m.group(5))
                     for m in cls.fleet.start_lines(LINE, 2)]

    @classmethod
    def tearDownClass(cls):
        cls.fleet.stop()

    def test_start_lines_name_both_lines_with_their_ids_and_serials(self):
        self.assertEqual(self.lines, [
            (os.path.join(self.work, "line0"), 1, 3, "40000001", "40000003"),
            (os.path.join(self.work, "line1"), 1, 2, "40000004", "40000005")])

    def test_each_id_of_each_line_answers_with_its_own_settings(self):
        for index, (path, _, last_id, _, _) in enumerate(self.lines):
            for unit in range(1, last_id + 1):
                serial = 40000001 + index * 3 + unit - 1
                with self.subTest(line=index, unit=unit):
                    words = mbpoll_words(path, unit, 0x4000, 18)
                    self.assertIsNotNone(words, f"no reply from unit {unit} on {path}")
                    self.assertEqual(words[0] + words[1], str(serial))
                    self.assertEqual(words[2], "0103")  # CT meter code
                    self.assertEqual(int(words[3], 16), unit)
                    self.assertEqual(int(words[4], 16), 4800)
                    self.assertEqual(int(words[0x11], 16), 2)  # parity: none
                    self.assertEqual(int(words[0xF], 16), 4)  # combined code

    def test_an_id_past_the_last_meter_of_a_line_is_not_answered(self):
        self.assertIsNone(mbpoll_words(self.lines[1][0], 3, 0x4000, 2))


class FleetRtuConfigTest(unittest.TestCase):
    def run_config(self, work, config_text):
        config = os.path.join(work, "fleet.toml")
        with open(config, "w") as f:
            f.write(config_text)
        return subprocess.run([e2e.BINARY, "run", "--config", config, "--state",
                               os.path.join(work, "state"), "--stop-after", "1s"],
                              capture_output=True, text=True, timeout=30, check=False)

    def test_a_line_without_percent_d_for_two_buses_exits_2_naming_the_key(self):
        work = tempfile.mkdtemp(prefix="pro380-fleet-rtu-bad-")
        try:
            done = self.run_config(work, CONFIG.replace("{work}", work).replace("line%d", "line"))
            self.assertEqual(done.returncode, 2, done.stderr)
            self.assertIn("fleet[1].modbus_rtu", done.stderr)
            self.assertIn("%d", done.stderr)
            self.assertFalse(os.path.exists(os.path.join(work, "line")))
        finally:
            shutil.rmtree(work, ignore_errors=True)

    def test_modbus_lines_in_an_m_bus_fleet_exit_2_naming_the_key_and_the_allowed_keys(self):
        work = tempfile.mkdtemp(prefix="pro380-fleet-rtu-mb-")
        try:
            done = self.run_config(work, CONFIG.replace("{work}", work).replace(
                'variant = "mod"', 'variant = "mb"'))
            self.assertEqual(done.returncode, 2, done.stderr)
            self.assertIn("fleet[1].modbus_rtu is not a key of an mb fleet; allowed keys: "
                          "mbus_tcp, mbus", done.stderr)
            self.assertFalse(os.path.exists(os.path.join(work, "line0")))
            self.assertFalse(os.path.exists(os.path.join(work, "state")))
        finally:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    if not mbpoll.MBPOLL or not e2e.BINARY:
        print("skipped: needs mbpoll and PRO380_BINARY")
        sys.exit(77)
    unittest.main()
