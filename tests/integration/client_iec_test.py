#!/usr/bin/env python3
"""`pro380 read` and `write` over the optical port (docs/client.md, "The optical port") end to end.

- Against `pro380 run --iec pty:PATH --iec-tcp 127.0.0.1:0`: `read --json` over the pty and
  over TCP equals the served meter's state as the REST API shows it (settings exactly;
  instantaneous values at the data set's decimals; energies and pulse counts between the REST
  reads before and after), and smartmeter-obis (npm, an independent client: tests/node/
  iec_read.js) reads the same values on the same pty.
- `write --password 00000000` changes settings that mbpoll (an independent Modbus client) then
  shows; a wrong password exits 1 naming it, and nothing changed; a setting the optical port
  cannot write exits 2 naming the buses that can.
- The settings only the optical port writes (docs/client.md): M-Bus primary and secondary
  address (node-mbus then finds the meter there), scroll page groups and backlight
  (smartmeter-obis' readout shows them), the password (a new session signs on with it, the old
  one is refused); a sealed meter's refusal exits 1 with its text; bad values exit 2, and Modbus
  refuses these names naming the optical port.
- A meter that does not answer (a silent TCP peer, another device address) exits 1 naming the
  endpoint; bad options exit 2 naming the option, before anything touches the line.
Every wait is bounded; every process is stopped by its PID.
"""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mbpoll  # noqa: E402
import modbus_e2e as e2e  # noqa: E402
import mbus_e2e  # noqa: E402

BINARY = e2e.BINARY
SOURCE_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NODE_DIR = os.path.join(SOURCE_DIR, "tests", "node")
SERIAL = "22091039"
RUN_TIMEOUT_S = 60
MBPOLL = mbpoll.MBPOLL
# Decimals of the instantaneous data sets (docs/protocols/iec62056.md, "The PRO380 data set").
DECIMALS = {"_v": 1, "_hz": 2, "_a": 2, "_kw": 3, "_kvar": 3, "_kva": 3, "power_factor": 3}
GROWING = ("_kwh", "_kvarh", "_pulses")  # grow while the meter runs
# smartmeter-obis's OBIS ids (medium 1 added, C.1.0 as 96.1.0) for some of the canonical names:
# written from the table of docs/protocols/iec62056.md, not from the code under test.
OBIS_NAMES = {
    "32.7.0": "voltage_l1_v", "52.7.0": "voltage_l2_v", "72.7.0": "voltage_l3_v",
    "31.7.0": "current_l1_a", "71.7.0": "current_l3_a", "1.7.0": "active_power_kw",
    "61.7.0": "active_power_l3_kw", "9.7.0": "apparent_power_kva", "13.7.0": "power_factor",
    "14.7.0": "frequency_hz", "96.14.0": "tariff", "138.0.0": "combined_code",
    "138.0.1": "s0_rate", "1.8.0": "forward_active_energy_kwh",
    "2.8.0": "reverse_active_energy_kwh", "128.8.0": "active_energy_kwh",
}


def pro380(*args, timeout=RUN_TIMEOUT_S):
    return subprocess.run([BINARY, *args], capture_output=True, text=True, timeout=timeout)


def start_meter(work):
    pty = os.path.join(work, "ir")
    meter = e2e.Pro380(work, ["--serial", SERIAL, "--modbus-tcp", "127.0.0.1:0", "--iec",
                              "pty:" + pty, "--iec-tcp", "127.0.0.1:0"],
                       expect_tcp=1, http="127.0.0.1:0")
    deadline = time.monotonic() + e2e.START_TIMEOUT_S
    while True:
        lines = [line for line in meter.output().splitlines()
                 if line.startswith("IEC 62056-21 optical port over TCP on 127.0.0.1:")]
        if lines:
            meter.iec_tcp = "127.0.0.1:" + lines[0].rsplit(":", 1)[1]
            break
        assert time.monotonic() < deadline, meter.output()
        time.sleep(0.02)
    meter.iec_pty = pty
    # The interfaces answer before the first measurement: wait (bounded) for 230 V.
    with e2e.TcpModbus(meter.tcp_ports[0]) as client:
        wait = time.monotonic() + e2e.START_TIMEOUT_S
        while client.read(1, 0x5002, 2) != e2e.f32_words(230.0):
            assert time.monotonic() < wait, "0x5002 never read 230 V"
            time.sleep(0.05)
    return meter


