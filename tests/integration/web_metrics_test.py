#!/usr/bin/env python3
"""/metrics and the REST API against the Modbus registers, end to end.

The real `pro380 run` (const source: 230 V, L1 +5 kW, L2 +5 kW, L3 -12 kW) serves Modbus TCP and
HTTP on free loopback ports. /metrics is parsed by the Prometheus client library's text parser
(Debian python3-prometheus-client, `text_string_to_metric_families`), and every sample of a
quantity that has a protocol 3.2 register must equal that register read over Modbus TCP as the
register's float32 (or integer) value. Energies grow while the test runs: their metric must lie
between a Modbus read before and one after the scrape (and equal both when those agree).

The address table below is written from reference pro380-protocols.md §1.3-§1.5, not from the
C++ tables, so a wrong binding on either side shows.
"""
import json
import os
import shutil
import struct
import sys
import unittest
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import modbus_e2e as e2e  # noqa: E402

from prometheus_client.parser import text_string_to_metric_families  # noqa: E402

PHASES = ("l1", "l2", "l3")
ENERGY_GROUPS = ["active_energy_kwh", "forward_active_energy_kwh", "reverse_active_energy_kwh",
                 "reactive_energy_kvarh", "forward_reactive_energy_kvarh",
                 "reverse_reactive_energy_kvarh"]


def member_names(total):
    """total, t1, t2, l1, l2, l3 of an energy group (§1.5 order)."""
    stem, unit = total.rsplit("_", 1)
    return [total] + [f"{stem}_{m}_{unit}" for m in ("t1", "t2", *PHASES)]


def register_table():
    """name -> (address, kind) for every quantity with a protocol 3.2 register."""
    table = {}
    address = 0x5002
    measured = ([f"voltage_{p}_v" for p in PHASES] + ["frequency_hz"])
    for name in measured:
        table[name] = (address, "f32")
        address += 2
    address = 0x500C  # 0x500A: the PRO1-only current
    for name in ([f"current_{p}_a" for p in PHASES]
                 + ["active_power_kw"] + [f"active_power_{p}_kw" for p in PHASES]
                 + ["reactive_power_kvar"] + [f"reactive_power_{p}_kvar" for p in PHASES]
                 + ["apparent_power_kva"] + [f"apparent_power_{p}_kva" for p in PHASES]
                 + ["power_factor"] + [f"power_factor_{p}" for p in PHASES]):
        table[name] = (address, "f32")
        address += 2
    address = 0x6000
    for group in ENERGY_GROUPS:
        for name in member_names(group):
            table[name] = (address, "energy")
            address += 2
    table["tariff"] = (0x6048, "s16")
    table["day_counter_kwh"] = (0x6049, "energy")
    table["ct_ratio"] = (0x400C, "bcd16")
    table["s0_rate"] = (0x400D, "f32")
    table["combined_code"] = (0x400F, "s16")
    table["power_down_count"] = (0x4016, "s16")
    table["quadrant"] = (0x4017, "s16")
    for k, p in enumerate(PHASES):
        table[f"quadrant_{p}"] = (0x4018 + k, "s16")
    return table


def f32(value):
    return struct.unpack(">f", struct.pack(">f", value))[0]


def decode(kind, words):
    if kind in ("f32", "energy"):
        return e2e.to_float(words[0], words[1])
    if kind == "s16":
        return struct.unpack(">h", struct.pack(">H", words[0]))[0]
    if kind == "bcd16":
        return int(f"{words[0]:04X}")
    raise ValueError(kind)


def http_get(url, timeout=5):
    with urllib.request.urlopen(url, timeout=timeout) as reply:
        return reply.status, reply.headers.get("Content-Type", ""), reply.read().decode()


