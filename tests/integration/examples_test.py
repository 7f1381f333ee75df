#!/usr/bin/env python3
"""The ready-made configurations of docs/howto (examples/) load and run.

- Every examples/*.toml passes `pro380 run --config FILE --check` (exit 0, a summary naming its
  source and meters, nothing written), and runs for a moment with its interfaces moved to
  loopback port 0 and a temporary state directory (exit 0 after --stop-after, its meter's serial
  and ID in the start lines). Live sources stay as written: their broker or upstream is not
  there, which the meter must survive (it answers, waiting for values); an MQTT publishing
  example's broker is moved to a loopback port nobody listens on.
- `--check` refuses a broken copy of an example with exit 2 naming the key, and writes nothing.
- examples/pro380.service: its ExecStartPre/ExecStart command lines are accepted by the real
  binary (with an example config), it has the lines docs/howto/systemd.md promises, and
  `systemd-analyze verify` accepts it without a warning where systemd-analyze exists.
- examples/home-assistant-modbus.yaml reads registers that exist with the units of the map.

Environment: PRO380_BINARY. Every wait is bounded; processes are stopped by their PID.
"""
import glob
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import modbus_e2e as e2e  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
EXAMPLES = os.path.join(ROOT, "examples")
TOMLS = sorted(glob.glob(os.path.join(EXAMPLES, "*.toml")))
BINARY = e2e.BINARY


def run(*args, timeout=30):
    return subprocess.run([BINARY, "run", *args], capture_output=True, text=True,
                          timeout=timeout, check=False)


def toml_value(path, key):
    """The string value of the first `key = "..."` line of a TOML file (enough for examples)."""
    with open(path) as f:
        for line in f:
            found = re.match(rf'^\s*{key}\s*=\s*"([^"]*)"', line)
            if found:
                return found.group(1)
    return None


def publishes(path):
    with open(path) as f:
        return "[mqtt_publish]" in f.read()


