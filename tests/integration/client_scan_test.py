#!/usr/bin/env python3
"""`pro380 scan` over Modbus (docs/client.md) against three meters on one bus.

Three meters from a config (IDs 1, 2, 3, serials 00000011..13) on one pty RTU line and one Modbus
TCP port: scanning IDs 1-6 finds exactly the three with their serials, meter code and versions,
as JSON and as a table, on both; IDs where nobody answers exit 1; a bad --ids exits 2. Two
devices answering one ID at once (their bytes collide on RS485: a scripted RTU-over-TCP server
sends the bitwise OR of two meters' replies) are listed at that ID as garbled, not skipped.

Environment: PRO380_BINARY. Every wait is bounded; the meter is stopped by its PID.
"""
import json
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import modbus_e2e as e2e  # noqa: E402
from scripted_server import ScriptedServer  # noqa: E402

BINARY = e2e.BINARY
SERIALS = {1: "00000011", 2: "00000012", 3: "00000013"}
CONFIG = "".join(f'[[meter]]\nvariant = "mod"\nserial = "{s}"\nid = {i}\n\n'
                 for i, s in SERIALS.items())


def scan(*args):
    return subprocess.run([BINARY, "scan", *args], capture_output=True, text=True, timeout=60)


class ScanTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        def args(work):
            config = os.path.join(work, "site.toml")
            with open(config, "w") as f:
                f.write(CONFIG)
            return ["--config", config, "--modbus-tcp", "127.0.0.1:0",
                    "--modbus-rtu", f"pty:{os.path.join(work, 'bus.tty')}:9600:E"]
        cls.work, cls.meter = e2e.start_in_new_dir("pro380-scan-", args, expect_tcp=1,
                                                   expect_rtu=1)

    @classmethod
    def tearDownClass(cls):
        e2e.stop_and_remove(cls.meter, cls.work)

    def buses(self):
        return {"--modbus-rtu": self.meter.rtu_paths[0],
                "--modbus-tcp": f"127.0.0.1:{self.meter.tcp_ports[0]}"}

    def test_finds_the_three_meters(self):
        for option, endpoint in self.buses().items():
            with self.subTest(option=option):
                done = scan(option, endpoint, "--ids", "1-6", "--json")
                self.assertEqual(done.returncode, 0, done.stderr)
                out = json.loads(done.stdout)
                self.assertEqual(out["probed"], 6)
                self.assertEqual(out["others"], [])
                found = {m["id"]: m for m in out["meters"]}
                self.assertEqual(sorted(found), [1, 2, 3])
                for unit, serial in SERIALS.items():
                    self.assertEqual(found[unit]["serial_number"], serial)
                    self.assertEqual(found[unit]["modbus_id"], unit)
                    self.assertEqual(found[unit]["meter_code"], "0102")
                    self.assertEqual(found[unit]["software_version"], 2.18)
                    self.assertEqual(found[unit]["protocol_version"], 3.2)

    def test_table(self):
        done = scan("--modbus-rtu", self.meter.rtu_paths[0], "--ids", "2,3,5")
        self.assertEqual(done.returncode, 0, done.stderr)
        lines = done.stdout.splitlines()
        self.assertEqual(lines[0].split(), ["ID", "serial", "meter", "code", "software",
                                            "protocol", "hardware"])
        self.assertEqual(lines[1].split(), ["2", "00000012", "0102", "2.18", "3.2", "1.32"])
        self.assertEqual(lines[2].split(), ["3", "00000013", "0102", "2.18", "3.2", "1.32"])
        self.assertIn("2 of 3 IDs answered", lines[3])

    def test_nobody_there_exits_1(self):
        done = scan("--modbus-tcp", f"127.0.0.1:{self.meter.tcp_ports[0]}", "--ids", "4-6")
        self.assertEqual(done.returncode, 1)
        self.assertIn("no meter answered", done.stderr)
        self.assertIn("on IDs 4-6", done.stderr)

    def test_bad_ids_exit_2(self):
        for ids in ("0-3", "5-2", "1,", "x", "248", "1-2-3"):
            with self.subTest(ids=ids):
                done = scan("--modbus-tcp", "127.0.0.1:1", "--ids", ids)
                self.assertEqual(done.returncode, 2, done.stderr)
                self.assertIn("--ids", done.stderr)


    def test_the_optical_port_is_refused_before_the_line(self):
        # Point to point: no bus to scan (docs/client.md). Exit 2, not 1: the endpoints do not
        # exist, so reaching for them would fail with 1.
        for args in (["--iec-tcp", "127.0.0.1:1"], ["--iec", "/nonexistent/ttyIR0"]):
            with self.subTest(args=args):
                done = scan(*args)
                self.assertEqual(done.returncode, 2, done.stderr)
                self.assertIn("reaches the one meter the IR head sits on; there is no bus to scan",
                              done.stderr)
                self.assertIn(args[1], done.stderr)


def identity_reply(unit, serial):
    """A PRO380's reply to the scan's probe (0x4000 x 11) as one RTU frame."""
    static = e2e.expected_static_words(serial=serial, unit_id=unit)
    words = [static[0x4000 + i] for i in range(11)]
    data = b"".join(w.to_bytes(2, "big") for w in words)
    return e2e.rtu_frame(unit, bytes([3, len(data)]) + data)


def scan_scripted(answer):
    """`scan --ids 3-5 --json` over RTU over TCP against a server sending `answer` to the probe
    of ID 4 and nothing to the others."""
    expected_probe = e2e.rtu_frame(4, e2e.read_pdu(0x4000, 11))
    server = ScriptedServer(lambda request: answer if request == expected_probe else b"")
    try:
        return scan("--rtu-over-tcp", f"127.0.0.1:{server.port}", "--ids", "3-5", "--timeout",
                    "300ms", "--json")
    finally:
        server.close()


class CollisionTest(unittest.TestCase):
    def test_two_meters_on_one_id_are_listed_as_garbled(self):
        first, second = identity_reply(4, "00000041"), identity_reply(4, "22091039")
        collided = bytes(a | b for a, b in zip(first, second))
        self.assertFalse(e2e.crc_ok(collided))
        done = scan_scripted(collided)
        self.assertEqual(done.returncode, 0, done.stderr)
        out = json.loads(done.stdout)
        self.assertEqual(out["meters"], [])
        self.assertEqual([o["id"] for o in out["others"]], [4])
        self.assertIn("only with garbled bytes", out["others"][0]["problem"])
        self.assertGreaterEqual(out["bad_frames"] + out["skipped_bytes"], 1)

    def test_one_meter_answering_alone_is_found(self):
        done = scan_scripted(identity_reply(4, "00000041"))
        self.assertEqual(done.returncode, 0, done.stderr)
        out = json.loads(done.stdout)
        self.assertEqual([(m["id"], m["serial_number"]) for m in out["meters"]], [(4, "00000041")])
        self.assertEqual(out["others"], [])

if __name__ == "__main__":
    if not BINARY:
        sys.exit("PRO380_BINARY is not set")
    unittest.main()
