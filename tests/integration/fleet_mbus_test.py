#!/usr/bin/env python3
"""A PRO380-Mb fleet (docs/config.md, "[[fleet]]") as node-mbus and `pro380 read`/`scan` see it.

7 meters with variant = "mb", 4 primary addresses a bus from 3 (bus 0: 3..6, bus 1: 3..5), each
bus an M-Bus TCP port (port 0: any free one) and a pty line from one `mbus = "pty:DIR/mb%d"`;
the run's clock almost stopped (speed 1e-6) under a constant load, so every reader sees one state:
- the start lines name both ports and both lines with their primary and secondary addresses;
- node-mbus (libmbus, tests/node/mbus_master.js), an independent master, reads meters by primary
  address and by secondary address (= serial) over a TCP port and a pty line; the same address
  reaches another meter on the other bus; the values equal `pro380 read`'s and the REST API's;
- a secondary address of the other bus is not answered;
- a bus's counters (GET /api/v1/counters, "fleet mbus-tcp 127.0.0.1:PORT") are summed over its
  meters and move by exactly the frames a raw client sent;
- `pro380 scan --mbus-tcp` finds the 4 meters of bus 0 by the secondary search;
- an address outside 1..250 or a Modbus key in an mb fleet exits 2 naming the key, nothing opened.

Environment: PRO380_BINARY. Needs node-mbus (scripts/install-deps.sh); exits 77 without it.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fleet_e2e  # noqa: E402
import mbus_e2e  # noqa: E402
from client_mbus_test import resolution_of  # noqa: E402

TCP = re.compile(r"^fleet: M-Bus TCP on 127\.0\.0\.1:(\d+), primary addresses (\d+)-(\d+), "
                 r"secondary addresses (\d{8})-(\d{8})$", re.M)
LINE = re.compile(r"^fleet: M-Bus on (\S+) at 9600 8E1, primary addresses (\d+)-(\d+), "
                  r"secondary addresses (\d{8})-(\d{8})$", re.M)
SOURCE = "const:P1=2000,P2=-1500,P3=500,Q1=300,Q2=-200,Q3=100"
CONFIG = """
[run]
speed = 0.000001
[interfaces]
modbus_tcp = "127.0.0.1:0"
[[fleet]]
variant = "mb"
count = 7
serial_start = "50000001"
id_start = 3
ids_per_port = 4
mbus_tcp = "127.0.0.1:0"
mbus = "pty:{work}/mb%d"
combined_code = 4
"""
# node-mbus's record (function, storage, tariff, device, unit) -> (quantity, scale to it).
INST = "Instantaneous value"
NODE_RECORDS = {
    (INST, 0, 0, 0, "Energy (10 Wh)"): ("active_energy_kwh", 100),
    (INST, 1, 0, 0, "1e-2  V"): ("voltage_l1_v", 100),
    (INST, 2, 0, 0, "m A"): ("current_l2_a", 1000),
    (INST, 0, 0, 0, "Power (1e-1 W)"): ("active_power_kw", 10000),
    (INST, 2, 0, 0, "Power (1e-1 W)"): ("active_power_l2_kw", 10000),
    (INST, 0, 0, 0, "combined code"): ("combined_code", 1),
}


def pro380(*args, timeout=60):
    return subprocess.run([mbus_e2e.BINARY, *args], capture_output=True, text=True,
                          timeout=timeout)


@unittest.skipUnless(mbus_e2e.node_available(), "node-mbus is not installed "
                     "(scripts/install-deps.sh)")
class FleetMbusTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.fleet = fleet_e2e.FleetRun("pro380-fleet-mbus-", CONFIG, source=SOURCE,
                                       http="127.0.0.1:0", stop_after="120s")
        cls.work = cls.fleet.work
        cls.tcp = [(int(m.group(1)), int(m.group(2)), int(m.group(3)), m.group(4), m.group(5))
                   for m in cls.fleet.start_lines(TCP, 2)]
        cls.lines = [(m.group(1), int(m.group(2)), int(m.group(3)), m.group(4), m.group(5))
                     for m in cls.fleet.start_lines(LINE, 2)]
        cls.web = cls.fleet.meter.web_url

    @classmethod
    def tearDownClass(cls):
        cls.fleet.stop()

    def rest(self, serial):
        with urllib.request.urlopen(f"{self.web}api/v1/meters/{serial}", timeout=5) as reply:
            return json.load(reply)["quantities"]

    def read(self, *args):
        done = pro380("read", *args, "--json")
        self.assertEqual(done.returncode, 0, done.stderr)
        return json.loads(done.stdout)

    def node(self, transport, address):
        reply = mbus_e2e.node_master(transport, "get", address)
        self.assertTrue(reply["ok"], reply)
        return reply["data"]

    def check_node_equals(self, data, serial, ours):
        """node-mbus's readout of `serial` against `pro380 read`'s quantities `ours`."""
        self.assertEqual(data["SlaveInformation"]["Id"], int(serial))
        self.assertEqual(data["SlaveInformation"]["Manufacturer"], "INM")
        records = {(r["Function"], r.get("StorageNumber"), r.get("Tariff", 0), r.get("Device", 0),
                    r.get("Unit")): r["Value"] for r in data["DataRecord"]}
        for key, (name, scale) in NODE_RECORDS.items():
            self.assertIn(key, records, key)
            self.assertAlmostEqual(records[key] / scale, ours[name], delta=1e-9, msg=name)
        self.assertNotEqual(ours["voltage_l1_v"], 0)
        self.assertEqual(ours["combined_code"], 4)  # the fleet's meter key

    def check_equals_rest(self, ours, serial):
        served = self.rest(serial)
        self.assertEqual(set(ours), set(served))
        for name, value in ours.items():
            step = resolution_of(name)
            if step is None:
                self.assertEqual(value, served[name], name)
            else:
                self.assertAlmostEqual(value, served[name], delta=step * 1.01, msg=name)

    def test_start_lines_name_ports_and_lines_with_their_addresses(self):
        buses = [(3, 6, "50000001", "50000004"), (3, 5, "50000005", "50000007")]
        self.assertEqual([t[1:] for t in self.tcp], buses)
        self.assertEqual(self.lines, [(os.path.join(self.work, f"mb{k}"), *bus)
                                      for k, bus in enumerate(buses)])
        self.assertNotEqual(self.tcp[0][0], self.tcp[1][0])

    def test_primary_address_over_tcp_reaches_each_bus_s_own_meter(self):
        # Address 4 is meter 2 (50000002) on bus 0 and meter 6 (50000006) on bus 1.
        for (port, *_), serial in zip(self.tcp, ["50000002", "50000006"]):
            with self.subTest(port=port):
                out = self.read("--mbus-tcp", f"127.0.0.1:{port}", "--id", "4")
                self.assertEqual(out["meter"]["secondary_address"], serial)
                self.assertEqual(out["meter"]["mbus_primary_address"], 4)
                self.check_equals_rest(out["quantities"], serial)
                data = self.node(("tcp", "127.0.0.1", port), 4)
                self.check_node_equals(data, serial, out["quantities"])

    def test_secondary_address_over_tcp_and_the_pty(self):
        cases = [(("tcp", "127.0.0.1", self.tcp[1][0]), ["--mbus-tcp",
                  f"127.0.0.1:{self.tcp[1][0]}"], "50000007"),
                 (("serial", self.lines[0][0], 9600), ["--mbus", self.lines[0][0]], "50000003")]
        for transport, endpoint, serial in cases:
            with self.subTest(serial=serial):
                data = self.node(transport, f"{serial}FFFFFFFF")
                out = self.read(*endpoint, "--secondary", serial)
                self.assertEqual(out["meter"]["address"], 253)
                self.check_equals_rest(out["quantities"], serial)
                self.check_node_equals(data, serial, out["quantities"])

    def test_primary_address_over_the_second_line(self):
        data = self.node(("serial", self.lines[1][0], 9600), 3)
        ours = self.read("--mbus", self.lines[1][0], "--id", "3")["quantities"]
        self.check_node_equals(data, "50000005", ours)
        self.check_equals_rest(ours, "50000005")

    def test_a_meter_of_the_other_bus_is_not_answered(self):
        done = pro380("read", "--mbus-tcp", f"127.0.0.1:{self.tcp[0][0]}", "--secondary",
                      "50000005", "--timeout", "200ms", "--retries", "0")
        self.assertEqual(done.returncode, 1, done.stdout)
        self.assertIn("secondary address 50000005", done.stderr)

    def bus_counters(self, port):
        with urllib.request.urlopen(f"{self.web}api/v1/counters", timeout=5) as reply:
            interfaces = json.load(reply)["interfaces"]
        found = [i["counters"] for i in interfaces
                 if i["name"] == f"fleet mbus-tcp 127.0.0.1:{port}"]
        self.assertEqual(len(found), 1, [i["name"] for i in interfaces])
        return found[0]

    def test_a_bus_s_counters_are_summed_over_its_meters(self):
        port = self.tcp[1][0]  # primary addresses 3..5
        before = self.bus_counters(port)
        self.assertEqual(before["meters"], 3)
        self.assertFalse(any(name.startswith("meter_") for name in before), before)
        with mbus_e2e.MbusTcp(port) as bus:
            self.assertEqual(bus.transact(mbus_e2e.short_frame(0x40, 5)), mbus_e2e.ACK)
            # SND_NKE resets the FCB, so the REQ_UD2 after it is answered, not taken as a repeat.
            self.assertEqual(bus.transact(mbus_e2e.short_frame(0x40, 4)), mbus_e2e.ACK)
            reply = mbus_e2e.split_frames(bus.transact(mbus_e2e.short_frame(0x7B, 4)))
            self.assertEqual(len(reply), 1)
            self.assertEqual(reply[0][5], 4)  # from primary address 4
        after = self.bus_counters(port)
        delta = {name: after[name] - before[name] for name in after}
        # Three frames, each for one meter and heard by the two others.
        self.assertEqual({name: delta[name] for name in
                          ("requests", "acks", "data_replies", "repeats", "other_address",
                           "collisions", "connections_accepted")},
                         {"requests": 3, "acks": 2, "data_replies": 1, "repeats": 0,
                          "other_address": 6, "collisions": 0, "connections_accepted": 1}, after)

    def test_scan_finds_the_meters_of_a_bus_by_secondary_search(self):
        done = pro380("scan", "--mbus-tcp", f"127.0.0.1:{self.tcp[0][0]}", "--timeout", "50ms",
                      "--json", timeout=120)
        self.assertEqual(done.returncode, 0, done.stderr)
        out = json.loads(done.stdout)
        self.assertEqual(out["search"], "secondary")
        found = sorted((m["secondary_address"], m["primary_address"]) for m in out["meters"])
        self.assertEqual(found, [(f"5000000{k}", k + 2) for k in range(1, 5)])
        self.assertGreater(out["collisions"], 0)  # 5000000x: the search had to descend


class FleetMbusConfigTest(unittest.TestCase):
    def run_config(self, change):
        work = tempfile.mkdtemp(prefix="pro380-fleet-mbus-bad-")
        try:
            config = os.path.join(work, "fleet.toml")
            with open(config, "w") as f:
                f.write(change(CONFIG.replace("{work}", work)))
            done = pro380("run", "--config", config, "--state", os.path.join(work, "state"),
                          "--stop-after", "1s", timeout=30)
            self.assertFalse(os.path.exists(os.path.join(work, "mb0")))
            self.assertFalse(os.path.exists(os.path.join(work, "state")))
            return done
        finally:
            shutil.rmtree(work, ignore_errors=True)

    def test_address_0_exits_2_naming_the_key_and_the_allowed_values(self):
        done = self.run_config(lambda text: text.replace("id_start = 3", "id_start = 0"))
        self.assertEqual(done.returncode, 2, done.stderr)
        self.assertIn("fleet[1].id_start = 0 is not allowed; allowed values: 1..250", done.stderr)

    def test_more_than_250_meters_a_bus_exits_2(self):
        done = self.run_config(lambda text: text.replace("ids_per_port = 4",
                                                         "ids_per_port = 251"))
        self.assertEqual(done.returncode, 2, done.stderr)
        self.assertIn("fleet[1].ids_per_port = 251 is not allowed; allowed values: 1..250",
                      done.stderr)

    def test_a_modbus_key_in_an_mb_fleet_exits_2_naming_it(self):
        done = self.run_config(lambda text: text.replace("mbus_tcp =", "modbus_tcp ="))
        self.assertEqual(done.returncode, 2, done.stderr)
        self.assertIn("fleet[1].modbus_tcp is not a key of an mb fleet; allowed keys: mbus_tcp, "
                      "mbus", done.stderr)


if __name__ == "__main__":
    if not mbus_e2e.BINARY:
        print("skipped: needs PRO380_BINARY")
        sys.exit(77)
    unittest.main()