def smartmeter_obis_readout(test, pty):
    """smartmeter-obis' readout of the meter on `pty` (tests/node/iec_read.js): {"32.7.0": value}
    with numbers, or strings where it does not parse them (no unit). Skips `test` without it."""
    if shutil.which("node") is None or not os.path.isdir(
            os.path.join(NODE_DIR, "node_modules", "smartmeter-obis")):
        test.skipTest("node or smartmeter-obis missing (scripts/install-deps.sh)")
    independent = subprocess.run(["node", os.path.join(NODE_DIR, "iec_read.js"), pty],
                                 capture_output=True, text=True, timeout=90)
    test.assertEqual(independent.returncode, 0, independent.stderr)
    return {key.split(":", 1)[1]: entry["values"][0]["value"]
            for key, entry in json.loads(independent.stdout).items()}


def decimals_of(name):
    for suffix, places in DECIMALS.items():
        if name.endswith(suffix) or name.startswith(suffix):
            return places
    return None


class MeterTest(unittest.TestCase):
    def setUp(self):
        self.work = tempfile.mkdtemp(prefix="pro380-iecc-")
        try:
            self.meter = start_meter(self.work)
        except BaseException:
            shutil.rmtree(self.work, ignore_errors=True)
            raise

    def tearDown(self):
        e2e.stop_and_remove(self.meter, self.work)

    def rest(self):
        with urllib.request.urlopen(self.meter.web_url + f"api/v1/meters/{SERIAL}",
                                    timeout=5) as reply:
            return json.load(reply)

    def endpoints(self):
        return {"--iec-tcp": self.meter.iec_tcp, "--iec": self.meter.iec_pty}


class ReadTest(MeterTest):
    def test_read_equals_the_served_state(self):
        for option, endpoint in self.endpoints().items():
            with self.subTest(option=option):
                before = self.rest()
                done = pro380("read", option, endpoint, "--json")
                after = self.rest()
                self.assertEqual(done.returncode, 0, done.stderr)
                out = json.loads(done.stdout)
                meter = out["meter"]
                self.assertEqual(meter["endpoint"], f"{option} {endpoint}")
                self.assertEqual(meter["identification"], "INM5PRO380-Mod")
                self.assertEqual(meter["serial_number"], before["serial"])
                settings = before["settings"]
                for name in ("modbus_id", "baud_rate", "parity", "lcd_cycle_time_s"):
                    self.assertEqual(meter[name], settings[name], name)
                quantities = out["quantities"]
                for name in ("s0_rate", "combined_code", "ct_ratio", "tariff"):
                    self.assertEqual(quantities[name], settings[name], name)
                # Every quantity of the meter, the pulse counters included, and no other.
                self.assertEqual(set(quantities), set(before["quantities"]))
                for name, value in quantities.items():
                    low = before["quantities"][name]
                    high = after["quantities"][name]
                    places = decimals_of(name)
                    if name.endswith(GROWING):
                        # Between the two REST reads (energies shown in completed hundredths).
                        self.assertGreaterEqual(value, min(low, high) - 0.011, name)
                        self.assertLessEqual(value, max(low, high) + 0.011, name)
                    elif places is not None:
                        self.assertAlmostEqual(value, round(low, places),
                                               delta=0.5 * 10 ** -places + 1e-9, msg=name)
                    else:
                        self.assertEqual(value, low, name)

    def test_smartmeter_obis_reads_the_same_values(self):
        theirs = smartmeter_obis_readout(self, self.meter.iec_pty)
        done = pro380("read", "--iec", self.meter.iec_pty, "--json")
        self.assertEqual(done.returncode, 0, done.stderr)
        ours = json.loads(done.stdout)
        self.assertEqual(ours["meter"]["serial_number"], str(theirs["96.1.0"]).zfill(8))
        for code, name in OBIS_NAMES.items():
            value = float(theirs[code])
            if name.endswith("_kwh"):  # read after theirs: as much or more
                self.assertGreaterEqual(ours["quantities"][name], value, name)
                self.assertLessEqual(ours["quantities"][name], value + 0.05, name)
            else:
                self.assertEqual(ours["quantities"][name], value, name)

    def test_table_with_the_device_address_and_watch(self):
        done = pro380("read", "--iec-tcp", self.meter.iec_tcp, "--iec-address", SERIAL,
                      "--max-baud", "2400")
        self.assertEqual(done.returncode, 0, done.stderr)
        lines = done.stdout.splitlines()
        self.assertEqual(lines[0], f"PRO380 /INM5PRO380-Mod at --iec-tcp {self.meter.iec_tcp}")
        self.assertIn("voltage_l1_v" + " " * 24 + " " * 12 + "230.0 V", lines)
        self.assertIn("serial_number" + " " * 23 + " " * 9 + SERIAL, lines)
        watched = pro380("read", "--iec-tcp", self.meter.iec_tcp, "--json", "--watch", "0.2",
                         "--count", "2")
        self.assertEqual(watched.returncode, 0, watched.stderr)
        readings = [json.loads(line) for line in watched.stdout.splitlines()]
        self.assertEqual(len(readings), 2)
        self.assertEqual(readings[1]["quantities"]["voltage_l2_v"], 230.0)

    def test_another_device_address_is_not_answered(self):
        done = pro380("read", "--iec-tcp", self.meter.iec_tcp, "--iec-address", "12345678",
                      "--timeout", "400ms", "--retries", "1")
        self.assertEqual(done.returncode, 1, done.stderr)
        self.assertIn(f"--iec-tcp {self.meter.iec_tcp} did not answer the sign-on /?12345678!",
                      done.stderr)


