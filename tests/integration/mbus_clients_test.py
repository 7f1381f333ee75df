"""M-Bus as an independent master sees it: node-mbus (libmbus bundled, tests/node/mbus_master.js)
against the real `pro380 run` over TCP and over a pty.

The meter under test (variant mb) has a Modbus twin in the same process: a variant mod meter with
the same preset energies and the same constant source. The run's clock is almost stopped
(speed 1e-6), so both show one state for the whole test, and every M-Bus record must decode to
what the twin's Modbus register of the same quantity shows (docs/protocols/mbus.md, "Records":
units, storage numbers, tariffs, function fields and subunits as libmbus reports them). Pulse
counters, which have no Modbus register, are compared with `pro380 state export`.
"""
import os
import shutil
import struct
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mbus_e2e  # noqa: E402
from modbus_e2e import TcpModbus, to_float  # noqa: E402

SOURCE = "const:P1=2000,P2=-1500,P3=500,Q1=300,Q2=-200,Q3=100"
PRESET = """[meter.preset]
forward_active_energy_t1_kwh = 12345.67
forward_active_energy_l1_kwh = 4000.0
forward_active_energy_l2_kwh = 4100.0
forward_active_energy_l3_kwh = 4245.67
reverse_active_energy_t2_kwh = 321.09
reverse_active_energy_l1_kwh = 21.09
reverse_active_energy_l2_kwh = 300.0
forward_reactive_energy_t1_kvarh = 555.55
forward_reactive_energy_l1_kvarh = 555.55
power_down_count = 7
"""


def config(meters, interfaces, speed="0.000001"):
    text = f'[run]\nspeed = {speed}\nsource = "{SOURCE}"\n[interfaces]\nhttp = "off"\n'
    text += "".join(f'{key} = "{value}"\n' for key, value in interfaces)
    for variant, serial, address, preset in meters:
        text += f'[[meter]]\nvariant = "{variant}"\nserial = "{serial}"\nid = {address}\n'
        text += PRESET if preset else ""
    return text


# What each record is, as libmbus reports it: (Function, StorageNumber, Tariff, Device, Unit)
# -> (quantity, Modbus address of the twin, how to compare).
MEMBERS = [(0, 0), (0, 1), (0, 2), (1, 0), (2, 0), (3, 0)]  # total, T1, T2, L1, L2, L3
INST, MIN = "Instantaneous value", "Minimum value"


def expected_records():
    table = {}
    energy = [("active_energy", INST, 0, 0x6000, "Energy (10 Wh)"),
              ("forward_active_energy", INST, 1, 0x600C, "Energy (10 Wh)"),
              ("reverse_active_energy", MIN, 0, 0x6018, "Energy (10 Wh)"),
              ("reactive_energy", INST, 0, 0x6024, "kvarh"),
              ("forward_reactive_energy", INST, 1, 0x6030, "kvarh"),
              ("reverse_reactive_energy", MIN, 0, 0x603C, "kvarh")]
    for name, function, device, base, unit in energy:
        for k, (storage, tariff) in enumerate(MEMBERS):
            kind = "bcd100" if unit.startswith("Energy") else "real"
            table[(function, storage, tariff, device, unit)] = (f"{name}[{k}]", base + 2 * k,
                                                                kind)
    for k in range(4):
        table[(INST, k, 0, 0, "Power (1e-1 W)")] = (f"active_power[{k}]", 0x5012 + 2 * k,
                                                    "bcd10000")
        table[(INST, k, 0, 0, "kvar")] = (f"reactive_power[{k}]", 0x501A + 2 * k, "real")
        table[(INST, k, 0, 0, "kVA")] = (f"apparent_power[{k}]", 0x5022 + 2 * k, "real")
        table[(INST, k, 0, 0, "dimensionless / no VIF")] = (f"pf[{k}]", 0x502A + 2 * k, "real")
        table[(INST, k, 0, 0, "quadrant")] = (f"quadrant[{k}]", 0x4017 + k, "s16")
    for k in range(1, 4):
        table[(INST, k, 0, 0, "1e-2  V")] = (f"voltage[{k}]", 0x5000 + 2 * k, "bcd100")
        table[(INST, k, 0, 0, "m A")] = (f"current[{k}]", 0x500A + 2 * k, "bcd1000")
    table[(INST, 0, 0, 0, "Hz")] = ("frequency", 0x5008, "real")
    table[(INST, 0, 0, 0, "tariff")] = ("tariff", 0x6048, "s16")
    table[(INST, 0, 0, 0, "kWh day")] = ("day_counter", 0x6049, "real")
    table[(INST, 0, 0, 0, "power downs")] = ("power_down_count", 0x4016, "s16")
    table[(INST, 0, 0, 0, "combined code")] = ("combined_code", 0x400F, "s16")
    table[(INST, 0, 0, 0, "imp/kWh")] = ("s0_rate", 0x400D, "real")
    table[(INST, 0, 0, 0, "CT ratio")] = ("ct_ratio", 0x400C, "s16")
    table[(INST, 0, 0, 0, "Software version")] = ("software_version", 0x4007, "real")
    table[(INST, 0, 0, 0, "Hardware version")] = ("hardware_version", 0x4009, "real")
    return table


