#!/usr/bin/env python3
"""Modbus as independent clients see it: mbpoll, libmodbus and pymodbus against `pro380 run`.

Usage: modbus_clients_test.py tcp|rtu|rtu-tcp [unittest arguments]

  tcp      pro380 run --modbus-tcp 127.0.0.1:PORT      clients: mbpoll, modbus_read, pymodbus_read
  rtu      pro380 run --modbus-rtu pty:PATH:9600:E     clients: mbpoll, modbus_read, pymodbus_read
  rtu-tcp  pro380 run --rtu-over-tcp 127.0.0.1:PORT    client: pymodbus_read (RTU framer over TCP;
           mbpoll and libmodbus have no such mode)

Every test case starts its own meter (`--source const:P1=5000,P2=5000,P3=-12000`, a fresh
--state directory in a temporary directory, `--http off`, `--stop-after 60s`) on a free loopback
port or a pty path in the temporary directory, waits for it (bounded), and stops it with SIGTERM
by its PID. Nothing but loopback and ptys is used; every wait and every client has a timeout.

Checked: the three blocks a full poll reads (0x4000 x 32, 0x5000 x 50, 0x6000 x 75, FC03 and
FC04) decode to what the meter's state implies (serial, meter code 0x0102, ID 1, 230 V, 50 Hz,
5 / 5 / -12 kW, the current directions, tariff 1; docs/registers/modbus.md); every client returns
the same words for the registers that do not move (info and measurement blocks; the energies
grow while the test runs); an unmapped read is exception 02, a quantity of 126 exception 03; an
ID written to 0x4003 is answered from the old ID and used from the next request; after SIGTERM
and a restart on the same --state the new ID is still the meter's.

Environment: PRO380_BINARY (the binary), MODBUS_READ (tests/clients/modbus_read, built),
PYMODBUS_READ (tests/clients/pymodbus_read.py); PYMODBUS_PYTHON optionally names an interpreter
that can import pymodbus (else this one, else /usr/bin/python3). PRO380_REFERENCE_SERVER, when
set, names bench/modbus_tcp/reference_server to test instead of pro380 (tcp only; used to
develop these tests; it keeps no state, so the restart case fails there).

Exit status 77 (ctest: skipped) when the binary has no option for the transport yet.
"""
import math
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pro380_process import Pro380Process  # noqa: E402

BINARY = os.environ.get("PRO380_BINARY", "")
MODBUS_READ = os.environ.get("MODBUS_READ", "")
PYMODBUS_READ = os.environ.get("PYMODBUS_READ", "")
REFERENCE_SERVER = os.environ.get("PRO380_REFERENCE_SERVER", "")
SKIP = 77

SERIAL = "22091039"  # shown as bcd32: 0x2209 0x1039
SOURCE = "const:P1=5000,P2=5000,P3=-12000"
BAUD, PARITY = 9600, "E"
START_TIMEOUT_S = 10.0
CLIENT_TIMEOUT_S = 30.0
BLOCKS = ((0x4000, 32), (0x5000, 50), (0x6000, 75))
STATIC_BLOCKS = ((0x4000, 32), (0x5000, 50))  # the energies in 0x6000.. grow during the test
NO_RESPONSE = "no response"

TRANSPORT = None  # set from argv in main


