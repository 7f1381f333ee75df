#!/usr/bin/env python3
"""Setting writes over MQTT (docs/mqtt.md "Setting writes"): with `writes = true` in
[mqtt_publish], a JSON object published by mosquitto_pub (an independent client) to
`pro380/<serial>/set` writes the meter's settings through its register bank, as a Modbus or REST
write does: mbpoll, REST and the next state message then show the new value, and the event log
records it with interface `mqtt` and the topic. A value the setting does not allow, an unknown setting, a value that is not
a number, a payload that is not a JSON object and a retained set message (which the broker would
hand over again at every connect) are each logged with the topic, counted (`writes_refused`) and
change nothing. Without `writes` (the default) nothing subscribes to the set topics, so a set
message changes nothing; `writes` that is not a boolean exits 2 naming the key."""
import json
import os
import subprocess
import sys
import unittest
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mbpoll  # noqa: E402
import mqtt_publish_e2e as pub  # noqa: E402
from mqtt_publish_e2e import SERIAL, publisher_counters, subscribe  # noqa: E402

SET = f"pro380/{SERIAL}/set"
TARIFF = 0x6048  # protocol 3.2: the active tariff (1 or 2)


def rest_json(url):
    with urllib.request.urlopen(url, timeout=10) as reply:
        return json.loads(reply.read())


class MqttPublishWritesTest(pub.PublisherCase):
    PREFIX = "pro380-mqtt-writes-"

    def publish(self, payload, retain=False):
        args = ["mosquitto_pub", "-h", "127.0.0.1", "-p", str(self.broker.port), "-t", SET,
                "-m", payload, "-q", "1"]
        subprocess.run(args + (["-r"] if retain else []), check=True, timeout=10,
                       capture_output=True)

    def tariff(self):
        words = mbpoll.words(mbpoll.tcp(self.meter.tcp_ports[0]), 1, TARIFF, 1)
        self.assertIsNotNone(words, "no Modbus reply")
        return int(words[0], 16)

    def events(self):
        return [(e["interface"], e["client"], e["detail"])
                for e in rest_json(self.meter.web_url + "api/v1/events")["events"]]

    def test_a_set_message_writes_the_setting_as_modbus_and_rest_read_it(self):
        self.start_publisher('interval = "1s"\nwrites = true\n')
        self.wait_log("connected, publishing 1 meter(s)")
        self.assertIn("settings written from pro380/<serial>/set", self.meter.output())
        self.assertEqual(self.tariff(), 1)
        self.publish('{"tariff": 2}')
        self.wait_log(f"topic {SET}: tariff written: 2")
        self.assertEqual(self.tariff(), 2)
        quantities = rest_json(self.meter.web_url + f"api/v1/meters/{SERIAL}")["quantities"]
        self.assertEqual(quantities["tariff"], 2)
        self.assertIn(("mqtt", SET, "tariff: 1 -> 2"), self.events())
        states = subscribe(self.broker.port, pub.STATE, 1, 10)  # the next one, every 1 s
        self.assertEqual(len(states), 1, self.meter.output())
        self.assertEqual(json.loads(states[0][1])["tariff"], 2)
        counters = publisher_counters(self.meter.web_url)
        self.assertEqual((counters["settings_written"], counters["writes_refused"]), (1, 0))

    def test_refusals_are_logged_counted_and_change_nothing(self):
        # Retained before the meter connects: the broker hands it over at the subscription.
        self.publish('{"tariff": 2}', retain=True)
        self.start_publisher('interval = "1s"\nwrites = true\n')
        self.wait_log(f"topic {SET}: a retained set message is not applied")
        for payload, said in [
                ('{"tariff": 3}', "tariff: refused: value 3 not allowed or the setting is locked"),
                ('{"no_such_setting": 1}',
                 "no_such_setting: refused: no writable setting of that name (modbus_id,"),
                ('{"tariff": "2"}', "tariff: refused: the value must be a number"),
                ("tariff=2", "message refused: not a JSON object of settings and numbers"),
                ("[2]", "message refused: not a JSON object of settings and numbers")]:
            with self.subTest(payload=payload):
                self.publish(payload)
                self.wait_log(f"topic {SET}: {said}")
        counters = publisher_counters(self.meter.web_url)
        self.assertEqual((counters["settings_written"], counters["writes_refused"]), (0, 6))
        self.assertEqual(self.tariff(), 1)
        self.assertEqual([e for e in self.events() if e[0] == "mqtt"], [])
        # One refused setting does not stop the others of the message, taken in its order.
        self.publish('{"tariff": 5, "s0_rate": 100}')
        self.wait_log(f"topic {SET}: s0_rate written: 100")
        output = self.meter.output()
        self.assertLess(output.index("tariff: refused: value 5"),
                        output.index("s0_rate written: 100"))
        self.assertEqual(self.tariff(), 1)
        self.assertIn(("mqtt", SET, "s0_rate: 1000 -> 100"), self.events())

    def test_without_writes_a_set_message_changes_nothing(self):
        self.start_publisher('interval = "1s"\n')
        self.wait_log("connected, publishing 1 meter(s)")
        self.assertNotIn("/set", self.meter.output())
        self.publish('{"tariff": 2}')
        # Two publishing rounds later the message would long have been taken.
        before = publisher_counters(self.meter.web_url)["states_published"]
        self.wait_counter("states_published", before + 2, within_s=10)
        self.assertEqual(self.tariff(), 1)
        self.assertNotIn("written", self.meter.output())
        self.assertEqual(publisher_counters(self.meter.web_url)["writes_refused"], 0)

    def test_writes_must_be_a_boolean(self):
        self.assert_refused(f'[mqtt_publish]\nbroker = "mqtt://127.0.0.1:{self.broker.port}"\n'
                            'writes = "yes"\n', "mqtt_publish.writes")


if __name__ == "__main__":
    if not mbpoll.MBPOLL or not pub.e2e.BINARY:
        print("skipped: needs mbpoll and PRO380_BINARY")
        sys.exit(77)
    unittest.main()
