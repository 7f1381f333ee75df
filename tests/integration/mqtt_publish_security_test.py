#!/usr/bin/env python3
"""The MQTT publisher's own login and TLS (docs/mqtt.md "Connection", docs/config.md
"[mqtt_publish]") end to end: the real `pro380 run` publishes to a mosquitto broker the test starts
with a TLS listener (a CA and server certificate the test makes with openssl) and a password file
(mosquitto_passwd); mosquitto_sub (an independent client) receives the state over TLS with its own
login. A wrong password or a CA that did not sign the broker's certificate is logged, counted
(connect_failures in /api/v1/counters, retried with back-off), never stops the meter (mbpoll is
answered) and never shows the password; bad TLS keys exit 2 naming the key."""
import json
import os
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mbpoll  # noqa: E402
import mqtt_broker  # noqa: E402
import mqtt_publish_e2e as pub  # noqa: E402
from mqtt_publish_e2e import ACTIVE_L1, STATE, publisher_counters, subscribe  # noqa: E402
from mqtt_security_test import make_ca, make_server_cert  # noqa: E402

USER, PASSWORD = "meter-publisher", "pub-S3cret-99"
READER, READER_PASSWORD = "home-assistant", "ha-S3cret-42"


class MqttPublishSecurityTest(pub.PublisherCase):
    PREFIX = "pro380-mqtt-pubsec-"
    BROKER = False  # secure_broker() makes it

    def secure_broker(self):
        """A TLS listener that also wants a user name and password; the CA's certificate."""
        ca_cert, ca_key = make_ca(self.work, "ca")
        cert, key = make_server_cert(self.work, ca_cert, ca_key)
        passwd = os.path.join(self.work, "passwd")
        for n, (user, password) in enumerate(((USER, PASSWORD), (READER, READER_PASSWORD))):
            subprocess.run(["mosquitto_passwd", "-b"] + (["-c"] if n == 0 else [])
                           + [passwd, user, password], check=True, timeout=30,
                           capture_output=True)
        self.broker = mqtt_broker.Broker(self.work, password_file=passwd, tls=(ca_cert, cert, key))
        return ca_cert

    def start_meter(self, table):
        return self.start_publisher('interval = "1s"\n' + table, scheme="mqtts")

    def wait_failures(self, at_least, within_s=15):
        """connect_failures reaches `at_least`: the failure is counted and retried."""
        return self.wait_counter("connect_failures", at_least, within_s)

    def subscribe_state(self, ca_cert):
        """The state's payload, read over TLS with the reader's login."""
        messages = subscribe(self.broker.port, STATE, 1, 10, client_args=[
            "--cafile", ca_cert, "-u", READER, "-P", READER_PASSWORD])
        self.assertEqual(len(messages), 1, self.meter.output())
        return messages[0][1]

    def assert_meter_answers(self):
        for _ in range(3):
            self.assertEqual(mbpoll.floats(self.meter.tcp_ports[0], ACTIVE_L1)[0], 1.5)
            time.sleep(0.2)
        self.assertTrue(self.meter.alive())

    def test_the_state_arrives_over_tls_with_a_password_file(self):
        ca_cert = self.secure_broker()
        secret = os.path.join(self.work, "publisher-password")
        with open(secret, "w") as f:
            f.write(PASSWORD + "\n")
        meter = self.start_meter(f'username = "{USER}"\npassword_file = "{secret}"\n'
                                 f'ca_file = "{ca_cert}"\n')
        self.wait_log("connected, publishing 1 meter(s)")
        state = json.loads(self.subscribe_state(ca_cert))
        self.assertEqual(state["active_power_l1_kw"], 1.5)
        self.assertEqual(state["voltage_l3_v"], 235.0)
        counters = publisher_counters(meter.web_url)
        self.assertEqual((counters["connects"], counters["connect_failures"]), (1, 0), counters)
        self.assertGreaterEqual(counters["states_published"], 1)
        self.assertNotIn(PASSWORD, meter.output())

    def test_a_wrong_password_is_logged_counted_and_retried(self):
        ca_cert = self.secure_broker()
        meter = self.start_meter(f'username = "{USER}"\npassword = "not-{PASSWORD}"\n'
                                 f'ca_file = "{ca_cert}"\n')
        self.wait_log("the broker refused the connection: Connection Refused: not authorised")
        counters = self.wait_failures(2)  # the first attempt and a retry after 1 s
        self.assertEqual(counters["connects"], 0)
        self.assert_meter_answers()
        self.assertNotIn(PASSWORD, meter.output())
        self.assertNotIn("connected, publishing", meter.output())

    def test_an_unknown_ca_is_logged_counted_and_retried(self):
        self.secure_broker()
        other_ca, _ = make_ca(self.work, "other")
        meter = self.start_meter(f'username = "{USER}"\npassword = "{PASSWORD}"\n'
                                 f'ca_file = "{other_ca}"\n')
        self.wait_log("certificate verify failed")
        # Retried after a TLS failure too (libmosquitto's own thread would give up after one).
        counters = self.wait_failures(3)
        self.assertEqual(counters["connects"], 0)
        self.assertIn("cannot connect (", meter.output())
        self.assert_meter_answers()
        self.assertNotIn("connected, publishing", meter.output())

    def test_bad_tls_and_login_keys_exit_2_naming_the_key(self):
        ca_cert, _ = make_ca(self.work, "ca")
        missing = os.path.join(self.work, "nope.crt")
        head = '[mqtt_publish]\nbroker = "mqtts://127.0.0.1:8883"\n'
        cases = [
            (f'ca_file = "{missing}"\n', f"mqtt_publish.ca_file: cannot read '{missing}'"),
            (f'cert_file = "{ca_cert}"\n',
             "mqtt_publish: cert_file and key_file go together"),
            (f'tls = false\nca_file = "{ca_cert}"\n',
             "mqtt_publish.tls = false is not allowed with ca_file"),
            ('tls = "yes"\n', "mqtt_publish.tls must be true or false"),
            (f'password = "{PASSWORD}"\n',
             "mqtt_publish.password needs mqtt_publish.username"),
            (f'username = "u"\npassword_file = "{missing}"\n',
             f"mqtt_publish.password_file: cannot read '{missing}'"),
            ('keepalive = 1\n',
             "mqtt_publish.keepalive = 1 is not allowed; allowed values: 5..65535"),
            ('ca_fle = "x"\n', "mqtt_publish.ca_fle is not a known key; known keys:"),
        ]
        for text, message in cases:
            with self.subTest(text=text):
                done = self.assert_refused(head + text, message)
                self.assertNotIn(PASSWORD, done.stdout + done.stderr)


if __name__ == "__main__":
    unittest.main()
