#!/usr/bin/env python3
"""The fleet benchmark: 10,000 meters in one `pro380 run` (a [[fleet]] template, docs/config.md).

In one run, on loopback only, bounded (about 80 s with the defaults):
  1. a 1-meter fleet for the baseline resident memory (VmRSS) of the process;
  2. the N-meter fleet (sim:household, each meter its own seed, updated every second, state
     saved every SAVE_INTERVAL in one SQLite transaction): its start time, then over WINDOW
     seconds its CPU share of one core (/proc/PID/stat utime + stime) and at the end its VmRSS;
     resident memory per meter = (VmRSS(N) - VmRSS(1)) / (N - 1);
  3. request throughput under bench/modbus_tcp/load_generator (FC03 0x5000 x 12, closed loop):
     GENERATORS load generators at once, one connection each, each on another fleet port and
     unit ID (spread over the whole fleet), against the libmodbus reference server
     (bench/modbus_tcp/reference_server.c) with the same number of connections, alternating,
     REPETITIONS times; medians.
Prints the figures and the ratios against the goals (issue 9: <= 10 % of one core and <= 4 KiB
per meter) and against the reference server.

Usage: run_fleet_bench.py [--build-dir build] [--count 10000] [--window 20] [--seconds 4]
                          [--generators 4] [--repetitions 3] [--save-interval 1s]
                          [--source sim:household]
Exit status: 0 when every step completed (whether or not the goals are met: a benchmark is not
a test), 1 when a server or a run failed. Every process is stopped by its PID.
"""
import argparse
import math
import os
import re
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "modbus_tcp"))
from run_bench import Server, load  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from bench_process import FleetProcess, measure_idle_fleet  # noqa: E402

START_TIMEOUT_S = 60.0
GOAL_CPU_SHARE = 0.10
GOAL_KIB_PER_METER = 4.0
FLEET_LINE = re.compile(r"^fleet: Modbus TCP on 127\.0\.0\.1:(\d+), IDs (\d+)-(\d+),", re.M)


class Fleet(FleetProcess):
    """pro380 run with a fleet of `count` meters; `ports` [(port, first id, last id)]."""

    def __init__(self, pro380, work, count, save_interval, lifetime_s, source):
        super().__init__(f"pro380 (fleet of {count})", pro380, work, f"fleet{count}-",
                         f'[run]\nsource = "{source}"\nsave_interval = "{save_interval}"\n'
                         f'stop_after = "{lifetime_s}s"\n[interfaces]\nhttp = "off"\n'
                         f'[[fleet]]\ncount = {count}\nserial_start = "30000001"\n'
                         f'modbus_tcp = "127.0.0.1:0"\n',
                         FLEET_LINE, math.ceil(count / 247), START_TIMEOUT_S)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build-dir", default="build")
    parser.add_argument("--count", type=int, default=10000)
    parser.add_argument("--window", type=float, default=20.0)
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--generators", type=int, default=4)
    parser.add_argument("--repetitions", type=int, default=3)
    parser.add_argument("--save-interval", default="1s")
    parser.add_argument("--source", default="sim:household",
                        help="every meter's source, e.g. const:P1=500 for the non-scenario cost")
    args = parser.parse_args()
    build = os.path.abspath(args.build_dir)
    pro380 = os.path.join(build, "pro380")
    reference = os.path.join(build, "bench", "modbus_tcp", "reference_server")
    generator = os.path.join(build, "bench", "modbus_tcp", "load_generator")
    for path in (pro380, reference, generator):
        if not os.access(path, os.X_OK):
            print(f"run_fleet_bench: {path} is not built (libmodbus-dev missing?)",
                  file=sys.stderr)
            return 1
    lifetime_s = int(args.window + args.repetitions * 2 * (args.seconds + 2) + 120)
    with tempfile.TemporaryDirectory(prefix="pro380-fleet-bench-") as work:
        servers = []
        try:
            idle = measure_idle_fleet(
                lambda count, lifetime: Fleet(pro380, work, count, args.save_interval, lifetime,
                                              args.source),
                args.count, args.window, lifetime_s, servers)
            fleet = idle.fleet

            ref = Server("reference", [reference, "127.0.0.1", "0", str(lifetime_s)], None, work)
            servers.append(ref)
            # The generators' targets: spread over the fleet's ports and each port's IDs.
            targets = []
            for g in range(args.generators):
                port, first, last = fleet.ports[(g * len(fleet.ports)) // args.generators]
                targets.append((port, first + (g * 97) % (last - first + 1)))
            fleet_rates, ref_rates = [], []
            for repetition in range(args.repetitions):
                for side in (("fleet", "ref") if repetition % 2 == 0 else ("ref", "fleet")):
                    if side == "ref":
                        run = load(generator, ref.port, args.generators, args.seconds, "regs12")
                        ref_rates.append(run["requests_per_s"])
                        continue
                    procs = [subprocess.Popen(
                        [generator, "127.0.0.1", str(port), "1", str(args.seconds), "regs12",
                         str(unit)], stdout=subprocess.PIPE, text=True)
                        for port, unit in targets]
                    total = 0.0
                    for p in procs:
                        out, _ = p.communicate(timeout=args.seconds + 30)
                        if p.returncode != 0:
                            raise RuntimeError(f"load_generator exited {p.returncode}")
                        total += float(re.search(r'"requests_per_s":([0-9.]+)', out)[1])
                    fleet_rates.append(total)
        except (RuntimeError, subprocess.TimeoutExpired, OSError) as error:
            print(f"run_fleet_bench: {error}", file=sys.stderr)
            return 1
        finally:
            for server in servers:
                server.stop()

    load_avg = os.getloadavg()
    fleet_rate, ref_rate = statistics.median(fleet_rates), statistics.median(ref_rates)
    print(f"\nfleet of {args.count} meters ({args.source}, save every {args.save_interval}), "
          f"{len(fleet.ports)} Modbus TCP ports; nproc {os.cpu_count()}, load average "
          f"{load_avg[0]:.2f}")
    print(f"start (to the last port's line)    {fleet.start_s:8.1f} s")
    share, per_meter = idle.cpu_share, idle.kib_per_meter
    print(f"CPU over {args.window:g} s                 {share * 100:8.1f} % of one core   "
          f"goal <= {GOAL_CPU_SHARE * 100:g} %   ratio {share / GOAL_CPU_SHARE:.2f} "
          f"{'ok' if share <= GOAL_CPU_SHARE else 'NO'}")
    print(f"resident memory                    {idle.rss_kib / 1024:8.1f} MiB (1 meter: "
          f"{idle.base_rss_kib / 1024:.1f} MiB)")
    print(f"resident memory per meter          {per_meter:8.2f} KiB          goal <= "
          f"{GOAL_KIB_PER_METER:g} KiB   ratio {per_meter / GOAL_KIB_PER_METER:.2f} "
          f"{'ok' if per_meter <= GOAL_KIB_PER_METER else 'NO'}")
    print(f"throughput, {args.generators} connections (FC03 0x5000 x 12), medians of "
          f"{args.repetitions}: fleet {fleet_rate:.0f} req/s over {args.generators} ports/IDs, "
          f"reference {ref_rate:.0f} req/s; ratio fleet/reference {fleet_rate / ref_rate:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
