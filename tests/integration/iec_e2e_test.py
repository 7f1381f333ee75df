#!/usr/bin/env python3
"""The optical port (IEC 62056-21) of the real `pro380 run`, end to end (docs/protocols/iec62056.md).

- smartmeter-obis (npm, an independent client: tests/node/iec_read.js) reads the meter in mode C
  over a pty, with and without the device address, and gets every OBIS value the meter's state
  implies (const source L1 +5 kW, L2 +5 kW, L3 -12 kW; energies between Modbus TCP reads taken
  before and after). Its TCP transport only listens for pushed data (mode D), so the readout over
  `--iec-tcp` is checked with a raw client here.
- A programming session (raw characters: smartmeter-obis has no programming mode) changes the S0
  rate and the combined code; Modbus TCP shows both at once and after a restart, the event log
  names the optical port.
- Bad input over TCP and the pty: garbage, an overlong request, a command without ETX, a wrong
  BCC, repeated requests in the middle of a readout: the meter resynchronises, the next readout
  is complete, and exactly the writes that arrived whole were executed.
Every wait is bounded; every process is stopped by its PID.
"""
import json
import os
import select
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import modbus_e2e as e2e  # noqa: E402

SOURCE_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NODE_DIR = os.path.join(SOURCE_DIR, "tests", "node")
SERIAL = "22091039"
SOH, STX, ETX, ACK, NAK = b"\x01", b"\x02", b"\x03", b"\x06", b"\x15"

# Every readable data set: code -> (value or None for an energy, unit). Written from the table in
# docs/protocols/iec62056.md and the const source, not from the code under test.
STATIC = {
    "0.0.0": (SERIAL, ""), "C.1.0": (SERIAL, ""), "0.2.0": ("2.18", ""), "F.F": ("0", ""),
    "32.7.0": ("230.0", "V"), "52.7.0": ("230.0", "V"), "72.7.0": ("230.0", "V"),
    "31.7.0": ("21.74", "A"), "51.7.0": ("21.74", "A"), "71.7.0": ("-52.17", "A"),
    "1.7.0": ("-2.000", "kW"), "21.7.0": ("5.000", "kW"), "41.7.0": ("5.000", "kW"),
    "61.7.0": ("-12.000", "kW"),
    "3.7.0": ("0.000", "kvar"), "23.7.0": ("0.000", "kvar"), "43.7.0": ("0.000", "kvar"),
    "63.7.0": ("0.000", "kvar"),
    "9.7.0": ("22.000", "kVA"), "29.7.0": ("5.000", "kVA"), "49.7.0": ("5.000", "kVA"),
    "69.7.0": ("12.000", "kVA"),
    "13.7.0": ("-1.000", ""), "33.7.0": ("1.000", ""), "53.7.0": ("1.000", ""),
    "73.7.0": ("1.000", ""), "14.7.0": ("50.00", "Hz"),
    "96.14.0": ("1", ""), "C.7.0": (None, ""), "138.0.0": ("1", ""), "138.0.1": ("1000", ""),
    "0.4.2": ("0", "A"), "138.0.3": ("2", ""), "138.0.4": ("1", ""), "138.0.5": ("1", ""),
    "138.0.6": ("2", ""), "139.0.0": ("1", ""), "139.0.1": ("9600", ""), "139.0.2": ("1", ""),
    "139.0.3": ("10", ""), "139.0.4": ("227", ""), "139.0.5": ("0", ""), "139.0.6": ("0", ""),
    "139.0.7": (SERIAL, ""),
    "137.0.1": (None, "imp"), "137.0.2": (None, "imp"), "137.0.3": (None, "imp"),
    "137.0.4": (None, "imp"),
}
ENERGY_BASES = {"128": "kWh", "129": "kWh", "130": "kWh", "131": "kWh", "1": "kWh", "21": "kWh",
                "41": "kWh", "61": "kWh", "2": "kWh", "22": "kWh", "42": "kWh", "62": "kWh",
                "132": "kvarh", "133": "kvarh", "134": "kvarh", "135": "kvarh", "3": "kvarh",
                "23": "kvarh", "43": "kvarh", "63": "kvarh", "4": "kvarh", "24": "kvarh",
                "44": "kvarh", "64": "kvarh"}
ENERGY = {}
for base, unit in ENERGY_BASES.items():
    tariffs = ["0", "1", "2"] if base in ("128", "1", "2", "132", "3", "4") else ["0"]
    for t in tariffs:
        ENERGY[f"{base}.8.{t}"] = unit
