#!/usr/bin/env python3
"""The PRO380-Mb fleet benchmark: N meters of a [[fleet]] with variant = "mb" in one `pro380 run`
(docs/config.md, "[[fleet]]"), measured as bench/fleet/run_fleet_bench.py measures the Modbus
fleet (bench/bench_process.py's measure_idle_fleet, cpu_seconds and rss_kib), on loopback only,
bounded (about 60 s with the defaults):
  1. a 1-meter mb fleet for the baseline resident memory (VmRSS) of the process;
  2. the N-meter fleet (each meter its own seed, updated every second, state saved every
     SAVE_INTERVAL), 250 primary addresses on each M-Bus TCP port: its start time, then over
     WINDOW seconds with no request its CPU share of one core (/proc/PID/stat utime + stime),
     and its VmRSS; resident memory per meter = (VmRSS(N) - VmRSS(1)) / (N - 1);
  3. over WINDOW seconds under a closed-loop readout load: one client per port (a thread each),
     each reading the first telegram of every meter of its port in turn (SND_NKE, E5, REQ_UD2,
     RSP_UD of 252 data bytes): readouts/s and the process's CPU share.
Prints the figures; a benchmark, not a test (no goal: issue 9 sets none for M-Bus fleets).

Usage: run_mbus_fleet_bench.py [--build-dir build] [--count 1000] [--window 20]
                               [--save-interval 1s] [--source sim:household]
Exit status: 0 when every step completed, 1 when a run or a client failed. Every process is
stopped by its PID.
"""
import argparse
import math
import os
import re
import socket
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from bench_process import FleetProcess, cpu_seconds, measure_idle_fleet, rss_kib  # noqa: E402

START_TIMEOUT_S = 60.0
PER_BUS = 250
FLEET_LINE = re.compile(r"^fleet: M-Bus TCP on 127\.0\.0\.1:(\d+), primary addresses "
                        r"(\d+)-(\d+),", re.M)


class MbusFleet(FleetProcess):
    """pro380 run with an mb fleet of `count` meters; `ports` [(port, first, last address)]."""

    def __init__(self, pro380, work, count, save_interval, lifetime_s, source):
        super().__init__(f"pro380 (mb fleet of {count})", pro380, work, f"mbfleet{count}-",
                         f'[run]\nsource = "{source}"\nsave_interval = "{save_interval}"\n'
                         f'stop_after = "{lifetime_s}s"\n[interfaces]\nhttp = "off"\n'
                         f'modbus_tcp = "127.0.0.1:0"\n[[fleet]]\nvariant = "mb"\n'
                         f'count = {count}\nserial_start = "50000001"\n'
                         f'mbus_tcp = "127.0.0.1:0"\n',
                         FLEET_LINE, math.ceil(count / PER_BUS), START_TIMEOUT_S)


def short_frame(control, address):
    return bytes([0x10, control, address, (control + address) & 0xFF, 0x16])


def receive(sock, want):
    data = b""
    while len(data) < want:
        chunk = sock.recv(want - len(data))
        if not chunk:
            raise RuntimeError("the fleet closed an M-Bus TCP connection")
        data += chunk
    return data


def read_first_telegram(sock, address):
    """SND_NKE (E5), then REQ_UD2 with FCB set: the RSP_UD's length in bytes."""
    sock.sendall(short_frame(0x40, address))
    if receive(sock, 1) != b"\xe5":
        raise RuntimeError(f"no E5 from primary address {address}")
    sock.sendall(short_frame(0x7B, address))
    head = receive(sock, 4)
    if head[0] != 0x68 or head[1] != head[2]:
        raise RuntimeError(f"not an RSP_UD from primary address {address}: {head.hex()}")
    return 4 + len(receive(sock, head[1] + 2))


def poll_port(port, first, last, until, counts, errors, index):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
            address = first
            while time.monotonic() < until:
                read_first_telegram(sock, address)
                counts[index] += 1
                address = first if address == last else address + 1
    except (OSError, RuntimeError) as error:
        errors.append(f"port {port}: {error}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build-dir", default="build")
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--window", type=float, default=20.0)
    parser.add_argument("--save-interval", default="1s")
    parser.add_argument("--source", default="sim:household")
    args = parser.parse_args()
    pro380 = os.path.join(os.path.abspath(args.build_dir), "pro380")
    if not os.access(pro380, os.X_OK):
        print(f"run_mbus_fleet_bench: {pro380} is not built", file=sys.stderr)
        return 1
    lifetime_s = int(2 * args.window + 120)
    with tempfile.TemporaryDirectory(prefix="pro380-mbus-fleet-bench-") as work:
        runs = []
        try:
            idle = measure_idle_fleet(
                lambda count, lifetime: MbusFleet(pro380, work, count, args.save_interval,
                                                  lifetime, args.source),
                args.count, args.window, lifetime_s, runs)
            fleet, pid = idle.fleet, idle.fleet.process.pid

            counts, errors = [0] * len(fleet.ports), []
            cpu0, t0 = cpu_seconds(pid), time.monotonic()
            until = t0 + args.window
            threads = [threading.Thread(target=poll_port, args=(*p, until, counts, errors, k))
                       for k, p in enumerate(fleet.ports)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=args.window + 30)
            cpu1, t1 = cpu_seconds(pid), time.monotonic()
            if errors:
                raise RuntimeError("; ".join(errors))
            load_share = (cpu1 - cpu0) / (t1 - t0)
            readouts = sum(counts) / (t1 - t0)
            rss_after = rss_kib(pid)
        except (RuntimeError, OSError) as error:
            print(f"run_mbus_fleet_bench: {error}", file=sys.stderr)
            return 1
        finally:
            for run in runs:
                run.stop()

    load_avg = os.getloadavg()
    print(f"\nmb fleet of {args.count} meters ({args.source}, save every {args.save_interval}), "
          f"{len(fleet.ports)} M-Bus TCP ports of up to {PER_BUS}; nproc {os.cpu_count()}, "
          f"load average {load_avg[0]:.2f}")
    print(f"start (to the last port's line)    {fleet.start_s:8.1f} s")
    print(f"CPU over {args.window:g} s, no requests     {idle.cpu_share * 100:8.1f} % of one "
          "core")
    print(f"resident memory                    {idle.rss_kib / 1024:8.1f} MiB (1 meter: "
          f"{idle.base_rss_kib / 1024:.1f} MiB)")
    print(f"resident memory per meter          {idle.kib_per_meter:8.2f} KiB")
    print(f"readout load, {len(fleet.ports)} clients (SND_NKE + REQ_UD2, first telegram), "
          f"{args.window:g} s: {readouts:.0f} readouts/s, CPU {load_share * 100:.1f} % of one "
          f"core, VmRSS after {rss_after / 1024:.1f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
