#!/usr/bin/env python3
"""Several meters on one bus, and the writes that change a meter's addressing, end to end.

- Three meters from a config file (IDs 1, 2, 3, serials 00000011..13) on one pty RTU line
  (9600 8E1) and one Modbus TCP port: each ID answers with its own serial and info block; ID 4
  gets nothing (RTU: silence for 200 ms; TCP: no reply, the connection stays open and the next
  request on it is answered); a broadcast FC06 (address 0) to the LCD cycle time 0x4010 changes
  all three and is never answered, on RTU and on TCP, a refused one changes nothing; a broadcast
  read is ignored; a baud-rate
  write to one meter of the shared line makes it deaf there (the line keeps its settings) while
  it still answers over TCP.
- One meter: an ID write over RTU (`01 06 40 03 00 0A EC 0D`) is answered from ID 1, and the
  next request must use ID 10 (RTU and TCP); a baud-rate write (4800) and a parity write (none)
  over the pty are answered at the old settings, the line follows the meter (the pty's termios),
  and the meter answers at its new ID/settings; after a restart on the same state (no baud or
  parity in the spec) the start line shows 4800 8N1 and the meter answers there. A broadcast
  baud write switches the line at once. Two --modbus-tcp ports serve the same meter.

Environment: PRO380_BINARY. Python 3 standard library only.
"""
import os
import re
import shutil
import sys
import tempfile
import termios
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import modbus_e2e as e2e  # noqa: E402

SERIALS = {1: "00000011", 2: "00000012", 3: "00000013"}
CONFIG = "".join(f'[[meter]]\nvariant = "mod"\nserial = "{s}"\nid = {i}\n\n'
                 for i, s in SERIALS.items())
SILENCE_S = 0.2


def wait_for_230v(read):
    deadline = time.monotonic() + e2e.START_TIMEOUT_S
    words = None
    while time.monotonic() < deadline:
        words = read()
        if words == e2e.f32_words(230.0):
            return
        time.sleep(0.1)
    raise AssertionError(f"0x5002 never read 230 V (last {words})")