ENERGY["136.8.0"] = "kWh"  # day counter
# Modbus 0x6000 block addresses of energies to bracket the readout with (forward, reverse, C-01).
MODBUS_ENERGY = {"1.8.0": 0x600C, "2.8.0": 0x6018, "128.8.0": 0x6000, "21.8.0": 0x6012,
                 "62.8.0": 0x6022}


def bcc(data):
    value = 0
    for b in data:
        value ^= b
    return bytes([value])


def command(body):
    """SOH body BCC, the BCC over body (which ends with ETX)."""
    return SOH + body + bcc(body)


def parse_readout(message):
    """{code: (value, unit)} of `STX lines ! CR LF ETX BCC`, the frame and BCC checked."""
    assert message[:1] == STX, message[:20]
    end = message.index(ETX)
    assert message[end + 1:end + 2] == bcc(message[1:end + 1]), "bad BCC"
    body = message[1:end].decode("ascii")
    assert body.endswith("!\r\n"), body[-20:]
    sets = {}
    for line in body[:-3].split("\r\n")[:-1]:
        code, rest = line.split("(", 1)
        value = rest.rstrip(")")
        unit = ""
        if "*" in value:
            value, unit = value.split("*", 1)
        assert code not in sets, code
        sets[code] = (value, unit)
    return sets


class Port:
    """Raw characters to the optical port: a pty path or a TCP endpoint."""

    def __init__(self, path=None, tcp_port=None):
        if path:
            self.fd = os.open(path, os.O_RDWR | os.O_NOCTTY)
            import tty
            tty.setraw(self.fd)
            self.sock = None
        else:
            self.sock = socket.create_connection(("127.0.0.1", tcp_port), timeout=5)
            self.fd = self.sock.fileno()

    def close(self):
        if self.sock:
            self.sock.close()
        else:
            os.close(self.fd)

    def send(self, data):
        if self.sock:
            self.sock.sendall(data)
        else:
            os.write(self.fd, data)

    def receive_until(self, done, timeout=8.0):
        """Bytes until done(bytes) is true; AssertionError after `timeout` s."""
        data = b""
        deadline = time.monotonic() + timeout
        while not done(data):
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"timeout; got {data[:200]!r}")
            if select.select([self.fd], [], [], left)[0]:
                chunk = os.read(self.fd, 65536) if not self.sock else self.sock.recv(65536)
                if not chunk:
                    raise AssertionError(f"closed; got {data!r}")
                data += chunk
        return data

    def quiet(self, wait):
        """Everything that arrives within `wait` s (usually nothing)."""
        data = b""
        deadline = time.monotonic() + wait
        while (left := deadline - time.monotonic()) > 0:
            if select.select([self.fd], [], [], left)[0]:
                chunk = os.read(self.fd, 65536) if not self.sock else self.sock.recv(65536)
                if not chunk:
                    break
                data += chunk
        return data

    def identification(self, request=b"/?!\r\n"):
        self.send(request)
        got = self.receive_until(lambda d: d.endswith(b"\r\n"))
        assert got == b"/INM5PRO380-Mod\r\n", got
        return got

    def readout(self, option=b"050"):
        self.identification()
        self.send(ACK + option + b"\r\n")
        message = self.receive_until(lambda d: ETX in d and len(d) > d.index(ETX) + 1)
        return parse_readout(message)

    def program(self):
        self.identification()
        self.send(ACK + b"051\r\n")
        p0 = self.receive_until(lambda d: ETX in d and len(d) > d.index(ETX) + 1)
        assert p0 == command(b"P0" + STX + b"(" + SERIAL.encode() + b")" + ETX), p0
        self.send(command(b"P1" + STX + b"(00000000)" + ETX))
        assert self.receive_until(lambda d: len(d) >= 1) == ACK

    def ask(self, body):
        self.send(command(body))
        return self.receive_until(lambda d: d[:1] in (ACK, NAK) or
                                  (ETX in d and len(d) > d.index(ETX) + 1))


