#!/usr/bin/env python3
"""The Modbus TCP pair: pro380's server against libmodbus's, under the same load, in one run.

Starts, on free loopback ports,
  - reference_server (bench/modbus_tcp/reference_server.c: libmodbus, one select() loop), and
  - pro380 run --modbus-tcp 127.0.0.1:PORT --http off --state TMP --source const:...,
then runs load_generator (closed loop, one thread and connection each, FC03 0x5000 x 50 by
default) at each connection count against each server in turn, REPETITIONS times (the order of
the two servers alternating), and prints every run and a table of medians with the ratios:
throughput pro380 / reference (goal >= 1.0 at 1 connection, >= 1.5 at 4) and p99 latency (goal:
pro380's no worse). Each run also gives the server's CPU time per answered request (its threads'
schedstat), which other work on the machine moves much less than the rates. Both servers and the load generator share the machine, as they would on a
small gateway; `nproc` and the load average are printed with the figures, since other work on
the machine moves them (the medians of alternating runs are what to compare).

Usage: run_bench.py [--build-dir build] [--seconds 2] [--connections 1,4] [--repetitions 9]
                    [--mode regs12|block5000|alternate] [--json FILE]
Exit status: 0 when every run completed (whether or not the goals are met: a benchmark is not a
test), 1 when a server or a run failed. Both servers are stopped with SIGTERM by their PIDs.
"""
import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from bench_process import BenchProcess  # noqa: E402

SOURCE = "const:P1=5000,P2=5000,P3=-12000"
START_TIMEOUT_S = 10.0
STOP_TIMEOUT_S = 10.0
GOALS = {1: 1.0, 4: 1.5}  # throughput ratio pro380 / reference per connection count


