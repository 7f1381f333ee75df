"""`pro380 read`, `write` and `scan` over M-Bus (docs/client.md) against the real `pro380 run`.

Three PRO380-Mb meters on one M-Bus TCP port and one pty line (their serials share leading
digits), the run's clock almost stopped (speed 1e-6) so every reader sees one state:
- `read --mbus-tcp --id N --json` and `read --mbus PTY --secondary SERIAL --json` equal the
  REST API's /api/v1/meters/{serial} quantities at each record's resolution;
- node-mbus (libmbus, tests/node/mbus_master.js), an independent master, reads the same values;
- the table names every quantity; --watch --count prints that many readings;
- a primary address nobody has exits 1 naming the endpoint and the address; bad options exit 2
  before the bus is touched;
- `scan` finds all three by the secondary address search (descending through the collisions of
  their shared leading digits) over TCP and the pty, and by primary address;
- `write` changes the primary address (node-mbus then finds the meter there), the S0 rate and
  the secondary address, each read back; a sealed meter's refusal exits 1; values and settings
  M-Bus cannot write exit 2.
"""
import json
import os
import select
import shutil
import socket
import subprocess
import sys
import threading
import time
import unittest
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mbus_e2e  # noqa: E402

BINARY = mbus_e2e.BINARY
RUN_TIMEOUT_S = 60
SOURCE = "const:P1=2000,P2=-1500,P3=500,Q1=300,Q2=-200,Q3=100"
# Serial, primary address. The serials share leading digits (a wildcard search must descend).
METERS = [("12345601", 1), ("12345602", 2), ("12346601", 3)]
PRESET = """[meter.preset]
forward_active_energy_t1_kwh = 12345.67
forward_active_energy_l1_kwh = 4000.0
forward_active_energy_l2_kwh = 4100.0
forward_active_energy_l3_kwh = 4245.67
reverse_active_energy_t2_kwh = 321.09
reverse_active_energy_l2_kwh = 321.09
power_down_count = 7
"""
# How far a record may be from the REST value: the meter fills each record with what its Modbus
# register shows (docs/protocols/mbus.md), so the coarser of the record's step and the
# register's: energies 0.01 kWh (truncated), power 0.001 kW, voltage 0.1 V, current 0.01 A,
# kvar and kVA 0.001, Hz and PF 0.01.
RESOLUTION = [("_kwh", 0.01), ("_kvarh", 0.01), ("active_power", 0.001), ("_kvar", 0.001),
              ("_kva", 0.001), ("_v", 0.1), ("_a", 0.01), ("_hz", 0.01),
              ("power_factor", 0.01)]


def resolution_of(name):
    for part, step in RESOLUTION:
        if name.endswith(part) or name.startswith(part):
            return step
    return None


def config(work):
    text = (f'[run]\nspeed = 0.000001\nsource = "{SOURCE}"\n[interfaces]\n'
            f'http = "127.0.0.1:0"\nmodbus_tcp = "127.0.0.1:0"\nmbus_tcp = "127.0.0.1:0"\n'
            f'mbus = "pty:{work}/mbus0"\n')
    for serial, address in METERS:
        text += f'[[meter]]\nvariant = "mb"\nserial = "{serial}"\nid = {address}\n' + PRESET
    return text


def pro380(*args, timeout=RUN_TIMEOUT_S):
    return subprocess.run([BINARY, *args], capture_output=True, text=True, timeout=timeout)


@unittest.skipUnless(mbus_e2e.node_available(), "node-mbus is not installed "
                     "(scripts/install-deps.sh)")
class MbusReadTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.work = mbus_e2e.new_work_dir("client-mbus-")
        try:
            cls.run_ = mbus_e2e.MbusRun(cls.work, config(cls.work), expect_mbus_tcp=1,
                                        expect_lines=1)
        except BaseException:
            shutil.rmtree(cls.work, ignore_errors=True)
            raise
        web = [line for line in cls.run_.start_lines if line.startswith("Web page and REST")]
        cls.web = web[0].split(" on ", 1)[1].strip() if web else None
        cls.tcp = f"127.0.0.1:{cls.run_.mbus_ports[0]}"
        cls.pty = cls.run_.lines[0]
        # The meters show the source's power from their first tick on; a test reading before it
        # would compare a zero with REST's later value.
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            powers = [cls.rest_of(serial)["quantities"]["active_power_kw"] for serial, _ in METERS]
            if all(p != 0 for p in powers):
                break
            time.sleep(0.05)

    @classmethod
    def tearDownClass(cls):
        mbus_e2e.stop_all_and_remove([cls.run_], cls.work)

    @classmethod
    def rest_of(cls, serial):
        with urllib.request.urlopen(f"{cls.web}api/v1/meters/{serial}", timeout=5) as reply:
            return json.load(reply)

    def rest(self, serial):
        self.assertIsNotNone(self.web, self.run_.start_lines)
        return self.rest_of(serial)

    def read_json(self, *args):
        done = pro380("read", *args, "--json")
        self.assertEqual(done.returncode, 0, done.stderr)
        return json.loads(done.stdout)

    def check_equals_rest(self, out, serial, address):
        state = self.rest(serial)
        meter = out["meter"]
        self.assertEqual(meter["secondary_address"], serial)
        self.assertEqual(meter["primary_address"], address)
        self.assertEqual(meter["manufacturer"], "INM")
        self.assertEqual(meter["medium"], 2)
        self.assertEqual(meter["mbus_primary_address"], address)
        self.assertEqual(meter["fabrication_number"], serial)
        self.assertEqual(meter["mbus_secondary_address"], serial)
        self.assertEqual(meter["unknown_records"], 0)
        quantities = out["quantities"]
        # Every quantity of the meter is an M-Bus record, pulse counters included.
        self.assertEqual(set(quantities), set(state["quantities"]))
        for name, value in quantities.items():
            served = state["quantities"][name]
            step = resolution_of(name)
            if step is None:
                self.assertEqual(value, served, name)
            else:
                self.assertAlmostEqual(value, served, delta=step * 1.01, msg=name)
        self.assertAlmostEqual(quantities["forward_active_energy_t1_kwh"], 12345.67, delta=0.011)
        self.assertGreaterEqual(quantities["power_down_count"], 7)  # the preset, plus the start

    def test_read_by_primary_address_over_tcp_equals_rest(self):
        for serial, address in METERS:
            with self.subTest(serial=serial):
                out = self.read_json("--mbus-tcp", self.tcp, "--id", str(address))
                self.assertEqual(out["meter"]["endpoint"], f"--mbus-tcp {self.tcp}")
                self.assertEqual(out["meter"]["telegrams"], 4)
                self.check_equals_rest(out, serial, address)

    def test_read_by_secondary_address_over_the_pty_equals_rest(self):
        serial, address = METERS[1]
        out = self.read_json("--mbus", self.pty, "--secondary", serial)
        self.assertEqual(out["meter"]["address"], 253)
        self.check_equals_rest(out, serial, address)

    def test_node_mbus_reads_the_same(self):
        serial, address = METERS[2]
        ours = self.read_json("--mbus-tcp", self.tcp, "--id", str(address))["quantities"]
        reply = mbus_e2e.node_master(("tcp", "127.0.0.1", self.run_.mbus_ports[0]), "get",
                                     address)
        self.assertTrue(reply["ok"], reply)
        data = reply["data"]
        self.assertEqual(data["SlaveInformation"]["Id"], int(serial))
        records = {}
        for r in data["DataRecord"]:
            key = (r["Function"], r.get("StorageNumber"), r.get("Tariff", 0), r.get("Device", 0),
                   r.get("Unit"))
            records[key] = r["Value"]
        inst = "Instantaneous value"
        expected = {
            (inst, 0, 0, 0, "Energy (10 Wh)"): ("active_energy_kwh", 100),
            (inst, 0, 1, 1, "Energy (10 Wh)"): ("forward_active_energy_t1_kwh", 100),
            ("Minimum value", 0, 2, 0, "Energy (10 Wh)"): ("reverse_active_energy_t2_kwh", 100),
            (inst, 1, 0, 0, "1e-2  V"): ("voltage_l1_v", 100),
            (inst, 2, 0, 0, "m A"): ("current_l2_a", 1000),
            (inst, 0, 0, 0, "Power (1e-1 W)"): ("active_power_kw", 10000),
            (inst, 3, 0, 0, "Power (1e-1 W)"): ("active_power_l3_kw", 10000),
            (inst, 0, 0, 0, "power downs"): ("power_down_count", 1),
        }
        for key, (name, scale) in expected.items():
            self.assertIn(key, records, key)
            self.assertAlmostEqual(records[key] / scale, ours[name], delta=1e-9, msg=name)
        self.assertAlmostEqual(records[(inst, 0, 0, 0, "Hz")], ours["frequency_hz"], delta=0.006)

    def test_table_names_every_quantity(self):
        done = pro380("read", "--mbus-tcp", self.tcp, "--id", "1")
        self.assertEqual(done.returncode, 0, done.stderr)
        lines = done.stdout.splitlines()
        self.assertEqual(lines[0], f"PRO380-Mb primary address 1 at --mbus-tcp {self.tcp}")
        names = [line.split()[0] for line in lines[1:]]
        self.assertIn("active_energy_kwh", names)
        self.assertIn("s0_forward_pulses", names)
        voltage = next(line for line in lines if line.startswith("voltage_l1_v"))
        self.assertTrue(voltage.endswith(" V"), voltage)

    def test_watch_prints_count_readings(self):
        done = pro380("read", "--mbus-tcp", self.tcp, "--id", "2", "--json", "--watch", "0.2",
                      "--count", "2")
        self.assertEqual(done.returncode, 0, done.stderr)
        lines = done.stdout.splitlines()
        self.assertEqual(len(lines), 2)
        for line in lines:
            self.assertEqual(json.loads(line)["meter"]["mbus_primary_address"], 2)

    def test_nobody_at_the_address_exits_1_naming_endpoint_and_address(self):
        done = pro380("read", "--mbus-tcp", self.tcp, "--id", "77", "--timeout", "200ms",
                      "--retries", "0")
        self.assertEqual(done.returncode, 1)
        self.assertIn(f"primary address 77 at 127.0.0.1:{self.run_.mbus_ports[0]} did not answer",
                      done.stderr)
        done = pro380("read", "--mbus", self.pty, "--secondary", "99999999", "--timeout",
                      "200ms")
        self.assertEqual(done.returncode, 1)
        self.assertIn("secondary address 99999999 at " + self.pty + " did not answer", done.stderr)


    def scan(self, *args):
        done = pro380("scan", *args, "--json", timeout=180)
        self.assertEqual(done.returncode, 0, done.stderr)
        return json.loads(done.stdout)

    def check_found(self, out):
        found = {m["secondary_address"]: m for m in out["meters"]}
        self.assertEqual(set(found), {serial for serial, _ in METERS}, out)
        for serial, address in METERS:
            self.assertEqual(found[serial]["primary_address"], address)
            self.assertEqual(found[serial]["manufacturer"], "INM")
            self.assertEqual(found[serial]["version"], 1)
            self.assertEqual(found[serial]["medium"], 2)
        self.assertEqual(out["others"], [])

    def test_secondary_search_finds_every_meter_through_the_collisions(self):
        out = self.scan("--mbus-tcp", self.tcp)
        self.assertEqual(out["search"], "secondary")
        self.check_found(out)
        # FFFFFFFF, 1FFFFFFF, 12FFFFFF, ... collide: the search had to descend.
        self.assertGreater(out["collisions"], 5)
        self.assertGreater(out["probes"], 40)

    def test_secondary_search_over_the_pty_as_a_table(self):
        done = pro380("scan", "--mbus", self.pty, timeout=180)
        self.assertEqual(done.returncode, 0, done.stderr)
        lines = done.stdout.splitlines()
        self.assertEqual(lines[0].split(), ["primary", "secondary", "manufacturer", "version",
                                            "medium"])
        rows = sorted(line.split() for line in lines[1:4])
        self.assertEqual(rows, [[str(a), s, "INM", "1", "2"] for s, a in sorted(METERS)])
        self.assertTrue(lines[4].startswith(f"3 meters found at --mbus {self.pty}"), lines[4])

    def test_filters_narrow_the_secondary_search(self):
        # Fixed leading digits exclude 12346601; the search starts below them (31 probes: the
        # top, then 10 per wildcard digit on the way down to the two meters).
        out = self.scan("--mbus-tcp", self.tcp, "--secondary", "12345FFF")
        self.assertEqual(out["mask"], "12345FFFFFFFFFFF")
        self.assertEqual(sorted(m["secondary_address"] for m in out["meters"]),
                         ["12345601", "12345602"])
        self.assertEqual(out["probes"], 31)
        # The PRO380-Mb's manufacturer, version and medium: every meter.
        out = self.scan("--mbus-tcp", self.tcp, "--manufacturer", "INM", "--version", "1",
                        "--medium", "2")
        self.assertEqual(out["mask"], "FFFFFFFFCD250102")
        self.check_found(out)
        # libmbus's 16-character form, over the pty, as a table.
        done = pro380("scan", "--mbus", self.pty, "--secondary", "FFFF6FFFCD25FF02", timeout=180)
        self.assertEqual(done.returncode, 0, done.stderr)
        lines = done.stdout.splitlines()
        self.assertEqual(lines[1].split(), ["3", "12346601", "INM", "1", "2"])
        self.assertEqual(lines[2], f"1 meters found at --mbus {self.pty} by secondary address "
                                   "search of FFFF6FFFCD25FF02 (1 probes, 0 collisions)")

    def test_a_filter_nobody_matches_finds_nothing(self):
        for args, mask in ((["--manufacturer", "ABC"], "FFFFFFFF4304FFFF"),
                           (["--version", "2"], "FFFFFFFFFFFF02FF"),
                           (["--medium", "7"], "FFFFFFFFFFFFFF07")):
            with self.subTest(args=args):
                done = pro380("scan", "--mbus-tcp", self.tcp, *args)
                self.assertEqual(done.returncode, 1, done.stdout)
                self.assertIn(f"no meter answered at --mbus-tcp {self.tcp} (secondary address "
                              f"search of {mask})", done.stderr)
                self.assertIn("0 meters found", done.stdout)
                self.assertIn("(1 probes, 0 collisions)", done.stdout)

    def test_read_by_a_secondary_mask(self):
        out = self.read_json("--mbus-tcp", self.tcp, "--secondary", "FFFF6FFFCD250102")
        self.assertEqual(out["meter"]["address"], 253)
        self.check_equals_rest(out, "12346601", 3)
        # A mask two meters match: their E5s collide, exit 1 naming the mask.
        done = pro380("read", "--mbus-tcp", self.tcp, "--secondary", "12345FFFCD25FFFF")
        self.assertEqual(done.returncode, 1, done.stdout)
        self.assertIn("secondary address 12345FFFCD25FFFF at 127.0.0.1:", done.stderr)
        self.assertIn("collision", done.stderr)

    def test_enhanced_selection_and_mode_2(self):
        # Every meter matches the all-wildcard ID; only one has this fabrication number (its
        # serial, fixed at manufacture).
        out = self.read_json("--mbus-tcp", self.tcp, "--fabrication-number", "12346601")
        self.check_equals_rest(out, "12346601", 3)
        out = self.read_json("--mbus-tcp", self.tcp, "--secondary", "12345602",
                             "--fabrication-number", "1234FFFF", "--mode2")
        self.check_equals_rest(out, "12345602", 2)
        done = pro380("read", "--mbus-tcp", self.tcp, "--fabrication-number", "99999999")
        self.assertEqual(done.returncode, 1, done.stdout)
        self.assertIn("fabrication number 99999999", done.stderr)

    def test_a_damaged_telegram_is_read_again(self):
        # Line noise damages the first telegram: the client asks again with the same FCB and the
        # meter repeats it (docs/client.md, "A damaged telegram is retried").
        with NoisyGateway(self.run_.mbus_ports[0], damaged=1) as gateway:
            out = self.read_json("--mbus-tcp", f"127.0.0.1:{gateway.port}", "--id", "2")
        self.check_equals_rest(out, "12345602", 2)
        # Damaged again on the retry: a garbled reply, exit 1.
        with NoisyGateway(self.run_.mbus_ports[0], damaged=2) as gateway:
            done = pro380("read", "--mbus-tcp", f"127.0.0.1:{gateway.port}", "--id", "2",
                          "--retries", "1")
        self.assertEqual(done.returncode, 1, done.stdout)
        self.assertIn("collision or garbled reply", done.stderr)

    def test_primary_scan(self):
        out = self.scan("--mbus-tcp", self.tcp, "--primary", "--timeout", "50ms")
        self.assertEqual(out["search"], "primary")
        self.assertEqual(out["probes"], 251)
        self.check_found(out)

    def test_primary_scan_of_listed_addresses(self):
        # Only the listed addresses are probed: the meter at 1 is not among them.
        out = self.scan("--mbus-tcp", self.tcp, "--primary", "--ids", "2-3,9",
                        "--timeout", "50ms")
        self.assertEqual(out["probes"], 3)
        self.assertEqual(sorted((m["primary_address"], m["secondary_address"])
                                for m in out["meters"]),
                         [(2, "12345602"), (3, "12346601")])
        done = pro380("scan", "--mbus-tcp", self.tcp, "--primary", "--ids", "9-12",
                      "--timeout", "50ms")
        self.assertEqual(done.returncode, 1, done.stdout)
        self.assertIn("primary addresses 9-12", done.stderr)


