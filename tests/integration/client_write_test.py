#!/usr/bin/env python3
"""`pro380 write` (docs/client.md) end to end against `pro380 run`.

- Settings written with `pro380 write` over Modbus TCP and RTU on a pty are seen by an
  independent client (pymodbus_read.py: the registers' words) and by the REST API; a new Modbus
  ID is verified at the new ID.
- A write the meter refuses exits 1 with the reason: combined code 10 is final (manual §6.10), a
  sealed meter rejects every write.
- A server that acknowledges a write but reads back something else exits 1 naming both values.
- Bad SETTING names or values exit 2 naming the allowed ones, before touching the bus (the
  endpoint given is a closed port).

Environment: PRO380_BINARY, PYMODBUS_PYTHON (Debian's /usr/bin/python3 with pymodbus 3.0).
"""
import json
import os
import socket
import struct
import subprocess
import sys
import unittest
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import modbus_e2e as e2e  # noqa: E402
from scripted_server import ScriptedServer  # noqa: E402

BINARY = e2e.BINARY
HERE = os.path.dirname(os.path.abspath(__file__))
PYMODBUS_READ = os.path.join(HERE, "..", "clients", "pymodbus_read.py")
PYMODBUS_PYTHON = os.environ.get("PYMODBUS_PYTHON", "/usr/bin/python3")
RUN_TIMEOUT_S = 30


def write(*args):
    return subprocess.run([BINARY, "write", *args], capture_output=True, text=True,
                          timeout=RUN_TIMEOUT_S)


def independent_words(port, unit, address, count):
    done = subprocess.run([PYMODBUS_PYTHON, PYMODBUS_READ, "tcp", "127.0.0.1", str(port),
                           str(unit), f"3:{address:04X}:{count}"],
                          capture_output=True, text=True, timeout=RUN_TIMEOUT_S)
    return done.stdout.strip()


class WriteTest(unittest.TestCase):
    def setUp(self):
        self.work, self.meter = e2e.start_in_new_dir(
            "pro380-write-", lambda work: [
                "--modbus-tcp", "127.0.0.1:0", "--modbus-rtu", f"pty:{os.path.join(work, 'tty')}"],
            expect_tcp=1, expect_rtu=1, http="127.0.0.1:0")
        self.tcp = f"127.0.0.1:{self.meter.tcp_ports[0]}"

    def tearDown(self):
        e2e.stop_and_remove(self.meter, self.work)

    def settings(self):
        url = self.meter.web_url + "api/v1/meters/00000001"
        with urllib.request.urlopen(url, timeout=5) as reply:
            return json.load(reply)["settings"]

    def test_written_settings_are_seen_by_others(self):
        done = write("--modbus-tcp", self.tcp, "lcd_cycle_time_s=25", "s0_rate=100", "tariff=2",
                     "parity=N")
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(done.stdout.splitlines(), [
            "lcd_cycle_time_s: 10 -> 25 (verified)", "s0_rate: 1000 -> 100 (verified)",
            "tariff: 1 -> 2 (verified)", "parity: 1 -> 2 (verified)"])
        port = self.meter.tcp_ports[0]
        self.assertEqual(independent_words(port, 1, 0x4010, 2), "0025 0002")
        self.assertEqual(independent_words(port, 1, 0x400D, 2), "42C8 0000")
        self.assertEqual(independent_words(port, 1, 0x6048, 1), "0002")
        settings = self.settings()
        self.assertEqual(settings["lcd_cycle_time_s"], 25)
        self.assertEqual(settings["s0_rate"], 100)
        self.assertEqual(settings["tariff"], 2)

    def test_new_id_over_rtu_is_verified_at_the_new_id(self):
        # The pty line is 8E1; a parity write above would not matter on a pty either.
        done = write("--modbus-rtu", self.meter.rtu_paths[0], "modbus_id=5")
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(done.stdout.strip(), "modbus_id: 1 -> 5 (verified)")
        port = self.meter.tcp_ports[0]
        self.assertEqual(independent_words(port, 5, 0x4003, 1), "0005")
        self.assertEqual(self.settings()["modbus_id"], 5)
        back = write("--modbus-tcp", self.tcp, "--id", "5", "modbus_id=1")
        self.assertEqual(back.returncode, 0, back.stderr)

    def test_baud_and_parity_over_rtu_switch_the_clients_line(self):
        # The meter answers at its new settings from its reply on; the client follows before it
        # reads back (a pty carries any settings; tests/transport/client_link_test.cc checks the
        # termios the client sets).
        done = write("--modbus-rtu", self.meter.rtu_paths[0], "baud_rate=4800", "parity=N")
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(done.stdout.splitlines(), [
            "baud_rate: the client's line is now 4800 8E1", "baud_rate: 9600 -> 4800 (verified)",
            "parity: the client's line is now 4800 8N1", "parity: 1 -> 2 (verified)"])
        settings = self.settings()
        self.assertEqual((settings["baud_rate"], settings["parity"]), (4800, 2))
        again = subprocess.run([BINARY, "read", "--modbus-rtu", self.meter.rtu_paths[0] + ":4800:N",
                                "--json"], capture_output=True, text=True, timeout=RUN_TIMEOUT_S)
        self.assertEqual(again.returncode, 0, again.stderr)
        self.assertEqual(json.loads(again.stdout)["meter"]["baud_rate"], 4800)

    def test_a_refused_write_exits_1_with_the_reason(self):
        final = write("--modbus-tcp", self.tcp, "combined_code=10")
        self.assertEqual(final.returncode, 0, final.stderr)
        refused = write("--modbus-tcp", self.tcp, "combined_code=1")
        self.assertEqual(refused.returncode, 1)
        self.assertIn("combined_code=1", refused.stderr)
        self.assertIn("refused a write of 1 registers at 0x400F: exception 03 (illegal data value)",
                      refused.stderr)
        self.assertEqual(independent_words(self.meter.tcp_ports[0], 1, 0x400F, 1), "000A")