def free_port():
    """A loopback port nobody listens on now (the kernel's pick; a small race is accepted)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pymodbus_python():
    candidates = [os.environ.get("PYMODBUS_PYTHON"), sys.executable, "/usr/bin/python3"]
    for python in candidates:
        if python and (shutil.which(python) or os.path.exists(python)):
            probe = subprocess.run([python, "-c", "import pymodbus.client"],
                                   capture_output=True, timeout=30, check=False)
            if probe.returncode == 0:
                return python
    return None


def to_float(hi, lo):
    return struct.unpack(">f", struct.pack(">HH", hi, lo))[0]


class Meter(Pro380Process):
    """One server process started for a test; ready when its port accepts or its pty exists."""

    def __init__(self, work_dir, state_dir, transport):
        self.transport = transport
        self.port = None
        self.path = None
        if REFERENCE_SERVER:
            cmd = [REFERENCE_SERVER, "127.0.0.1", "0", "60"]
        else:
            cmd = [BINARY, "run", "--state", state_dir, "--http", "off", "--source", SOURCE,
                   "--serial", SERIAL, "--stop-after", "60s"]
            if transport == "tcp":
                self.port = free_port()
                cmd += ["--modbus-tcp", f"127.0.0.1:{self.port}"]
            elif transport == "rtu-tcp":
                self.port = free_port()
                cmd += ["--rtu-over-tcp", f"127.0.0.1:{self.port}"]
            else:
                self.path = os.path.join(work_dir, f"meter-{time.monotonic_ns()}.tty")
                cmd += ["--modbus-rtu", f"pty:{self.path}:{BAUD}:{PARITY}"]
        super().__init__(work_dir, cmd, self._ready, name="server", start_timeout=START_TIMEOUT_S)

    def _ready(self, lines):
        if REFERENCE_SERVER and self.port is None:
            for line in lines:
                if line.startswith("listening "):
                    self.port = int(line.split()[2])
        if self.path is not None:
            return os.path.exists(self.path)
        if self.port is None:
            return False
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.settimeout(0.5)
            return s.connect_ex(("127.0.0.1", self.port)) == 0


class Clients:
    """The three clients, each reduced to: items in, one line per item out."""

    def __init__(self, meter, python):
        self.meter = meter
        self.python = python

    def _endpoint(self):
        m = self.meter
        return [m.path, str(BAUD), PARITY] if m.transport == "rtu" else ["127.0.0.1", str(m.port)]

    def _run(self, cmd):
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=CLIENT_TIMEOUT_S,
                              check=False)
        if done.returncode not in (0, 3):
            raise AssertionError(f"{' '.join(cmd)} exited {done.returncode}: {done.stderr}")
        return done.stdout.splitlines()

    def modbus_read(self, unit, *items):
        mode = "rtu" if self.meter.transport == "rtu" else "tcp"
        return self._run([MODBUS_READ, mode, *self._endpoint(), str(unit), *items])

    def pymodbus_read(self, unit, *items):
        mode = self.meter.transport
        return self._run([self.python, PYMODBUS_READ, mode, *self._endpoint(),
                          str(unit), *items])

    def mbpoll_read(self, unit, fc, addr, count):
        """The same line format from mbpoll's output: words, "exception N" or "no response"."""
        m = self.meter
        cmd = ["mbpoll", "-a", str(unit), "-0", "-r", str(addr), "-c", str(count),
               "-t", "4:hex" if fc == 3 else "3:hex", "-1", "-o", "1"]
        if m.transport == "rtu":
            parity = {"E": "even", "N": "none", "O": "odd"}[PARITY]
            cmd += ["-m", "rtu", "-b", str(BAUD), "-P", parity, m.path]
        else:
            cmd += ["-m", "tcp", "-p", str(m.port), "127.0.0.1"]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=CLIENT_TIMEOUT_S,
                              check=False)
        words = []
        for line in done.stdout.splitlines():
            if line.startswith("[") and "0x" in line:
                words.append(line.split("0x")[1].strip().upper())
        if words:
            return " ".join(words)
        for text, code in (("Illegal function", 1), ("Illegal data address", 2),
                           ("Illegal data value", 3), ("Slave device or server failure", 4)):
            if text in done.stderr:
                return f"exception {code}"
        return NO_RESPONSE

    def all_read(self, unit, fc, addr, count):
        """{client: line} for one read."""
        item = f"{fc}:{addr:X}:{count}"
        lines = {"pymodbus": self.pymodbus_read(unit, item)[0]}
        if self.meter.transport != "rtu-tcp":
            lines["modbus_read"] = self.modbus_read(unit, item)[0]
            lines["mbpoll"] = self.mbpoll_read(unit, fc, addr, count)
        return lines


def words_of(line):
    if line == NO_RESPONSE or line.startswith("exception"):
        raise AssertionError(f"expected words, got '{line}'")
    return [int(w, 16) for w in line.split()]