class WriteTest(MeterTest):
    def setUp(self):
        if MBPOLL is None:
            self.skipTest("mbpoll missing (scripts/install-deps.sh)")
        super().setUp()

    def test_write_is_seen_by_mbpoll(self):
        port = self.meter.tcp_ports[0]
        self.assertEqual(mbpoll.words(mbpoll.tcp(port), 1, 0x400F, 2), ["0001", "0010"])
        for option, endpoint, assignments, words in (
                ("--iec-tcp", self.meter.iec_tcp, ["combined_code=5", "lcd_cycle_time_s=25"],
                 ["0005", "0025"]),
                ("--iec", self.meter.iec_pty, ["lcd_cycle_time_s=7"], ["0005", "0007"])):
            with self.subTest(option=option):
                done = pro380("write", option, endpoint, "--password", "00000000", *assignments)
                self.assertEqual(done.returncode, 0, done.stderr)
                self.assertEqual(len(done.stdout.splitlines()), len(assignments))
                self.assertTrue(all(line.endswith("(verified)")
                                    for line in done.stdout.splitlines()), done.stdout)
                self.assertEqual(mbpoll.words(mbpoll.tcp(port), 1, 0x400F, 2), words)
        self.assertEqual(self.rest()["settings"]["s0_rate"], 1000)
        done = pro380("write", "--iec-tcp", self.meter.iec_tcp, "--password", "00000000",
                      "s0_rate=0.1", "tariff=12")
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(done.stdout.splitlines(),
                         ["s0_rate: 1000 -> 0.1 (verified)", "tariff: 1 -> 2 (verified)"])
        self.assertEqual(self.rest()["settings"]["s0_rate"], 0.1)

    def test_wrong_password_exits_1_and_changes_nothing(self):
        port = self.meter.tcp_ports[0]
        before = mbpoll.words(mbpoll.tcp(port), 1, 0x400F, 2)
        done = pro380("write", "--iec-tcp", self.meter.iec_tcp, "--password", "12345678",
                      "combined_code=5")
        self.assertEqual(done.returncode, 1, done.stderr)
        self.assertIn("wrong password", done.stderr)
        self.assertIn(f"--iec-tcp {self.meter.iec_tcp}", done.stderr)
        self.assertEqual(done.stdout, "")
        self.assertEqual(mbpoll.words(mbpoll.tcp(port), 1, 0x400F, 2), before)

    def test_settings_the_optical_port_cannot_write_exit_2(self):
        done = pro380("write", "--iec-tcp", self.meter.iec_tcp, "--password", "00000000",
                      "power_down_count=0")
        self.assertEqual(done.returncode, 2, done.stderr)
        self.assertIn("power_down_count cannot be written over the optical port", done.stderr)
        self.assertIn("--modbus-tcp", done.stderr)
        missing = pro380("write", "--iec-tcp", self.meter.iec_tcp, "combined_code=5")
        self.assertEqual(missing.returncode, 2, missing.stderr)
        self.assertIn("--password", missing.stderr)