def unused_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ExamplesTest(unittest.TestCase):
    def setUp(self):
        self.work = tempfile.mkdtemp(prefix="pro380-examples-")

    def tearDown(self):
        shutil.rmtree(self.work, ignore_errors=True)

    def test_there_are_examples(self):
        names = {os.path.basename(p) for p in TOMLS}
        self.assertTrue({"evc04-mqtt.toml", "smartevse.toml", "evcc.toml", "home-assistant.toml",
                         "home-assistant-mqtt.toml", "victron-gx.toml"} <= names, names)

    def test_each_example_checks(self):
        for path in TOMLS:
            with self.subTest(example=os.path.basename(path)):
                state = os.path.join(self.work, "state-check")
                done = run("--config", path, "--state", state, "--check")
                self.assertEqual(done.returncode, 0, done.stdout + done.stderr)
                self.assertIn("configuration OK", done.stdout)
                self.assertIn(f"source {toml_value(path, 'source')}", done.stdout)
                self.assertIn(f"serial {toml_value(path, 'serial')}", done.stdout)
                self.assertFalse(os.path.exists(state), "--check writes nothing")
                if publishes(path):
                    self.assertIn("MQTT publishing to mqtt://", done.stdout)

    def test_each_example_runs_on_loopback(self):
        for path in TOMLS:
            with self.subTest(example=os.path.basename(path)):
                state = os.path.join(self.work, "state-" + os.path.basename(path))
                # A publishing example's broker becomes a loopback port nobody listens on: the
                # meter must run without its broker, and publishes nowhere.
                broker = ["--mqtt-publish", f"mqtt://127.0.0.1:{unused_port()}"] \
                    if publishes(path) else []
                done = run("--config", path, "--state", state, "--modbus-tcp", "127.0.0.1:0",
                           "--http", "off", "--terminal", "off", "--stop-after", "1500ms",
                           *broker)
                self.assertEqual(done.returncode, 0, done.stdout + done.stderr)
                self.assertIn(f"serial {toml_value(path, 'serial')}", done.stdout)
                self.assertRegex(done.stdout, r"Modbus TCP on 127\.0\.0\.1:\d+, ID \d+")
                self.assertTrue(os.path.exists(os.path.join(state, "state.sqlite")))

    def test_check_names_a_bad_key(self):
        with open(os.path.join(EXAMPLES, "evc04-mqtt.toml")) as f:
            text = f.read()
        broken = os.path.join(self.work, "broken.toml")
        for old, new, message in (
                ("id = 1", "id = 300", "id"),
                ('?format=tasmota', '?format=xml', "format='xml' is not a payload format"),
                ('modbus_rtu = "/dev/ttyUSB0:9600:E"', 'modbus_rtu = "/dev/ttyUSB0:9601:E"',
                 "'9601' is not a baud rate")):
            self.assertIn(old, text)
            with open(broken, "w") as f:
                f.write(text.replace(old, new, 1))
            state = os.path.join(self.work, "state-broken")
            done = run("--config", broken, "--state", state, "--check")
            self.assertEqual(done.returncode, 2, (new, done.stdout, done.stderr))
            self.assertIn(message, done.stderr)
            self.assertFalse(os.path.exists(state))

    def test_systemd_unit(self):
        with open(os.path.join(EXAMPLES, "pro380.service")) as f:
            unit = f.read()
        lines = dict(re.findall(r"^(\w+)=(.*)$", unit, re.MULTILINE))
        for key, value in (("User", "pro380"), ("SupplementaryGroups", "dialout"),
                           ("StateDirectory", "pro380"), ("Restart", "on-failure"),
                           ("RestartPreventExitStatus", "2"), ("WantedBy", "multi-user.target")):
            self.assertEqual(lines.get(key), value, key)
        # The command lines, with the installed paths replaced, are accepted by the binary.
        config = os.path.join(EXAMPLES, "evc04-mqtt.toml")
        state = os.path.join(self.work, "unit-state")
        for key in ("ExecStartPre", "ExecStart"):
            argv = shlex.split(lines[key].replace("${STATE_DIRECTORY}", state))
            self.assertEqual(argv[:2], ["/usr/local/bin/pro380", "run"])
            argv = [BINARY] + argv[1:]
            argv[argv.index("--config") + 1] = config
            if key == "ExecStart":  # the service runs until stopped: a moment on loopback
                argv += ["--modbus-tcp", "127.0.0.1:0", "--http", "off", "--stop-after", "1s"]
            done = subprocess.run(argv, capture_output=True, text=True, timeout=30, check=False)
            self.assertEqual(done.returncode, 0, (key, done.stdout, done.stderr))
        analyze = shutil.which("systemd-analyze")
        if analyze:
            installed = os.path.join(self.work, "pro380.service")
            with open(installed, "w") as f:
                f.write(unit.replace("/usr/local/bin/pro380", BINARY))
            done = subprocess.run([analyze, "verify", installed], capture_output=True, text=True,
                                  timeout=60, check=False)
            self.assertEqual((done.returncode, done.stdout + done.stderr), (0, ""))

    def test_home_assistant_yaml_reads_registers_of_the_map(self):
        with open(os.path.join(EXAMPLES, "home-assistant-modbus.yaml")) as f:
            text = f.read()
        sensors = re.findall(r"address: (\d+).*?unit_of_measurement: (\S+)", text, re.DOTALL)
        self.assertGreaterEqual(len(sensors), 8)
        # The units of the 0x5000/0x6000 map (docs/registers/modbus.md).
        units = {0x5002: "V", 0x500C: "A", 0x500E: "A", 0x5010: "A", 0x5012: "kW",
                 0x5008: "Hz", 0x600C: "kWh", 0x6018: "kWh"}
        for address, unit in sensors:
            self.assertEqual(units.get(int(address)), unit, hex(int(address)))


if __name__ == "__main__":
    unittest.main()