class ModbusClientsTest(unittest.TestCase):
    python = None

    @classmethod
    def setUpClass(cls):
        cls.python = pymodbus_python()

    def setUp(self):
        self.assertTrue(self.python, "no interpreter can import pymodbus.client "
                        "(python3-pymodbus, python3-serial-asyncio)")
        self.work = tempfile.TemporaryDirectory(prefix="pro380-modbus-")
        self.state = os.path.join(self.work.name, "state")
        os.mkdir(self.state)
        self.meters = []

    def tearDown(self):
        try:
            for meter in self.meters:
                meter.stop()
        finally:
            self.work.cleanup()

    def start(self):
        meter = Meter(self.work.name, self.state, TRANSPORT)
        self.meters.append(meter)
        clients = Clients(meter, self.python)
        self.wait_for_measurements(clients, unit=1)
        return meter, clients

    def read_one(self, clients, unit, item):
        """One item through the client that speaks every transport (pymodbus)."""
        return clients.pymodbus_read(unit, item)[0]

    def wait_for_measurements(self, clients, unit):
        """The meter serves 0 V until its first record; wait (bounded) for 230 V at 0x5002."""
        deadline = time.monotonic() + START_TIMEOUT_S
        line = None
        while time.monotonic() < deadline:
            line = self.read_one(clients, unit, "3:5002:2")
            if line == "4366 0000":
                return
            time.sleep(0.2)
        self.fail(f"0x5002 never read 230 V (last: {line}):\n{self.meters[-1].output()}")

    def check_decoded(self, info, measurements, energies):
        self.assertEqual(info[0:2], [0x2209, 0x1039], "serial 22091039 as bcd32")
        self.assertEqual(info[2], 0x0102, "meter code: direct PRO380")
        self.assertEqual(info[3], 1, "ID")
        self.assertEqual(info[4], 9600, "baud rate")
        self.assertAlmostEqual(to_float(*info[5:7]), 3.2, places=5, msg="protocol version")
        self.assertEqual(info[0x0B], 100, "meter amps (direct)")
        self.assertEqual(info[0x12:0x15], [0x3146, 0x3246, 0x3352], "directions 1F 2F 3R")

        def f(addr):
            return to_float(*measurements[addr - 0x5000:addr - 0x5000 + 2])

        for addr in (0x5002, 0x5004, 0x5006):
            self.assertEqual(f(addr), 230.0, f"voltage at 0x{addr:04X}")
        self.assertEqual(f(0x5008), 50.0, "frequency")
        for addr, kw in ((0x5014, 5.0), (0x5016, 5.0), (0x5018, -12.0), (0x5012, -2.0)):
            self.assertAlmostEqual(f(addr), kw, places=6, msg=f"active power at 0x{addr:04X}")
        for addr, amps in ((0x500C, 21.74), (0x500E, 21.74), (0x5010, 52.17)):
            self.assertAlmostEqual(abs(f(addr)), amps, delta=0.006, msg=f"current 0x{addr:04X}")
        for addr in (0x501A, 0x501C, 0x501E, 0x5020):
            self.assertEqual(f(addr), 0.0, f"reactive power at 0x{addr:04X}")

        # Every energy a finite float; only the net totals (0x6000..0x600B) may be negative.
        for i in range(0, 0x48, 2):
            value = to_float(*energies[i:i + 2])
            self.assertTrue(math.isfinite(value) and (value >= 0.0 or i < 0x0C),
                            f"energy at 0x{0x6000 + i:04X}: {value}")
        self.assertEqual(energies[0x48], 1, "tariff T1")

    def test_blocks_decode_with_every_client(self):
        _, clients = self.start()
        for fc in (3, 4):
            reads = {addr: clients.all_read(1, fc, addr, count) for addr, count in BLOCKS}
            for client in reads[0x4000]:
                with self.subTest(fc=fc, client=client):
                    info, measurements, energies = (words_of(reads[a][client]) for a, _ in BLOCKS)
                    self.assertEqual([len(info), len(measurements), len(energies)], [32, 50, 75])
                    self.check_decoded(info, measurements, energies)

    def test_clients_return_identical_static_words(self):
        _, clients = self.start()
        for fc in (3, 4):
            for addr, count in STATIC_BLOCKS + ((0x6048, 1),):
                lines = clients.all_read(1, fc, addr, count)
                with self.subTest(fc=fc, addr=hex(addr)):
                    self.assertEqual(len(set(lines.values())), 1, lines)
                    words_of(next(iter(lines.values())))
        # FC03 and FC04 serve the same map.
        for addr, count in STATIC_BLOCKS:
            fc3, fc4 = clients.pymodbus_read(1, f"3:{addr:X}:{count}", f"4:{addr:X}:{count}")
            self.assertEqual(fc3, fc4, hex(addr))

    def test_exceptions(self):
        _, clients = self.start()
        # Unmapped: past the info block, a hole between blocks, past the energy block, and a
        # range running off the end of a block.
        for addr, count in ((0x4020, 1), (0x7000, 2), (0x604B, 1), (0x5030, 4)):
            for fc in (3, 4):
                with self.subTest(fc=fc, addr=hex(addr), count=count):
                    lines = clients.all_read(1, fc, addr, count)
                    self.assertEqual(set(lines.values()), {"exception 2"}, lines)
        # Quantity 126 (one more than FC03/FC04 allow). mbpoll refuses to send it (-c 1..125).
        for fc in (3, 4):
            with self.subTest(fc=fc, count=126):
                self.assertEqual(clients.pymodbus_read(1, f"{fc}:5000:126"), ["exception 3"])
                if TRANSPORT != "rtu-tcp":
                    self.assertEqual(clients.modbus_read(1, f"{fc}:5000:126"), ["exception 3"])

    def write_id(self, clients, old, new):
        """FC06 of the new ID to 0x4003, answered from the old ID."""
        if TRANSPORT == "rtu-tcp":
            self.assertEqual(clients.pymodbus_read(old, f"write:4003:{new:04X}"), ["ok"])
        else:
            self.assertEqual(clients.modbus_read(old, f"write:4003:{new:04X}"), ["ok"])

    def test_id_write_applies_from_next_request(self):
        _, clients = self.start()
        self.write_id(clients, 1, 7)
        # The old ID gets no answer any more (1 s timeout), the new one does, with every client.
        self.assertEqual(clients.pymodbus_read(1, "3:4003:1"), [NO_RESPONSE])
        lines = clients.all_read(7, 3, 0x4003, 1)
        self.assertEqual(set(lines.values()), {"0007"}, lines)
        if TRANSPORT != "rtu-tcp":
            self.assertEqual(clients.modbus_read(1, "3:4003:1"), [NO_RESPONSE])
            self.assertEqual(clients.mbpoll_read(1, 3, 0x4003, 1), NO_RESPONSE)
        # Back to 1 with FC10 this time (ID and baud rate 9600 in one write), from ID 7.
        self.assertEqual(clients.pymodbus_read(7, "write:4003:0001,2580"), ["ok"])
        self.assertEqual(clients.pymodbus_read(1, "3:4003:2"), ["0001 2580"])

    # The ID is one of the device settings `run` saves with the meter (449dcad).
    def test_id_persists_across_restart(self):
        meter, clients = self.start()
        self.write_id(clients, 1, 7)
        self.assertEqual(clients.pymodbus_read(7, "3:4003:1"), ["0007"])
        time.sleep(1.5)  # more than one --save-interval (1 s), though SIGTERM saves too
        self.assertEqual(meter.stop(), 0, meter.output())
        meter = Meter(self.work.name, self.state, TRANSPORT)
        self.meters.append(meter)
        clients = Clients(meter, self.python)
        # Bounded: the restarted meter answers under ID 7 (kept) or 1 (forgotten).
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.read_one(clients, 7, "3:4003:1") == "0007":
                break
            self.assertNotEqual(self.read_one(clients, 1, "3:4003:1"), "0001",
                                "the ID written before the restart was not kept: the meter "
                                f"answers as ID 1 again\n{meter.output()}")
        else:
            self.fail(f"no answer as ID 7 or 1 after the restart:\n{meter.output()}")
        self.wait_for_measurements(clients, unit=7)
        self.assertEqual(clients.pymodbus_read(1, "3:4003:1"), [NO_RESPONSE])