IEC_TCP_LINE = "IEC 62056-21 optical port over TCP on 127.0.0.1:"


def optical_run(work, serial, sealed=False):
    """A PRO380-Mb with its optical port on a pty and TCP, and M-Bus over TCP (for node-mbus)."""
    text = (f'[run]\nspeed = 0.000001\nsource = "{e2e.SOURCE}"\n[interfaces]\n'
            f'http = "127.0.0.1:0"\nmodbus_tcp = "127.0.0.1:0"\nmbus_tcp = "127.0.0.1:0"\n'
            f'iec = "pty:{work}/ir"\niec_tcp = "127.0.0.1:0"\n'
            f'[[meter]]\nvariant = "mb"\nserial = "{serial}"\nid = 1\n'
            f'sealed = {"true" if sealed else "false"}\n')
    run = mbus_e2e.MbusRun(work, text, expect_mbus_tcp=1)
    deadline = time.monotonic() + e2e.START_TIMEOUT_S
    while True:
        lines = [line for line in run.output().splitlines() if line.startswith(IEC_TCP_LINE)]
        if lines:
            run.iec_tcp = "127.0.0.1:" + lines[0][len(IEC_TCP_LINE):].split()[0].rstrip(",")
            run.iec_pty = os.path.join(work, "ir")
            return run
        if time.monotonic() > deadline:
            run.stop()
            raise AssertionError(f"no optical port over TCP:\n{run.output()}")
        time.sleep(0.02)


@unittest.skipUnless(mbus_e2e.node_available(), "node-mbus is not installed "
                     "(scripts/install-deps.sh)")
class OpticalOnlyWriteTest(unittest.TestCase):
    SERIAL = "22091040"

    @classmethod
    def setUpClass(cls):
        cls.work, cls.run_ = mbus_e2e.start_in_new_dir(
            "pro380-iecw-", lambda work: optical_run(work, cls.SERIAL))

    @classmethod
    def tearDownClass(cls):
        e2e.stop_all_and_remove([cls.run_], cls.work)

    def write(self, password, *assignments):
        return pro380("write", "--iec-tcp", self.run_.iec_tcp, "--password", password,
                      *assignments)

    def node_get(self, address):
        return mbus_e2e.node_master(("tcp", "127.0.0.1", self.run_.mbus_ports[0]), "get",
                                    address)

    def test_settings_only_the_optical_port_writes_are_seen_independently(self):
        before = pro380("read", "--iec-tcp", self.run_.iec_tcp, "--json")
        self.assertEqual(before.returncode, 0, before.stderr)
        old = json.loads(before.stdout)["meter"]
        self.assertEqual(old["mbus_primary_address"], 1)
        done = self.write("00000000", "mbus_primary_address=7",
                          "mbus_secondary_address=87654321", "lcd_scroll_groups=3",
                          "backlight_mode=2")
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(done.stdout.splitlines(), [
            "mbus_primary_address: 1 -> 7 (verified)",
            f"mbus_secondary_address: {old['mbus_secondary_address']} -> 87654321 (verified)",
            f"lcd_scroll_groups: {old['lcd_scroll_groups']} -> 3 (verified)",
            f"backlight_mode: {old['backlight_mode']} -> 2 (verified)"])
        # node-mbus (libmbus) finds the meter at its new primary address, with the new
        # secondary address in its header, and nobody at the old one.
        moved = self.node_get(7)
        self.assertTrue(moved["ok"], moved)
        self.assertEqual(moved["data"]["SlaveInformation"]["Id"], 87654321)
        self.assertFalse(self.node_get(1)["ok"])
        # smartmeter-obis' readout on the pty shows the four data sets.
        theirs = smartmeter_obis_readout(self, self.run_.iec_pty)
        self.assertEqual(float(theirs["139.0.4"]), 3)
        self.assertEqual(float(theirs["139.0.5"]), 2)
        self.assertEqual(float(theirs["139.0.6"]), 7)
        self.assertEqual(str(theirs["139.0.7"]).zfill(8), "87654321")

    def test_a_new_password_is_verified_by_signing_on_with_it(self):
        done = self.write("00000000", "iec_password=24681357")
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(done.stdout,
                         "iec_password: changed (verified: a new session signs on with it)\n")
        old = self.write("00000000", "backlight_mode=1")
        self.assertEqual(old.returncode, 1, old.stderr)
        self.assertIn("wrong password", old.stderr)
        self.assertEqual(old.stdout, "")
        back = self.write("24681357", "iec_password=00000000", "backlight_mode=1")
        self.assertEqual(back.returncode, 0, back.stderr)
        self.assertEqual(back.stdout.splitlines()[0],
                         "iec_password: changed (verified: a new session signs on with it)")
        self.assertTrue(back.stdout.splitlines()[1].endswith("-> 1 (verified)"), back.stdout)

    def test_bad_values_exit_2_and_modbus_names_the_optical_port(self):
        for assignment, expected in (
                ("lcd_scroll_groups=512", "0..511"), ("backlight_mode=3", "2 (on)"),
                ("mbus_primary_address=251", "0..250"),
                ("mbus_secondary_address=1234", "8 digits"), ("iec_password=1234", "8 digits"),
                ("colour=red", "over the optical port also lcd_scroll_groups")):
            with self.subTest(assignment=assignment):
                done = pro380("write", "--iec-tcp", "127.0.0.1:9", "--password", "00000000",
                              assignment)
                self.assertEqual(done.returncode, 2, done.stderr)
                self.assertIn(expected, done.stderr)
        done = pro380("write", "--modbus-tcp", "127.0.0.1:9", "backlight_mode=1")
        self.assertEqual(done.returncode, 2, done.stderr)
        self.assertIn("backlight_mode has no Modbus register: the optical port writes it",
                      done.stderr)


