#!/usr/bin/env python3
"""Credentials and TLS of the mqtt:// source (docs/config.md "[mqtt]", docs/sources.md): the real
`pro380 run --config` against a mosquitto broker the test starts with a password file
(mosquitto_passwd) or a TLS listener whose CA and server certificate the test makes with the
openssl command. Values published by mosquitto_pub (an independent client) reach the Modbus
registers (read by mbpoll) with the right credentials and CA; with a wrong password or a wrong
CA the meter logs why it is refused, never logs the password, and keeps answering Modbus."""
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
import mqtt_publish_e2e as pub  # noqa: E402

TOPIC = "house/meter"
SERIAL = "00000001"
USER, PASSWORD = "wallbox", "s3cret-Pa55"
ACTIVE_L1 = 0x5014


def openssl(*args):
    subprocess.run(["openssl", *args], check=True, timeout=60, capture_output=True)


def make_ca(work, name):
    """A self-signed CA: (cert, key) paths."""
    cert, key = os.path.join(work, f"{name}.crt"), os.path.join(work, f"{name}.key")
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
            "-days", "2", "-subj", f"/CN=pro380 test {name}")
    return cert, key


def make_server_cert(work, ca_cert, ca_key, name="server"):
    """A server certificate for 127.0.0.1 (subjectAltName IP, which libmosquitto verifies)."""
    key, csr = os.path.join(work, f"{name}.key"), os.path.join(work, f"{name}.csr")
    cert, ext = os.path.join(work, f"{name}.crt"), os.path.join(work, "san.ext")
    with open(ext, "w") as f:
        f.write("subjectAltName=IP:127.0.0.1\n")
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", csr,
            "-subj", "/CN=127.0.0.1")
    openssl("x509", "-req", "-in", csr, "-CA", ca_cert, "-CAkey", ca_key, "-CAcreateserial",
            "-out", cert, "-days", "2", "-extfile", ext)
    return cert, key


