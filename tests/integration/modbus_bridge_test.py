#!/usr/bin/env python3
"""The `modbus-client:` live source end to end (docs/sources.md): `pro380 run --source
modbus-client:...` polls another meter over Modbus TCP and re-serves it as a PRO380, read by
mbpoll (an independent client) over Modbus TCP.

- Upstream = a second `pro380 run`: the bridge shows its voltages, currents and powers; when the
  upstream is stopped the bridge still answers every mbpoll read, goes stale (values held), then
  reports zero current with the voltage held; a new upstream on the same port brings new values.
- The same over RTU (the upstream's pty at 19200 8N1) and RTU over TCP.
- Upstream = pymodbus serving the real PRO380's words of reference §1.7 (none of our code): the
  bridge shows the reference's values.
- Upstream = pymodbus serving an SDM630's input registers (tests/clients/pymodbus_sdm630_slave.py):
  the bridge shows them (W and var as kW and kvar) and follows a change.
- Bad specs exit 2 naming the part and what is allowed.

Environment: PRO380_BINARY; PYMODBUS_PYTHON (default /usr/bin/python3, Debian's pymodbus 3.0).
Every wait is bounded; processes are stopped by their PID.
"""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mbpoll  # noqa: E402
import modbus_e2e as e2e  # noqa: E402
from pymodbus_server import PymodbusServer  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
CLIENTS = os.path.join(HERE, "..", "clients")
PYMODBUS_PYTHON = os.environ.get("PYMODBUS_PYTHON", "/usr/bin/python3")
STALE_S, TIMEOUT_S = 1.0, 2.5
OPTIONS = f"interval=200ms&stale={STALE_S}s&timeout={TIMEOUT_S}s"
# The measurement block from voltage L1 to reactive power L3 (0x5002..0x5021).
FIRST, COUNT = 0x5002, 16
NAMES = ["voltage_l1", "voltage_l2", "voltage_l3", "frequency", "single_phase_current",
         "current_l1", "current_l2", "current_l3", "active_power", "active_power_l1",
         "active_power_l2", "active_power_l3", "reactive_power", "reactive_power_l1",
         "reactive_power_l2", "reactive_power_l3"]


def mbpoll_floats(port, address=FIRST, count=COUNT):
    """`count` float32 registers from `address` as a dict by NAMES, read by mbpoll."""
    return dict(zip(NAMES, mbpoll.floats(port, address, count)))