class SealedOpticalWriteTest(unittest.TestCase):
    def test_a_sealed_meter_refuses_exit_1_with_its_text(self):
        work, run = mbus_e2e.start_in_new_dir(
            "pro380-iecs-", lambda w: optical_run(w, "22091041", sealed=True))
        try:
            done = pro380("write", "--iec-tcp", run.iec_tcp, "--password", "00000000",
                          "backlight_mode=2")
            self.assertEqual(done.returncode, 1, done.stderr)
            self.assertIn("backlight_mode=2", done.stderr)
            self.assertIn("ERROR LOCKED", done.stderr)
            self.assertEqual(done.stdout, "")
        finally:
            e2e.stop_all_and_remove([run], work)


class SilentPeer:
    """A TCP listener that accepts and never answers."""

    def __init__(self):
        self.server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(4)
        self.server.settimeout(0.2)
        self.port = self.server.getsockname()[1]
        self.connections = []
        self.running = True
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while self.running:
            try:
                connection, _ = self.server.accept()
                self.connections.append(connection)
            except socket.timeout:
                continue
            except OSError:
                return

    def stop(self):
        self.running = False
        self.thread.join(5)
        for connection in self.connections:
            connection.close()
        self.server.close()


class NoMeterTest(unittest.TestCase):
    def test_a_silent_peer_exits_1_naming_the_endpoint(self):
        peer = SilentPeer()
        try:
            started = time.monotonic()
            done = pro380("read", "--iec-tcp", f"127.0.0.1:{peer.port}", "--timeout", "300ms",
                          "--retries", "1")
            elapsed = time.monotonic() - started
        finally:
            peer.stop()
        self.assertEqual(done.returncode, 1, done.stderr)
        self.assertIn(f"--iec-tcp 127.0.0.1:{peer.port} did not answer the sign-on /?!",
                      done.stderr)
        self.assertLess(elapsed, 10)

    def test_bad_options_exit_2(self):
        for args, needle in (
                (["--iec", "/dev/null:9600:E"], "7E1"),
                (["--iec", "/dev/null:38400"], "sign-on rate"),
                (["--iec", "pty:/tmp/x"], "without 'pty:'"),
                (["--iec-tcp", "127.0.0.1:0"], "port 0"),
                (["--iec-tcp", "127.0.0.1:1", "--max-baud", "1000"], "--max-baud"),
                (["--iec-tcp", "127.0.0.1:1", "--iec-address", "a/b"], "--iec-address"),
                (["--iec-tcp", "127.0.0.1:1", "--modbus-tcp", "127.0.0.1:1"], "exactly one"),
                (["--iec-tcp", "127.0.0.1:1", "--count", "2"], "--count")):
            with self.subTest(args=args):
                done = pro380("read", *args)
                self.assertEqual(done.returncode, 2, done.stderr)
                self.assertIn(needle, done.stderr)


if __name__ == "__main__":
    unittest.main()
