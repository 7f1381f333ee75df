"""Bad input on the M-Bus, raw bytes against the real `pro380 run` (two mb meters, primary
addresses 1 and 2) over TCP and over a pty: collisions (frames glued together), noise bytes,
wrong length bytes, wrong checksums, a missing stop byte, frames for other addresses. No reply
where EN 13757-2 and the manual say none; every valid frame is still answered, in order. The
framer's and the slave's counters for the same inputs are checked by the golden transcripts
(tests/golden/mbus/bad_input.md); here the replies are the evidence.
"""
import os
import shutil
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mbus_e2e  # noqa: E402
from mbus_e2e import ACK, long_frame, short_frame, split_frames  # noqa: E402

CONFIG = """[run]
speed = 1
source = "const:P1=1000,P2=1000,P3=1000"
[interfaces]
http = "off"
mbus_tcp = "127.0.0.1:0"
mbus = "pty:{work}/bus"
[[meter]]
variant = "mb"
serial = "11111111"
id = 1
[[meter]]
variant = "mb"
serial = "22222222"
id = 2
"""

NKE1, NKE2, NKE9 = short_frame(0x40, 1), short_frame(0x40, 2), short_frame(0x40, 9)
REQ1 = short_frame(0x5B, 1)


class BadInputTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = mbus_e2e.new_work_dir("mbus-bad-")
        try:
            cls.run_ = mbus_e2e.MbusRun(cls.work, CONFIG.format(work=cls.work),
                                        expect_mbus_tcp=1, expect_lines=1)
        except BaseException:
            shutil.rmtree(cls.work, ignore_errors=True)
            raise

    @classmethod
    def tearDownClass(cls):
        mbus_e2e.stop_all_and_remove([cls.run_], cls.work)

    def clients(self):
        return [mbus_e2e.MbusTcp(self.run_.mbus_ports[0]), mbus_e2e.MbusPty(self.run_.lines[0])]

    def check(self, sent, expected):
        for client in self.clients():
            with client:
                heard = client.transact(sent)
                self.assertEqual(heard.hex(" "), b"".join(expected).hex(" "),
                                 f"{type(client).__name__} after {sent.hex(' ')}")

    def test_glued_frames_are_each_answered(self):
        self.check(NKE1 + NKE2 + long_frame(0x53, 1, 0xB4), [ACK, ACK, ACK])

    def test_noise_around_frames_is_skipped(self):
        self.check(b"\x00\xff\x33" + NKE1 + b"\x42\x16" + NKE2 + b"\x99", [ACK, ACK])

    def test_wrong_length_bytes_cost_only_that_frame(self):
        bad = bytes([0x68, 0x03, 0x04, 0x68, 0x53, 0x01, 0xB4, 0x08, 0x16])
        self.check(bad + NKE1, [ACK])
        too_short = bytes([0x68, 0x02, 0x02, 0x68, 0x53, 0x01, 0x54, 0x16])
        self.check(too_short + NKE2, [ACK])

    def test_an_overlong_length_is_dropped_when_the_line_goes_idle(self):
        for client in self.clients():
            with client:
                client.write(bytes([0x68, 0x40, 0x40, 0x68, 0x53, 0x01]))
                self.assertEqual(client.heard(quiet=0.4), b"", type(client).__name__)
                time.sleep(0.2)  # the line was idle: the unfinished frame is gone
                self.assertEqual(client.transact(NKE1), ACK, type(client).__name__)

    def test_wrong_checksums_get_no_reply(self):
        self.check(bytes([0x10, 0x40, 0x01, 0x42, 0x16]), [])
        self.check(bytes([0x10, 0x40, 0x01, 0x42, 0x16]) + NKE2, [ACK])
        damaged = bytearray(long_frame(0x53, 1, 0x51, [0x01, 0x7A, 0x07]))
        damaged[-2] ^= 0x01
        self.check(bytes(damaged) + NKE1, [ACK])  # the address write did not happen
        self.check(short_frame(0x40, 7), [])

    def test_missing_stop_byte(self):
        self.check(bytes([0x10, 0x40, 0x01, 0x41, 0x17]) + NKE2, [ACK])

    def test_other_addresses_and_unselected_253_are_silent(self):
        self.check(short_frame(0x40, 255), [])  # SND_NKE to all: nobody stays selected
        self.check(NKE9 + short_frame(0x5B, 250) + short_frame(0x40, 251) +
                   short_frame(0x5B, 253) + short_frame(0x40, 255), [])
        self.check(NKE9 + NKE1 + short_frame(0x5A, 9) + NKE2, [ACK, ACK])

    def test_a_wildcard_selection_of_both_meters_collides(self):
        select_all = long_frame(0x53, 253, 0x52, b"\xff" * 8)
        self.check(select_all, [ACK, ACK])
        select_one = long_frame(0x53, 253, 0x52, bytes([0x22, 0x22, 0x22, 0x22]) + b"\xff" * 4)
        self.check(select_one, [ACK])

    def test_valid_frames_are_still_answered_after_everything(self):
        for client in self.clients():
            with client:
                frames = split_frames(client.transact(short_frame(0x40, 1) + REQ1))
                self.assertEqual(frames[0], ACK)
                self.assertEqual(frames[1][4:7], bytes([0x08, 0x01, 0x72]))
                self.assertEqual(frames[1][7:11], bytes([0x11, 0x11, 0x11, 0x11]))