def start(work, extra, state_dir=None):
    pty = os.path.join(work, "ir")
    meter = e2e.Pro380(work, ["--serial", SERIAL, "--modbus-tcp", "127.0.0.1:0", "--iec",
                              "pty:" + pty, "--iec-tcp", "127.0.0.1:0"] + extra,
                       state_dir=state_dir, expect_tcp=1)
    deadline = time.monotonic() + e2e.START_TIMEOUT_S
    while True:
        lines = [l for l in meter.output().splitlines()
                 if l.startswith("IEC 62056-21 optical port over TCP on 127.0.0.1:")]
        if lines:
            meter.iec_tcp_port = int(lines[0].rsplit(":", 1)[1])
            break
        assert time.monotonic() < deadline, meter.output()
        time.sleep(0.02)
    meter.iec_pty = pty
    return meter


def modbus_energy(meter):
    client = e2e.TcpModbus(meter.tcp_ports[0])
    try:
        out = {}
        for code, addr in MODBUS_ENERGY.items():
            hi, lo = client.read(1, addr, 2)
            out[code] = e2e.to_float(hi, lo)
        return out
    finally:
        client.close()


def modbus_settings(meter):
    client = e2e.TcpModbus(meter.tcp_ports[0])
    try:
        hi, lo, code = client.read(1, 0x400D, 3)
        return e2e.to_float(hi, lo), code
    finally:
        client.close()


class IecTestBase(unittest.TestCase):
    def setUp(self):
        self.work = tempfile.mkdtemp(prefix="iec-e2e-")
        self.meter = start(self.work, [])

    def tearDown(self):
        e2e.stop_and_remove(self.meter, self.work)

    def check_readout(self, sets, before, after, program=None):
        """Every data set present with the value the state implies."""
        expected_codes = set(STATIC) | set(ENERGY)
        self.assertEqual(set(sets), expected_codes)
        for code, (value, unit) in STATIC.items():
            if program and code in program:
                value = program[code]
            got_value, got_unit = sets[code]
            self.assertEqual(got_unit, unit, code)
            if value is not None:
                self.assertEqual(got_value, value, code)
        for code, unit in ENERGY.items():
            value, got_unit = sets[code]
            self.assertEqual(got_unit, unit, code)
            self.assertRegex(value, r"^\d{6}\.\d\d$", code)
        for code in MODBUS_ENERGY:
            shown = float(sets[code][0])
            self.assertGreaterEqual(shown, before[code] - 0.005, code)
            self.assertLessEqual(shown, after[code] + 0.005, code)
        # Relations of the state: L1 = L2 forward, L3 reverse only, C-01 total = forward.
        self.assertEqual(sets["21.8.0"], sets["41.8.0"])
        self.assertEqual(sets["61.8.0"][0], "000000.00")
        self.assertEqual(sets["42.8.0"][0], "000000.00")
        for code in ENERGY:
            if code.split(".")[0] in ("3", "4", "23", "24", "43", "44", "63", "64", "132", "133",
                                      "134", "135"):  # no reactive power: no reactive energy
                self.assertEqual(sets[code][0], "000000.00", code)


class SmartmeterObisTest(IecTestBase):
    def read_with_smartmeter_obis(self, address=None):
        args = ["node", os.path.join(NODE_DIR, "iec_read.js"), self.meter.iec_pty]
        if address:
            args.append(address)
        run = subprocess.run(args, capture_output=True, text=True, timeout=90)
        self.assertEqual(run.returncode, 0, run.stderr)
        return json.loads(run.stdout)

    def check_client_result(self, result):
        # smartmeter-obis names C.1.0 96.1.0, C.7.0 96.7.0 and F.F 97.97 (its letter mapping).
        rename = {"96.1.0": "C.1.0", "96.7.0": "C.7.0", "97.97": "F.F"}
        sets = {}
        for key, entry in result.items():
            code = key.split(":", 1)[1]
            raw = entry["raw"]
            value, unit = (raw.split("*", 1) + [""])[:2] if "*" in raw else (raw, "")
            sets[rename.get(code, code)] = (value, unit)
            for item in entry["values"]:  # the client parsed the same unit
                self.assertEqual(item["unit"], unit, code)
        return sets

    def test_mode_c_readout_over_the_pty(self):
        before = modbus_energy(self.meter)
        sets = self.check_client_result(self.read_with_smartmeter_obis())
        after = modbus_energy(self.meter)
        self.check_readout(sets, before, after)

    def test_mode_c_readout_with_the_device_address(self):
        before = modbus_energy(self.meter)
        sets = self.check_client_result(self.read_with_smartmeter_obis(SERIAL))
        after = modbus_energy(self.meter)
        self.check_readout(sets, before, after)