PULSES = {"S0+ imp": "s0_forward_pulses", "S0- imp": "s0_reverse_pulses",
          "LED P imp": "led_active_pulses", "LED Q imp": "led_reactive_pulses"}
UNKNOWN_MARKS = ("Unknown", "Reserved", "Unrecognized", "Missing", "unknown")


def key_of(record):
    return (record["Function"], record.get("StorageNumber"), record.get("Tariff", 0),
            record.get("Device", 0), record.get("Unit"))


@unittest.skipUnless(mbus_e2e.node_available(), "node-mbus is not installed "
                     "(scripts/install-deps.sh)")
class MbusClientsTest(unittest.TestCase):
    SERIAL, ADDRESS = "22091039", 5

    @classmethod
    def setUpClass(cls):
        cls.work = mbus_e2e.new_work_dir("mbus-clients-")
        meters = [("mod", "22091040", 1, True), ("mb", cls.SERIAL, cls.ADDRESS, True)]
        interfaces = [("modbus_tcp", "127.0.0.1:0"), ("mbus_tcp", "127.0.0.1:0"),
                      ("mbus", f"pty:{cls.work}/mbus0")]
        try:
            cls.run_ = mbus_e2e.MbusRun(cls.work, config(meters, interfaces), expect_mbus_tcp=1,
                                        expect_lines=1, expect_modbus_tcp=1)
        except BaseException:
            shutil.rmtree(cls.work, ignore_errors=True)
            raise
        cls.tcp = ("tcp", "127.0.0.1", cls.run_.mbus_ports[0])
        cls.pty = ("serial", cls.run_.lines[0], 9600)

    @classmethod
    def tearDownClass(cls):
        mbus_e2e.stop_all_and_remove([cls.run_], cls.work)

    def read(self, transport, address):
        reply = mbus_e2e.node_master(transport, "get", address)
        self.assertTrue(reply["ok"], reply)
        return reply["data"]

    def twin_register(self, address, kind):
        with TcpModbus(self.run_.modbus_ports[0]) as modbus:
            if kind == "s16":
                (word,) = modbus.read(1, address, 1)
                return struct.unpack(">h", struct.pack(">H", word))[0]
            hi, lo = modbus.read(1, address, 2)
            return to_float(hi, lo)

    def check_identity(self, data):
        info = data["SlaveInformation"]
        self.assertEqual(info["Id"], int(self.SERIAL))
        self.assertEqual(info["Manufacturer"], "INM")
        self.assertEqual(info["Medium"], "Electricity")
        self.assertEqual(info["Version"], 1)
        self.assertEqual(info["Status"], 0)

    def check_every_record(self, data):
        records = [r for r in data["DataRecord"] if r["Function"] != "More records follow"]
        follows = [r for r in data["DataRecord"] if r["Function"] == "More records follow"]
        self.assertEqual(len(follows), 3, "a readout is four telegrams")
        self.assertEqual(len(records), 79)
        table = expected_records()
        state = self.run_.state_export()
        meter_state = next(m for m in state["meters"] if m["key"] == self.SERIAL)["state"]
        seen = set()
        for record in records:
            key = key_of(record)
            unit = record["Unit"]
            self.assertFalse(any(mark in unit for mark in UNKNOWN_MARKS), record)
            self.assertNotIn(key, seen, f"two records {key}")
            seen.add(key)
            value = record["Value"]
            if unit in PULSES:
                self.assertEqual(value, meter_state[PULSES[unit]], unit)
                continue
            if unit == "Fabrication number" or unit == "secondary address":
                self.assertEqual(value, int(self.SERIAL), unit)
                continue
            if unit == "Bus Address":
                self.assertEqual(value, self.ADDRESS)
                continue
            if unit == "Baudrate":
                self.assertEqual(value, 9600)
                continue
            self.assertIn(key, table, f"unexpected record {record}")
            name, address, kind = table.pop(key)
            twin = self.twin_register(address, kind)
            if kind == "s16":
                self.assertEqual(value, twin, name)
            elif kind.startswith("bcd"):
                self.assertEqual(value, round(twin * int(kind[3:])), name)
            else:
                self.assertAlmostEqual(value, twin, delta=1e-6 * max(1.0, abs(twin)), msg=name)
        self.assertEqual(table, {}, "records missing")
        # The field convention of reference §3.2: record 0 is the total active energy (register
        # 0x6000); record 8 the reverse T2 energy, the preset's 321.09 kWh.
        self.assertEqual(key_of(records[0]), (INST, 0, 0, 0, "Energy (10 Wh)"))
        self.assertEqual(records[0]["Value"], round(self.twin_register(0x6000, "real") * 100))
        self.assertEqual(records[8]["Value"], 32109)
        self.assertEqual(key_of(records[8]), (MIN, 0, 2, 0, "Energy (10 Wh)"))

    def test_tcp_primary_address_reads_every_record_as_the_twin_shows(self):
        data = self.read(self.tcp, self.ADDRESS)
        self.check_identity(data)
        self.check_every_record(data)

    def test_tcp_secondary_address(self):
        data = self.read(self.tcp, f"{self.SERIAL}CD250102")
        self.check_identity(data)
        self.check_every_record(data)

    def test_tcp_other_primary_address_is_not_answered(self):
        reply = mbus_e2e.node_master(self.tcp, "get", 6)
        self.assertFalse(reply["ok"], reply)

    def test_pty_primary_and_secondary_address(self):
        self.check_every_record(self.read(self.pty, self.ADDRESS))
        self.check_identity(self.read(self.pty, f"{self.SERIAL}FFFFFFFF"))


