"""Shared helpers of the M-Bus end-to-end tests (mbus_clients_test.py, mbus_bad_input_test.py).

- MbusRun: one `pro380 run` process with a config file (pro380_process.Pro380Process: stopped
  with SIGTERM by its PID); its ports and pty paths are read from its start lines ("M-Bus TCP on
  127.0.0.1:PORT", "M-Bus on PATH at 9600 8E1", "Modbus TCP on 127.0.0.1:PORT").
- node_master(): tests/node/mbus_master.js, node-mbus (libmbus) as the independent master.
- short_frame / long_frame / MbusTcp / MbusPty: raw M-Bus bytes, every wait bounded.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from modbus_e2e import Closed, NoReply, RtuPty, _tcp_connect, hexs  # noqa: E402,F401
from modbus_e2e import stop_all_and_remove  # noqa: E402,F401
from pro380_process import START_TIMEOUT_S, Pro380Process  # noqa: E402

BINARY = os.environ.get("PRO380_BINARY", "")
SOURCE_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NODE_DIR = os.path.join(SOURCE_DIR, "tests", "node")
NODE_MASTER = os.path.join(NODE_DIR, "mbus_master.js")
# libmbus waits this long for a reply, and once more after each frame (mbus_purge_frames).
LIBMBUS_TIMEOUT_S = 0.3


def node_available():
    return shutil.which("node") is not None and os.path.isdir(
        os.path.join(NODE_DIR, "node_modules", "node-mbus"))


def short_frame(control, address):
    return bytes([0x10, control, address, (control + address) & 0xFF, 0x16])


def long_frame(control, address, ci, data=b""):
    body = bytes([control, address, ci]) + bytes(data)
    return bytes([0x68, len(body), len(body), 0x68]) + body + bytes([sum(body) & 0xFF, 0x16])


ACK = b"\xe5"


def split_frames(data):
    """The M-Bus frames (E5, short, long) that make up `data`; AssertionError on anything else."""
    frames, i = [], 0
    while i < len(data):
        if data[i] == 0xE5:
            frames.append(data[i:i + 1])
            i += 1
        elif data[i] == 0x68 and i + 3 < len(data) and data[i + 1] == data[i + 2]:
            n = data[i + 1] + 6
            frame = data[i:i + n]
            assert len(frame) == n and frame[-1] == 0x16, f"bad long frame {hexs(frame)}"
            assert sum(frame[4:-2]) & 0xFF == frame[-2], f"bad checksum {hexs(frame)}"
            frames.append(frame)
            i += n
        else:
            raise AssertionError(f"not an M-Bus reply at {i}: {hexs(data)}")
    return frames


class MbusRun(Pro380Process):
    """`pro380 run --config FILE` in `work_dir`; `config` is the TOML text. Started when it
    printed the expected M-Bus TCP, M-Bus line and Modbus TCP start lines."""

    MBUS_TCP = re.compile(r"^M-Bus TCP on ([0-9.]+):(\d+), ")
    MBUS_LINE = re.compile(r"^M-Bus on (\S+) at (\d+) 8E1, ")
    MODBUS_TCP = re.compile(r"^Modbus TCP on ([0-9.]+):(\d+), ")

    def __init__(self, work_dir, config, args=(), expect_mbus_tcp=0, expect_lines=0,
                 expect_modbus_tcp=0, state_dir=None):
        self.work_dir = work_dir
        self.state_dir = state_dir or os.path.join(work_dir, "state")
        self.config_path = os.path.join(work_dir, f"site-{time.monotonic_ns()}.toml")
        with open(self.config_path, "w") as f:
            f.write(config)
        cmd = [BINARY, "run", "--config", self.config_path, "--state", self.state_dir,
               "--stop-after", "120s"] + list(args)

        def ready(lines):
            tcp = [m for m in map(self.MBUS_TCP.match, lines) if m]
            pty = [m for m in map(self.MBUS_LINE.match, lines) if m]
            modbus = [m for m in map(self.MODBUS_TCP.match, lines) if m]
            if (len(tcp) < expect_mbus_tcp or len(pty) < expect_lines or
                    len(modbus) < expect_modbus_tcp):
                return False
            self.mbus_ports = [int(m.group(2)) for m in tcp]
            self.lines = [m.group(1) for m in pty]
            self.modbus_ports = [int(m.group(2)) for m in modbus]
            return True

        super().__init__(work_dir, cmd, ready, start_timeout=START_TIMEOUT_S)

    def state_export(self):
        out = subprocess.run([BINARY, "state", "export", "--state", self.state_dir],
                             capture_output=True, text=True, timeout=30, check=True)
        return json.loads(out.stdout)


def node_master(transport, *command, timeout=120):
    """Runs tests/node/mbus_master.js; returns its JSON ({"ok": ..., "data"|"error": ...}).
    `transport` is ("tcp", host, port) or ("serial", path, baud)."""
    env = dict(os.environ, MBUS_TIMEOUT_S=str(LIBMBUS_TIMEOUT_S))
    args = ["node", NODE_MASTER] + [str(x) for x in transport] + [str(x) for x in command]
    out = subprocess.run(args, capture_output=True, text=True, timeout=timeout, env=env,
                         cwd=NODE_DIR)
    try:
        return json.loads(out.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        raise AssertionError(f"mbus_master.js printed no JSON (exit {out.returncode}):\n"
                             f"{out.stdout}\n{out.stderr}") from None


class MbusTcp:
    """Raw M-Bus frames over TCP (`--mbus-tcp`)."""

    def __init__(self, port, host="127.0.0.1"):
        self.sock = _tcp_connect(host, port, 1.0)

    def close(self):
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def write(self, data):
        self.sock.sendall(bytes(data))

    def heard(self, quiet=0.3, limit=3.0):
        """Everything received until `quiet` seconds pass without a byte (at most `limit`)."""
        data = b""
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            self.sock.settimeout(quiet)
            try:
                chunk = self.sock.recv(4096)
            except TimeoutError:
                break
            if not chunk:
                raise Closed("the server closed the M-Bus TCP connection")
            data += chunk
        return data

    def transact(self, data, quiet=0.3):
        self.write(data)
        return self.heard(quiet)


class MbusPty(RtuPty):
    """The client end of `--mbus pty:PATH`."""

    def heard(self, quiet=0.3, limit=3.0):
        data = b""
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            chunk = self._recv_some(quiet)
            if not chunk:
                break
            data += chunk
        return data

    def transact(self, data, quiet=0.3):
        self.write(data)
        return self.heard(quiet)


def new_work_dir(prefix):
    return tempfile.mkdtemp(prefix=prefix)


def start_in_new_dir(prefix, start):
    """A new work directory and start(work)'s run in it; the directory is removed when the start
    fails. Returns (work, run)."""
    work = new_work_dir(prefix)
    try:
        return work, start(work)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