class SealedMeterTest(unittest.TestCase):
    def test_a_sealed_meter_refuses(self):
        def args(work):
            config = os.path.join(work, "sealed.toml")
            with open(config, "w") as f:
                f.write("[run]\nsealed = true\n")
            return ["--config", config, "--modbus-tcp", "127.0.0.1:0"]
        work, meter = e2e.start_in_new_dir("pro380-sealed-", args, expect_tcp=1)
        try:
            done = write("--modbus-tcp", f"127.0.0.1:{meter.tcp_ports[0]}", "lcd_cycle_time_s=20")
            self.assertEqual(done.returncode, 1)
            self.assertIn("exception 03 (illegal data value)", done.stderr)
            self.assertEqual(independent_words(meter.tcp_ports[0], 1, 0x4010, 1), "0010")
        finally:
            e2e.stop_and_remove(meter, work)


def forgetful_reply(request):
    """An MBAP server that acknowledges every FC10 but keeps its registers: reads give 0x0010."""
    function = request[7]
    if function == 3:
        count = struct.unpack(">H", request[10:12])[0]
        pdu = bytes([3, 2 * count]) + b"\x00\x10" * count
    else:
        pdu = request[7:12]
    return request[:4] + struct.pack(">HB", len(pdu) + 1, request[6]) + pdu


class ReadBackTest(unittest.TestCase):
    def test_a_read_back_that_differs_exits_1(self):
        server = ScriptedServer(forgetful_reply)
        try:
            done = write("--modbus-tcp", f"127.0.0.1:{server.port}", "lcd_cycle_time_s=25")
        finally:
            server.close()
        self.assertEqual(done.returncode, 1)
        self.assertIn("lcd_cycle_time_s=25: the meter accepted it but reads back 10, not 25",
                      done.stderr)


class BadArgumentsTest(unittest.TestCase):
    def check(self, assignments, expected):
        with socket.socket() as probe:  # a closed port: nothing may try it
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        done = write("--modbus-tcp", f"127.0.0.1:{port}", *assignments)
        self.assertEqual(done.returncode, 2, done.stderr)
        self.assertIn(expected, done.stderr)

    def test_bad_names_and_values_exit_2(self):
        self.check([], "give at least one SETTING=VALUE; writable: modbus_id, baud_rate")
        self.check(["ct_ratio=5"], "'ct_ratio' is not a setting a Modbus write may change")
        self.check(["lcd_cycle_time_s"], "'lcd_cycle_time_s' is not SETTING=VALUE")
        self.check(["lcd_cycle_time_s=31"], "lcd_cycle_time_s=31: allowed values are an integer 1..30")
        self.check(["baud_rate=19200"], "allowed values are 300, 600, 1200, 2400, 4800, 9600")
        self.check(["s0_rate=500"], "allowed values are 10000, 2000, 1000, 100, 10, 1, 0.1, 0.01")
        self.check(["parity=X"], "allowed values are 1 or E (even), 2 or N (none), 3 or O (odd)")
        self.check(["combined_code=2"], "allowed values are 1, 4, 5, 6, 9, 10, 11")
        self.check(["modbus_id=0"], "allowed values are an integer 1..247")
        self.check(["day_counter_kwh=3"], "allowed values are 0 (reset)")
        self.check(["tariff=1", "tariff=3"], "tariff=3: allowed values are 1, 2")


if __name__ == "__main__":
    if not BINARY:
        sys.exit("PRO380_BINARY is not set")
    unittest.main()
