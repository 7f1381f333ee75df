#!/usr/bin/env python3
"""The EVC04 loop (issue 9, "Must show"; docs/sources.md): `pro380 run --modbus-rtu pty:...:9600:E`,
ID 1, fed by MQTT from a mosquitto broker this test starts, polled exactly as a Vestel EVC04 polls
(reference peers-and-test-tools §1.1.1: `01 03 50 0C 00 06 14 CB`, the three phase currents, about
every 1.006 s, 9600 8E1) through pyserial on the pty. Checks: the currents follow the published
feed within one poll; when the feed stops every poll is still answered, the values held while
stale and zero current after the (shortened) timeout; when the broker is stopped and restarted,
every poll is answered meanwhile and the values resume.
"""
import os
import shutil
import struct
import sys
import tempfile
import time
import unittest

import serial  # Debian python3-serial

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import modbus_e2e as e2e  # noqa: E402
import mqtt_broker  # noqa: E402

POLL = bytes.fromhex("01 03 50 0C 00 06 14 CB")
POLL_PERIOD_S = 1.006
STALE_S, TIMEOUT_S = 2, 4
TOPIC = "house/meter"


class Evc04Poller:
    """The wallbox: one request, the 17-byte reply (or none within 1 s), the three currents."""

    def __init__(self, path):
        self.port = serial.Serial(path, 9600, bytesize=8, parity=serial.PARITY_EVEN, stopbits=1,
                                  timeout=1.0)
        self.next_poll = time.monotonic()

    def close(self):
        self.port.close()

    def poll(self):
        """Waits for the poll's time, polls; the currents (A) or an AssertionError."""
        delay = self.next_poll - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        self.next_poll = max(self.next_poll + POLL_PERIOD_S, time.monotonic())
        self.port.reset_input_buffer()
        self.port.write(POLL)
        reply = self.port.read(17)
        if len(reply) != 17 or reply[:3] != b"\x01\x03\x0c" or not e2e.crc_ok(reply):
            raise AssertionError(f"poll not answered: {reply.hex(' ')}")
        return struct.unpack(">3f", reply[3:15])


def near(values, expected):
    return all(abs(v - e) <= 1e-4 * max(1.0, abs(e)) for v, e in zip(values, expected))


class Evc04LoopTest(unittest.TestCase):
    def setUp(self):
        self.work = tempfile.mkdtemp(prefix="pro380-evc04-")
        self.broker = mqtt_broker.Broker(self.work)
        self.pty = os.path.join(self.work, "rtu")
        self.meter = e2e.Pro380(
            self.work, ["--modbus-rtu", f"pty:{self.pty}:9600:E"], expect_rtu=1,
            source=f"mqtt://127.0.0.1:{self.broker.port}/{TOPIC}?stale={STALE_S}s&timeout={TIMEOUT_S}s",
            stop_after="120s")
        self.wallbox = Evc04Poller(self.meter.rtu_paths[0])

    def tearDown(self):
        try:
            self.wallbox.close()
            code = self.meter.stop()
            self.assertEqual(code, 0, self.meter.output())
        finally:
            self.broker.stop()
            shutil.rmtree(self.work, ignore_errors=True)

    def publish_currents(self, i1, i2, i3):
        self.broker.publish(TOPIC, f'{{"current_l1_a": {i1}, "current_l2_a": {i2}, '
                                   f'"current_l3_a": {i3}}}')

    def wait_connected(self):
        deadline = time.monotonic() + 20
        while "connected, subscribed to" not in self.meter.output():
            self.assertLess(time.monotonic(), deadline, self.meter.output())
            self.wallbox.poll()  # the wallbox keeps polling meanwhile: every poll answered

    def test_follows_the_feed_and_never_goes_silent(self):
        self.wait_connected()
        self.assertEqual(self.wallbox.poll(), (0.0, 0.0, 0.0))  # waiting: no load yet
        # Each published value is in the next poll (one poll period later).
        for currents in ((6.0, 7.5, 8.25), (16.0, 0.5, 12.0), (1.0, 2.0, 3.0)):
            self.publish_currents(*currents)
            published = time.monotonic()
            got = self.wallbox.poll()
            self.assertTrue(near(got, currents), f"{got} != {currents}")
        # The feed stops: values held while stale, then zero current; every poll answered.
        # Ages count from the last message (published, +- one 100 ms tick of the meter).
        seen = []
        while time.monotonic() - published < TIMEOUT_S + 2.5:
            got = self.wallbox.poll()
            seen.append((time.monotonic() - published, got))
        held = [t for t, c in seen if near(c, (1.0, 2.0, 3.0))]
        zero = [t for t, c in seen if c == (0.0, 0.0, 0.0)]
        self.assertEqual(len(held) + len(zero), len(seen), seen)
        self.assertTrue(held and zero, seen)
        self.assertLess(max(held), min(zero), seen)  # held, then zero, never back
        self.assertGreater(max(held), STALE_S, seen)  # held through the stale time
        self.assertGreater(min(zero), TIMEOUT_S - 0.2, seen)
        self.assertLess(max(held), TIMEOUT_S + 0.2, seen)
        output = self.meter.output()
        self.assertIn("stale: no reading for 2 s, the last values are held", output)
        self.assertIn("timed out: no reading for 4 s, current and power are 0", output)

        # The broker goes away: every poll still answered; it comes back: values resume.
        self.broker.stop()
        for _ in range(3):
            self.assertEqual(self.wallbox.poll(), (0.0, 0.0, 0.0))
        self.broker.start()
        deadline = time.monotonic() + 25  # reconnect back-off: at most 10 s between tries
        while True:
            self.publish_currents(9.0, 9.5, 10.0)
            got = self.wallbox.poll()
            if near(got, (9.0, 9.5, 10.0)):
                break
            self.assertEqual(got, (0.0, 0.0, 0.0))
            self.assertLess(time.monotonic(), deadline, self.meter.output())
        self.assertIn("connection lost", self.meter.output())


if __name__ == "__main__":
    unittest.main()
