"""PymodbusServer: one of the pymodbus test servers of tests/clients (pymodbus_*_slave.py, which
import pymodbus_serving) run as a child process, for the tests that need a Modbus server we did not
write. It listens on a free loopback port (read from its "listening on 127.0.0.1:PORT" line); send()
hands it a JSON line of new values and waits for its "updated"; stop() closes its stdin, which ends
it, and waits (bounded; SIGKILL by PID only if it does not end). Every read of its output is
bounded. PYMODBUS_PYTHON names an interpreter with pymodbus (default Debian's /usr/bin/python3).
"""
import json
import os
import re
import subprocess
import threading

CLIENTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "clients")
PYMODBUS_PYTHON = os.environ.get("PYMODBUS_PYTHON", "/usr/bin/python3")
LINE_TIMEOUT_S = 20.0
STOP_TIMEOUT_S = 10.0


class PymodbusServer:
    def __init__(self, script, *args):
        self.process = subprocess.Popen([PYMODBUS_PYTHON, os.path.join(CLIENTS, script), *args],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, text=True)
        line = self.read_line()
        found = re.match(r"listening on 127\.0\.0\.1:(\d+)", line)
        if not found:
            self.stop()
            raise AssertionError(f"{script} did not start: {line!r}")
        self.port = int(found.group(1))

    def read_line(self):
        """The next line of its stdout, "" when none came within LINE_TIMEOUT_S."""
        result = []
        reader = threading.Thread(target=lambda: result.append(self.process.stdout.readline()),
                                  daemon=True)
        reader.start()
        reader.join(LINE_TIMEOUT_S)
        return result[0] if result else ""

    def send(self, values):
        self.process.stdin.write(json.dumps(values) + "\n")
        self.process.stdin.flush()
        line = self.read_line()
        assert line.strip() == "updated", f"the server did not take {values}: {line!r}"

    def stop(self):
        for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
            stream.close()
        try:
            self.process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.process.kill()  # our own child, by its PID
            self.process.wait(timeout=STOP_TIMEOUT_S)