@unittest.skipUnless(mbus_e2e.node_available(), "node-mbus is not installed "
                     "(scripts/install-deps.sh)")
class MbusWriteTest(unittest.TestCase):
    """Writes to one meter (serial 23000001, primary address 1) and a sealed one (address 4)."""

    @classmethod
    def setUpClass(cls):
        cls.work = mbus_e2e.new_work_dir("client-mbus-write-")
        text = (f'[run]\nspeed = 0.000001\nsource = "{SOURCE}"\n[interfaces]\n'
                f'http = "127.0.0.1:0"\nmodbus_tcp = "127.0.0.1:0"\n'
                f'mbus_tcp = "127.0.0.1:0"\n'
                '[[meter]]\nvariant = "mb"\nserial = "23000001"\nid = 1\n'
                '[[meter]]\nvariant = "mb"\nserial = "23000002"\nid = 4\nsealed = true\n')
        try:
            cls.run_ = mbus_e2e.MbusRun(cls.work, text, expect_mbus_tcp=1)
        except BaseException:
            shutil.rmtree(cls.work, ignore_errors=True)
            raise
        cls.port = cls.run_.mbus_ports[0]
        cls.tcp = f"127.0.0.1:{cls.port}"

    @classmethod
    def tearDownClass(cls):
        mbus_e2e.stop_all_and_remove([cls.run_], cls.work)

    def node_get(self, address):
        return mbus_e2e.node_master(("tcp", "127.0.0.1", self.port), "get", address)

    def test_writes_are_verified_and_seen_by_node_mbus(self):
        done = pro380("write", "--mbus-tcp", self.tcp, "--id", "1", "s0_rate=100",
                      "mbus_primary_address=9")
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(done.stdout.splitlines(),
                         ["s0_rate: 1000 -> 100 (verified)",
                          "mbus_primary_address: 1 -> 9 (verified)"])
        moved = self.node_get(9)
        self.assertTrue(moved["ok"], moved)
        self.assertEqual(moved["data"]["SlaveInformation"]["Id"], 23000001)
        units = {r.get("Unit"): r["Value"] for r in moved["data"]["DataRecord"]}
        self.assertEqual(units["imp/kWh"], 100)
        self.assertFalse(self.node_get(1)["ok"])
        # By secondary address: a new secondary address, then read by it.
        done = pro380("write", "--mbus-tcp", self.tcp, "--secondary", "23000001",
                      "mbus_secondary_address=87654321")
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(done.stdout, "mbus_secondary_address: 23000001 -> 87654321 (verified)\n")
        done = pro380("read", "--mbus-tcp", self.tcp, "--secondary", "87654321", "--json")
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(json.loads(done.stdout)["meter"]["mbus_primary_address"], 9)
        # By the fabrication number (the serial) in mode 2, back to the old secondary address:
        # the read-back selects the new ID with the same fabrication number and mode.
        done = pro380("write", "--mbus-tcp", self.tcp, "--fabrication-number", "23000001",
                      "--mode2", "mbus_secondary_address=23000001")
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(done.stdout, "mbus_secondary_address: 87654321 -> 23000001 (verified)\n")

    def test_a_sealed_meter_refuses_exit_1(self):
        done = pro380("write", "--mbus-tcp", self.tcp, "--id", "4", "mbus_primary_address=5")
        self.assertEqual(done.returncode, 1, done.stdout)
        self.assertIn("mbus_primary_address=5: the meter refused it", done.stderr)
        still = self.node_get(4)
        self.assertTrue(still["ok"], still)

    def test_bad_assignments_exit_2_before_the_bus(self):
        cases = [("combined_code=1", "Modbus writes it"), ("s0_rate=7", "10000"),
                 ("mbus_primary_address=251", "0..250"), ("mbus_baud_rate=19200", "9600"),
                 ("mbus_secondary_address=12", "8 digits"), ("colour=red", "M-Bus writes"),
                 ("backlight_mode=2", "backlight_mode cannot be written over M-Bus; the optical "
                  "port writes it"),
                 ("s0_rate", "SETTING=VALUE")]
        for assignment, expected in cases:
            with self.subTest(assignment=assignment):
                done = pro380("write", "--mbus-tcp", "127.0.0.1:9", assignment)
                self.assertEqual(done.returncode, 2, done.stderr)
                self.assertIn(expected, done.stderr)