def transport_supported():
    """Whether the binary's `run` has the transport's option (it landed after these tests)."""
    if REFERENCE_SERVER:
        return TRANSPORT == "tcp"
    option = {"tcp": "--modbus-tcp", "rtu": "--modbus-rtu", "rtu-tcp": "--rtu-over-tcp"}[TRANSPORT]
    done = subprocess.run([BINARY, "run", "--help"], capture_output=True, text=True, timeout=30,
                          check=False)
    return option in done.stdout


def main():
    global TRANSPORT
    if len(sys.argv) < 2 or sys.argv[1] not in ("tcp", "rtu", "rtu-tcp"):
        print(__doc__, file=sys.stderr)
        return 2
    TRANSPORT = sys.argv.pop(1)
    for name, value in (("PRO380_BINARY", BINARY), ("MODBUS_READ", MODBUS_READ),
                        ("PYMODBUS_READ", PYMODBUS_READ)):
        if not value and not (name == "PRO380_BINARY" and REFERENCE_SERVER):
            print(f"{name} is not set", file=sys.stderr)
            return 2
    if not transport_supported():
        print(f"skipped: this pro380 run has no option for {TRANSPORT} yet")
        return SKIP
    program = unittest.main(exit=False, verbosity=2)
    return 0 if program.result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