class CommandLineTest(unittest.TestCase):
    """Bad M-Bus options exit 2 naming the option and the allowed values; nothing is written."""

    def run_pro380(self, *args):
        work = mbus_e2e.new_work_dir("mbus-cli-")
        try:
            out = subprocess.run([mbus_e2e.BINARY, "run", "--state", os.path.join(work, "state"),
                                  "--http", "off", "--stop-after", "1s"] + list(args),
                                 capture_output=True, text=True, timeout=30)
            self.assertFalse(os.path.exists(os.path.join(work, "state")), "state was written")
            return out
        finally:
            shutil.rmtree(work, ignore_errors=True)

    def test_mbus_interfaces_need_an_mb_meter(self):
        out = self.run_pro380("--mbus-tcp", "127.0.0.1:0")
        self.assertEqual(out.returncode, 2, out.stderr)
        self.assertIn("--mbus-tcp", out.stderr)
        self.assertIn("--variant mb", out.stderr)

    def test_bad_line_specs(self):
        for spec, allowed in (("pty:/tmp/x:9600:O", "8E1"), ("pty:/tmp/x:19200", "300, 600"),
                              ("pty:/tmp/x:abc", "")):
            out = self.run_pro380("--variant", "mb", "--mbus", spec)
            self.assertEqual(out.returncode, 2, f"{spec}: {out.stderr}")
            self.assertIn("--mbus", out.stderr)
            self.assertIn(allowed, out.stderr)


class BaudSwitchTest(unittest.TestCase):
    """CI BB (2400 baud) on a pty line with one meter: E5 at the old rate, then the line follows;
    the rate is saved and the next start opens the line at 2400."""

    def test_switch_is_acknowledged_saved_and_reopened(self):
        work = mbus_e2e.new_work_dir("mbus-baud-")
        config = ('[run]\nsource = "const:P1=100"\n[interfaces]\nhttp = "off"\n'
                  f'mbus = "pty:{work}/line"\n[[meter]]\nvariant = "mb"\nserial = "33333333"\n')
        try:
            run = mbus_e2e.MbusRun(work, config, expect_lines=1)
            self.assertIn("at 9600 8E1", "\n".join(run.start_lines))
            with mbus_e2e.MbusPty(run.lines[0]) as line:
                self.assertEqual(line.transact(long_frame(0x53, 0, 0xBB)), ACK)
                self.assertEqual(line.transact(short_frame(0x40, 0)), ACK)
            self.assertEqual(run.stop(), 0)
            meter = next(m for m in run.state_export()["meters"] if m["key"] == "33333333")
            self.assertEqual(meter["device_settings"]["mbus_baud_rate"], 2400)
            run = mbus_e2e.MbusRun(work, config, expect_lines=1)
            self.assertIn("at 2400 8E1", "\n".join(run.start_lines))
            self.assertEqual(run.stop(), 0)
        finally:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    unittest.main()