class SharedSecondaryAddressTest(unittest.TestCase):
    """Two meters given one secondary address: `scan` tells them apart by their fabrication
    numbers (enhanced selection), and `read` reaches each by the pair."""

    @classmethod
    def setUpClass(cls):
        cls.work = mbus_e2e.new_work_dir("client-mbus-shared-")
        text = (f'[run]\nspeed = 0.000001\nsource = "{SOURCE}"\n[interfaces]\n'
                f'mbus_tcp = "127.0.0.1:0"\n'
                + "".join(f'[[meter]]\nvariant = "mb"\nserial = "2400000{k}"\nid = {k}\n'
                          for k in (1, 2, 3)))
        try:
            cls.run_ = mbus_e2e.MbusRun(cls.work, text, expect_mbus_tcp=1)
        except BaseException:
            shutil.rmtree(cls.work, ignore_errors=True)
            raise
        cls.tcp = f"127.0.0.1:{cls.run_.mbus_ports[0]}"
        done = pro380("write", "--mbus-tcp", cls.tcp, "--id", "2",
                      "mbus_secondary_address=24000001")
        if done.returncode != 0:
            mbus_e2e.stop_all_and_remove([cls.run_], cls.work)
            raise AssertionError(done.stderr)

    @classmethod
    def tearDownClass(cls):
        mbus_e2e.stop_all_and_remove([cls.run_], cls.work)

    def test_scan_tells_them_apart_by_fabrication_number(self):
        done = pro380("scan", "--mbus-tcp", self.tcp, "--json", timeout=180)
        self.assertEqual(done.returncode, 0, done.stderr)
        out = json.loads(done.stdout)
        found = sorted((m["secondary_address"], m["fabrication_number"], m["primary_address"],
                        m["selected_by_fabrication_number"]) for m in out["meters"])
        self.assertEqual(found, [("24000001", "24000001", 1, True),
                                 ("24000001", "24000002", 2, True),
                                 ("24000003", "24000003", 3, False)], out)
        self.assertEqual(out["others"], [])
        text = pro380("scan", "--mbus-tcp", self.tcp, timeout=180)
        self.assertEqual(text.returncode, 0, text.stderr)
        self.assertIn("  fabrication number 24000002\n", text.stdout)
        self.assertIn("3 meters found", text.stdout)

    def test_read_reaches_each_by_address_and_fabrication_number(self):
        for fabrication, primary in (("24000001", 1), ("24000002", 2)):
            with self.subTest(fabrication=fabrication):
                done = pro380("read", "--mbus-tcp", self.tcp, "--secondary", "24000001",
                              "--fabrication-number", fabrication, "--json")
                self.assertEqual(done.returncode, 0, done.stderr)
                self.assertEqual(json.loads(done.stdout)["meter"]["mbus_primary_address"],
                                 primary)
        done = pro380("read", "--mbus-tcp", self.tcp, "--secondary", "24000001")
        self.assertEqual(done.returncode, 1, done.stdout)
        self.assertIn("collision", done.stderr)


