#!/usr/bin/env python3
"""Every real client's request pattern (pro380-protocols.md §2), replayed against `pro380 run`.

One meter (`--source const:P1=5000,P2=5000,P3=-12000`, serial 00000001, ID 1, `--response-delay
5ms`) serves Modbus TCP and an RTU pty line (9600 8E1); each pattern is replayed on both (and,
except the timed EVC04 and Tasmota polls, through --rtu-over-tcp as a gateway would), with
the exact request bytes where §2 gives them (CRC-16/Modbus computed here and checked against §2's
frames), and every reply is checked: length, CRC (RTU) or MBAP header (TCP), byte count, and the
words the meter's state implies (modbus_e2e.expected_static_words; energies by their relations,
bounded by the elapsed time, never decreasing).

Patterns: Vestel EVC04 (5 polls at 1.006 s, each answered before the next), BMW Wallbox Gen4,
Victron dbus-modbus-client (probe 0x1010 answers 0x0102 — a genuine PRO380, which the driver then
ignores: it accepts only Solar-Log's 0x2007 — info and data blocks, within its 100 ms timeout),
OpenEMS, Inepro's library (bus scan 1..32, identity reads incl. 0x4025 = exception 02 as
docs/registers/modbus.md says, polling groups, FC06 writes with read-back), nymea, Tasmota (27
two-register reads at 100 ms), Home Assistant inepro380, hubmartin, evcc/mbmd, SmartEVSE, and the
old-map addresses of liborw/pro380-mod's first version (S24) against their new twins. No §2
client reads with FC04 (only S6's spreadsheet labels read-only registers "input/04"); the block
patterns are replayed with FC04 too, since the map serves FC03 and FC04 alike.

Environment: PRO380_BINARY. Python 3 standard library only.
"""
import os
import shutil
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import modbus_e2e as e2e  # noqa: E402

# Frames given in pro380-protocols.md (§2.1 captured, §2.2 and §1.6 computed there).
EVC04_POLL = "01 03 50 0C 00 06 14 CB"
EVC04_REPLIES = {  # §2.1, verified on hardware: 0 A, 16 A, 63 A on every phase
    0.0: "01 03 0C 00000000 00000000 00000000 93 70",
    16.0: "01 03 0C 41800000 41800000 41800000 97 AE",
    63.0: "01 03 0C 427C0000 427C0000 427C0000 13 97",
}
BMW_POLL = "01 03 50 0C 00 02 15 08"
VICTRON_PROBE = "01 03 10 10 00 01 81 0F"
REFERENCE_FRAMES = [  # §2.2 "computed frames", §1.6 writes
    "01 03 40 00 00 02 D1 CB", "01 03 40 00 00 20 51 D2", "01 03 50 00 00 32 D5 1F",
    "01 03 60 00 00 4B 1B FD", "01 03 50 02 00 18 F5 00", "01 03 60 0C 00 16 1A 07",
    "01 06 40 11 00 02 4D CE", "01 06 40 03 00 0A EC 0D", "01 10 40 0D 00 02 04 41 20 00 00 16 03",
    "01 06 60 48 00 02 96 1D", "01 10 60 49 00 02 04 00 00 00 00 9F F7",
    EVC04_POLL, BMW_POLL, VICTRON_PROBE,
]

TASMOTA = [a for a in range(0x5002, 0x5031, 2) if a != 0x500A] + [0x600C, 0x6018, 0x6030,
                                                                    0x603C]
