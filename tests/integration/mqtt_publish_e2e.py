"""What the MQTT publishing tests share (mqtt_publish_test.py, mqtt_publish_security_test.py,
mqtt_publish_ha_test.py, mqtt_publish_queue_test.py): a test case with its own work directory and
mosquitto broker (mqtt_broker.py), `pro380 run` started with a [mqtt_publish] table in a config
file, a bounded wait for a line of its log, the publisher's counters from REST, one-shot reads with
mosquitto_sub, and a config that `run --check` must refuse naming the key. The mqtt:// source
tests (mqtt_security_test.py, mqtt_bad_input_test.py) wait for their log lines with wait_log too.

Not a test itself; the process handling is modbus_e2e's (Pro380).
"""
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

SERIAL = "00000001"
SOURCE = "const:P1=1500,P2=700,U3=235"
STATE = f"pro380/{SERIAL}/state"
ACTIVE_L1 = 0x5014


def wait_log(test, meter, text, within_s=20):
    """Returns once `text` is in `meter`'s output; fails `test` after `within_s` seconds."""
    deadline = time.monotonic() + within_s
    while text not in meter.output():
        test.assertLess(time.monotonic(), deadline, meter.output())
        time.sleep(0.05)


def publisher_counters(web_url):
    """The publisher's counters from GET /api/v1/counters (its interface "mqtt-publish URL");
    an AssertionError when there is no such interface."""
    with urllib.request.urlopen(web_url + "api/v1/counters", timeout=10) as reply:
        interfaces = json.loads(reply.read())["interfaces"]
    found = [i["counters"] for i in interfaces if i["name"].startswith("mqtt-publish ")]
    if not found:
        raise AssertionError(f"no mqtt-publish interface in /api/v1/counters: {interfaces}")
    return found[0]


def subscribe(port, topic, count, wait_s, retained_only=False, client_args=()):
    """Up to `count` messages of `topic` as (topic, payload) within `wait_s` seconds, read by one
    mosquitto_sub; `client_args`: its options for credentials or TLS (-u, -P, --cafile)."""
    cmd = ["mosquitto_sub", "-h", "127.0.0.1", "-p", str(port), *client_args, "-t", topic,
           "-C", str(count), "-W", str(wait_s), "-v"] + (["--retained-only"] if retained_only
                                                          else [])
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=wait_s + 10, check=False)
    messages = []
    for line in done.stdout.splitlines():
        name, _, payload = line.partition(" ")
        messages.append((name, payload))
    return messages


class PublisherCase(unittest.TestCase):
    """A test with its own temporary directory (PREFIX), removed afterwards; a plain mosquitto
    broker in it on a free loopback port (with BROKER = False the test makes its own, or none, in
    self.broker); at most one `pro380 run` in self.meter. tearDown stops a meter that still runs
    (it must exit 0), then the broker, both by PID."""

    PREFIX = "pro380-mqtt-pub-"
    BROKER = True

    def setUp(self):
        self.work = tempfile.mkdtemp(prefix=self.PREFIX)
        self.meter = None
        self.broker = None
        if self.BROKER:
            try:
                self.broker = mqtt_broker.Broker(self.work)
            except BaseException:
                shutil.rmtree(self.work, ignore_errors=True)
                raise

    def tearDown(self):
        try:
            if self.meter and self.meter.alive():
                self.assertEqual(self.meter.stop(), 0, self.meter.output())
        finally:
            if self.broker:
                self.broker.stop()
            shutil.rmtree(self.work, ignore_errors=True)

    def start_publisher(self, table, scheme="mqtt", http="127.0.0.1:0", source=SOURCE):
        """`pro380 run` with Modbus TCP on a free port and, unless `table` is None, a config file
        whose [mqtt_publish] table names the test's broker (`scheme`://127.0.0.1:port) followed
        by `table` (more of its keys, and further tables)."""
        args = ["--modbus-tcp", "127.0.0.1:0"]
        if table is not None:
            config = os.path.join(self.work, "site.toml")
            with open(config, "w") as f:
                f.write(f'[mqtt_publish]\nbroker = "{scheme}://127.0.0.1:{self.broker.port}"\n'
                        + table)
            args = ["--config", config] + args
        self.meter = e2e.Pro380(self.work, args, expect_tcp=1, http=http, source=source)
        return self.meter

    def wait_log(self, text, within_s=20):
        wait_log(self, self.meter, text, within_s)

    def wait_counter(self, name, at_least, within_s):
        """The publisher's counters once `name` reaches `at_least` (bounded wait)."""
        deadline = time.monotonic() + within_s
        while True:
            counters = publisher_counters(self.meter.web_url)
            if counters[name] >= at_least:
                return counters
            self.assertLess(time.monotonic(), deadline, (counters, self.meter.output()))
            time.sleep(0.1)

    def assert_refused(self, config_text, message):
        """`pro380 run --config FILE --check` of `config_text` exits 2 with `message` in its
        stderr; returns the finished run."""
        config = os.path.join(self.work, "bad.toml")
        with open(config, "w") as f:
            f.write(config_text)
        done = subprocess.run([e2e.BINARY, "run", "--config", config, "--check"],
                              capture_output=True, text=True, timeout=30, check=False)
        self.assertEqual(done.returncode, 2, done.stdout + done.stderr)
        self.assertIn(message, done.stderr)
        return done
