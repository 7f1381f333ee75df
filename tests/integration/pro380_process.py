"""Pro380Process: one process a test starts (usually `pro380 run`), the part every integration
test shares. Its stdout and stderr go to a log file in the test's directory (read back with
output()); the start is awaited, bounded, until ready(lines of output) says so; stop() ends it with
SIGTERM by its PID and waits, bounded, for the exit (SIGKILL only when SIGTERM is ignored, and then
the test fails). Python 3 standard library only.
"""
import os
import signal
import subprocess
import time

START_TIMEOUT_S = 10.0
STOP_TIMEOUT_S = 10.0


class Pro380Process:
    def __init__(self, work_dir, cmd, ready, name="pro380 run", start_timeout=START_TIMEOUT_S):
        self.name = name
        self.log_path = os.path.join(work_dir, f"process-{time.monotonic_ns()}.log")
        self.log = open(self.log_path, "w+")
        self.process = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL)
        self.start_lines = self._wait_ready(ready, start_timeout)

    def output(self):
        if not self.log.closed:
            self.log.flush()
        with open(self.log_path) as f:
            return f.read()

    def _wait_ready(self, ready, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            lines = self.output().splitlines()
            if ready(lines):
                return lines
            if self.process.poll() is not None:
                raise AssertionError(f"{self.name} exited with {self.process.returncode}:\n"
                                     f"{self.output()}")
            time.sleep(0.02)
        self.stop()
        raise AssertionError(f"{self.name} did not start within {timeout} s:\n{self.output()}")

    def alive(self):
        return self.process.poll() is None

    def stop(self):
        """SIGTERM by PID, then (bounded) the exit; returns the exit status."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.process.kill()  # our own child, by its PID
                self.process.wait(timeout=STOP_TIMEOUT_S)
                raise AssertionError(f"{self.name} ignored SIGTERM for {STOP_TIMEOUT_S} s")
        if not self.log.closed:
            self.log.close()
        return self.process.returncode