@unittest.skipUnless(mbus_e2e.node_available(), "node-mbus is not installed")
class MbusBusTest(unittest.TestCase):
    """Several meters on one bus: a wildcard scan finds each, collisions included (two meters
    share the first digit), and a primary address set by libmbus persists across a restart."""

    SERIALS = ["12345678", "13345678", "52345678"]

    def setUp(self):
        self.work = mbus_e2e.new_work_dir("mbus-bus-")
        self.runs = []

    def tearDown(self):
        mbus_e2e.stop_all_and_remove(self.runs, self.work)

    def start(self, interfaces, keep_second_address=False, **expect):
        meters = [("mb", serial, k + 1, False) for k, serial in enumerate(self.SERIALS)]
        text = config(meters, interfaces, speed="1")
        if keep_second_address:  # no id for the second meter: its saved address applies
            text = text.replace('serial = "13345678"\nid = 2\n', 'serial = "13345678"\n')
        run = mbus_e2e.MbusRun(self.work, text, state_dir=os.path.join(self.work, "state"),
                               **expect)
        self.runs.append(run)
        return run

    def test_wildcard_scan_finds_every_meter_over_tcp_and_pty(self):
        run = self.start([("mbus_tcp", "127.0.0.1:0"), ("mbus", f"pty:{self.work}/bus")],
                         expect_mbus_tcp=1, expect_lines=1)
        for transport in (("tcp", "127.0.0.1", run.mbus_ports[0]), ("serial", run.lines[0], 9600)):
            reply = mbus_e2e.node_master(transport, "scan")
            self.assertTrue(reply["ok"], reply)
            found = sorted(address[:8] for address in reply["data"])
            self.assertEqual(found, sorted(self.SERIALS), reply)
            for address in reply["data"]:
                self.assertEqual(address[8:], "CD250102")
                data = mbus_e2e.node_master(transport, "get", address)
                self.assertTrue(data["ok"], data)
                self.assertEqual(data["data"]["SlaveInformation"]["Id"], int(address[:8]))

    def test_primary_address_set_by_libmbus_persists(self):
        run = self.start([("mbus_tcp", "127.0.0.1:0")], expect_mbus_tcp=1)
        tcp = ("tcp", "127.0.0.1", run.mbus_ports[0])
        # Select the second meter and give it primary address 17 (libmbus: SND_UD 51, 01 7A 11
        # to 253 after the selection).
        reply = mbus_e2e.node_master(tcp, "set", f"{self.SERIALS[1]}FFFFFFFF", 17)
        self.assertTrue(reply["ok"], reply)
        data = mbus_e2e.node_master(tcp, "get", 17)
        self.assertTrue(data["ok"], data)
        self.assertEqual(data["data"]["SlaveInformation"]["Id"], int(self.SERIALS[1]))
        self.assertEqual(run.stop(), 0)
        run = self.start([("mbus_tcp", "127.0.0.1:0")], keep_second_address=True,
                         expect_mbus_tcp=1)
        self.assertIn("17/13345678", "\n".join(run.start_lines))
        data = mbus_e2e.node_master(("tcp", "127.0.0.1", run.mbus_ports[0]), "get", 17)
        self.assertTrue(data["ok"], data)
        self.assertEqual(data["data"]["SlaveInformation"]["Id"], int(self.SERIALS[1]))


if __name__ == "__main__":
    unittest.main()
