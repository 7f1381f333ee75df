#!/usr/bin/env python3
"""`pro380 read` (the client role, docs/client.md) end to end.

- Against an independent server: pymodbus (tests/clients/pymodbus_pro380_slave.py, none of our
  code) serving the real meter's words of reference pro380-protocols.md §1.7 over MBAP and RTU
  over TCP: `pro380 read --json` gives exactly the values the reference states for them.
- Against pro380 itself over Modbus TCP, RTU over TCP and RTU on a pty: `read --json` equals the
  served meter's state as the REST API shows it (settings exactly; instantaneous values at the
  register's resolution; energies between the REST reads before and after) and the words an
  independent client (pymodbus_read.py) reads decode to the same values.
- A meter that does not answer (wrong ID, closed port) exits 1 naming the endpoint and the ID; a
  server that answers garbage, short frames or bad CRCs exits 1 with the reason, never crashes.
- `--watch S --count N` prints N readings; bad options exit 2 naming the option.

Environment: PRO380_BINARY, PYMODBUS_PYTHON (an interpreter with pymodbus 3.0: Debian's
/usr/bin/python3). Every wait is bounded; processes are stopped by their PID.
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
from pymodbus_server import PymodbusServer  # noqa: E402
from scripted_server import ScriptedServer  # noqa: E402

BINARY = e2e.BINARY
HERE = os.path.dirname(os.path.abspath(__file__))
CLIENTS = os.path.join(HERE, "..", "clients")
DUMP = os.path.join(CLIENTS, "pro380_reference_dump.json")
PYMODBUS_READ = os.path.join(CLIENTS, "pymodbus_read.py")
PYMODBUS_PYTHON = os.environ.get("PYMODBUS_PYTHON", "/usr/bin/python3")
RUN_TIMEOUT_S = 30

# Reference §1.7: the decoded values the reference states for the real meter's words.
REFERENCE_METER = {
    "serial_number": "22091039", "meter_code": "0102", "modbus_id": 1, "baud_rate": 9600,
    "protocol_version": 3.2, "software_version": 2.18, "hardware_version": 1.32,
    "meter_amps": 100, "lcd_cycle_time_s": 10, "parity": 1, "current_direction_l1": "1F",
    "current_direction_l2": "2R", "current_direction_l3": "3R", "error_code": 0,
    "checksum": "0D012D35", "status_word": "00110111", "ct_mode": 5,
}
REFERENCE_QUANTITIES = {
    "ct_ratio": 0, "s0_rate": 1000, "combined_code": 1, "power_down_count": 12, "quadrant": 4,
    "quadrant_l1": 4, "quadrant_l2": 3, "quadrant_l3": 3,
    "voltage_l1_v": 234.3, "voltage_l2_v": 233.4, "voltage_l3_v": 234.4, "frequency_hz": 49.98,
    "current_l1_a": 4.05, "current_l2_a": -1.62, "current_l3_a": -2.15,
    "active_power_kw": 0.175, "active_power_l1_kw": 0.9, "active_power_l2_kw": -0.232,
    "active_power_l3_kw": -0.492, "reactive_power_kvar": -0.569,
    "reactive_power_l1_kvar": -0.244, "reactive_power_l2_kvar": -0.258,
    "reactive_power_l3_kvar": -0.066, "apparent_power_kva": 1.777,
    "apparent_power_l1_kva": 0.932, "apparent_power_l2_kva": 0.347,
    "apparent_power_l3_kva": 0.497, "power_factor": 0.29, "power_factor_l1": 0.97,
    "power_factor_l2": 0.67, "power_factor_l3": 0.99,
    "active_energy_kwh": 15062.03, "active_energy_t1_kwh": 15062.03, "active_energy_t2_kwh": 0.0,
    "active_energy_l1_kwh": 4691.18, "active_energy_l2_kwh": 5750.29,
    "active_energy_l3_kwh": 4620.54, "forward_active_energy_kwh": 15062.03,
    "forward_active_energy_t1_kwh": 15062.03, "forward_active_energy_t2_kwh": 0.0,
    "forward_active_energy_l1_kwh": 4691.18, "forward_active_energy_l2_kwh": 5750.29,
    "forward_active_energy_l3_kwh": 4620.54, "reverse_active_energy_kwh": 20257.91,
    "reverse_active_energy_t1_kwh": 20257.91, "reverse_active_energy_t2_kwh": 0.0,
    "reverse_active_energy_l1_kwh": 6733.89, "reverse_active_energy_l2_kwh": 6483.44,
    "reverse_active_energy_l3_kwh": 7040.57, "reactive_energy_kvarh": 133.62,
    "reactive_energy_t1_kvarh": 133.62, "reactive_energy_t2_kvarh": 0.0,
    "reactive_energy_l1_kvarh": 125.07, "reactive_energy_l2_kvarh": 2.08,
    "reactive_energy_l3_kvarh": 6.46, "forward_reactive_energy_kvarh": 133.62,
    "forward_reactive_energy_t1_kvarh": 133.62, "forward_reactive_energy_t2_kvarh": 0.0,
    "forward_reactive_energy_l1_kvarh": 125.07, "forward_reactive_energy_l2_kvarh": 2.08,
    "forward_reactive_energy_l3_kvarh": 6.46, "reverse_reactive_energy_kvarh": 12538.79,
    "reverse_reactive_energy_t1_kvarh": 12538.79, "reverse_reactive_energy_t2_kvarh": 0.0,
    "reverse_reactive_energy_l1_kvarh": 4685.95, "reverse_reactive_energy_l2_kvarh": 5681.59,
    "reverse_reactive_energy_l3_kvarh": 2171.24, "tariff": 1, "day_counter_kwh": 15056.17,
}
# Decimal places of the instantaneous registers (docs/registers/modbus.md).
DECIMALS = {"_v": 1, "_hz": 2, "_a": 2, "_kw": 3, "_kvar": 3, "_kva": 3, "power_factor": 2}


def decimals_of(name):
    for suffix, places in DECIMALS.items():
        if name.endswith(suffix) or name.startswith(suffix):
            return places
    return None


def read(*args, timeout=RUN_TIMEOUT_S):
    return subprocess.run([BINARY, "read", *args], capture_output=True, text=True,
                          timeout=timeout)


def Slave(framing):
    """pymodbus_pro380_slave.py serving the reference dump as unit 1."""
    return PymodbusServer("pymodbus_pro380_slave.py", framing, "1", DUMP)


class ReferenceDumpTest(unittest.TestCase):
    """The real meter's words (§1.7) served by pymodbus decode to the reference's values."""

    def check_dump(self, framing, option):
        slave = Slave(framing)
        try:
            done = read(option, f"127.0.0.1:{slave.port}", "--json")
            self.assertEqual(done.returncode, 0, done.stderr)
            out = json.loads(done.stdout)
            meter = dict(out["meter"])
            self.assertEqual(meter.pop("endpoint"), f"{option} 127.0.0.1:{slave.port}")
            self.assertEqual(meter.pop("id"), 1)
            self.assertEqual(meter, REFERENCE_METER)
            self.assertEqual(out["quantities"], REFERENCE_QUANTITIES)
            table = read(option, f"127.0.0.1:{slave.port}")
            self.assertEqual(table.returncode, 0, table.stderr)
            self.assertRegex(table.stdout, r"\nvoltage_l1_v +234\.3 V\n")
            self.assertRegex(table.stdout, r"\nreverse_active_energy_l2_kwh +6483\.44 kWh\n")
            self.assertRegex(table.stdout, r"\nserial_number +22091039\n")
        finally:
            slave.stop()

    def test_mbap(self):
        self.check_dump("tcp", "--modbus-tcp")

    def test_rtu_over_tcp(self):
        self.check_dump("rtu-tcp", "--rtu-over-tcp")

    def test_other_id_does_not_answer(self):
        slave = Slave("tcp")
        try:
            done = read("--modbus-tcp", f"127.0.0.1:{slave.port}", "--id", "9", "--timeout",
                        "0.3s", "--retries", "1")
            self.assertEqual(done.returncode, 1)
            self.assertIn(f"ID 9 at 127.0.0.1:{slave.port} did not answer", done.stderr)
            self.assertIn("2 attempts", done.stderr)
        finally:
            slave.stop()


class SelfReadTest(unittest.TestCase):
    """pro380 read against pro380 run, over each Modbus transport."""

    @classmethod
    def setUpClass(cls):
        cls.work, cls.meter = e2e.start_in_new_dir(
            "pro380-client-", lambda work: [
                "--modbus-tcp", "127.0.0.1:0", "--rtu-over-tcp", "127.0.0.1:0",
                "--modbus-rtu", f"pty:{os.path.join(work, 'tty')}"],
            expect_tcp=1, expect_rtu_tcp=1, expect_rtu=1, http="127.0.0.1:0")
        # The interfaces answer before the first measurement: wait (bounded) until 0x5002 shows
        # 230 V, so that every test sees the meter measuring.
        with e2e.TcpModbus(cls.meter.tcp_ports[0]) as client:
            wait = e2e.time.monotonic() + e2e.START_TIMEOUT_S
            while client.read(1, 0x5002, 2) != e2e.f32_words(230.0):
                if e2e.time.monotonic() > wait:
                    raise AssertionError("0x5002 never read 230 V")
                e2e.time.sleep(0.05)

    @classmethod
    def tearDownClass(cls):
        e2e.stop_and_remove(cls.meter, cls.work)

    def rest(self):
        url = self.meter.web_url + "api/v1/meters/00000001"
        with urllib.request.urlopen(url, timeout=5) as reply:
            return json.load(reply)

    def endpoints(self):
        return {
            "--modbus-tcp": f"127.0.0.1:{self.meter.tcp_ports[0]}",
            "--rtu-over-tcp": f"127.0.0.1:{self.meter.rtu_tcp_ports[0]}",
            "--modbus-rtu": self.meter.rtu_paths[0],
        }

    def test_read_equals_the_served_state(self):
        for option, endpoint in self.endpoints().items():
            with self.subTest(option=option):
                before = self.rest()
                done = read(option, endpoint, "--json")
                after = self.rest()
                self.assertEqual(done.returncode, 0, done.stderr)
                out = json.loads(done.stdout)
                self.assertEqual(out["meter"]["serial_number"], before["serial"])
                settings = before["settings"]
                for name in ("modbus_id", "baud_rate", "parity", "lcd_cycle_time_s"):
                    self.assertEqual(out["meter"][name], settings[name], name)
                for name in ("s0_rate", "combined_code", "ct_ratio", "tariff"):
                    self.assertEqual(out["quantities"][name], settings[name], name)
                quantities = out["quantities"]
                compared = 0
                for name, value in quantities.items():
                    if name not in before["quantities"]:
                        continue
                    compared += 1
                    low = before["quantities"][name]
                    high = after["quantities"][name]
                    places = decimals_of(name)
                    if name.endswith(("_kwh", "_kvarh")):
                        # Energies grow during the read: between the two REST reads, at 0.01.
                        self.assertGreaterEqual(value, round(min(low, high), 2) - 0.011, name)
                        self.assertLessEqual(value, round(max(low, high), 2) + 0.011, name)
                    elif places is not None:
                        self.assertAlmostEqual(value, round(low, places),
                                               delta=0.5 * 10 ** -places + 1e-9, msg=name)
                    else:
                        self.assertEqual(value, low, name)
                # Every quantity of the meter but the pulse counters (no register) was read.
                self.assertEqual(compared, len(quantities))
                self.assertEqual(set(before["quantities"]) - set(quantities),
                                 {"s0_forward_pulses", "s0_reverse_pulses", "led_active_pulses",
                                  "led_reactive_pulses"})

    def test_an_independent_client_reads_the_same_words(self):
        """pymodbus_read reads the measurement block; its words decode to read's values."""
        port = self.meter.tcp_ports[0]
        independent = subprocess.run(
            [PYMODBUS_PYTHON, PYMODBUS_READ, "tcp", "127.0.0.1", str(port), "1", "3:5000:50"],
            capture_output=True, text=True, timeout=RUN_TIMEOUT_S)
        self.assertEqual(independent.returncode, 0, independent.stderr)
        words = [int(w, 16) for w in independent.stdout.split()]
        self.assertEqual(len(words), 50)
        done = read("--modbus-tcp", f"127.0.0.1:{port}", "--json")
        self.assertEqual(done.returncode, 0, done.stderr)
        quantities = json.loads(done.stdout)["quantities"]
        names = ["voltage_l1_v", "voltage_l2_v", "voltage_l3_v", "frequency_hz", None,
                 "current_l1_a", "current_l2_a", "current_l3_a", "active_power_kw"]
        for index, name in enumerate(names, start=1):
            if name is None:
                continue
            value = struct.unpack(">f", struct.pack(">HH", *words[2 * index:2 * index + 2]))[0]
            self.assertAlmostEqual(quantities[name], value, delta=1e-3, msg=name)

    def test_watch_prints_count_readings(self):
        done = read("--modbus-tcp", f"127.0.0.1:{self.meter.tcp_ports[0]}", "--json", "--watch",
                    "0.2", "--count", "3")
        self.assertEqual(done.returncode, 0, done.stderr)
        lines = done.stdout.splitlines()
        self.assertEqual(len(lines), 3)
        for line in lines:
            self.assertEqual(json.loads(line)["meter"]["serial_number"], "00000001")

    def test_wrong_id_exits_1_naming_endpoint_and_id(self):
        done = read("--rtu-over-tcp", f"127.0.0.1:{self.meter.rtu_tcp_ports[0]}", "--id", "7",
                    "--timeout", "0.2s", "--retries", "0")
        self.assertEqual(done.returncode, 1)
        self.assertIn(f"ID 7 at 127.0.0.1:{self.meter.rtu_tcp_ports[0]} did not answer",
                      done.stderr)