class BusTest(unittest.TestCase):
    def setUp(self):
        self.work = tempfile.mkdtemp(prefix="pro380-bus-")
        self.meters = []

    def tearDown(self):
        try:
            for meter in self.meters:
                meter.stop()
        finally:
            shutil.rmtree(self.work, ignore_errors=True)

    def start(self, args, **expect):
        meter = e2e.Pro380(self.work, args, **expect)
        self.meters.append(meter)
        return meter

    def power_down_counts(self, meter):
        return {m.group(1): int(m.group(2)) for m in re.finditer(
            r"serial (\d{8})[^\n]*power-down count (\d+)", "\n".join(meter.start_lines))}

    def test_three_meters_on_one_line_and_one_port(self):
        config = os.path.join(self.work, "site.toml")
        with open(config, "w") as f:
            f.write(CONFIG)
        pty = os.path.join(self.work, "bus.tty")
        meter = self.start(["--config", config, "--modbus-tcp", "127.0.0.1:0",
                            "--modbus-rtu", f"pty:{pty}:9600:E"], expect_tcp=1, expect_rtu=1)
        text = "\n".join(meter.start_lines)
        self.assertIn(f"Modbus TCP on 127.0.0.1:{meter.tcp_ports[0]}, IDs 1,2,3", text)
        self.assertIn(f"Modbus RTU on {pty} at 9600 8E1, IDs 1,2,3", text)
        counts = self.power_down_counts(meter)
        with e2e.TcpModbus(meter.tcp_ports[0]) as tcp, e2e.RtuPty(pty) as rtu:
            for unit in SERIALS:
                wait_for_230v(lambda: tcp.read(unit, 0x5002, 2))
            for unit, serial in SERIALS.items():
                expected = e2e.expected_static_words(serial=serial, unit_id=unit,
                                                     power_down_count=counts[serial])
                for name, client in (("tcp", tcp), ("rtu", rtu)):
                    with self.subTest(unit=unit, transport=name):
                        self.assertEqual(client.read(unit, 0x4000, 2),
                                         [int(serial[:4], 16), int(serial[4:], 16)])
                        for addr, count in ((0x4000, 32), (0x5000, 50)):
                            words = client.read(unit, addr, count)
                            e2e.check_words(self, addr, words, expected, what=f"ID {unit}")

            # ID 4: nobody answers. RTU: silence. TCP: no reply, the connection stays open.
            rtu.write(e2e.rtu_frame(4, e2e.read_pdu(0x4000, 2)))
            self.assertEqual(rtu.expect_silence(SILENCE_S), b"", "ID 4 answered on RTU")
            tcp.send(tcp.adu(4, e2e.read_pdu(0x4000, 2), tid=0x0404))
            self.assertFalse(tcp.expect_nothing(SILENCE_S), "ID 4 closed the TCP connection")
            self.assertEqual(tcp.read(3, 0x4003, 1), [3], "the next request on that connection")

            # A broadcast read is ignored (broadcasts are writes), on both.
            rtu.write(e2e.rtu_frame(0, e2e.read_pdu(0x4000, 2)))
            self.assertEqual(rtu.expect_silence(SILENCE_S), b"")
            tcp.send(tcp.adu(0, e2e.read_pdu(0x4000, 2)))
            self.assertFalse(tcp.expect_nothing(SILENCE_S))

            # Broadcast FC06 to the LCD cycle time: all three change, nobody answers.
            rtu.write(e2e.rtu_frame(0, e2e.write_pdu(0x4010, 0x0025)))
            self.assertEqual(rtu.expect_silence(SILENCE_S), b"", "a broadcast was answered")
            for unit in SERIALS:
                self.assertEqual(rtu.read(unit, 0x4010, 1), [0x0025], f"ID {unit} after RTU")
                self.assertEqual(tcp.read(unit, 0x4010, 1), [0x0025], f"ID {unit} after RTU")
            tcp.send(tcp.adu(0, e2e.write_pdu(0x4010, 0x0015)))
            self.assertFalse(tcp.expect_nothing(SILENCE_S), "broadcast closed the connection")
            for unit in SERIALS:
                self.assertEqual(tcp.read(unit, 0x4010, 1), [0x0015], f"ID {unit} after TCP")
                self.assertEqual(rtu.read(unit, 0x4010, 1), [0x0015], f"ID {unit} after TCP")

            # A refused broadcast (0x31 is not BCD 1..30) changes nothing and is not answered.
            rtu.write(e2e.rtu_frame(0, e2e.write_pdu(0x4010, 0x0031)))
            self.assertEqual(rtu.expect_silence(SILENCE_S), b"", "a refused broadcast")
            for unit in SERIALS:
                self.assertEqual(rtu.read(unit, 0x4010, 1), [0x0015], f"ID {unit}")

            # A baud-rate write to meter 2: answered at the old settings; the shared line keeps
            # 9600 8E1, so meter 2 no longer hears it, while 1 and 3 do; over TCP it answers.
            frame = e2e.rtu_frame(2, e2e.write_pdu(0x4004, 4800))
            rtu.write(frame)
            self.assertEqual(rtu.read_frame(), frame, "FC06 echo from ID 2")
            time.sleep(0.05)
            rtu.write(e2e.rtu_frame(2, e2e.read_pdu(0x4004, 1)))
            self.assertEqual(rtu.expect_silence(SILENCE_S), b"",
                             "ID 2 answered a 9600 8E1 line after its baud became 4800")
            self.assertEqual(rtu.read(1, 0x4004, 1), [9600])
            self.assertEqual(rtu.read(3, 0x4004, 1), [9600])
            self.assertEqual(tcp.read(2, 0x4004, 1), [4800])
        self.assertTrue(meter.alive(), meter.output())
        self.assertEqual(meter.stop(), 0, meter.output())

    def start_single(self, pty, state_dir=None, rtu_spec=None):
        meter = self.start(["--modbus-tcp", "127.0.0.1:0", "--modbus-rtu",
                            rtu_spec or f"pty:{pty}:9600:E"], expect_tcp=1, expect_rtu=1,
                           **({"state_dir": state_dir} if state_dir else {}))
        with e2e.TcpModbus(meter.tcp_ports[0]) as tcp:
            wait_for_230v(lambda: tcp.read(1, 0x5002, 2))
        return meter

    def test_id_write_over_rtu(self):
        pty = os.path.join(self.work, "meter.tty")
        meter = self.start_single(pty)
        with e2e.RtuPty(pty) as rtu, e2e.TcpModbus(meter.tcp_ports[0]) as tcp:
            frame = e2e.unhex("01 06 40 03 00 0A EC 0D")  # §1.6: new ID 10
            rtu.write(frame)
            self.assertEqual(rtu.read_frame(), frame, "echo from the old ID")
            rtu.write(e2e.rtu_frame(1, e2e.read_pdu(0x4003, 1)))
            self.assertEqual(rtu.expect_silence(SILENCE_S), b"", "old ID 1 still answers")
            self.assertEqual(rtu.read(10, 0x4003, 1), [10])
            self.assertEqual(rtu.read(10, 0x4000, 2), [0, 1])
            tcp.send(tcp.adu(1, e2e.read_pdu(0x4003, 1)))
            self.assertFalse(tcp.expect_nothing(SILENCE_S))
            self.assertEqual(tcp.read(10, 0x4003, 1), [10])
        self.assertIn("modbus_id: 1 -> 10", meter.output() + self.events(meter))

    def events(self, meter):
        """The state's event log as text (pro380 state export), for the write's record."""
        import subprocess
        done = subprocess.run([e2e.BINARY, "state", "export", "--state", meter.state_dir],
                              capture_output=True, text=True, timeout=30, check=False)
        return done.stdout

    def line_speed(self, rtu):
        """The pty's output speed as the server set it (its parity bit is not checked: this
        kernel's ptys refuse PARENB, which the server tolerates on a pty)."""
        return termios.tcgetattr(rtu.fd)[5]

    def test_baud_and_parity_write_over_rtu(self):
        pty = os.path.join(self.work, "meter.tty")
        meter = self.start_single(pty)
        with e2e.RtuPty(pty) as rtu:
            self.assertEqual(self.line_speed(rtu), termios.B9600)
            frame = e2e.rtu_frame(1, e2e.write_pdu(0x4004, 4800))
            self.assertEqual(e2e.hexs(frame), "01 06 40 04 12 C0 D1 3B")
            rtu.write(frame)
            self.assertEqual(rtu.read_frame(), frame, "echo at the old settings")
            time.sleep(0.1)  # the line switches once the reply's 8 characters have left
            self.assertEqual(self.line_speed(rtu), termios.B4800, "the line follows")
            self.assertEqual(rtu.read(1, 0x4004, 1), [4800], "answers at 4800")
            frame = e2e.rtu_frame(1, e2e.write_pdu(0x4011, 2))
            rtu.write(frame)
            self.assertEqual(rtu.read_frame(), frame, "echo at 4800 8E1")
            time.sleep(0.1)
            self.assertEqual(self.line_speed(rtu), termios.B4800)
            self.assertEqual(rtu.read(1, 0x4003, 2), [1, 4800])
            self.assertEqual(rtu.read(1, 0x4011, 1), [2])
            self.assertEqual(rtu.read(1, 0x5002, 2), e2e.f32_words(230.0))

    def test_any_unit_id_and_response_delay(self):
        """`--tcp-any-unit-id`: with one meter, a Modbus TCP request to any unit id but 0 is
        answered (the unit id echoed); 0 stays broadcast; RTU over TCP keeps the ID rule.
        `--response-delay 50ms`: an RTU reply leaves no sooner than 50 ms after the request."""
        pty = os.path.join(self.work, "meter.tty")
        meter = self.start(["--modbus-tcp", "127.0.0.1:0", "--rtu-over-tcp", "127.0.0.1:0",
                            "--modbus-rtu", f"pty:{pty}:9600:E", "--tcp-any-unit-id",
                            "--response-delay", "50ms"],
                           expect_tcp=1, expect_rtu_tcp=1, expect_rtu=1)
        self.assertIn(f"Modbus TCP on 127.0.0.1:{meter.tcp_ports[0]}, ID 1 (any unit id)",
                      meter.start_lines)
        with e2e.TcpModbus(meter.tcp_ports[0]) as tcp:
            wait_for_230v(lambda: tcp.read(1, 0x5002, 2))
            for unit in (1, 2, 7, 247, 255):
                self.assertEqual(tcp.read(unit, 0x4000, 2), [0, 1], f"unit id {unit}")
            tcp.send(tcp.adu(0, e2e.read_pdu(0x4000, 2)))
            self.assertFalse(tcp.expect_nothing(SILENCE_S), "a broadcast read was answered")
            tcp.send(tcp.adu(0, e2e.write_pdu(0x4010, 0x0020)))
            self.assertFalse(tcp.expect_nothing(SILENCE_S), "a broadcast write was answered")
            self.assertEqual(tcp.read(9, 0x4010, 1), [0x0020])
        with e2e.RtuOverTcp(meter.rtu_tcp_ports[0]) as rtu_tcp:
            rtu_tcp.write(e2e.rtu_frame(7, e2e.read_pdu(0x4000, 2)))
            self.assertEqual(rtu_tcp.expect_silence(SILENCE_S), b"", "RTU over TCP, ID 7")
            self.assertEqual(rtu_tcp.read(1, 0x4000, 2), [0, 1])
        with e2e.RtuPty(pty) as rtu:
            rtu.write(e2e.rtu_frame(7, e2e.read_pdu(0x4000, 2)))
            self.assertEqual(rtu.expect_silence(SILENCE_S), b"", "RTU line, ID 7")
            for _ in range(3):
                sent = time.monotonic()
                self.assertEqual(rtu.read(1, 0x4000, 2), [0, 1])
                latency = time.monotonic() - sent
                self.assertGreaterEqual(latency, 0.050, "before --response-delay 50ms")
                self.assertLess(latency, 0.5)

    def test_victron_accepts_solar_log_identity(self):
        """Victron's probe `01 03 10 10 00 01 81 0F` wants 0x2007: with `--identity solar-log`
        the meter answers it there and at 0x4002 (a genuine Inepro meter answers 0x0102, see
        modbus_client_patterns_test)."""
        pty = os.path.join(self.work, "meter.tty")
        meter = self.start(["--modbus-rtu", f"pty:{pty}:9600:E", "--identity", "solar-log"],
                           expect_rtu=1)
        with e2e.RtuPty(pty) as rtu:
            wait_for_230v(lambda: rtu.read(1, 0x5002, 2))
            rtu.write(e2e.unhex("01 03 10 10 00 01 81 0F"))
            self.assertEqual(rtu.read_frame(), e2e.rtu_frame(1, bytes([3, 2, 0x20, 0x07])))
            self.assertEqual(rtu.read(1, 0x4002, 1), [0x2007])
            self.assertEqual(rtu.read(1, 0x4000, 2), [0, 1])
        self.assertEqual(meter.stop(), 0, meter.output())

    def test_broadcast_baud_write_switches_the_line_at_once(self):
        """A broadcast write of the baud rate (no reply) switches a one-meter line at once."""
        pty = os.path.join(self.work, "meter.tty")
        meter = self.start_single(pty)
        with e2e.RtuPty(pty) as rtu:
            rtu.write(e2e.rtu_frame(0, e2e.write_pdu(0x4004, 2400)))
            self.assertEqual(rtu.expect_silence(SILENCE_S), b"", "a broadcast was answered")
            self.assertEqual(self.line_speed(rtu), termios.B2400)
            self.assertEqual(rtu.read(1, 0x4004, 1), [2400])
        with e2e.TcpModbus(meter.tcp_ports[0]) as tcp:
            self.assertEqual(tcp.read(1, 0x4004, 1), [2400])

    def test_two_tcp_ports(self):
        """--modbus-tcp is repeatable: two ports (each :0 gets its own), one meter behind both."""
        meter = self.start(["--modbus-tcp", "127.0.0.1:0", "--modbus-tcp", "127.0.0.1:0"],
                           expect_tcp=2)
        a, b = meter.tcp_ports
        self.assertNotEqual(a, b)
        with e2e.TcpModbus(a) as ta, e2e.TcpModbus(b) as tb:
            wait_for_230v(lambda: tb.read(1, 0x5002, 2))
            self.assertEqual(ta.read(1, 0x4000, 2), [0, 1])
            frame = e2e.write_pdu(0x4010, 0x0030)
            self.assertEqual(ta.request(1, frame), frame)
            self.assertEqual(tb.read(1, 0x4010, 1), [0x0030])

    def test_line_settings_after_restart(self):
        pty = os.path.join(self.work, "meter.tty")
        state = tempfile.mkdtemp(prefix="state-", dir=self.work)
        meter = self.start_single(pty, state_dir=state)
        with e2e.RtuPty(pty) as rtu:
            for addr, value in ((0x4004, 4800), (0x4011, 2)):
                frame = e2e.rtu_frame(1, e2e.write_pdu(addr, value))
                rtu.write(frame)
                self.assertEqual(rtu.read_frame(), frame)
                time.sleep(0.1)
        time.sleep(1.2)  # more than one save interval, though SIGTERM saves too
        self.assertEqual(meter.stop(), 0, meter.output())
        # No baud or parity in the spec: the line takes the meter's settings.
        meter = self.start(["--modbus-rtu", f"pty:{pty}"], expect_rtu=1, state_dir=state)
        # The device settings are saved with the meter since 449dcad, so the line starts at
        # what was written.
        self.assertIn(f"Modbus RTU on {pty} at 4800 8N1, ID 1", meter.rtu_lines[0])
        with e2e.RtuPty(pty) as rtu:
            self.assertEqual(rtu.read(1, 0x4003, 1), [1])
            self.assertEqual(rtu.read(1, 0x4011, 1), [2])


if __name__ == "__main__":
    if not e2e.BINARY:
        print("PRO380_BINARY is not set", file=sys.stderr)
        sys.exit(2)
    unittest.main(verbosity=2)