def http_post(url, body, timeout=5, token=None):
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as reply:
            return reply.status, json.loads(reply.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


class WebMetricsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work, cls.meter = e2e.start_in_new_dir(
            "pro380-web-", lambda work: ["--modbus-tcp", "127.0.0.1:0"], expect_tcp=1,
            http="127.0.0.1:0")
        cls.port = cls.meter.tcp_ports[0]
        cls.url = cls.meter.web_url
        # The meter shows its load after its first tick (100 ms): wait for it, bounded.
        deadline = e2e.time.monotonic() + 5
        with e2e.TcpModbus(cls.port) as client:
            while e2e.to_float(*client.read(1, 0x5002, 2)) != 230.0:
                if e2e.time.monotonic() > deadline:
                    raise AssertionError("the meter shows no voltage after 5 s")
                e2e.time.sleep(0.05)

    @classmethod
    def tearDownClass(cls):
        e2e.stop_and_remove(cls.meter, cls.work)

    def read_all(self, client, table):
        values = {}
        for name, (address, kind) in table.items():
            count = 1 if kind in ("s16", "bcd16") else 2
            values[name] = decode(kind, client.read(1, address, count))
        return values

    def scrape(self):
        status, content_type, text = http_get(self.url + "metrics")
        self.assertEqual(status, 200)
        self.assertIn("text/plain", content_type)
        samples = {}
        self.interface_counters = {}
        for family in text_string_to_metric_families(text):
            self.assertEqual(family.type, "gauge", family.name)
            for sample in family.samples:
                if family.name == "pro380_interface_counter":
                    self.assertEqual(set(sample.labels), {"interface", "counter"})
                    key = (sample.labels["interface"], sample.labels["counter"])
                    self.interface_counters[key] = sample.value
                    continue
                self.assertEqual(sample.labels, {"serial": "00000001"})
                samples[sample.name] = sample.value
        return samples

    def test_metrics_equal_the_modbus_registers(self):
        table = register_table()
        with e2e.TcpModbus(self.port) as client:
            before = self.read_all(client, table)
            samples = self.scrape()
            # No request between the scrape and this read: the counters are the same.
            _, _, text = http_get(self.url + "api/v1/counters")
            rest = {(i["name"], k): v for i in json.loads(text)["interfaces"]
                    for k, v in i["counters"].items()}
            after = self.read_all(client, table)
        self.assertEqual(self.interface_counters, rest)
        self.assertGreaterEqual(
            next(v for (i, k), v in rest.items() if k == "connections_accepted"), 1)
        names = {name[len("pro380_"):] for name in samples}
        self.assertEqual(names - set(table), {"s0_forward_pulses", "s0_reverse_pulses",
                                              "led_active_pulses", "led_reactive_pulses"})
        self.assertEqual(set(table) - names, set())
        for name, (_, kind) in table.items():
            metric = samples["pro380_" + name]
            with self.subTest(name=name):
                if kind == "energy":
                    low, high = sorted((before[name], after[name]))
                    self.assertLessEqual(low, f32(metric))
                    self.assertLessEqual(f32(metric), high)
                elif kind == "f32":
                    self.assertEqual(before[name], after[name])  # constant load
                    self.assertEqual(f32(metric), before[name])
                else:
                    self.assertEqual(metric, before[name])
        self.assertEqual(samples["pro380_voltage_l1_v"], 230.0)
        self.assertEqual(samples["pro380_active_power_l3_kw"], -12.0)

    def test_rest_quantities_and_registers_agree_with_modbus(self):
        with e2e.TcpModbus(self.port) as client:
            words = client.read(1, 0x5002, 2)
        _, _, text = http_get(self.url + "api/v1/meters/00000001")
        meter = json.loads(text)
        self.assertEqual(f32(meter["quantities"]["voltage_l1_v"]), e2e.to_float(*words))
        _, _, text = http_get(self.url + "api/v1/meters/00000001/registers")
        registers = {r["address"]: r for r in json.loads(text)["interfaces"][0]["registers"]}
        self.assertEqual([int(w, 16) for w in registers[0x5002]["words"]], words)
        self.assertEqual(registers[0x4000]["words"], ["0x0000", "0x0001"])  # serial 00000001

    def test_rest_write_is_a_bus_write_logged_and_seen_over_modbus(self):
        status, body = http_post(self.url + "api/v1/meters/00000001/settings/s0_rate",
                                 {"value": 100})
        self.assertEqual(status, 200, body)
        with e2e.TcpModbus(self.port) as client:
            self.assertEqual(e2e.to_float(*client.read(1, 0x400D, 2)), 100.0)
        status, body = http_post(self.url + "api/v1/meters/00000001/settings/s0_rate",
                                 {"value": 123})
        self.assertEqual(status, 422, body)
        _, _, text = http_get(self.url + "api/v1/events")
        details = [(e["interface"], e["detail"]) for e in json.loads(text)["events"]]
        self.assertIn(("rest", "s0_rate: 1000 -> 100"), details)

    def test_traffic_log_shows_the_modbus_request(self):
        with e2e.TcpModbus(self.port) as client:
            client.read(1, 0x4000, 2)
        deadline = e2e.time.monotonic() + 5
        while True:
            _, _, text = http_get(self.url + "api/v1/traffic")
            traffic = json.loads(text)
            requests = [f for f in traffic["frames"]
                        if f["direction"] == "rx" and f["decoded"].endswith("FC03 read 0x4000 x2")]
            if requests or e2e.time.monotonic() > deadline:
                break
            e2e.time.sleep(0.05)
        self.assertTrue(requests, traffic["frames"][-5:])
        self.assertEqual(requests[-1]["interface"], "modbus-tcp")
        self.assertTrue(requests[-1]["hex"].endswith("01 03 40 00 00 02"))
        counters = traffic["interfaces"][0]["counters"]
        self.assertGreaterEqual(counters["meter_00000001.requests"], 1)


if __name__ == "__main__":
    if not e2e.BINARY or not os.path.exists(e2e.BINARY):
        print("PRO380_BINARY is not set", file=sys.stderr)
        sys.exit(2)
    unittest.main()