class BadRepliesTest(unittest.TestCase):
    def check(self, option, reply, expected):
        server = ScriptedServer(reply)
        try:
            done = read(option, f"127.0.0.1:{server.port}", "--timeout", "0.3s", "--retries", "0")
        finally:
            server.close()
        self.assertEqual(done.returncode, 1, done.stdout + done.stderr)
        self.assertIn(expected, done.stderr)

    def test_garbage_on_rtu_over_tcp_is_named_garbled(self):
        self.check("--rtu-over-tcp", lambda request: bytes(range(40)),
                   "only with garbled bytes (")

    def test_bad_crc_on_rtu_over_tcp_is_named_garbled(self):
        def reply(request):
            frame = bytearray(e2e.rtu_frame(1, bytes([3, 64]) + bytes(64)))
            frame[-1] ^= 0xFF
            return bytes(frame)
        self.check("--rtu-over-tcp", reply, "only with garbled bytes (1 frame with a bad CRC")

    def test_short_read_reply_on_mbap_is_malformed(self):
        def reply(request):
            pdu = bytes([3, 2, 0, 1])  # 1 register where 32 were asked
            return request[:4] + struct.pack(">HB", len(pdu) + 1, request[6]) + pdu
        self.check("--modbus-tcp", reply, "malformed reply")

    def test_exception_is_a_refusal(self):
        def reply(request):
            return request[:4] + struct.pack(">HB", 3, request[6]) + bytes([0x83, 0x02])
        self.check("--modbus-tcp", reply, "refused a read of 32 registers at 0x4000: "
                                          "exception 02 (illegal data address)")

    def test_closed_port_exits_1(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        done = read("--modbus-tcp", f"127.0.0.1:{port}", "--timeout", "0.3s")
        self.assertEqual(done.returncode, 1)
        self.assertIn(f"127.0.0.1:{port}", done.stderr)


class BadOptionsTest(unittest.TestCase):
    def check(self, args, expected):
        done = read(*args)
        self.assertEqual(done.returncode, 2, done.stderr)
        self.assertIn(expected, done.stderr)

    def test_bad_options_exit_2(self):
        self.check([], "exactly one of --modbus-tcp")
        self.check(["--modbus-tcp", "127.0.0.1:1", "--rtu-over-tcp", "127.0.0.1:2"],
                   "exactly one of")
        self.check(["--modbus-tcp", "127.0.0.1:1", "--id", "248"], "--id 248 must be 1..247")
        self.check(["--modbus-rtu", "pty:/tmp/x"], "existing device path")
        self.check(["--modbus-tcp", "nowhere"], "--modbus-tcp")
        self.check(["--modbus-tcp", "127.0.0.1:1", "--timeout", "0s"], "--timeout")
        self.check(["--modbus-tcp", "127.0.0.1:1", "--retries", "11"], "--retries 11")
        self.check(["--modbus-tcp", "127.0.0.1:1", "--watch", "0.01"], "--watch")
        self.check(["--modbus-tcp", "127.0.0.1:1", "--count", "2"], "--count needs --watch")


if __name__ == "__main__":
    if not BINARY:
        sys.exit("PRO380_BINARY is not set")
    unittest.main()
