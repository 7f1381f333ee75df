#!/usr/bin/env python3
"""The web face of the M-Bus and optical-port interfaces, end to end (docs/web.md).

A PRO380-Mb with `--mbus-tcp`, `--mbus pty:…`, `--iec-tcp` and `--http` (its clock almost stopped,
so every read sees one state):
- node-mbus (libmbus, tests/node/mbus_master.js) reads it over TCP and the pty; /api/v1/traffic
  shows the frames decoded, the counters moved by exactly the frames the log shows, and
  /api/v1/meters/{serial}/mbus-records carries the bytes libmbus decoded, record by record;
- a raw optical-port client reads it over TCP; the traffic log shows the sign-on, the
  identification, the option select and the readout with its number of data sets, and
  /iec-data-sets equals the readout;
- a frame with a bad checksum and a command with a bad BCC are logged as dropped and counted.

A PRO380-Mod with `--modbus-rtu pty:…` and `--iec-tcp`: a baud rate written over the optical port
switches the RTU line at once, so the next Modbus request at the new rate is answered.
Every wait is bounded; every process is stopped by its PID.
"""
import json
import os
import shutil
import struct
import sys
import tempfile
import time
import unittest
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import iec_e2e_test as iec  # noqa: E402
import mbus_e2e  # noqa: E402
import modbus_e2e as e2e  # noqa: E402

SERIAL = "22091039"
SOURCE = "const:P1=2000,P2=-1500,P3=500,Q1=300,Q2=-200,Q3=100"
FUNCTIONS = {"Instantaneous value": "instantaneous", "Minimum value": "minimum",
             "Maximum value": "maximum", "Value during error state": "error"}


def get(url):
    with urllib.request.urlopen(url, timeout=5) as reply:
        return json.loads(reply.read())


def counters_of(web, prefix):
    """The counters of the one interface whose name starts with `prefix`."""
    found = [i for i in get(web + "api/v1/counters")["interfaces"] if i["name"].startswith(prefix)]
    assert len(found) == 1, (prefix, found)
    return found[0]["counters"]


def frames_after(web, seq, interface):
    data = get(web + f"api/v1/traffic?after={seq}")
    return [f for f in data["frames"] if f["interface"] == interface]


def last_seq(web):
    return get(web + "api/v1/traffic?limit=0")["last_seq"]


def wire_value(record):
    """The number the record's data bytes hold, decoded here (not by the meter)."""
    data = bytes.fromhex(record["data"].replace(" ", ""))
    field = record["data_field"]
    if field == "real32":
        return struct.unpack("<f", data)[0]
    if field.startswith("bcd"):
        digits = data[::-1].hex()
        if digits[0] == "f":
            return -int(digits[1:])
        return int(digits)
    return int.from_bytes(data, "little", signed=True)


