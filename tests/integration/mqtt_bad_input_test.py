#!/usr/bin/env python3
"""Bad MQTT input (issue 9, "Must show"; docs/sources.md): malformed payloads, values out of range
and unknown keys published to the topic of `pro380 run --source mqtt://...` are counted (REST and
/metrics), logged with the topic, and never change a register (mbpoll reads the instantaneous
block over Modbus TCP before and after: the same words)."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import modbus_e2e as e2e  # noqa: E402
import mqtt_broker  # noqa: E402
import mqtt_publish_e2e as pub  # noqa: E402

TOPIC = "site/pro380"
SERIAL = "00000001"
GOOD = '{"voltage_l1_v": 231.5, "current_l1_a": 7.25, "active_power_l1_kw": 1.5, "frequency_hz": 50.1}'
BAD = [  # (payload, counter)
    ('{"voltage_l1_v": 230', "malformed"),
    ("not json at all", "malformed"),
    ('{"voltage_l1_v": "231"}', "malformed"),
    ("[1, 2, 3]", "malformed"),
    ('{"voltage_l1_v": 1e6}', "out_of_range"),
    ('{"active_power_l2_kw": 4000}', "out_of_range"),
    ('{"frequency_hz": 10}', "out_of_range"),
    ('{"active_power_l1_w": 1500}', "unknown_key"),
    ('{"voltage_l1_v": 231.5, "temperature_c": 20}', "unknown_key"),
    ("{}", "no_value"),
]


def mbpoll_words(port, address, count):
    cmd = ["mbpoll", "-a", "1", "-0", "-r", str(address), "-c", str(count), "-t", "4:hex", "-1",
           "-o", "1", "-m", "tcp", "-p", str(port), "127.0.0.1"]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=10, check=False)
    words = [line.split("0x")[1].strip() for line in done.stdout.splitlines()
             if line.startswith("[") and "0x" in line]
    if len(words) != count:
        raise AssertionError(f"mbpoll: {done.stdout}{done.stderr}")
    return words


class MqttBadInputTest(unittest.TestCase):
    def setUp(self):
        self.work = tempfile.mkdtemp(prefix="pro380-mqtt-bad-")
        self.broker = mqtt_broker.Broker(self.work)
        self.meter = e2e.Pro380(
            self.work, ["--modbus-tcp", "127.0.0.1:0"], expect_tcp=1, http="127.0.0.1:0",
            source=f"mqtt://127.0.0.1:{self.broker.port}/{TOPIC}?stale=60s&timeout=120s")
        self.port = self.meter.tcp_ports[0]

    def tearDown(self):
        try:
            self.assertEqual(self.meter.stop(), 0, self.meter.output())
        finally:
            self.broker.stop()
            shutil.rmtree(self.work, ignore_errors=True)

    def source_view(self):
        url = self.meter.web_url + f"api/v1/meters/{SERIAL}/source"
        with urllib.request.urlopen(url, timeout=10) as reply:
            return json.loads(reply.read())

    def test_bad_payloads_are_counted_logged_and_change_nothing(self):
        pub.wait_log(self, self.meter, "connected, subscribed to")
        self.broker.publish(TOPIC, GOOD)
        deadline = time.monotonic() + 5
        while self.source_view()["counters"]["accepted"] != 1:
            self.assertLess(time.monotonic(), deadline, self.meter.output())
            time.sleep(0.05)
        time.sleep(0.3)  # the meter's next ticks show the values
        before = mbpoll_words(self.port, 0x5002, 0x30)  # U, F, I, P, Q, S, PF: the live block
        for payload, _ in BAD:
            self.broker.publish(TOPIC, payload)
        expected = {}
        for _, counter in BAD:
            expected[counter] = expected.get(counter, 0) + 1
        deadline = time.monotonic() + 5
        while True:
            counters = self.source_view()["counters"]
            if all(counters[name] == n for name, n in expected.items()):
                break
            self.assertLess(time.monotonic(), deadline, f"{counters} != {expected}")
            time.sleep(0.05)
        self.assertEqual(counters["accepted"], 1)
        time.sleep(0.3)
        self.assertEqual(mbpoll_words(self.port, 0x5002, 0x30), before)
        output = self.meter.output()
        refused = [line for line in output.splitlines()
                   if f"topic {TOPIC}: message refused:" in line]
        self.assertEqual(len(refused), len(BAD), output)
        self.assertIn("message refused: unknown key 'active_power_l1_w'", output)
        self.assertIn("message refused: phase 1 voltage 1e+06 V is outside 0..300 V", output)
        with urllib.request.urlopen(self.meter.web_url + "metrics", timeout=10) as reply:
            metrics = reply.read().decode()
        self.assertIn(f'pro380_source_readings{{serial="{SERIAL}",counter="malformed"}} 4',
                      metrics)
        self.assertIn(f'pro380_source_stale{{serial="{SERIAL}"}} 0', metrics)


if __name__ == "__main__":
    unittest.main()
