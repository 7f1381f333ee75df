#!/usr/bin/env python3
"""MQTT publishing (docs/mqtt.md) end to end: the real `pro380 run` publishes to a mosquitto broker
the test starts, and mosquitto_sub (an independent client) reads what arrives. The state topic
carries the values REST /api/v1/meters/{serial} shows; with discovery on, Home Assistant's retained
config messages are valid JSON with the fields HA requires; with publishing off (the default)
nothing is published; with the broker gone the meter keeps answering Modbus (mbpoll), and
publishing resumes when the broker is back on the same port; a pro380 killed with SIGKILL is
marked offline by the broker through its last will; bad values exit 2 naming the key."""
import json
import os
import signal
import subprocess
import sys
import time
import unittest
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mbpoll  # noqa: E402
import modbus_e2e as e2e  # noqa: E402
import mqtt_publish_e2e as pub  # noqa: E402
from mqtt_publish_e2e import ACTIVE_L1, SERIAL, STATE, subscribe  # noqa: E402

BINARY = os.environ["PRO380_BINARY"]
ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
SOURCE = "const:P1=1500,P2=700,Q2=300,U3=235,P3=-400,F=50.1"


def rest_meter(url):
    with urllib.request.urlopen(url + f"api/v1/meters/{SERIAL}", timeout=10) as reply:
        return json.loads(reply.read())