class ScriptedGateway:
    """An M-Bus TCP gateway in front of the meter's TCP port, for one client connection: it
    relays both ways what `from_client` and `from_meter` let through (None: nothing)."""

    def __init__(self, meter_port):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(10)
        self.port = self.listener.getsockname()[1]
        self.meter_port = meter_port
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.stopping = False
        self.thread.start()

    def from_client(self, data):
        return data

    def from_meter(self, data):
        return data

    def _serve(self):
        try:
            client, _ = self.listener.accept()
        except OSError:
            return
        meter = socket.create_connection(("127.0.0.1", self.meter_port), timeout=5)
        with client, meter:
            while not self.stopping:
                ready, _, _ = select.select([client, meter], [], [], 0.1)
                for sock in ready:
                    data = sock.recv(4096)
                    if not data:
                        return
                    if sock is meter:
                        data = self.from_meter(data)
                        target = client
                    else:
                        data = self.from_client(data)
                        target = meter
                    if data:
                        target.sendall(data)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stopping = True
        self.listener.close()
        self.thread.join(10)


class RateKeepingGateway(ScriptedGateway):
    """A gateway whose serial side keeps its rate: it relays both ways until the client sends a
    baud rate switch (SND_UD CI B8..BD), relays that frame and the meter's E5, and from then on
    the meter hears nothing (it listens at the new rate, the gateway's line is still at the old
    one)."""

    deaf = False

    def from_client(self, data):
        if self.deaf:
            return None
        self.deaf = len(data) > 6 and data[0] == 0x68 and 0xB8 <= data[6] <= 0xBD
        return data