class MbusAndIecOnTheWeb(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.mkdtemp(prefix="pro380-web-interfaces-")
        cls.pty = os.path.join(cls.work, "mbus")
        config = (f'[run]\nspeed = 0.000001\nsource = "{SOURCE}"\n[interfaces]\n'
                  f'http = "127.0.0.1:0"\nmbus_tcp = "127.0.0.1:0"\nmbus = "pty:{cls.pty}"\n'
                  f'iec_tcp = "127.0.0.1:0"\n[[meter]]\nvariant = "mb"\nserial = "{SERIAL}"\n')
        cls.run_ = mbus_e2e.MbusRun(cls.work, config, expect_mbus_tcp=1, expect_lines=1)
        lines = cls.run_.start_lines
        deadline = time.monotonic() + 10
        while not any(l.startswith("Web page and REST API on ") for l in lines) or not any(
                l.startswith("IEC 62056-21 optical port over TCP on ") for l in lines):
            assert time.monotonic() < deadline, cls.run_.output()
            time.sleep(0.02)
            lines = cls.run_.output().splitlines()
        cls.web = next(l for l in lines if l.startswith("Web page")).split(" on ")[1].split()[0]
        cls.iec_port = int(next(l for l in lines if l.startswith("IEC 62056-21 optical port over"))
                           .rsplit(":", 1)[1])
        cls.mbus_port = cls.run_.mbus_ports[0]

    @classmethod
    def tearDownClass(cls):
        cls.run_.stop()
        shutil.rmtree(cls.work, ignore_errors=True)

    def check_libmbus_read(self, interface, counter_prefix, transport):
        before = counters_of(self.web, counter_prefix)
        seq = last_seq(self.web)
        got = mbus_e2e.node_master(transport, "get", 0)
        self.assertTrue(got["ok"], got)
        # libmbus lists a telegram's closing DIF 1F as a record of its own.
        records = [r for r in got["data"]["DataRecord"] if r["Function"] != "More records follow"]
        more_follow = len(got["data"]["DataRecord"]) - len(records)
        frames = frames_after(self.web, seq, interface)
        after = counters_of(self.web, counter_prefix)
        decoded = [(f["direction"], f["decoded"]) for f in frames]
        self.assertIn(("rx", "SND_NKE 0x00"), decoded)
        self.assertIn(("tx", "E5 ack"), decoded)
        telegrams = [d for direction, d in decoded if d.startswith("RSP_UD 0x00 id " + SERIAL)]
        self.assertGreaterEqual(len(telegrams), 2, decoded)  # the readout takes several telegrams
        self.assertTrue(all(t.endswith(", more follow") for t in telegrams[:-1]), telegrams)
        self.assertFalse(telegrams[-1].endswith(", more follow"), telegrams)
        self.assertEqual(sum(int(t.split()[4]) for t in telegrams), len(records))
        self.assertEqual(more_follow, len(telegrams) - 1)
        requests = [d for direction, d in decoded if direction == "rx"]
        self.assertTrue(all(d.startswith(("SND_NKE", "REQ_UD2")) for d in requests), requests)
        meter = f"meter_{SERIAL}."
        self.assertEqual(after[meter + "data_replies"] - before[meter + "data_replies"],
                         len(telegrams))
        self.assertEqual(after[meter + "acks"] - before[meter + "acks"],
                         decoded.count(("tx", "E5 ack")))
        self.assertEqual(after[meter + "requests"] - before[meter + "requests"],
                         sum(1 for d in requests if " 0x00" in d))
        return records, before, after, frames

    def check_records_equal(self, libmbus_records):
        ours = get(self.web + f"api/v1/meters/{SERIAL}/mbus-records")["records"]
        self.assertEqual(len(ours), len(libmbus_records))
        for theirs, mine in zip(libmbus_records, ours):
            what = (mine["name"], theirs)
            self.assertEqual(FUNCTIONS[theirs["Function"]], mine["function"], what)
            self.assertEqual(int(theirs["StorageNumber"]), mine["storage"], what)
            self.assertEqual(int(theirs.get("Tariff", 0)), mine["tariff"], what)
            self.assertEqual(int(theirs.get("Device", 0)), mine["subunit"], what)
            value = float(theirs["Value"])
            self.assertAlmostEqual(wire_value(mine), value, delta=1e-6 * (1 + abs(value)),
                                   msg=what)

    def test_a_libmbus_read_over_tcp(self):
        records, _, after, _ = self.check_libmbus_read("mbus-tcp", "mbus-tcp ",
                                                       ("tcp", "127.0.0.1", self.mbus_port))
        self.check_records_equal(records)
        self.assertGreaterEqual(after["connections_accepted"], 1)

    def test_a_libmbus_read_over_the_pty(self):
        before = counters_of(self.web, "mbus " + self.pty)
        records, _, after, frames = self.check_libmbus_read("mbus", "mbus " + self.pty,
                                                            ("serial", self.pty, 9600))
        self.assertTrue(all(f["peer"] == self.pty for f in frames))
        received = sum(1 for f in frames if f["direction"] == "rx")
        self.assertEqual(after["frames"] - before["frames"], received)
        self.check_records_equal(records)

    def test_a_bad_checksum_is_logged_and_counted(self):
        before = counters_of(self.web, "mbus-tcp ")
        seq = last_seq(self.web)
        with mbus_e2e.MbusTcp(self.mbus_port) as bus:
            bad = bytearray(mbus_e2e.short_frame(0x40, 0))
            bad[3] ^= 0xFF
            self.assertEqual(bus.transact(bytes(bad)), b"")
            self.assertEqual(bus.transact(mbus_e2e.short_frame(0x40, 0)), mbus_e2e.ACK)
        frames = frames_after(self.web, seq, "mbus-tcp")
        self.assertEqual([(f["direction"], f["decoded"], f["note"]) for f in frames],
                         [("rx", "", "dropped: checksum"), ("rx", "SND_NKE 0x00", ""),
                          ("tx", "E5 ack", "")])
        after = counters_of(self.web, "mbus-tcp ")
        self.assertEqual(after["dropped_checksum"] - before["dropped_checksum"], 1)

    def test_an_optical_readout(self):
        before = counters_of(self.web, "iec-tcp ")
        seq = last_seq(self.web)
        port = iec.Port(tcp_port=self.iec_port)
        try:
            port.send(b"/?!\r\n")
            ident = port.receive_until(lambda d: d.endswith(b"\r\n"))
            self.assertEqual(ident, b"/INM5PRO380-Mb\r\n")
            port.send(iec.ACK + b"050\r\n")
            message = port.receive_until(lambda d: iec.ETX in d and len(d) > d.index(iec.ETX) + 1)
            sets = iec.parse_readout(message)
        finally:
            port.close()
        ours = get(self.web + f"api/v1/meters/{SERIAL}/iec-data-sets")["data_sets"]
        self.assertEqual({s["code"]: (s["value"], s["unit"]) for s in ours}, sets)
        self.assertEqual([s["code"] for s in ours], list(sets))
        frames = frames_after(self.web, seq, "iec-tcp")
        self.assertEqual([(f["direction"], f["decoded"]) for f in frames],
                         [("rx", "sign-on /?!"), ("tx", "identification /INM5PRO380-Mb"),
                          ("rx", "option ACK 0 5 0"),
                          ("tx", f"readout {len(sets)} data sets")])
        after = counters_of(self.web, "iec-tcp ")
        for name in ("sign_ons", "readouts"):
            self.assertEqual(after[name] - before[name], 1, name)

    def test_a_bad_bcc_is_logged_and_counted(self):
        before = counters_of(self.web, "iec-tcp ")
        seq = last_seq(self.web)
        port = iec.Port(tcp_port=self.iec_port)
        try:
            port.send(b"/?!\r\n")
            port.receive_until(lambda d: d.endswith(b"\r\n"))
            port.send(iec.ACK + b"051\r\n")
            port.receive_until(lambda d: iec.ETX in d and len(d) > d.index(iec.ETX) + 1)
            bad = bytearray(iec.command(b"P1" + iec.STX + b"(00000000)" + iec.ETX))
            bad[-1] ^= 0x01
            port.send(bytes(bad))
            self.assertEqual(port.receive_until(lambda d: len(d) >= 1), iec.NAK)
            port.send(iec.command(b"B0" + iec.ETX))
        finally:
            port.close()
        frames = frames_after(self.web, seq, "iec-tcp")
        self.assertIn(("rx", "P1 password", "dropped: BCC"),
                      [(f["direction"], f["decoded"], f["note"]) for f in frames])
        self.assertIn(("tx", "NAK"), [(f["direction"], f["decoded"]) for f in frames])
        after = counters_of(self.web, "iec-tcp ")
        self.assertEqual(after["bcc_errors"] - before["bcc_errors"], 1)

    def test_metrics_carry_the_interface_counters(self):
        with urllib.request.urlopen(self.web + "metrics", timeout=5) as reply:
            text = reply.read().decode()
        for interface in ("mbus-tcp 127.0.0.1:", "mbus " + self.pty, "iec-tcp 127.0.0.1:"):
            self.assertIn('pro380_interface_counter{interface="' + interface, text)


class AnOpticalBaudWriteSwitchesTheRtuLine(unittest.TestCase):
    def test_the_next_modbus_request_at_the_new_rate_is_answered(self):
        work = tempfile.mkdtemp(prefix="pro380-iec-baud-")
        rtu = os.path.join(work, "rtu")
        meter = iec.start(work, ["--modbus-rtu", "pty:" + rtu])
        try:
            line = e2e.RtuPty(rtu)
            try:
                self.assertEqual(len(line.read(1, 0x4000, 2)), 2)  # at 9600, as started
                port = iec.Port(tcp_port=meter.iec_tcp_port)
                try:
                    port.program()
                    self.assertEqual(port.ask(b"W1" + iec.STX + b"139.0.1(4800)" + iec.ETX),
                                     iec.ACK)
                    # At once, before any other Modbus traffic: the line follows the meter.
                    self.assertEqual(len(line.read(1, 0x4000, 2)), 2)
                finally:
                    port.close()
            finally:
                line.close()
        finally:
            meter.stop()
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    if not e2e.BINARY:
        sys.exit("PRO380_BINARY is not set")
    if not mbus_e2e.node_available():
        print("node or node-mbus missing (scripts/install-deps.sh)")
        sys.exit(77)
    unittest.main()