class MqttPublishTest(pub.PublisherCase):
    PREFIX = "pro380-mqtt-pub-"

    def start_meter(self, table=None, http="127.0.0.1:0"):
        return self.start_publisher(table, http=http, source=SOURCE)

    def test_the_state_carries_the_values_rest_shows(self):
        meter = self.start_meter('interval = "1s"\n')
        self.wait_log("connected, publishing 1 meter(s)")
        deadline = time.monotonic() + 10  # the meter's first tick: the const source's values
        while rest_meter(meter.web_url)["quantities"]["active_power_l1_kw"] != 1.5:
            self.assertLess(time.monotonic(), deadline)
            time.sleep(0.05)
        # REST before and after the message: a counter of the message lies between the two (the
        # meter counts on meanwhile); every other value equals REST's.
        before = rest_meter(meter.web_url)
        messages = subscribe(self.broker.port, STATE, 1, 10)
        after = rest_meter(meter.web_url)
        self.assertEqual(len(messages), 1, meter.output())
        state = json.loads(messages[0][1])
        self.assertLessEqual(before["meter_time"], state["meter_time"])
        self.assertLessEqual(state["meter_time"], after["meter_time"])
        del state["meter_time"]
        self.assertEqual(sorted(state), sorted(after["quantities"]))
        for name, value in state.items():
            low, high = sorted((before["quantities"][name], after["quantities"][name]))
            if low != high:  # counted on between the two REST calls
                self.assertTrue("energy" in name or "pulses" in name or name == "day_counter_kwh",
                                name)
            self.assertTrue(low <= value <= high, (name, low, value, high))
        self.assertEqual(state["active_power_l1_kw"], 1.5)
        self.assertEqual(state["voltage_l3_v"], 235.0)
        self.assertEqual(state["active_power_l3_kw"], -0.4)
        # Every interval (1 s) again.
        self.assertEqual(len(subscribe(self.broker.port, STATE, 2, 10)), 2)
        # Online while running (retained); offline (retained) after a clean stop.
        self.assertEqual(subscribe(self.broker.port, "pro380/availability", 1, 5, True),
                         [("pro380/availability", "online")])
        self.assertEqual(meter.stop(), 0, meter.output())
        self.assertEqual(subscribe(self.broker.port, "pro380/availability", 1, 5, True),
                         [("pro380/availability", "offline")])

    def test_home_assistant_discovery_configs(self):
        meter = self.start_meter('discovery = true\nretain = true\ninterval = "1s"\n')
        self.wait_log("connected, publishing 1 meter(s), 60 discovery configs")
        topic = f"homeassistant/sensor/pro380_{SERIAL}/+/config"
        # All 60 at the broker (live or retained, as they arrive), then all 60 retained.
        self.assertEqual(len(subscribe(self.broker.port, topic, 60, 10)), 60, meter.output())
        configs = subscribe(self.broker.port, topic, 60, 10, retained_only=True)
        self.assertEqual(len(configs), 60, meter.output())
        self.assertEqual(len(subscribe(self.broker.port, STATE, 1, 10)), 1)  # the first state
        retained = subscribe(self.broker.port, STATE, 1, 5, True)  # retain = true: kept
        self.assertEqual(len(retained), 1, meter.output())
        state = json.loads(retained[0][1])
        unique_ids = set()
        for topic, payload in configs:
            config = json.loads(payload)
            object_id = topic.split("/")[3]
            self.assertIn(object_id, state)  # a canonical quantity the state carries
            self.assertEqual(config["state_topic"], STATE)
            self.assertEqual(config["value_template"], "{{ value_json." + object_id + " }}")
            self.assertEqual(config["unique_id"], f"pro380_{SERIAL}_{object_id}")
            unique_ids.add(config["unique_id"])
            self.assertTrue(config["name"])
            self.assertEqual(config["availability_topic"], "pro380/availability")
            self.assertEqual(config["device"], {
                "identifiers": [f"pro380_{SERIAL}"], "name": f"PRO380 {SERIAL}",
                "manufacturer": "Inepro Metering", "model": "PRO380-Mod",
                "serial_number": SERIAL})
            self.assertIn(config["state_class"], ("measurement", "total", "total_increasing"))
            if object_id.startswith(("forward_active_energy", "reverse_active_energy")):
                self.assertEqual((config["device_class"], config["state_class"],
                                  config["unit_of_measurement"]),
                                 ("energy", "total_increasing", "kWh"), object_id)
            if object_id.startswith("active_power"):
                self.assertEqual((config["device_class"], config["state_class"],
                                  config["unit_of_measurement"]), ("power", "measurement", "kW"))
            if object_id.startswith("voltage_"):
                self.assertEqual((config["device_class"], config["unit_of_measurement"]),
                                 ("voltage", "V"))
            if object_id.startswith("current_"):
                self.assertEqual((config["device_class"], config["unit_of_measurement"]),
                                 ("current", "A"))
            if object_id == "frequency_hz":
                self.assertEqual((config["device_class"], config["unit_of_measurement"]),
                                 ("frequency", "Hz"))
            if object_id.startswith("power_factor"):
                self.assertEqual(config["device_class"], "power_factor")
                self.assertNotIn("unit_of_measurement", config)
        self.assertEqual(len(unique_ids), 60)

    def test_nothing_is_published_by_default(self):
        # The subscriber listens to everything while the meter starts and runs for 4 s.
        watcher = subprocess.Popen(
            ["mosquitto_sub", "-h", "127.0.0.1", "-p", str(self.broker.port), "-t", "#", "-v",
             "-W", "6"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            time.sleep(0.5)  # subscribed before the meter starts
            meter = self.start_meter(None)
            time.sleep(4)
            self.assertTrue(meter.alive())
        finally:
            out, err = watcher.communicate(timeout=20)
        self.assertEqual(out, "", err)
        self.assertNotIn("MQTT publishing", meter.output())
        self.assertNotIn("mqtt publish", meter.output())

    def test_the_broker_marks_a_killed_meter_offline(self):
        meter = self.start_meter('interval = "1s"\n')
        self.wait_log("connected, publishing 1 meter(s)")
        self.assertEqual(subscribe(self.broker.port, "pro380/availability", 1, 5, True),
                         [("pro380/availability", "online")])
        meter.process.send_signal(signal.SIGKILL)  # no goodbye: only the last will tells
        meter.process.wait(timeout=10)
        meter.log.close()
        deadline = time.monotonic() + 10
        got = []
        while time.monotonic() < deadline:
            got = subscribe(self.broker.port, "pro380/availability", 1, 2, True)
            if got == [("pro380/availability", "offline")]:
                break
        self.assertEqual(got, [("pro380/availability", "offline")])

    def test_bad_values_exit_2_naming_the_key(self):
        cases = [
            ('[mqtt_publish]\nbroker = "mqtt://127.0.0.1:0"\n',
             "mqtt_publish.broker = 'mqtt://127.0.0.1:0' has port '0', not 1-65535"),
            ('[mqtt_publish]\nbroker = "mqtt://127.0.0.1:1883"\nqos = 5\n',
             "mqtt_publish.qos = 5 is not allowed; allowed values: 0, 1, 2"),
            ('[mqtt_publish]\nbroker = "mqtt://127.0.0.1:1883"\ninterval = "0s"\n',
             'mqtt_publish.interval = "0s" is not allowed; allowed values: a duration'),
            ('[mqtt_publish]\ndiscovery = true\n', "[mqtt_publish] needs a broker"),
        ]
        for text, message in cases:
            with self.subTest(text=text):
                self.assert_refused(text, message)
        done = subprocess.run([BINARY, "run", "--mqtt-publish", "tcp://127.0.0.1:1883", "--check"],
                              capture_output=True, text=True, timeout=30, check=False)
        self.assertEqual(done.returncode, 2, done.stdout + done.stderr)
        self.assertIn("--mqtt-publish: 'tcp://127.0.0.1:1883' is not an MQTT URL", done.stderr)
        # --check names what would be published, and starts nothing.
        done = subprocess.run([BINARY, "run", "--mqtt-publish", "mqtt://127.0.0.1:1883/house",
                               "--state", os.path.join(self.work, "state"), "--check"],
                              capture_output=True, text=True, timeout=30, check=False)
        self.assertEqual(done.returncode, 0, done.stdout + done.stderr)
        self.assertIn("MQTT publishing to mqtt://127.0.0.1:1883: house/<serial>/state every 10 s",
                      done.stdout)

    def test_the_meter_answers_while_the_broker_is_away_and_publishing_resumes(self):
        meter = self.start_meter('interval = "1s"\n', http="off")
        self.wait_log("connected, publishing 1 meter(s)")
        messages = subscribe(self.broker.port, STATE, 1, 10)
        self.assertEqual(json.loads(messages[0][1])["active_power_l1_kw"], 1.5)
        port = meter.tcp_ports[0]
        self.broker.process.send_signal(signal.SIGKILL)  # the broker dies without a goodbye
        self.broker.process.wait(timeout=10)
        self.broker.process = None
        self.wait_log("connection lost")
        for _ in range(10):  # Modbus answers every poll meanwhile (mbpoll waits 1 s at most)
            self.assertEqual(mbpoll.floats(port, ACTIVE_L1)[0], 1.5)
            time.sleep(0.5)
        self.broker.start()  # on the same port
        # Back-off at most 30 s; within it the client reconnects and publishes again.
        deadline = time.monotonic() + 40
        while meter.output().count("connected, publishing 1 meter(s)") < 2:
            self.assertLess(time.monotonic(), deadline, meter.output())
            time.sleep(0.1)
        messages = subscribe(self.broker.port, STATE, 1, 10)
        self.assertEqual(len(messages), 1, meter.output())
        self.assertEqual(json.loads(messages[0][1])["active_power_l1_kw"], 1.5)
        self.assertEqual(mbpoll.floats(port, ACTIVE_L1)[0], 1.5)
        self.assertTrue(meter.alive())


    def test_the_home_assistant_example_is_discovered(self):
        """examples/home-assistant-mqtt.toml (docs/howto/home-assistant.md, "Over MQTT") with its
        broker moved to the test's and the const source: Home Assistant would find the meter."""
        example = os.path.join(ROOT, "examples", "home-assistant-mqtt.toml")
        self.meter = e2e.Pro380(self.work, [
            "--config", example, "--modbus-tcp", "127.0.0.1:0",
            "--mqtt-publish", f"mqtt://127.0.0.1:{self.broker.port}"], expect_tcp=1,
            source=SOURCE)
        self.wait_log("connected, publishing 1 meter(s), 60 discovery configs")
        configs = subscribe(self.broker.port, "homeassistant/sensor/pro380_22091043/+/config",
                            60, 10)
        self.assertEqual(len(configs), 60, self.meter.output())
        for _, payload in configs:
            config = json.loads(payload)
            self.assertEqual(config["state_topic"], "pro380/22091043/state")
            self.assertEqual(config["device"]["model"], "PRO380-Mod")
            self.assertEqual(config["device"]["serial_number"], "22091043")
        # The example's interval is 10 s: the first state within it.
        messages = subscribe(self.broker.port, "pro380/22091043/state", 1, 20)
        self.assertEqual(len(messages), 1, self.meter.output())
        self.assertEqual(json.loads(messages[0][1])["active_power_l1_kw"], 1.5)

if __name__ == "__main__":
    unittest.main()