class RawReadoutTest(IecTestBase):
    def test_readout_over_tcp(self):
        port = Port(tcp_port=self.meter.iec_tcp_port)
        try:
            before = modbus_energy(self.meter)
            sets = port.readout()
            after = modbus_energy(self.meter)
            self.check_readout(sets, before, after)
        finally:
            port.close()


class ProgrammingTest(unittest.TestCase):
    def test_s0_rate_and_combined_code_reach_modbus_at_once_and_after_a_restart(self):
        work = tempfile.mkdtemp(prefix="iec-e2e-")
        state = os.path.join(work, "state")
        meter = start(work, [], state_dir=state)
        try:
            self.assertEqual(modbus_settings(meter), (1000.0, 1))
            port = Port(path=meter.iec_pty)
            try:
                port.program()
                self.assertEqual(port.ask(b"W1" + STX + b"138.0.1(100)" + ETX), ACK)
                self.assertEqual(port.ask(b"W1" + STX + b"138.0.0(5)" + ETX), ACK)
                self.assertEqual(modbus_settings(meter), (100.0, 5))  # at once
                port.send(command(b"B0" + ETX))
            finally:
                port.close()
            self.assertEqual(meter.stop(), 0)
            events = sqlite3.connect(os.path.join(state, "state.sqlite")).execute(
                "select interface, client, detail from events where kind = 'setting_change'"
            ).fetchall()
            self.assertIn(("iec", meter.iec_pty, "s0_rate: 1000 -> 100"), events)
            self.assertIn(("iec", meter.iec_pty, "combined_code: 1 -> 5"), events)
            meter = start(work, [], state_dir=state)
            self.assertEqual(modbus_settings(meter), (100.0, 5))  # after the restart
            port = Port(tcp_port=meter.iec_tcp_port)
            try:
                sets = port.readout()
                self.assertEqual(sets["138.0.1"], ("100", ""))
                self.assertEqual(sets["138.0.0"], ("5", ""))
            finally:
                port.close()
        finally:
            e2e.stop_and_remove(meter, work)


class BadInputTest(IecTestBase):
    def bad_input_then_everything_works(self, port):
        port.send(b"\x00garbage\xff\r\n!!")
        port.send(b"/?" + b"1" * 60 + b"!\r\n")  # overlong: dropped
        self.assertEqual(port.quiet(0.5), b"")
        port.program()
        port.send(SOH + b"W1" + STX + b"138.0.1(10)")  # no ETX: dropped by the next request
        port.identification()
        port.send(ACK + b"051\r\n")
        port.receive_until(lambda d: ETX in d and len(d) > d.index(ETX) + 1)
        self.assertEqual(port.ask(b"P1" + STX + b"(00000000)" + ETX), ACK)
        wrong = command(b"W1" + STX + b"138.0.1(2000)" + ETX)
        port.send(wrong[:-1] + bytes([wrong[-1] ^ 1]))  # wrong BCC
        self.assertEqual(port.receive_until(lambda d: len(d) >= 1), NAK)
        self.assertEqual(port.ask(b"W1" + STX + b"138.0.1(2000)" + ETX), ACK)  # retransmitted
        port.send(command(b"B0" + ETX))
        # Requests repeated while a readout is on its way: the last one's readout is whole.
        port.identification()
        port.send(ACK + b"050\r\n/?!\r\n")
        port.receive_until(lambda d: d.endswith(b"/INM5PRO380-Mod\r\n"))
        port.quiet(0.3)
        before = modbus_energy(self.meter)
        sets = port.readout()
        after = modbus_energy(self.meter)
        self.check_readout(sets, before, after, program={"138.0.1": "2000"})
        self.assertEqual(modbus_settings(self.meter), (2000.0, 1))

    def test_bad_input_over_tcp(self):
        port = Port(tcp_port=self.meter.iec_tcp_port)
        try:
            self.bad_input_then_everything_works(port)
        finally:
            port.close()

    def test_bad_input_over_the_pty(self):
        port = Port(path=self.meter.iec_pty)
        try:
            self.bad_input_then_everything_works(port)
        finally:
            port.close()


if __name__ == "__main__":
    if not e2e.BINARY:
        sys.exit("PRO380_BINARY is not set")
    if shutil.which("node") is None or not os.path.isdir(os.path.join(NODE_DIR, "node_modules",
                                                                      "smartmeter-obis")):
        print("node or smartmeter-obis missing (scripts/install-deps.sh)")
        sys.exit(77)
    unittest.main()
