"""A process a benchmark starts (bench/modbus_tcp/run_bench.py, bench/fleet/run_fleet_bench.py,
bench/fleet/run_mbus_fleet_bench.py): its output in a log file, a bounded wait until it is ready,
and a stop by its PID (SIGTERM, then SIGKILL of our own child if it does not end in time). For the
fleet benchmarks also: a fleet's `pro380 run` (FleetProcess), a process's CPU time and VmRSS from
/proc, and their idle measurement (measure_idle_fleet).
"""
import collections
import os
import signal
import subprocess
import tempfile
import time

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


class BenchProcess:
    """`cmd` started now, its stdout and stderr in `log_path`."""

    def __init__(self, name, cmd, log_path, stop_timeout_s=10.0):
        self.name = name
        self.stop_timeout_s = stop_timeout_s
        self.log = open(log_path, "w+")
        self.process = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL)

    def output(self):
        self.log.flush()
        self.log.seek(0)
        return self.log.read()

    def wait_until(self, ready, timeout_s):
        """Calls ready() every 50 ms until it returns true. Raises RuntimeError (after stopping
        the process) when the process exits first or `timeout_s` passes."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}: "
                                   f"{self.output()}")
            if ready():
                return
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"{self.name} not ready after {timeout_s} s: {self.output()}")

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=self.stop_timeout_s)
            except subprocess.TimeoutExpired:
                self.process.kill()  # our own child, by its PID
                self.process.wait(timeout=self.stop_timeout_s)
        if not self.log.closed:
            self.log.close()


def cpu_seconds(pid):
    """The CPU time the process has used so far (s; /proc/PID/stat utime + stime)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime


def rss_kib(pid):
    """The process's resident memory now (KiB; VmRSS of /proc/PID/status)."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")


class FleetProcess(BenchProcess):
    """`pro380 run --config FILE` of the fleet `config` (TOML text), in a new directory (`prefix`
    under `work`) that also holds its state and log. Ready once `want` lines of `port_line` (a
    multi-line pattern whose groups are the port and the first and last ID or address) are
    printed: `ports` [(port, first, last)], `start_s` the time from the start to that line."""

    def __init__(self, name, pro380, work, prefix, config, port_line, want, start_timeout_s):
        self.dir = tempfile.mkdtemp(prefix=prefix, dir=work)
        path = os.path.join(self.dir, "fleet.toml")
        with open(path, "w") as f:
            f.write(config)
        started = time.monotonic()
        super().__init__(name, [pro380, "run", "--config", path, "--state",
                                os.path.join(self.dir, "state")],
                         os.path.join(self.dir, "pro380.log"), stop_timeout_s=60)
        self.ports = []

        def all_ports_open():
            self.ports = [(int(m[1]), int(m[2]), int(m[3]))
                          for m in port_line.finditer(self.output())]
            return len(self.ports) >= want

        self.wait_until(all_ports_open, start_timeout_s)
        self.start_s = time.monotonic() - started


IdleFleet = collections.namedtuple(
    "IdleFleet", "fleet cpu_share rss_kib base_rss_kib kib_per_meter")


def measure_idle_fleet(start_fleet, count, window_s, lifetime_s, runs):
    """The idle measurement of the fleet benchmarks (bench/fleet/):
      1. a 1-meter fleet, start_fleet(1, 60): 2 s after its start its VmRSS is the base; stopped;
      2. the `count`-meter fleet, start_fleet(count, lifetime_s): 3 s after its start (past the
         first save and the start's page faults) its CPU share of one core over `window_s`
         seconds, then its VmRSS; resident memory per meter = (VmRSS(N) - VmRSS(1)) / (N - 1).
    Every process it starts is in the caller's list `runs` while it runs, so that the caller stops
    it after an error too; the fleet is left running there. Returns an IdleFleet (KiB)."""
    base = start_fleet(1, 60)
    runs.append(base)
    time.sleep(2)
    base_rss = rss_kib(base.process.pid)
    base.stop()
    runs.remove(base)

    fleet = start_fleet(count, lifetime_s)
    runs.append(fleet)
    time.sleep(3)  # past the first save and the start's page faults
    pid = fleet.process.pid
    cpu0, t0 = cpu_seconds(pid), time.monotonic()
    time.sleep(window_s)
    cpu1, t1 = cpu_seconds(pid), time.monotonic()
    share = (cpu1 - cpu0) / (t1 - t0)
    rss = rss_kib(pid)
    return IdleFleet(fleet, share, rss, base_rss, (rss - base_rss) / max(1, count - 1))