def free_port():
    """A loopback port nobody listens on now (the kernel's pick; a small race is accepted)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server(BenchProcess):
    """A server process of this run; `port` is set once it accepts connections."""

    def __init__(self, name, cmd, port, log_dir):
        super().__init__(name, cmd, os.path.join(log_dir, f"{name}.log"), STOP_TIMEOUT_S)
        self.port = port
        self.wait_until(self.listening, START_TIMEOUT_S)

    def listening(self):
        if self.port is None:  # the reference server names its port
            for line in self.output().splitlines():
                if line.startswith("listening "):
                    self.port = int(line.split()[2])
        if self.port is None:
            return False
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.settimeout(0.5)
            return s.connect_ex(("127.0.0.1", self.port)) == 0


def cpu_ns(pid):
    """CPU time the process's threads have run so far (ns; /proc/PID/task/*/schedstat), or None
    where that is not available. Threads that ended before the call are not counted."""
    total = 0
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/schedstat") as stat:
                total += int(stat.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return total


def load(generator, port, connections, seconds, mode):
    cmd = [generator, "127.0.0.1", str(port), str(connections), str(seconds), mode]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 30, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {done.returncode}: {done.stderr.strip()}")
    return json.loads(done.stdout)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build-dir", default="build")
    # Many short alternating runs: their medians move less with other work on the machine than
    # a few long ones (docs/performance.md, "The Modbus TCP pair").
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--connections", default="1,4")
    parser.add_argument("--repetitions", type=int, default=9)
    parser.add_argument("--mode", default="regs12", choices=("regs12", "block5000", "alternate"))
    parser.add_argument("--json", help="also write the runs as JSON to this file")
    args = parser.parse_args()
    build = os.path.abspath(args.build_dir)
    pro380 = os.path.join(build, "pro380")
    reference = os.path.join(build, "bench", "modbus_tcp", "reference_server")
    generator = os.path.join(build, "bench", "modbus_tcp", "load_generator")
    for path in (pro380, reference, generator):
        if not os.access(path, os.X_OK):
            print(f"run_bench: {path} is not built (libmodbus-dev missing?)", file=sys.stderr)
            return 1
    counts = [int(c) for c in args.connections.split(",")]
    # Each server lives for the whole run and no longer: its runs, warm-ups and a margin.
    lifetime_s = int(args.repetitions * len(counts) * (args.seconds + 2) * 2 + 60)

    help_text = subprocess.run([pro380, "run", "--help"], capture_output=True, text=True,
                               timeout=30, check=False).stdout
    has_tcp = "--modbus-tcp" in help_text
    results = []
    with tempfile.TemporaryDirectory(prefix="pro380-bench-") as tmp:
        servers = []
        try:
            servers.append(Server("reference", [reference, "127.0.0.1", "0", str(lifetime_s)],
                                  None, tmp))
            if has_tcp:
                port = free_port()
                state = os.path.join(tmp, "state")
                os.mkdir(state)
                servers.append(Server("pro380", [
                    pro380, "run", "--modbus-tcp", f"127.0.0.1:{port}", "--http", "off",
                    "--state", state, "--source", SOURCE, "--stop-after", f"{lifetime_s}s"],
                    port, tmp))
            else:
                print("run_bench: this pro380 has no --modbus-tcp yet; the reference alone")
            for server in servers:  # warm-up: connections, caches, the meter's first record
                load(generator, server.port, 1, 1.0, args.mode)
            for repetition in range(args.repetitions):
                order = servers if repetition % 2 == 0 else servers[::-1]
                for connections in counts:
                    for server in order:
                        before = cpu_ns(server.process.pid)
                        run = load(generator, server.port, connections, args.seconds, args.mode)
                        after = cpu_ns(server.process.pid)
                        # The server's CPU per answered request: its cost, whatever else the
                        # machine runs (which moves the rates).
                        run["server_cpu_us_per_request"] = (
                            (after - before) / 1000.0 / run["requests"]
                            if before is not None and after is not None and run["requests"]
                            else float("nan"))
                        run["server"] = server.name
                        run["repetition"] = repetition
                        results.append(run)
        except (RuntimeError, subprocess.TimeoutExpired, json.JSONDecodeError) as error:
            print(f"run_bench: {error}", file=sys.stderr)
            return 1
        finally:
            for server in servers:
                server.stop()

    load_avg = os.getloadavg()
    print(f"\nModbus TCP, FC03 { {'regs12': '0x5000 x 12', 'block5000': '0x5000 x 50'}.get(args.mode, 'three blocks') }, "
          f"{args.seconds:g} s per run, closed loop; nproc {os.cpu_count()}, load average "
          f"{load_avg[0]:.2f}")
    print(f"{'run':>3} {'server':<10} {'conns':>5} {'req/s':>10} {'p50 us':>8} {'p99 us':>8} "
          f"{'max us':>9} {'errors':>6} {'cpu us/req':>10}")
    for r in results:
        print(f"{r['repetition']:>3} {r['server']:<10} {r['connections']:>5} "
              f"{r['requests_per_s']:>10.0f} {r['p50_us']:>8.1f} {r['p99_us']:>8.1f} "
              f"{r['max_us']:>9.1f} {r['errors']:>6} {r['server_cpu_us_per_request']:>10.2f}")
    medians = {}
    for server in [s.name for s in servers]:
        for connections in counts:
            runs = [r for r in results if r["server"] == server and r["connections"] == connections]
            medians[server, connections] = {
                key: statistics.median(r[key] for r in runs)
                for key in ("requests_per_s", "p50_us", "p99_us", "server_cpu_us_per_request")}
    print(f"\nmedians of {args.repetitions}")
    print(f"{'server':<10} {'conns':>5} {'req/s':>10} {'p50 us':>8} {'p99 us':>8} {'cpu us/req':>10}")
    for (server, connections), m in medians.items():
        print(f"{server:<10} {connections:>5} {m['requests_per_s']:>10.0f} {m['p50_us']:>8.1f} "
              f"{m['p99_us']:>8.1f} {m['server_cpu_us_per_request']:>10.2f}")
    if has_tcp:
        print(f"\n{'conns':>5} {'throughput pro380/ref':>22} {'goal':>6} {'p99 pro380/ref':>15}"
              f" {'goal':>6}")
        for connections in counts:
            ref = medians["reference", connections]
            ours = medians["pro380", connections]
            ratio = ours["requests_per_s"] / ref["requests_per_s"]
            p99 = ours["p99_us"] / ref["p99_us"]
            goal = GOALS.get(connections)
            goal_text = f">={goal:g} {'ok' if ratio >= goal else 'NO'}" if goal else "-"
            print(f"{connections:>5} {ratio:>22.2f} {goal_text:>6} {p99:>15.2f} "
                  f"{'<=1 ' + ('ok' if p99 <= 1.0 else 'NO'):>6}")
    if args.json:
        with open(args.json, "w") as out:
            json.dump(results, out, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
