#!/usr/bin/env python3
"""A fleet from a [[fleet]] template (docs/config.md) as mbpoll sees it.

500 meters, serials 30000001..30000500, IDs 1..200 on each of 3 Modbus TCP ports (any free
ports): mbpoll reads the serial (0x4000..0x4001, BCD as the meter's info block) and the Modbus ID
(0x4003) at several unit IDs of every port, and each answers with its own serial; an ID past the
last meter of the last port is not answered. The config's [[meter]] keeps its [interfaces] port.
Each port's counters (GET /api/v1/counters and /metrics, "fleet modbus-tcp 127.0.0.1:PORT") are
summed over its meters and move by exactly the requests mbpoll sent.

Environment: PRO380_BINARY. Needs mbpoll (Debian package); exits 77 (skipped) without it.
"""
import json
import os
import re
import sys
import unittest
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fleet_e2e  # noqa: E402
import mbpoll  # noqa: E402
import modbus_e2e as e2e  # noqa: E402

FLEET_LINE = re.compile(r"^fleet: Modbus TCP on 127\.0\.0\.1:(\d+), IDs (\d+)-(\d+), "
                        r"serials (\d{8})-(\d{8})$", re.M)
CONFIG = """
[interfaces]
modbus_tcp = "127.0.0.1:0"

[[meter]]
serial = "22091039"
id = 7

[[fleet]]
count = 500
serial_start = "30000001"
ids_per_port = 200
modbus_tcp = "127.0.0.1:0"
"""


def mbpoll_words(port, unit, addr, count):
    return mbpoll.words(["-m", "tcp", "-p", str(port), "127.0.0.1"], unit, addr, count)


class FleetTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.fleet = fleet_e2e.FleetRun("pro380-fleet-", CONFIG, expect_tcp=1, http="127.0.0.1:0")
        cls.meter = cls.fleet.meter

    @classmethod
    def tearDownClass(cls):
        cls.fleet.stop()

    def ports(self):
        return [(int(m.group(1)), int(m.group(2)), int(m.group(3)), m.group(4), m.group(5))
                for m in FLEET_LINE.finditer(self.meter.output())]

    def test_start_lines_name_three_ports_with_their_ids_and_serials(self):
        ports = self.ports()
        self.assertEqual([p[1:] for p in ports],
                         [(1, 200, "30000001", "30000200"), (1, 200, "30000201", "30000400"),
                          (1, 100, "30000401", "30000500")], self.meter.output())
        self.assertEqual(len({p[0] for p in ports}), 3)
        # Fleet meters print no start line and no live line each; the [[meter]] does.
        self.assertNotIn("serial 30000001", self.meter.output())
        self.assertIn("serial 22091039", self.meter.output())

    def test_each_unit_id_of_each_port_answers_with_its_own_serial(self):
        ports = self.ports()
        self.assertEqual(len(ports), 3, self.meter.output())
        for index, (port, _, last_id, _, _) in enumerate(ports):
            for unit in sorted({1, 2, 77, last_id}):
                serial = 30000001 + index * 200 + unit - 1
                with self.subTest(port=index, unit=unit):
                    words = mbpoll_words(port, unit, 0x4000, 4)
                    self.assertIsNotNone(words, f"no reply from unit {unit} on port {port}")
                    # 0x4000: the serial as 8 BCD digits in two words; 0x4003: the Modbus ID.
                    self.assertEqual(words[0] + words[1], str(serial))
                    self.assertEqual(int(words[3], 16), unit)

    def test_an_id_past_the_last_meter_is_not_answered(self):
        port = self.ports()[2][0]
        self.assertIsNone(mbpoll_words(port, 101, 0x4000, 2))

    def fleet_port_counters(self, port):
        with urllib.request.urlopen(self.meter.web_url + "api/v1/counters", timeout=10) as reply:
            interfaces = json.loads(reply.read())["interfaces"]
        found = [i["counters"] for i in interfaces
                 if i["name"] == f"fleet modbus-tcp 127.0.0.1:{port}"]
        self.assertEqual(len(found), 1, [i["name"] for i in interfaces])
        return found[0]

    def test_a_port_s_counters_are_summed_over_its_meters(self):
        port = self.ports()[2][0]  # IDs 1..100
        before = self.fleet_port_counters(port)
        self.assertEqual(before["meters"], 100)
        self.assertFalse(any(name.startswith("meter_") for name in before), before)
        for unit in (1, 50, 100):
            self.assertIsNotNone(mbpoll_words(port, unit, 0x4000, 2))
        self.assertIsNone(mbpoll_words(port, 9, 0x0001, 1))  # no such register: an exception
        self.assertIsNone(mbpoll_words(port, 101, 0x4000, 2))  # no meter: nobody answers
        after = self.fleet_port_counters(port)
        # Four requests, each answered by its one meter and heard by the 99 others, and one that
        # all 100 heard and none answered.
        self.assertEqual(after["requests"] - before["requests"], 4, after)
        self.assertEqual(after["replies"] - before["replies"], 3, after)
        self.assertEqual(after["exceptions"] - before["exceptions"], 1, after)
        self.assertEqual(after["other_address"] - before["other_address"], 4 * 99 + 100, after)
        self.assertEqual(after["collisions"], 0, after)
        self.assertEqual(after["connections_accepted"] - before["connections_accepted"], 5, after)
        with urllib.request.urlopen(self.meter.web_url + "metrics", timeout=10) as reply:
            metrics = reply.read().decode()
        self.assertIn(f'pro380_interface_counter{{interface="fleet modbus-tcp 127.0.0.1:{port}",'
                      f'counter="meters"}} 100', metrics)

    def test_the_config_meter_stays_on_the_interfaces_port(self):
        port = self.meter.tcp_ports[0]
        words = mbpoll_words(port, 7, 0x4000, 2)
        self.assertEqual(words, ["2209", "1039"])
        self.assertIsNone(mbpoll_words(port, 1, 0x4000, 2))  # no fleet meter here


if __name__ == "__main__":
    if not mbpoll.MBPOLL or not e2e.BINARY:
        print("skipped: needs mbpoll and PRO380_BINARY")
        sys.exit(77)
    unittest.main()
