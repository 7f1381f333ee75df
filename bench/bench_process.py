"""A process a benchmark starts (bench/modbus_tcp/run_bench.py, bench/fleet/run_fleet_bench.py):
its output in a log file, a bounded wait until it is ready, and a stop by its PID (SIGTERM, then
SIGKILL of our own child if it does not end in time).
"""
import signal
import subprocess
import time


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