# (name, [(addr, count), ...]) of the patterns without timing of their own.
BLOCK_PATTERNS = [
    ("victron info", [(0x4000, 2), (0x4007, 2), (0x4009, 2)]),
    ("victron data", [(0x5002, 24), (0x502A, 2), (0x600C, 22)]),
    ("openems", [(0x5002, 40), (0x600C, 24)]),
    ("inepro lib polling", [(0x5002, 8), (0x500C, 8), (0x501A, 2), (0x5022, 2), (0x502A, 2),
                            (0x6000, 2), (0x600C, 2), (0x6018, 2)]),
    ("inepro lib diagnostics", [(0x4000, 12), (0x4015, 1)]),
    ("inepro lib config", [(0x4003, 2), (0x400D, 2), (0x4011, 1), (0x6048, 1)]),
    ("nymea", [(0x5002, 6), (0x500C, 6), (0x5012, 8), (0x6012, 6), (0x601E, 6), (0x5008, 2),
               (0x600C, 2), (0x6018, 2)]),
    ("home assistant inepro380", [(0x4000, 32), (0x5000, 50), (0x6000, 75)]),
    ("evcc/mbmd", [(0x5002, 2), (0x5012, 2), (0x600C, 2), (0x500C, 2), (0x500E, 2),
                   (0x5010, 2), (0x5014, 2), (0x5016, 2), (0x5018, 2), (0x5004, 2), (0x5006, 2),
                   (0x5000, 2), (0x500A, 2)]),
    ("smartevse", [(0x500C, 6), (0x5002, 2), (0x5012, 2), (0x600C, 2), (0x6018, 2),
                   (0x6000, 2)]),
    ("bmw wallbox gen4", [(0x500C, 2), (0x5000, 2), (0x500E, 2), (0x5010, 2), (0x5012, 2)]),
]
TRANSPORTS = ("tcp", "rtu")
ALL_TRANSPORTS = TRANSPORTS + ("rtu-tcp",)  # RTU frames through a TCP gateway (S23's USR DR134)


class ClientPatternsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.t0 = time.monotonic()
        cls.work, cls.meter = e2e.start_in_new_dir(
            "pro380-patterns-",
            lambda work: ["--modbus-tcp", "127.0.0.1:0", "--modbus-rtu",
                          f"pty:{os.path.join(work, 'meter.tty')}:9600:E", "--response-delay",
                          "5ms", "--rtu-over-tcp", "127.0.0.1:0"],
            expect_tcp=1, expect_rtu=1, expect_rtu_tcp=1)
        cls.pty = os.path.join(cls.work, "meter.tty")
        try:
            cls.port = cls.meter.tcp_ports[0]
            cls.rtu_tcp_port = cls.meter.rtu_tcp_ports[0]
            cls.expected = e2e.static_words_of(cls.meter)
            cls._wait_for_measurements()
        except BaseException:
            cls.meter.stop()
            shutil.rmtree(cls.work, ignore_errors=True)
            raise
        cls.last_energy = {}

    @classmethod
    def tearDownClass(cls):
        e2e.stop_and_remove(cls.meter, cls.work)

    @classmethod
    def _wait_for_measurements(cls):
        """The meter serves 0 V until its first record (bounded wait for 230 V)."""
        deadline = time.monotonic() + e2e.START_TIMEOUT_S
        words = None
        while time.monotonic() < deadline:
            with e2e.TcpModbus(cls.port) as c:
                words = c.read(1, 0x5002, 2)
            if words == e2e.f32_words(230.0):
                cls.t_measuring = time.monotonic()  # the meter integrates from here on
                return
            time.sleep(0.1)
        raise AssertionError(f"0x5002 never read 230 V (last {words}):\n{cls.meter.output()}")

    def setUp(self):
        self.assertTrue(self.meter.alive(), self.meter.output())

    # --- plumbing ---

    def client(self, transport):
        if transport == "tcp":
            return e2e.TcpModbus(self.port)
        if transport == "rtu-tcp":
            return e2e.RtuOverTcp(self.rtu_tcp_port)
        return e2e.RtuPty(self.pty)

    def exchange(self, client, transport, frame, timeout=e2e.REPLY_TIMEOUT_S):
        """Sends an RTU frame as given (RTU) or its address and PDU in MBAP (TCP); returns the
        whole RTU reply frame (for TCP: rebuilt with its CRC, so replies compare alike)."""
        frame = bytes(frame)
        if transport == "tcp":
            pdu = client.request(frame[0], frame[1:-2], timeout)
            return e2e.rtu_frame(frame[0], pdu)
        client.write(frame)
        reply = client.read_frame(timeout)
        self.assertTrue(e2e.crc_ok(reply), f"bad CRC: {e2e.hexs(reply)}")
        self.assertEqual(reply[0], frame[0], e2e.hexs(reply))
        return reply

    def energy_bound(self):
        return (time.monotonic() - self.t0) / 3600.0 * 5.0

    def energy_floor(self):
        return max(0.0, time.monotonic() - self.t_measuring - 0.3) / 3600.0 * 5.0

    def check(self, addr, words, what):
        floor = self.energy_floor()  # taken before the read, the bound after it
        energies = e2e.check_words(self, addr, words, self.expected, self.energy_bound(), what,
                                   energy_floor_kwh=floor)
        for a, v in energies.items():  # energies never go backwards between polls
            self.assertGreaterEqual(v, self.last_energy.get(a, 0.0), f"{what} 0x{a:04X}")
            self.last_energy[a] = v

    def read_and_check(self, client, transport, addr, count, fc, what):
        frame = e2e.rtu_frame(1, e2e.read_pdu(addr, count, fc))
        reply = self.exchange(client, transport, frame)
        self.assertEqual(len(reply), 5 + 2 * count, f"{what}: {e2e.hexs(reply)}")
        words = e2e.words_of_read_reply(reply[1:-2], fc, count)
        self.check(addr, words, f"{what} FC{fc:02d} 0x{addr:04X}x{count} over {transport}")
        return words

    # --- tests ---

    def test_crc_matches_reference_frames(self):
        for text in REFERENCE_FRAMES:
            frame = e2e.unhex(text)
            self.assertEqual(e2e.rtu_frame(frame[0], frame[1:-2]), frame, text)
        for text in EVC04_REPLIES.values():
            frame = e2e.unhex(text)
            self.assertEqual(e2e.rtu_frame(frame[0], frame[1:-2]), frame, text)
        for amps, text in EVC04_REPLIES.items():  # the verified replies' words are float ABCD
            self.assertEqual(e2e.unhex(text)[3:7], bytes.fromhex("%04X%04X" % tuple(
                e2e.f32_words(amps))))

    def test_evc04_polls_at_1s(self):
        """`01 03 50 0C 00 06 14 CB` every 1.006 s (timer driven), 5 polls: 17-byte replies in
        the format of §2.1's verified replies, with this meter's signed currents, each in well
        under the poll period."""
        poll = e2e.unhex(EVC04_POLL)
        amps = [round(kw * 1000 / 230.0, 2) for kw in (5.0, 5.0, -12.0)]
        body = bytes([1, 3, 12]) + b"".join(
            bytes.fromhex("%04X%04X" % tuple(e2e.f32_words(a))) for a in amps)
        expected = e2e.rtu_frame(body[0], body[1:])
        for transport in TRANSPORTS:
            with self.subTest(transport=transport), self.client(transport) as c:
                start = time.monotonic()
                for k in range(5):
                    time.sleep(max(0.0, start + k * 1.006 - time.monotonic()))
                    sent = time.monotonic()
                    reply = self.exchange(c, transport, poll)
                    latency = time.monotonic() - sent
                    self.assertEqual(reply, expected, f"poll {k}: {e2e.hexs(reply)}")
                    self.assertLess(latency, 0.5, f"poll {k} answered after {latency:.3f} s")
                    if transport == "rtu":  # t3.5 (4 ms at 9600 8E1) + --response-delay 5ms
                        self.assertGreaterEqual(latency, 0.005, "before the response delay")

    def test_bmw_wallbox_steady_poll(self):
        poll = e2e.unhex(BMW_POLL)
        expected = e2e.rtu_frame(1, bytes([3, 4]) + bytes.fromhex(
            "%04X%04X" % tuple(e2e.f32_words(21.74))))
        for transport in ALL_TRANSPORTS:
            with self.subTest(transport=transport), self.client(transport) as c:
                for _ in range(3):
                    self.assertEqual(self.exchange(c, transport, poll), expected)

    def test_victron_probe_and_polls(self):
        """Probe at the old map's meter code: 0x0102 (genuine PRO380; the driver wants 0x2007
        and ignores this meter — documented behaviour). Info and data reads then, each answered
        within the driver's 100 ms timeout, three update ticks of 100 ms."""
        probe = e2e.unhex(VICTRON_PROBE)
        expected_probe = e2e.rtu_frame(1, bytes([3, 2, 0x01, 0x02]))
        for transport in ALL_TRANSPORTS:
            with self.subTest(transport=transport), self.client(transport) as c:
                self.assertEqual(self.exchange(c, transport, probe), expected_probe)
                info = [self.read_and_check(c, transport, a, n, 3, "victron info")
                        for a, n in ((0x4000, 2), (0x4007, 2), (0x4009, 2))]
                self.assertEqual((info[0][0] << 16) | info[0][1], 1, "serial as u32")
                for tick in range(3):
                    start = time.monotonic()
                    for addr, count in ((0x5002, 24), (0x502A, 2), (0x600C, 22)):
                        sent = time.monotonic()
                        self.read_and_check(c, transport, addr, count, 3, "victron data")
                        self.assertLess(time.monotonic() - sent, 0.1,
                                        f"0x{addr:04X}x{count}: over Victron's 100 ms timeout")
                    time.sleep(max(0.0, start + 0.1 - time.monotonic()))

    def test_inepro_library_scan_and_identity(self):
        """Bus scan of IDs 1..32 (identity reads): only ID 1 answers; 0x4025 (product code,
        not in the PRO380 map) is exception 02, `01 83 02 C0 F1`, which the library tolerates;
        then FC06 config writes verified by reading back, as the library does."""
        for transport in ALL_TRANSPORTS:
            with self.subTest(transport=transport), self.client(transport) as c:
                for unit in range(2, 33):
                    frame = e2e.rtu_frame(unit, e2e.read_pdu(0x4000, 2))
                    if transport == "tcp":
                        c.send(c.adu(unit, frame[1:-2]))
                        self.assertFalse(c.expect_nothing(0.05), f"ID {unit}: closed")
                    else:
                        c.write(frame)
                        self.assertEqual(c.expect_silence(0.05), b"", f"ID {unit} answered")
                serial = self.read_and_check(c, transport, 0x4000, 2, 3, "inepro scan")
                self.assertEqual(serial, [0x0000, 0x0001])
                code = self.read_and_check(c, transport, 0x4002, 1, 3, "inepro scan")
                self.assertEqual(code, [0x0102])
                reply = self.exchange(c, transport, e2e.rtu_frame(1, e2e.read_pdu(0x4025, 1)))
                self.assertEqual(e2e.hexs(reply), "01 83 02 C0 F1")
                self.assertEqual(self.read_and_check(c, transport, 0x400B, 1, 3, "inepro"), [100])
                # Writes with read-back: the ID written with its own value, the LCD time and back.
                for addr, value in ((0x4003, 1), (0x4010, 0x0025), (0x4010, 0x0010)):
                    frame = e2e.rtu_frame(1, e2e.write_pdu(addr, value))
                    self.assertEqual(self.exchange(c, transport, frame), frame, "FC06 echo")
                    words = e2e.words_of_read_reply(
                        self.exchange(c, transport, e2e.rtu_frame(1, e2e.read_pdu(addr, 1)))[1:-2],
                        3, 1)
                    self.assertEqual(words, [value], f"read-back of 0x{addr:04X}")

    def test_tasmota_27_reads_at_100ms(self):
        """27 separate 2-register reads one per 100 ms (0x5002..0x5030 without 0x500A, 0x600C,
        0x6018, 0x6030, 0x603C): each answered before the next request is due."""
        self.assertEqual(len(TASMOTA), 27)
        for transport in TRANSPORTS:
            with self.subTest(transport=transport), self.client(transport) as c:
                start = time.monotonic()
                for k, addr in enumerate(TASMOTA):
                    time.sleep(max(0.0, start + k * 0.1 - time.monotonic()))
                    sent = time.monotonic()
                    self.read_and_check(c, transport, addr, 2, 3, "tasmota")
                    self.assertLess(time.monotonic() - sent, 0.1, f"0x{addr:04X} late")

    def test_hubmartin_loop(self):
        """0x5000x0x32, 0x6000x0x3C, 0x6048x1 in a ~1 s loop (two rounds), with the computed
        frames of §2.2 where it gives them."""
        for transport in ALL_TRANSPORTS:
            with self.subTest(transport=transport), self.client(transport) as c:
                for _ in range(2):
                    start = time.monotonic()
                    reply = self.exchange(c, transport, e2e.unhex("01 03 50 00 00 32 D5 1F"))
                    self.assertEqual(len(reply), 5 + 100)
                    self.check(0x5000, e2e.words_of_read_reply(reply[1:-2], 3, 50), "hubmartin")
                    self.read_and_check(c, transport, 0x6000, 0x3C, 3, "hubmartin")
                    self.assertEqual(self.read_and_check(c, transport, 0x6048, 1, 3, "hubmartin"),
                                     [1])
                    time.sleep(max(0.0, start + 1.0 - time.monotonic()))

    def test_home_assistant_blocks_exact_frames(self):
        """The three block reads as §2.2's frames (`01 03 40 00 00 20 51 D2`, `… 50 00 00 32 D5
        1F`, `… 60 00 00 4B 1B FD`), FC03, and the same through FC04."""
        frames = {0x4000: "01 03 40 00 00 20 51 D2", 0x5000: "01 03 50 00 00 32 D5 1F",
                  0x6000: "01 03 60 00 00 4B 1B FD"}
        counts = {0x4000: 32, 0x5000: 50, 0x6000: 75}
        for transport in ALL_TRANSPORTS:
            with self.subTest(transport=transport), self.client(transport) as c:
                for addr, text in frames.items():
                    reply = self.exchange(c, transport, e2e.unhex(text))
                    self.assertEqual(len(reply), 5 + 2 * counts[addr])
                    words = e2e.words_of_read_reply(reply[1:-2], 3, counts[addr])
                    self.check(addr, words, f"home assistant 0x{addr:04X}")
                    fc4 = self.read_and_check(c, transport, addr, counts[addr], 4, "HA FC04")
                    if addr != 0x6000:  # the energies may have grown in between
                        self.assertEqual(fc4, words, "FC04 serves what FC03 does")

    def test_old_map_reads_of_liborw_first_commit(self):
        """S24's first version read the old (V1.x) addresses; each answers its new twin's words
        (docs/registers/modbus.md, "The old map")."""
        twins = [(0x1000, 2, 0x4000), (0x1010, 1, 0x4002), (0x1018, 1, 0x4003),
                 (0x1020, 1, 0x4004), (0x1050, 2, 0x4005), (0x1054, 2, 0x4007),
                 (0x1058, 2, 0x4009), (0x1060, 1, 0x400B), (0x1062, 1, 0x400C),
                 (0x2080, 2, 0x5012), (0x2008, 2, 0x5002), (0x2068, 2, 0x500C),
                 (0x2070, 2, 0x5010), (0x20E0, 2, 0x502A)]
        for transport in ALL_TRANSPORTS:
            with self.subTest(transport=transport), self.client(transport) as c:
                for old, count, new in twins:
                    words = e2e.words_of_read_reply(self.exchange(
                        c, transport, e2e.rtu_frame(1, e2e.read_pdu(old, count)))[1:-2], 3, count)
                    self.assertEqual(words, [self.expected[new + i] for i in range(count)],
                                     f"0x{old:04X} (twin of 0x{new:04X})")

    def test_block_patterns(self):
        """The other clients' reads (Victron, OpenEMS, Inepro library groups, nymea, HA, evcc/
        mbmd, SmartEVSE, BMW), each with FC03 and FC04, on both transports."""
        for transport in ALL_TRANSPORTS:
            with self.client(transport) as c:
                for name, reads in BLOCK_PATTERNS:
                    for fc in (3, 4):
                        with self.subTest(transport=transport, client=name, fc=fc):
                            for addr, count in reads:
                                self.read_and_check(c, transport, addr, count, fc, name)


if __name__ == "__main__":
    if not e2e.BINARY:
        print("PRO380_BINARY is not set", file=sys.stderr)
        sys.exit(2)
    unittest.main(verbosity=2)
