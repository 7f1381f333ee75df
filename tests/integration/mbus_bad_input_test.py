"""Bad input on the M-Bus, raw bytes against the real `pro380 run` (two mb meters, primary
addresses 1 and 2) over TCP and over a pty: collisions (frames glued together), noise bytes,
wrong length bytes, wrong checksums, a missing stop byte, frames for other addresses. No reply
where EN 13757-2 and the manual say none; every valid frame is still answered, in order. The
framer's and the slave's counters for the same inputs are checked by the golden transcripts
(tests/golden/mbus/bad_input.md); here the replies are the evidence.
"""
import os
import shutil
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
        try:
            code = cls.run_.stop()
            if code != 0:
                raise AssertionError(f"pro380 exited {code}:\n{cls.run_.output()}")
        finally:
            shutil.rmtree(cls.work, ignore_errors=True)

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


if __name__ == "__main__":
    unittest.main()
