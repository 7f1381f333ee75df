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
import shutil
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mbpoll  # noqa: E402
import modbus_e2e as e2e  # noqa: E402
import mqtt_broker  # noqa: E402
from mqtt_security_test import make_ca, make_server_cert  # noqa: E402

SERIAL = "00000001"
SOURCE = "const:P1=1500,P2=700,U3=235"
STATE = f"pro380/{SERIAL}/state"
USER, PASSWORD = "meter-publisher", "pub-S3cret-99"
READER, READER_PASSWORD = "home-assistant", "ha-S3cret-42"
ACTIVE_L1 = 0x5014


def publisher_counters(web_url):
    """The publisher's counters from GET /api/v1/counters (its interface "mqtt-publish URL")."""
    with urllib.request.urlopen(web_url + "api/v1/counters", timeout=10) as reply:
        interfaces = json.loads(reply.read())["interfaces"]
    found = [i["counters"] for i in interfaces if i["name"].startswith("mqtt-publish ")]
    return found[0] if found else None


class MqttPublishSecurityTest(unittest.TestCase):
    def setUp(self):
        self.work = tempfile.mkdtemp(prefix="pro380-mqtt-pubsec-")
        self.broker = None
        self.meter = None

    def tearDown(self):
        try:
            if self.meter and self.meter.alive():
                self.assertEqual(self.meter.stop(), 0, self.meter.output())
        finally:
            if self.broker:
                self.broker.stop()
            shutil.rmtree(self.work, ignore_errors=True)

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
        config = os.path.join(self.work, "site.toml")
        with open(config, "w") as f:
            f.write(f'[mqtt_publish]\nbroker = "mqtts://127.0.0.1:{self.broker.port}"\n'
                    'interval = "1s"\n' + table)
        self.meter = e2e.Pro380(self.work, ["--config", config, "--modbus-tcp", "127.0.0.1:0"],
                                expect_tcp=1, http="127.0.0.1:0", source=SOURCE)
        return self.meter

    def wait_log(self, text, within_s=20):
        deadline = time.monotonic() + within_s
        while text not in self.meter.output():
            self.assertLess(time.monotonic(), deadline, self.meter.output())
            time.sleep(0.05)

    def wait_failures(self, at_least, within_s=15):
        """connect_failures reaches `at_least`: the failure is counted and retried."""
        deadline = time.monotonic() + within_s
        while True:
            counters = publisher_counters(self.meter.web_url)
            if counters["connect_failures"] >= at_least:
                return counters
            self.assertLess(time.monotonic(), deadline, (counters, self.meter.output()))
            time.sleep(0.1)

    def subscribe_state(self, ca_cert):
        done = subprocess.run(
            ["mosquitto_sub", "-h", "127.0.0.1", "-p", str(self.broker.port), "--cafile", ca_cert,
             "-u", READER, "-P", READER_PASSWORD, "-t", STATE, "-C", "1", "-W", "10"],
            capture_output=True, text=True, timeout=20, check=False)
        return done.stdout.strip()

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
        config = os.path.join(self.work, "bad.toml")
        for text, message in cases:
            with self.subTest(text=text):
                with open(config, "w") as f:
                    f.write(head + text)
                done = subprocess.run(
                    [e2e.BINARY, "run", "--config", config, "--check"], capture_output=True,
                    text=True, timeout=30, check=False)
                self.assertEqual(done.returncode, 2, done.stdout + done.stderr)
                self.assertIn(message, done.stderr)
                self.assertNotIn(PASSWORD, done.stdout + done.stderr)


if __name__ == "__main__":
    unittest.main()