class NoisyGateway(ScriptedGateway):
    """A gateway on a noisy line: the first `damaged` telegrams from the meter arrive with one
    data byte flipped (their checksum then fails), the rest intact."""

    def __init__(self, meter_port, damaged):
        self.damaged = damaged
        super().__init__(meter_port)

    def from_meter(self, data):
        if self.damaged > 0 and len(data) > 8 and data[0] == 0x68:
            self.damaged -= 1
            data = data[:8] + bytes([data[8] ^ 0x5A]) + data[9:]
        return data


@unittest.skipUnless(mbus_e2e.node_available(), "node-mbus is not installed "
                     "(scripts/install-deps.sh)")
class MbusBaudRateTest(unittest.TestCase):
    """One meter alone on a pty line (the line follows its rate, docs/protocols/mbus.md) and on
    an M-Bus TCP port: `write mbus_baud_rate` over the pty switches the client's line before the
    read-back; over TCP the client changes nothing."""

    @classmethod
    def setUpClass(cls):
        def start(work):
            text = (f'[run]\nspeed = 0.000001\nsource = "{SOURCE}"\n[interfaces]\n'
                    f'http = "127.0.0.1:0"\nmodbus_tcp = "127.0.0.1:0"\n'
                    f'mbus_tcp = "127.0.0.1:0"\nmbus = "pty:{work}/mbus1"\n'
                    '[[meter]]\nvariant = "mb"\nserial = "23000011"\nid = 1\n')
            return mbus_e2e.MbusRun(work, text, expect_mbus_tcp=1, expect_lines=1)
        cls.work, cls.run_ = mbus_e2e.start_in_new_dir("client-mbus-baud-", start)
        cls.tcp = f"127.0.0.1:{cls.run_.mbus_ports[0]}"
        cls.pty = cls.run_.lines[0]

    @classmethod
    def tearDownClass(cls):
        mbus_e2e.stop_all_and_remove([cls.run_], cls.work)

    def node_baud_record(self, baud):
        """The baud rate record node-mbus (libmbus) reads over the pty at `baud`."""
        got = mbus_e2e.node_master(("serial", self.pty, baud), "get", 1)
        self.assertTrue(got["ok"], got)
        self.assertEqual(got["data"]["SlaveInformation"]["Id"], 23000011)
        return [r["Value"] for r in got["data"]["DataRecord"] if r.get("Unit") == "Baudrate"]

    def test_over_the_pty_the_client_follows_the_meter_to_its_new_rate(self):
        done = pro380("write", "--mbus", self.pty, "--id", "1", "mbus_baud_rate=4800")
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(done.stdout.splitlines(),
                         ["mbus_baud_rate: the client's line is now 4800 8E1",
                          "mbus_baud_rate: 9600 -> 4800 (verified)"])
        self.assertEqual(self.node_baud_record(4800), [4800])
        again = pro380("read", "--mbus", self.pty + ":4800", "--id", "1", "--json")
        self.assertEqual(again.returncode, 0, again.stderr)
        self.assertEqual(json.loads(again.stdout)["meter"]["mbus_baud_rate"], 4800)
        # Back, from a line opened at 4800: the switch goes the other way as well.
        back = pro380("write", "--mbus", self.pty + ":4800", "--id", "1", "mbus_baud_rate=9600")
        self.assertEqual(back.returncode, 0, back.stderr)
        self.assertEqual(back.stdout.splitlines(),
                         ["mbus_baud_rate: the client's line is now 9600 8E1",
                          "mbus_baud_rate: 4800 -> 9600 (verified)"])
        self.assertEqual(self.node_baud_record(9600), [9600])

    def test_behind_a_gateway_that_keeps_its_rate_the_read_back_says_so(self):
        with RateKeepingGateway(self.run_.mbus_ports[0]) as gateway:
            done = pro380("write", "--mbus-tcp", f"127.0.0.1:{gateway.port}", "--id", "1",
                          "--timeout", "200ms", "mbus_baud_rate=2400")
        self.assertEqual(done.returncode, 1, done.stdout)
        self.assertEqual(done.stdout, "")
        self.assertIn("mbus_baud_rate=2400 read-back (over TCP the gateway's line keeps its rate: "
                      "set the gateway to 2400 baud too)", done.stderr)
        self.assertIn("did not answer SND_NKE", done.stderr)
        # The meter did switch; back to 9600 directly (the pty line follows it only then).
        back = pro380("write", "--mbus-tcp", self.tcp, "--id", "1", "mbus_baud_rate=9600")
        self.assertEqual(back.returncode, 0, back.stderr)
        self.assertEqual(back.stdout, "mbus_baud_rate: 2400 -> 9600 (verified)\n")

    def test_over_tcp_the_client_changes_nothing(self):
        # The simulator's TCP port has no line rate, so the meter still answers there; a real
        # gateway would have to be set to the new rate (docs/client.md).
        done = pro380("write", "--mbus-tcp", self.tcp, "--id", "1", "mbus_baud_rate=2400")
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(done.stdout, "mbus_baud_rate: 9600 -> 2400 (verified)\n")
        back = pro380("write", "--mbus-tcp", self.tcp, "--id", "1", "mbus_baud_rate=9600")
        self.assertEqual(back.returncode, 0, back.stderr)
        self.assertEqual(back.stdout, "mbus_baud_rate: 2400 -> 9600 (verified)\n")


