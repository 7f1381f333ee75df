#!/usr/bin/env python3
"""The `http` live source end to end (docs/sources.md): the real `pro380 run --source http?...`
takes values and schedules through its REST API (python urllib) while mbpoll, an independent
Modbus client, reads the registers over Modbus TCP: values appear within one poll, bad bodies
are refused (400) and counted without changing a register, the source goes stale and then
reports zero current with the voltage held, and a schedule is followed on the meter's clock.
"""
import json
import os
import struct
import subprocess
import sys
import time
import unittest
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import modbus_e2e as e2e  # noqa: E402

STALE_S = 1.0
TIMEOUT_S = 2.5
SERIAL = "00000001"
VOLTAGE_L1, CURRENT_L1, ACTIVE_L1 = 0x5002, 0x500C, 0x5014


def mbpoll_floats(port, address, count=1):
    """`count` float32 registers from `address`, read by mbpoll as raw words."""
    cmd = ["mbpoll", "-a", "1", "-0", "-r", str(address), "-c", str(2 * count), "-t", "4:hex",
           "-1", "-o", "1", "-m", "tcp", "-p", str(port), "127.0.0.1"]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=10, check=False)
    words = [int(line.split("0x")[1].strip(), 16) for line in done.stdout.splitlines()
             if line.startswith("[") and "0x" in line]
    if len(words) != 2 * count:
        raise AssertionError(f"mbpoll read nothing: {done.stdout}{done.stderr}")
    return [struct.unpack(">f", struct.pack(">HH", words[2 * k], words[2 * k + 1]))[0]
            for k in range(count)]


def near(values, expected):
    """Float32 registers against decimal figures (0.46 is not exactly a float32)."""
    return all(abs(v - e) <= 1e-5 * max(1.0, abs(e)) for v, e in zip(values, expected))


def call(url, method, path, body=None):
    data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
    request = urllib.request.Request(url.rstrip("/") + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as reply:
            return reply.status, json.loads(reply.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


class HttpSourceTest(unittest.TestCase):
    def setUp(self):
        self.work, self.meter = e2e.start_in_new_dir(
            "pro380-http-source-", lambda work: ["--modbus-tcp", "127.0.0.1:0"], expect_tcp=1,
            http="127.0.0.1:0", source=f"http?stale={STALE_S}s&timeout={TIMEOUT_S}s")
        self.port = self.meter.tcp_ports[0]
        self.url = self.meter.web_url
        self.source_path = f"/api/v1/meters/{SERIAL}/source"

    def tearDown(self):
        e2e.stop_and_remove(self.meter, self.work)

    def wait_for(self, what, predicate, within_s):
        """Polls mbpoll-read values every 0.1 s until `predicate` holds, bounded."""
        deadline = time.monotonic() + within_s
        while True:
            values = mbpoll_floats(self.port, VOLTAGE_L1, 1) + \
                mbpoll_floats(self.port, CURRENT_L1, 1) + mbpoll_floats(self.port, ACTIVE_L1, 1)
            if predicate(*values):
                return values
            if time.monotonic() > deadline:
                raise AssertionError(f"{what}: not within {within_s} s; U, I, P = {values}\n"
                                     f"{self.meter.output()}")
            time.sleep(0.1)

    def test_values_bad_bodies_stale_and_timeout(self):
        status, body = call(self.url, "GET", self.source_path)
        self.assertEqual((status, body["state"], body["stale"]), (200, "waiting", True))
        # Before any value: nominal voltage, no load (from the meter's first tick, 100 ms).
        self.wait_for("the waiting state", lambda u, i, p: (u, i, p) == (230.0, 0.0, 0.0), 2.0)

        status, body = call(self.url, "PUT", self.source_path,
                            {"voltage_l1_v": 240, "active_power_l1_kw": 2.4})
        self.assertEqual((status, body["state"]), (200, "fresh"), body)
        sent = time.monotonic()
        self.wait_for("the PUT values", lambda u, i, p: near((u, i, p), (240, 10, 2.4)), 1.0)
        self.assertLess(time.monotonic() - sent, 1.0)  # within one EVC04 poll

        # Bad bodies: 400 naming the problem, counted, registers unchanged.
        for bad, problem, counter in (
                (b"{\"voltage_l1_v\": 2", "not JSON", "malformed"),
                ({"active_power_l1_w": 100}, "unknown key 'active_power_l1_w'", "unknown_key"),
                ({"voltage_l1_v": 1e9}, "phase 1 voltage 1e+09 V is outside 0..300 V",
                 "out_of_range")):
            status, body = call(self.url, "PUT", self.source_path, bad)
            self.assertEqual(status, 400, body)
            self.assertIn(problem, body["error"])
            _, view = call(self.url, "GET", self.source_path)
            self.assertEqual(view["counters"][counter], 1, view)
        self.assertEqual(mbpoll_floats(self.port, VOLTAGE_L1)[0], 240.0)
        self.assertTrue(near(mbpoll_floats(self.port, ACTIVE_L1), [2.4]))

        # The feed stops: stale with the values held, then zero current with the voltage held.
        self.wait_for("zero current after the timeout", lambda u, i, p: i == 0.0, TIMEOUT_S + 2)
        self.assertGreater(time.monotonic() - sent, TIMEOUT_S - 0.2)
        self.assertEqual(mbpoll_floats(self.port, VOLTAGE_L1)[0], 240.0)
        _, view = call(self.url, "GET", self.source_path)
        self.assertEqual((view["state"], view["stale"]), ("timed_out", True))
        with urllib.request.urlopen(self.url + "metrics", timeout=10) as reply:
            metrics = reply.read().decode()
        self.assertIn(f'pro380_source_stale{{serial="{SERIAL}"}} 1', metrics)
        self.assertIn(f'pro380_source_readings{{serial="{SERIAL}",counter="malformed"}} 1',
                      metrics)
        output = self.meter.output()
        self.assertIn("stale: no reading for 1 s, the last values are held", output)
        self.assertIn("timed out: no reading for 2.5 s, current and power are 0", output)

    def test_schedule(self):
        steps = {"steps": [{"after_s": 0, "values": {"active_power_l1_kw": 1.15}},
                           {"after_s": 1.5, "values": {"active_power_l1_kw": 4.6}},
                           {"after_s": 3, "values": {"current_l1_a": 2}}]}
        status, body = call(self.url, "PUT", self.source_path + "/schedule", steps)
        self.assertEqual(status, 200, body)
        start = time.monotonic()
        self.wait_for("step 0", lambda u, i, p: near((i, p), (5, 1.15)), 1.0)
        self.wait_for("step 1", lambda u, i, p: near((i, p), (20, 4.6)), 2.5)
        self.assertGreater(time.monotonic() - start, 1.3)
        self.wait_for("step 2", lambda u, i, p: near((i, p), (2, 0.46)), 2.5)
        self.assertGreater(time.monotonic() - start, 2.8)
        bad = {"steps": [{"after_s": 0, "values": {"active_power_l1_kw": 1e9}}]}
        status, body = call(self.url, "PUT", self.source_path + "/schedule", bad)
        self.assertEqual(status, 400)
        self.assertIn("step 0: phase 1 active power", body["error"])
        self.assertEqual(mbpoll_floats(self.port, CURRENT_L1)[0], 2.0)


if __name__ == "__main__":
    unittest.main()
