#!/usr/bin/env python3
"""The meter-ID menu of a PRO380-Mb sets its M-Bus primary address (docs/display.md, "Variants").

The real `pro380 run` with one variant mb meter (primary address 3) serves M-Bus TCP and HTTP on
free loopback ports. The test presses the front panel's buttons through the REST API (the web
page's path): to the meter-ID page P61, both buttons 5 s (the menu opens on the address, not on
a Modbus ID), right twice, both buttons 5 s again. Then node-mbus (libmbus,
tests/node/mbus_master.js), an independent master, must find the meter at the new address 5 and
not at 3; the event log names the change; after a restart (without an `id` in the config, so the
saved address applies) the meter still answers at 5.
"""
import json
import os
import re
import sys
import time
import unittest
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mbus_e2e  # noqa: E402

SERIAL = "24681357"
WEB_LINE = re.compile(r"^Web page and REST API on (http://\S+/)")
HOLD_S = 5.4  # the manual's 5 s, with room for the loop's 100 ms tick


def config(with_id):
    text = ('[run]\nspeed = 1\nsource = "const:P1=2000,P2=1000,P3=500"\n'
            '[interfaces]\nhttp = "127.0.0.1:0"\nmbus_tcp = "127.0.0.1:0"\n'
            f'[[meter]]\nvariant = "mb"\nserial = "{SERIAL}"\n')
    return text + ("id = 3\n" if with_id else "")


def request(url, method="GET"):
    req = urllib.request.Request(url, method=method, data=b"" if method == "POST" else None)
    with urllib.request.urlopen(req, timeout=5) as reply:
        return json.loads(reply.read())


@unittest.skipUnless(mbus_e2e.node_available(), "node-mbus is not installed")
class PanelMbusAddressTest(unittest.TestCase):
    def setUp(self):
        self.work = mbus_e2e.new_work_dir("panel-mbus-")
        self.runs = []

    def tearDown(self):
        mbus_e2e.stop_all_and_remove(self.runs, self.work)

    def start(self, with_id):
        run = mbus_e2e.MbusRun(self.work, config(with_id),
                               state_dir=os.path.join(self.work, "state"), expect_mbus_tcp=1)
        self.runs.append(run)
        web = [m for m in map(WEB_LINE.match, run.start_lines) if m]
        if not web:  # the web line follows the M-Bus lines: wait for it, bounded
            deadline = time.monotonic() + 5
            while not web and time.monotonic() < deadline:
                time.sleep(0.05)
                web = [m for m in map(WEB_LINE.match, run.output().splitlines()) if m]
        self.assertTrue(web, run.output())
        self.api = web[0].group(1) + f"api/v1/meters/{SERIAL}/"
        self.tcp = ("tcp", "127.0.0.1", run.mbus_ports[0])
        return run

    def lcd(self):
        return request(self.api + "lcd")

    def button(self, side, action):
        return request(self.api + f"buttons/{side}/{action}", "POST")["lcd"]

    def click(self, side):
        self.button(side, "press")
        return self.button(side, "release")

    def hold_both(self):
        self.button("left", "press")
        self.button("right", "press")
        time.sleep(HOLD_S)
        self.button("left", "release")
        return self.button("right", "release")

    def answers_at(self, address):
        reply = mbus_e2e.node_master(self.tcp, "get", address)
        if reply["ok"]:
            self.assertEqual(reply["data"]["SlaveInformation"]["Id"], int(SERIAL), reply)
        return reply["ok"]

    def test_panel_sets_the_primary_address_that_mbus_then_answers_and_a_restart_keeps(self):
        self.start(with_id=True)
        self.assertTrue(self.answers_at(3))
        # To P61 (left from P01 is the shortest way; any page works, bounded).
        for _ in range(80):
            if self.lcd()["page"] == 61:
                break
            self.click("left")
        view = self.lcd()
        self.assertEqual(view["page"], 61)
        self.assertEqual(view["top"], "     003")  # the M-Bus address, not a Modbus ID
        self.assertEqual(view["bottom"], "P61   ID")
        view = self.hold_both()
        self.assertEqual(view["mode"], "edit_meter_id")
        self.click("right")
        self.click("right")
        view = self.hold_both()
        self.assertEqual(view["mode"], "browsing")
        self.assertEqual(self.lcd()["top"], "     005")
        events = request(self.api + "events")["events"]
        panel = [e for e in events if e["interface"] == "panel"]
        self.assertEqual([e["detail"] for e in panel], ["mbus_primary_address: 3 -> 5"], events)
        self.assertTrue(self.answers_at(5))
        self.assertFalse(self.answers_at(3))
        # The baud page shows the M-Bus line's rate.
        for _ in range(10):
            if self.lcd()["page"] == 64:
                break
            self.click("right")
        self.assertEqual(self.lcd()["top"], "    9600")

        self.assertEqual(self.runs[-1].stop(), 0)
        run = self.start(with_id=False)
        self.assertIn(f"5/{SERIAL}", "\n".join(run.start_lines))
        self.assertTrue(self.answers_at(5))
        for _ in range(80):
            if self.lcd()["page"] == 61:
                break
            self.click("left")
        self.assertEqual(self.lcd()["top"], "     005")


if __name__ == "__main__":
    unittest.main()