class MbusReadOptionsTest(unittest.TestCase):
    """Bad options exit 2 before anything touches the bus (the endpoints do not exist)."""

    def check(self, args, expected):
        done = pro380("read", *args)
        self.assertEqual(done.returncode, 2, done.stderr)
        self.assertIn(expected, done.stderr)

    def test_bad_options_exit_2(self):
        self.check(["--mbus-tcp", "127.0.0.1:9", "--id", "251"], "0..250")
        self.check(["--mbus-tcp", "127.0.0.1:9", "--secondary", "1234"], "8 digits")
        self.check(["--mbus-tcp", "127.0.0.1:9", "--secondary", "1234FFFF"], "8 digits")
        self.check(["--mbus-tcp", "127.0.0.1:9", "--id", "3", "--secondary", "12345678"],
                   "not both")
        self.check(["--mbus", "pty:/tmp/nothing"], "link path")
        self.check(["--mbus-tcp", "127.0.0.1:0"], "port 0")
        self.check(["--mbus-tcp", "127.0.0.1:9", "--modbus-tcp", "127.0.0.1:9"], "exactly one")
        self.check(["--modbus-tcp", "127.0.0.1:9", "--secondary", "12345678"], "--secondary")
        self.check(["--mbus-tcp", "127.0.0.1:9", "--fabrication-number", "1234567"],
                   "8 characters, each a digit or F")
        self.check(["--mbus-tcp", "127.0.0.1:9", "--id", "3", "--fabrication-number",
                    "12345678"], "not both")
        self.check(["--mbus-tcp", "127.0.0.1:9", "--mode2"], "give --secondary")
        self.check(["--modbus-tcp", "127.0.0.1:9", "--mode2"], "need --mbus")

    def test_bad_scan_filters_exit_2(self):
        cases = [(["--mbus-tcp", "127.0.0.1:9", "--manufacturer", "inm"], "3 capital letters"),
                 (["--mbus-tcp", "127.0.0.1:9", "--version", "255"], "0..254"),
                 (["--mbus-tcp", "127.0.0.1:9", "--secondary", "12"], "must be a mask"),
                 (["--mbus-tcp", "127.0.0.1:9", "--primary", "--medium", "2"], "--primary probes"),
                 (["--modbus-tcp", "127.0.0.1:9", "--manufacturer", "INM"], "need --mbus"),
                 (["--mbus-tcp", "127.0.0.1:9", "--secondary", "FFFFFFFFCD25FF02", "--medium",
                   "2"], "both set the medium"),
                 (["--mbus-tcp", "127.0.0.1:9", "--primary", "--ids", "1-251"],
                  "must be primary addresses 0..250"),
                 (["--mbus-tcp", "127.0.0.1:9", "--ids", "1-5"], "add --primary")]
        for args, expected in cases:
            with self.subTest(args=args):
                done = pro380("scan", *args)
                self.assertEqual(done.returncode, 2, done.stderr)
                self.assertIn(expected, done.stderr)
        self.check(["--mbus-tcp", "127.0.0.1:9", "--secondary", "1234FFFFCD25FF0G"],
                   "16 characters")

    def test_unreachable_endpoint_exits_1(self):
        done = pro380("read", "--mbus", "/nonexistent/ttyUSB9")
        self.assertEqual(done.returncode, 1, done.stderr)
        self.assertIn("/nonexistent/ttyUSB9", done.stderr)


if __name__ == "__main__":
    unittest.main()