def near(value, expected, tolerance=1e-5):
    return abs(value - expected) <= tolerance * max(1.0, abs(expected))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class BridgeTest(unittest.TestCase):
    def setUp(self):
        self.work = tempfile.mkdtemp(prefix="pro380-bridge-")
        self.processes = []

    def tearDown(self):
        for process in self.processes:
            process.stop()
        shutil.rmtree(self.work, ignore_errors=True)

    def start_pro380(self, source, port=0):
        meter = e2e.Pro380(self.work, ["--modbus-tcp", f"127.0.0.1:{port}"], source=source,
                           expect_tcp=1)
        self.processes.append(meter)
        return meter

    def wait_for(self, what, port, predicate, within_s):
        """Reads the bridge every 0.1 s until `predicate` holds, bounded; every read must be
        answered."""
        deadline = time.monotonic() + within_s
        while True:
            values = mbpoll_floats(port)
            if predicate(values):
                return values
            if time.monotonic() > deadline:
                raise AssertionError(f"{what}: not within {within_s} s: {values}\n"
                                     f"{self.processes[-1].output()}")
            time.sleep(0.1)

    def test_pro380_upstream_lost_and_back(self):
        upstream = self.start_pro380("const:P1=5000,P2=2000,P3=-1500,Q1=800")
        up_port = upstream.tcp_ports[0]
        bridge = self.start_pro380(f"modbus-client:tcp://127.0.0.1:{up_port}?{OPTIONS}")
        port = bridge.tcp_ports[0]
        # The upstream's values as mbpoll reads them from the upstream itself.
        self.wait_for("upstream measuring", up_port, lambda v: v["current_l1"] != 0, 3)
        expected = mbpoll_floats(up_port)
        shown = self.wait_for("the upstream's values", port,
                              lambda v: near(v["current_l1"], expected["current_l1"]), 5)
        for name in NAMES:
            if name == "single_phase_current":
                continue
            self.assertTrue(near(shown[name], expected[name], 2e-3), (name, shown, expected))
        self.assertTrue(near(shown["active_power_l3"], -1.5))
        self.assertTrue(near(shown["current_l3"], expected["current_l3"]))
        self.assertLess(shown["current_l3"], 0)  # exporting: negative, as the upstream shows it

        # The upstream goes away: every read is still answered; stale, then zero current.
        upstream.stop()
        lost = time.monotonic()
        held = mbpoll_floats(port)
        self.assertTrue(near(held["current_l1"], expected["current_l1"]), held)
        zero = self.wait_for("zero current after the timeout", port,
                             lambda v: v["current_l1"] == 0.0, TIMEOUT_S + 3)
        self.assertGreater(time.monotonic() - lost, TIMEOUT_S - 0.5)
        self.assertEqual((zero["active_power_l1"], zero["current_l3"]), (0.0, 0.0))
        self.assertTrue(near(zero["voltage_l1"], expected["voltage_l1"]))  # voltage held
        output = bridge.output()
        self.assertIn("the peer closed the connection; retrying after 1 s, doubling to 5 s",
                      output)
        self.assertIn("stale: no reading for 1 s, the last values are held", output)
        self.assertIn("timed out: no reading for 2.5 s, current and power are 0", output)

        # A new upstream on the same port: values resume (retries are at most 5 s apart).
        self.start_pro380("const:P1=2300", port=up_port)
        resumed = self.wait_for("values after the upstream's restart", port,
                                lambda v: near(v["current_l1"], 10.0), 8)
        self.assertTrue(near(resumed["active_power_l1"], 2.3))
        self.assertEqual(resumed["current_l3"], 0.0)
        self.assertIn("the upstream meter answers again", bridge.output())

    def test_rtu_and_rtu_over_tcp_upstreams(self):
        link = os.path.join(self.work, "upstream-rtu")
        upstream = e2e.Pro380(self.work, ["--modbus-rtu", f"pty:{link}:19200:N",
                                          "--rtu-over-tcp", "127.0.0.1:0"],
                              source="const:P1=4600,P3=1150", expect_rtu=1, expect_rtu_tcp=1)
        self.processes.append(upstream)
        for spec in (f"modbus-client:rtu:{link}:19200:N?{OPTIONS}",
                     f"modbus-client:rtu-over-tcp://127.0.0.1:{upstream.rtu_tcp_ports[0]}"
                     f"?{OPTIONS}"):
            with self.subTest(spec=spec):
                bridge = self.start_pro380(spec)
                shown = self.wait_for("the upstream's values", bridge.tcp_ports[0],
                                      lambda v: near(v["current_l1"], 20.0), 5)
                self.assertTrue(near(shown["current_l3"], 5.0), shown)
                self.assertTrue(near(shown["active_power_l1"], 4.6), shown)
                self.assertEqual(shown["current_l2"], 0.0)
                bridge.stop()
                self.processes.remove(bridge)

    def test_independent_pro380_server(self):
        upstream = PymodbusServer("pymodbus_pro380_slave.py", "tcp", "1",
                                    os.path.join(CLIENTS, "pro380_reference_dump.json"))
        try:
            bridge = self.start_pro380(
                f"modbus-client:tcp://127.0.0.1:{upstream.port}?map=pro380&{OPTIONS}")
            shown = self.wait_for("the reference meter's values", bridge.tcp_ports[0],
                                  lambda v: near(v["voltage_l1"], 234.3), 5)
        finally:
            upstream.stop()
        # Reference §1.7 (as client_read_test states them), at the registers' resolution.
        for name, value in (("voltage_l1", 234.3), ("voltage_l2", 233.4), ("voltage_l3", 234.4),
                            ("frequency", 49.98), ("current_l1", 4.05),
                            ("current_l2", -1.62), ("current_l3", -2.15),
                            ("active_power_l1", 0.9), ("active_power_l2", -0.232),
                            ("active_power_l3", -0.492), ("reactive_power_l1", -0.244),
                            ("reactive_power_l2", -0.258), ("reactive_power_l3", -0.066)):
            self.assertTrue(near(shown[name], value, 1e-4), (name, shown[name], value))

    def test_sdm630_upstream(self):
        values_path = os.path.join(self.work, "sdm630.json")
        with open(values_path, "w") as f:
            json.dump({"0x0000": 231.5, "0x0002": 229.0, "0x0004": 232.25,
                       "0x0006": 10.0, "0x0008": 5.0, "0x000A": 0.0,
                       "0x000C": 2300.0, "0x000E": -1100.0, "0x0010": 0.0,
                       "0x0018": 150.0, "0x001A": 0.0, "0x001C": 0.0,
                       "0x0046": 49.95}, f)
        upstream = PymodbusServer("pymodbus_sdm630_slave.py", "3", values_path)
        try:
            bridge = self.start_pro380(
                f"modbus-client:tcp://127.0.0.1:{upstream.port}?map=sdm630&id=3&{OPTIONS}")
            port = bridge.tcp_ports[0]
            shown = self.wait_for("the SDM630's values", port,
                                  lambda v: near(v["voltage_l1"], 231.5), 5)
            for name, value in (("voltage_l1", 231.5), ("voltage_l2", 229.0),
                                ("voltage_l3", 232.3),  # 232.25 at the register's 0.1 V
                                ("frequency", 49.95), ("current_l1", 10.0),
                                ("current_l2", -5.0),  # exporting: signed like its power
                                ("current_l3", 0.0), ("active_power_l1", 2.3),
                                ("active_power_l2", -1.1), ("reactive_power_l1", 0.15)):
                self.assertTrue(near(shown[name], value, 1e-4), (name, shown[name], value))
            upstream.send({"0x0006": 16.0, "0x000C": 3680.0, "0x0018": 0.0})
            self.wait_for("the SDM630's change", port,
                          lambda v: near(v["current_l1"], 16.0) and near(v["active_power_l1"],
                                                                         3.68), 3)
        finally:
            upstream.stop()
        self.assertIn(f"connected to tcp://127.0.0.1:{upstream.port}, ID 3, map sdm630",
                      bridge.output())

    def test_bad_specs_exit_2(self):
        port = free_port()
        for spec, message in (
                (f"modbus-client:tcp://127.0.0.1:{port}?map=sdm120",
                 "map='sdm120' is not a meter map; allowed: pro380, sdm630"),
                (f"modbus-client:tcp://127.0.0.1:{port}?id=300",
                 "id='300' is not a Modbus ID; allowed: 1..247"),
                ("modbus-client:serial:/dev/ttyUSB0",
                 "upstream 'serial:/dev/ttyUSB0' is not one of tcp://HOST:PORT, "
                 "rtu-over-tcp://HOST:PORT or rtu:DEV[:BAUD[:PARITY]]"),
                ("modbus-client:rtu:/dev/ttyUSB0:9601", "'9601' is not a baud rate"),
                (f"modbus-client:tcp://127.0.0.1:{port}?interval=30s",
                 "the poll interval must not be longer than the stale time"),
                (f"modbus-client:tcp://127.0.0.1:{port}?speed=2",
                 "unknown option 'speed=2'; allowed: stale=DUR, timeout=DUR, id=1..247, "
                 "map=NAME, interval=DUR")):
            state = os.path.join(self.work, "bad-state")
            done = subprocess.run([e2e.BINARY, "run", "--state", state, "--http", "off",
                                   "--modbus-tcp", "127.0.0.1:0", "--source", spec,
                                   "--stop-after", "2s"],
                                  capture_output=True, text=True, timeout=30, check=False)
            self.assertEqual(done.returncode, 2, (spec, done.stdout, done.stderr))
            self.assertIn(message, done.stderr, spec)
            self.assertIn(f"--source: source '{spec}'", done.stderr)
            self.assertFalse(os.path.exists(state), "a bad --source writes nothing")


if __name__ == "__main__":
    unittest.main()