class MqttSecurityTest(unittest.TestCase):
    def setUp(self):
        self.work = tempfile.mkdtemp(prefix="pro380-mqtt-sec-")
        self.broker = None
        self.meter = None

    def tearDown(self):
        try:
            if self.meter:
                self.assertEqual(self.meter.stop(), 0, self.meter.output())
        finally:
            if self.broker:
                self.broker.stop()
            shutil.rmtree(self.work, ignore_errors=True)

    def start_meter(self, scheme, mqtt_table, http="off"):
        config = os.path.join(self.work, "site.toml")
        with open(config, "w") as f:
            f.write("[mqtt]\n" + mqtt_table)
        self.meter = e2e.Pro380(
            self.work, ["--config", config, "--modbus-tcp", "127.0.0.1:0"], expect_tcp=1,
            http=http,
            source=f"{scheme}://127.0.0.1:{self.broker.port}/{TOPIC}?stale=60s&timeout=120s")
        return self.meter.tcp_ports[0]

    def wait_log(self, text, within_s=20):
        pub.wait_log(self, self.meter, text, within_s)

    def expect_power(self, port, kw, within_s=5):
        deadline = time.monotonic() + within_s
        while abs(mbpoll.floats(port, ACTIVE_L1)[0] - kw) > 1e-4:
            self.assertLess(time.monotonic(), deadline, self.meter.output())
            time.sleep(0.1)

    def password_broker(self):
        pw = os.path.join(self.work, "passwd")
        subprocess.run(["mosquitto_passwd", "-b", "-c", pw, USER, PASSWORD], check=True,
                       timeout=30, capture_output=True)
        self.broker = mqtt_broker.Broker(self.work, password_file=pw)
        return ["-u", USER, "-P", PASSWORD]

    def test_right_credentials_from_a_password_file(self):
        creds = self.password_broker()
        secret = os.path.join(self.work, "mqtt-password")
        with open(secret, "w") as f:
            f.write(PASSWORD + "\n")
        port = self.start_meter("mqtt", f'username = "{USER}"\npassword_file = "{secret}"\n')
        self.wait_log("connected, subscribed to " + TOPIC)
        self.broker.publish(TOPIC, '{"active_power_l1_kw": 1.75}', creds)
        self.expect_power(port, 1.75)
        self.assertNotIn(PASSWORD, self.meter.output())

    def test_wrong_password_is_logged_and_the_meter_keeps_answering(self):
        creds = self.password_broker()
        port = self.start_meter("mqtt", f'username = "{USER}"\npassword = "not-{PASSWORD}"\n')
        self.wait_log("the broker refused the connection: Connection Refused: not authorised")
        self.broker.publish(TOPIC, '{"active_power_l1_kw": 1.75}', creds)
        time.sleep(0.5)
        self.assertEqual(mbpoll.floats(port, ACTIVE_L1)[0], 0.0)  # answers, waiting for values
        self.assertTrue(self.meter.alive())
        self.assertNotIn(PASSWORD, self.meter.output())

    def tls_broker(self):
        ca_cert, ca_key = make_ca(self.work, "ca")
        cert, key = make_server_cert(self.work, ca_cert, ca_key)
        self.broker = mqtt_broker.Broker(self.work, tls=(ca_cert, cert, key))
        return ca_cert

    def test_values_arrive_over_tls(self):
        ca_cert = self.tls_broker()
        port = self.start_meter("mqtts", f'ca_file = "{ca_cert}"\n')
        self.wait_log("connected, subscribed to " + TOPIC)
        self.broker.publish(TOPIC, '{"active_power_l1_kw": 2.25}', ["--cafile", ca_cert])
        self.expect_power(port, 2.25)

    def test_tls_true_with_an_mqtt_url(self):
        ca_cert = self.tls_broker()
        port = self.start_meter("mqtt", f'tls = true\nca_file = "{ca_cert}"\n')
        self.wait_log("connected, subscribed to " + TOPIC)
        self.broker.publish(TOPIC, '{"active_power_l1_kw": 0.5}', ["--cafile", ca_cert])
        self.expect_power(port, 0.5)

    def test_a_wrong_ca_is_logged_and_the_meter_keeps_answering(self):
        ca_cert = self.tls_broker()
        other_ca, _ = make_ca(self.work, "other")
        port = self.start_meter("mqtts", f'ca_file = "{other_ca}"\n')
        self.wait_log("certificate verify failed")
        self.broker.publish(TOPIC, '{"active_power_l1_kw": 2.25}', ["--cafile", ca_cert])
        time.sleep(0.5)
        self.assertEqual(mbpoll.floats(port, ACTIVE_L1)[0], 0.0)
        self.assertTrue(self.meter.alive())
        self.assertNotIn("connected, subscribed", self.meter.output())

    def test_a_broker_certificate_fixed_while_the_meter_runs_is_connected_to(self):
        # The broker first shows a certificate of a CA the meter does not trust; every handshake
        # fails. Then it restarts on the same port with one the meter's CA signed: the client,
        # still retrying (libmosquitto's own thread would have given up after the first retry),
        # connects and the values arrive.
        ca_cert, ca_key = make_ca(self.work, "ca")
        other_ca, other_key = make_ca(self.work, "other")
        wrong_cert, wrong_key = make_server_cert(self.work, other_ca, other_key, "wrong")
        self.broker = mqtt_broker.Broker(self.work, tls=(other_ca, wrong_cert, wrong_key))
        port = self.start_meter("mqtts", f'ca_file = "{ca_cert}"\n', http="127.0.0.1:0")
        deadline = time.monotonic() + 30
        while self.meter.output().count("certificate verify failed") < 3:
            self.assertLess(time.monotonic(), deadline, self.meter.output())
            time.sleep(0.1)
        self.assertEqual(mbpoll.floats(port, ACTIVE_L1)[0], 0.0)  # answers, waiting for values
        self.broker.stop()
        cert, key = make_server_cert(self.work, ca_cert, ca_key)
        self.broker = mqtt_broker.Broker(self.work, port=self.broker.port, tls=(ca_cert, cert, key))
        self.wait_log("connected, subscribed to " + TOPIC, within_s=30)  # back-off: at most 10 s
        self.broker.publish(TOPIC, '{"active_power_l1_kw": 1.25}', ["--cafile", ca_cert])
        self.expect_power(port, 1.25)
        url = self.meter.web_url + f"api/v1/meters/{SERIAL}/source"
        with urllib.request.urlopen(url, timeout=10) as reply:
            counters = json.loads(reply.read())["counters"]
        self.assertGreaterEqual(counters["connect_failures"], 3, counters)
        self.assertEqual((counters["connects"], counters["disconnects"]), (1, 0), counters)

    def test_a_missing_ca_file_is_a_bad_config(self):
        config = os.path.join(self.work, "site.toml")
        missing = os.path.join(self.work, "nope.crt")
        with open(config, "w") as f:
            f.write(f'[mqtt]\nca_file = "{missing}"\n')
        done = subprocess.run(
            [e2e.BINARY, "run", "--config", config, "--state", os.path.join(self.work, "state"),
             "--http", "off", "--modbus-tcp", "127.0.0.1:0", "--source",
             "mqtts://127.0.0.1:1/x", "--stop-after", "5s"],
            capture_output=True, text=True, timeout=30, check=False)
        self.assertEqual(done.returncode, 2, done.stdout + done.stderr)
        self.assertIn(f"mqtt.ca_file: cannot read '{missing}'", done.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.work, "state")))


if __name__ == "__main__":
    unittest.main()
