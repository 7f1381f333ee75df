#!/usr/bin/env python3
"""The terminal view of `pro380 run` (docs/display.md, "Terminal view") through a real pty.

- stdout a terminal (`--terminal auto`, the default): the LCD is drawn and redrawn in place with
  ANSI escapes; the direction page comes first (FW RV FW for L1 +, L2 -, L3 +) and the pages
  scroll at --speed (rt 10 s at speed 20: a page every 0.5 s of wall time);
- `--terminal off` on a terminal, and `auto` on a pipe: no escape sequence, the one line per
  second of before;
- `--terminal on` on a pipe draws anyway;
- a bad value exits 2 naming --terminal and the allowed values, and writes no state.

Environment: PRO380_BINARY. Python 3 standard library only.
"""
import os
import pty
import re
import shutil
import subprocess
import tempfile
import time
import unittest

BINARY = os.environ.get("PRO380_BINARY", "pro380")
SOURCE = "const:P1=2300,P2=-1000,P3=500"


def run_args(state, *extra):
    return [BINARY, "run", "--state", state, "--modbus-tcp", "127.0.0.1:0", "--http", "off",
            "--source", SOURCE,
            "--speed", "20", "--stop-after", "2500ms", *extra]


def run_on_pty(args, timeout=30):
    """Runs `args` with stdout on a new pty; returns (exit code, everything written to it)."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=slave,
                            stderr=subprocess.PIPE)
    os.close(slave)
    chunks = []
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: every writer has closed the pty
                break
            if not data:
                break
            chunks.append(data)
        code = proc.wait(timeout=max(1, deadline - time.monotonic()))
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)
        proc.stderr.close()
    return code, b"".join(chunks).decode("utf-8", "replace")


def run_on_pipe(args, timeout=30):
    done = subprocess.run(args, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout)
    return done.returncode, done.stdout.decode(), done.stderr.decode()


class TerminalViewTest(unittest.TestCase):
    def setUp(self):
        self.work = tempfile.mkdtemp(prefix="pro380-terminal-")

    def tearDown(self):
        shutil.rmtree(self.work, ignore_errors=True)

    def state(self, name):
        return os.path.join(self.work, name)

    def test_terminal_draws_the_lcd_in_place_and_scrolls_at_speed(self):
        code, out = run_on_pty(run_args(self.state("tty")))
        self.assertEqual(code, 0, out)
        self.assertIn("\x1b[2K", out)  # lines cleared and rewritten
        self.assertRegex(out, r"\x1b\[\d+A")  # cursor moved up over the previous drawing
        self.assertIn("FW RV FW", out)  # manual §6.5: the direction page first
        # Bottom rows ("| P02   ...") in the order drawn: the pages scroll forward.
        pages = [int(p) for p in re.findall(r"\| P(\d\d)", out)]
        self.assertEqual(pages[0], 1, out[:400])
        distinct = []
        for p in pages:
            if not distinct or distinct[-1] != p:
                distinct.append(p)
        self.assertGreaterEqual(len(distinct), 4, distinct)
        self.assertEqual(distinct[:4], [1, 2, 3, 4])  # the default scroll groups start P01..P10
        self.assertIn("L2  230.0 V", out)  # key figures
        # No per-second log line between drawings: only the final state, after the last one.
        stamps = [m.start() for m in re.finditer(r"\n\d{4}-\d\d-\d\dT", out)]
        self.assertEqual(len(stamps), 1, out[-600:])
        self.assertGreater(stamps[0], out.rindex("\x1b[2K"))

    def test_off_on_a_terminal_and_auto_on_a_pipe_print_plain_lines(self):
        code, out = run_on_pty(run_args(self.state("off"), "--terminal", "off"))
        self.assertEqual(code, 0, out)
        self.assertNotIn("\x1b", out)
        self.assertIn(" L1 ", out)
        code, out, err = run_on_pipe(run_args(self.state("pipe")))
        self.assertEqual(code, 0, err)
        self.assertNotIn("\x1b", out)
        self.assertRegex(out, r"\d{4}-\d\d-\d\dT.*L1 +230\.0 V")

    def test_on_draws_even_on_a_pipe(self):
        code, out, err = run_on_pipe(run_args(self.state("on"), "--terminal", "on"))
        self.assertEqual(code, 0, err)
        self.assertIn("\x1b[2K", out)
        self.assertIn("| P01", out)

    def test_a_bad_value_exits_2_and_writes_nothing(self):
        state = self.state("bad")
        code, out, err = run_on_pipe(run_args(state, "--terminal", "sometimes"))
        self.assertEqual(code, 2)
        self.assertIn("--terminal 'sometimes': allowed values are auto, on, off", err)
        self.assertEqual(out, "")
        self.assertFalse(os.path.exists(state))


if __name__ == "__main__":
    unittest.main()
