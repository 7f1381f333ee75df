#!/usr/bin/env python3
"""Home Assistant's birth message (docs/mqtt.md "Home Assistant's birth message"): when Home
Assistant says `online` on its status topic (`homeassistant/status`, Home Assistant's default;
`ha_status_topic` in [mqtt_publish]), the real `pro380 run` publishes its discovery configs and
states again. The broker is a mosquitto the test starts; mosquitto_pub plays Home Assistant and
mosquitto_sub (both independent clients) watches what pro380 sends. A retained `online` found at
the connect is no restart (the configs go out once), `offline` re-sends nothing, and a bad
`ha_status_topic` exits 2 naming the key."""
import json
import os
import subprocess
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mqtt_publish_e2e as pub  # noqa: E402
from mqtt_publish_e2e import SERIAL, STATE, publisher_counters, subscribe  # noqa: E402

CONFIGS = f"homeassistant/sensor/pro380_{SERIAL}/+/config"
SYNC = "pro380-test/sync"
SENSORS = 60


class Watcher:
    """mosquitto_sub on `topics` (without the retained messages it finds: -R), its lines
    collected by a thread. sync() returns once it is subscribed: it publishes to SYNC until the
    subscriber prints it."""

    def __init__(self, broker, topics):
        self.broker = broker
        args = ["mosquitto_sub", "-h", "127.0.0.1", "-p", str(broker.port), "-v", "-R",
                "-t", SYNC]
        for topic in topics:
            args += ["-t", topic]
        self.process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        text=True)
        self.lines = []
        self.lock = threading.Lock()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.process.stdout:
            with self.lock:
                self.lines.append(line.rstrip("\n"))

    def messages(self, prefix=""):
        with self.lock:
            return [tuple(line.split(" ", 1)) for line in self.lines
                    if line.startswith(prefix) and not line.startswith(SYNC)]

    def sync(self, within_s=10):
        """A fresh mark through the broker: every message published before it is in."""
        mark = str(time.monotonic())
        deadline = time.monotonic() + within_s
        while time.monotonic() < deadline:
            self.broker.publish(SYNC, mark)
            end = time.monotonic() + 0.5
            while time.monotonic() < end:
                with self.lock:
                    if f"{SYNC} {mark}" in self.lines:
                        return
                time.sleep(0.02)
        raise AssertionError("mosquitto_sub did not subscribe within 10 s")

    def wait_for(self, prefix, count, within_s=10):
        deadline = time.monotonic() + within_s
        while len(self.messages(prefix)) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.messages(prefix)

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)
        self.reader.join(timeout=10)


class MqttPublishHaTest(pub.PublisherCase):
    PREFIX = "pro380-mqtt-ha-"

    def setUp(self):
        super().setUp()
        self.watcher = None

    def tearDown(self):
        try:
            if self.watcher:
                self.watcher.stop()
        finally:
            super().tearDown()

    def start_meter(self, table=""):
        self.start_publisher('discovery = true\ninterval = "1h"\n' + table)
        self.wait_log(f"{SENSORS} discovery configs")
        # All of the connect's configs are at the broker (retained) before a watcher starts, so
        # that none of them reaches it as a live message.
        # (--retained-only ends at the first live message: one still on its way.)
        for _ in range(50):
            self.retained = subscribe(self.broker.port, CONFIGS, SENSORS, 10, retained_only=True)
            if len(self.retained) == SENSORS:
                break
            time.sleep(0.1)
        self.assertEqual(len(self.retained), SENSORS, self.meter.output())
        return self.meter

    def test_a_birth_message_republishes_the_configs_and_the_states(self):
        meter = self.start_meter()
        self.watcher = Watcher(self.broker, [CONFIGS, STATE])
        self.watcher.sync()
        self.assertEqual(self.watcher.messages(), [])  # interval 1 h: nothing on its own
        self.broker.publish("homeassistant/status", "online")  # Home Assistant has started
        configs = self.watcher.wait_for("homeassistant/", SENSORS)
        self.assertEqual(sorted(configs), sorted(self.retained))
        states = self.watcher.wait_for(STATE, 1)  # the values at once, not in an hour
        self.assertEqual(len(states), 1, meter.output())
        self.assertEqual(json.loads(states[0][1])["active_power_l1_kw"], 1.5)
        self.assertIn("Home Assistant is online: 60 discovery configs", meter.output())
        counters = publisher_counters(meter.web_url)
        self.assertEqual(counters["ha_births"], 1)
        self.assertEqual(counters["discovery_configs_published"], 2 * SENSORS)
        # Home Assistant going away re-sends nothing.
        self.broker.publish("homeassistant/status", "offline")
        self.watcher.sync()
        self.assertEqual(len(self.watcher.messages()), SENSORS + 1)
        self.assertEqual(publisher_counters(meter.web_url)["ha_births"], 1)

    def test_a_retained_online_at_the_connect_is_no_restart(self):
        # Home Assistant's birth left retained at the broker before pro380 connects.
        self.broker.publish("homeassistant/status", "online", ["-r"])
        meter = self.start_meter()
        self.watcher = Watcher(self.broker, [CONFIGS])
        self.watcher.sync()  # anything the retained "online" would have set off is in by now
        counters = publisher_counters(meter.web_url)
        self.assertEqual((counters["ha_births"], counters["discovery_configs_published"]),
                         (0, SENSORS), counters)
        self.assertEqual(self.watcher.messages(), [])

    def test_the_status_topic_is_configurable(self):
        meter = self.start_meter('ha_status_topic = "hass/status"\n')
        self.watcher = Watcher(self.broker, [CONFIGS])
        self.watcher.sync()
        self.broker.publish("homeassistant/status", "online")  # not the configured topic
        self.watcher.sync()
        self.assertEqual(self.watcher.messages(), [])
        self.broker.publish("hass/status", "online")
        self.assertEqual(len(self.watcher.wait_for("homeassistant/", SENSORS)), SENSORS)
        self.assertEqual(publisher_counters(meter.web_url)["ha_births"], 1)

    def test_bad_status_topics_exit_2_naming_the_key(self):
        head = '[mqtt_publish]\nbroker = "mqtt://127.0.0.1:1883"\n'
        cases = [
            ('discovery = true\nha_status_topic = "hass/#"\n',
             "mqtt_publish.ha_status_topic = 'hass/#' is not allowed"),
            ('discovery = true\nha_status_topic = 1\n',
             "mqtt_publish.ha_status_topic must be a string"),
            ('ha_status_topic = "hass/status"\n',
             "mqtt_publish.ha_status_topic needs mqtt_publish.discovery = true"),
        ]
        for text, message in cases:
            with self.subTest(text=text):
                self.assert_refused(head + text, message)


if __name__ == "__main__":
    unittest.main()
