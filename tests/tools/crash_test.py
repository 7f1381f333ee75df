#!/usr/bin/env python3
"""Crash test of the persistent state (docs/testing.md, "The crash test").

CYCLES times: start `pro380 run --state DIR` at high --speed, kill -9 it at a random moment,
restart. Checked, independently of pro380 (Python's sqlite3 reads the store read-only while the
meter runs, and once more after every kill):

- the store is always readable: quick_check ok, our application_id, a known user_version, one
  meter row (and `pro380 state check` exits 0, when the binary has that command); from schema
  version 3 on the row's numbers are one BLOB, decoded here with `struct` from the layout that
  docs/formats/state.md documents ("The counters layout"), not with pro380's code;
- no register (every INTEGER register/counter column of `meters`, and the meter time) is ever
  below a value read from the store earlier: not after a kill, not after a restart;
- after a kill the store holds at least what the meter printed last (`total`/`fwd`/`rev` kWh of
  its live line) minus what accrues in one save interval at the cycle's power and speed (+ the
  0.001 kWh print rounding); the restarted meter prints at least that much;
- the power-down count equals the number of starts (printed in the start line and stored), and
  so does the number of power_up events.

Usage: crash_test.py PRO380_BINARY SOURCE_DIR. Environment: PRO380_CRASH_SEED (default 380),
PRO380_CRASH_CYCLES (default 100).
"""
import os
import random
import re
import signal
import sqlite3
import struct
import subprocess
import sys
import tempfile
import threading
import time

binary, source_dir = sys.argv[1], sys.argv[2]
SEED = int(os.environ.get("PRO380_CRASH_SEED", "380"))
CYCLES = int(os.environ.get("PRO380_CRASH_CYCLES", "100"))
SPEED = 36000  # 10 h of meter time per wall second
KILL_DELAY_S = (0.05, 2.5)  # after the start line; live lines come at 1 s, 2 s
SAVE_INTERVALS_S = (0.02, 0.1)
POLL_S = 0.02
APPLICATION_ID = 0x50333830  # "P380"
KNOWN_SCHEMA_VERSIONS = (1, 2, 3)
# Two loads, so that forward and reverse registers of every phase (active and reactive) grow.
SOURCES = (
    {"P1": 2300, "P2": -1500, "P3": 800, "Q1": 300},
    {"P1": -1200, "P2": 1800, "P3": -700, "Q1": -300, "Q3": 200},
)
# Columns of `meters` that are not registers: the key, the save time, the settings. The meter
# time is checked like a register (it never runs backwards); residues wrap and are left out.
NOT_REGISTERS = {"key", "saved_wall_time_ns", "ct_variant", "ct_ratio", "ct_locked", "wiring",
                 "combined_code", "s0_uwh_per_pulse", "tariff", "power_down_count"}


def counter_names():
    """The field names of the counters BLOB (schema version 3, layout 1) in their order, as
    docs/formats/state.md lists them: (the 42 int64 names, the 16 float64 names)."""
    integers = ["day_counter_uwh", "power_down_count"]
    for what in ("s0_forward", "s0_reverse", "led_active", "led_reactive"):
        integers += [f"{what}_pulses", f"{what}_residue_uwh"]
    for kind, unit in (("active", "uwh"), ("reactive", "uvarh")):
        for direction in ("forward", "reverse"):
            for phase in ("l1", "l2", "l3", "total"):
                integers += [f"{kind}_{direction}_{phase}_t{t}_{unit}" for t in (1, 2)]
    reals = [f"residue_{kind}_{direction}_{lane}_uj" for direction in ("forward", "reverse")
             for kind in ("active", "reactive") for lane in ("l1", "l2", "l3", "net")]
    return integers, reals


COUNTER_INTEGERS, COUNTER_REALS = counter_names()
# Layout 1: uint32 layout number, the integers as int64, the residues as float64, little-endian.
COUNTERS = struct.Struct(f"<I{len(COUNTER_INTEGERS)}q{len(COUNTER_REALS)}d")
assert COUNTERS.size == 468, COUNTERS.size


def unpack_counters(row):
    """Replaces a version-3 row's `counters` BLOB by the named fields it holds."""
    blob = row.pop("counters")
    if not isinstance(blob, bytes) or len(blob) != COUNTERS.size:
        raise AssertionError(f"counters is {type(blob).__name__} of {len(blob)} bytes, "
                             f"layout 1 has {COUNTERS.size}")
    layout, *values = COUNTERS.unpack(blob)
    if layout != 1:
        raise AssertionError(f"counters has layout {layout}, expected 1")
    row.update(zip(COUNTER_INTEGERS + COUNTER_REALS, values))
    return row


LIVE = re.compile(r"total +(-?[0-9.]+) kWh +fwd +([0-9.]+) kWh +rev +([0-9.]+) kWh")
START = re.compile(r"^pro380 [a-z]+ meter, serial ([0-9]{8}).*: (resumed|new meter), "
                   r"power-down count ([0-9]+)$")

failures = []


def fail(cycle, message):
    if f"cycle {cycle}: {message}" in failures:
        return  # the same finding on every read of a cycle: once is enough
    failures.append(f"cycle {cycle}: {message}")
    print(f"FAIL cycle {cycle}: {message}", flush=True)


def source_spec(load):
    return "const:" + ",".join(f"{k}={v}" for k, v in load.items())


def connect_ro(path):
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)


def read_meter_row(path):
    """The meters row as a dict (None when the table or row is not there yet)."""
    if not os.path.exists(path):
        return None
    con = connect_ro(path)
    try:
        con.row_factory = sqlite3.Row
        rows = con.execute("SELECT * FROM meters").fetchall()
    except sqlite3.OperationalError as e:
        if "no such table" in str(e):
            return None
        raise
    finally:
        con.close()
    if len(rows) > 1:
        raise AssertionError(f"{len(rows)} meter rows, expected one")
    if not rows:
        return None
    row = dict(rows[0])
    return unpack_counters(row) if "counters" in row else row


def check_readable(path):
    """Returns (problem or None, power_up event count)."""
    try:
        con = connect_ro(path)
        try:
            quick = con.execute("PRAGMA quick_check").fetchall()
            app_id = con.execute("PRAGMA application_id").fetchone()[0]
            version = con.execute("PRAGMA user_version").fetchone()[0]
            meters = con.execute("SELECT count(*) FROM meters").fetchone()[0]
            power_ups = con.execute(
                "SELECT count(*) FROM events WHERE kind = 'power_up'").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error as e:
        return f"store unreadable: {e}", 0
    if quick != [("ok",)]:
        return f"quick_check: {quick}", power_ups
    if app_id != APPLICATION_ID:
        return f"application_id {app_id:#x}", power_ups
    if version not in KNOWN_SCHEMA_VERSIONS:
        return f"user_version {version}", power_ups
    if meters != 1:
        return f"{meters} meter rows", power_ups
    return None, power_ups


def register_columns(path):
    con = connect_ro(path)
    try:
        info = con.execute("PRAGMA table_info(meters)").fetchall()
    finally:
        con.close()
    names = [c[1] for c in info if c[2] == "INTEGER"]
    if any(c[1] == "counters" for c in info):
        names += COUNTER_INTEGERS
    return [n for n in names if n not in NOT_REGISTERS and "residue" not in n]


def below(row, bound, columns):
    """The columns where row is below bound, as 'name now < before' strings."""
    return [f"{c} {row[c]} < {bound[c]}" for c in columns if row[c] < bound[c]]


def kwh(row, prefix):
    return (row[prefix + "_t1_uwh"] + row[prefix + "_t2_uwh"]) * 1e-9


def store_kwh(row):
    """(total, fwd, rev) kWh as the live line shows them (C-01: total = forward)."""
    fwd, rev = kwh(row, "active_forward_total"), kwh(row, "active_reverse_total")
    return fwd, fwd, rev


def state_check_supported():
    r = subprocess.run([binary, "state", "--help"], capture_output=True, text=True)
    # CLI11 prints the main help for an unknown subcommand followed by --help (exit 0): look
    # for the `check` subcommand in the help text too.
    return r.returncode == 0 and re.search(r"^\s+check\b", r.stdout, re.M) is not None


class Run:
    """One started pro380 run; a thread collects its stdout lines."""

    def __init__(self, args):
        self.proc = subprocess.Popen([binary] + args, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        self.lines = []
        self.start_line = None
        self.started = threading.Event()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stdout:
            line = line.rstrip("\n")
            self.lines.append(line)
            if self.start_line is None and START.match(line):
                self.start_line = line
                self.started.set()
        self.started.set()  # EOF: the process ended

    def finish(self):
        self.proc.wait()
        self.reader.join()
        return self.proc.stderr.read()

    def live_values(self):
        return [tuple(float(x) for x in m.groups()) for m in map(LIVE.search, self.lines) if m]


def main():
    t_begin = time.monotonic()
    rng = random.Random(SEED)
    print(f"crash test: seed {SEED} (PRO380_CRASH_SEED), {CYCLES} cycles (PRO380_CRASH_CYCLES), "
          f"speed {SPEED}, binary {binary}", flush=True)
    has_state_check = state_check_supported()
    print(f"`pro380 state check`: {'used' if has_state_check else 'not available, skipped'}",
          flush=True)
    stats = {"kills": 0, "delays": [], "observed": 0, "worst_loss_kwh": None, "polls": 0,
             "state_checks": 0,
             "start_seen_in_store": 0, "start_seen_in_output": 0, "start_line_lost": []}
    with tempfile.TemporaryDirectory(prefix="pro380-crash-") as state_dir:
        path = os.path.join(state_dir, "state.sqlite")
        columns = None
        floor = None  # the highest row read from the store so far: a lower bound from now on
        starts = 0
        for cycle in range(1, CYCLES + 2):
            final = cycle == CYCLES + 1  # one more start to check the last kill, then a clean stop
            load = SOURCES[cycle % 2]
            tariff = 2 if (cycle // 5) % 2 else 1
            interval = rng.choice(SAVE_INTERVALS_S)
            delay = rng.uniform(*KILL_DELAY_S)
            args = ["run", "--modbus-tcp", "127.0.0.1:0", "--http", "off", "--state", state_dir, "--source", source_spec(load), "--speed",
                    str(SPEED), "--save-interval", f"{round(interval * 1000)}ms", "--tariff",
                    str(tariff)]
            if final:
                args += ["--stop-after", "1500ms"]
            resumed_from = floor  # the store before this start
            run = Run(args)
            # The start: its start line, or (stdout is a pipe, so the line may still sit in the
            # process's stdio buffer) the first save of this start in the store, whichever is
            # seen first. Both come after the start's first save.
            t_start, deadline = None, time.monotonic() + 20
            while t_start is None and time.monotonic() < deadline and run.proc.poll() is None:
                row = None if run.start_line else read_meter_row(path)
                if run.start_line or (row and row["power_down_count"] == starts + 1):
                    t_start = time.monotonic()
                    stats["start_seen_in_store" if row else "start_seen_in_output"] += 1
                else:
                    time.sleep(0.005)
            if t_start is None:
                run.proc.kill()
                err = run.finish()
                fail(cycle, f"did not start; output {run.lines}, stderr {err!r}")
                break
            starts += 1
            if columns is None:
                columns = register_columns(path)
                print(f"register columns checked: {len(columns)}", flush=True)
            # While it runs: every row read is at least every earlier one, and holds this start.
            last_read = None
            while not final and time.monotonic() - t_start < delay:
                try:
                    row = read_meter_row(path)
                except (sqlite3.Error, AssertionError) as e:
                    fail(cycle, f"store unreadable while running: {e}")
                    row = None
                stats["polls"] += 1
                if row is not None:
                    if floor is not None and (lost := below(row, floor, columns)):
                        fail(cycle, "store went backwards while running: " + ", ".join(lost))
                    if row["power_down_count"] != starts:
                        fail(cycle, f"stored power-down count {row['power_down_count']}, "
                                    f"expected {starts}")
                    floor = row
                    last_read = row
                time.sleep(POLL_S)
            if final:
                code = run.proc.wait(30)
            else:
                os.kill(run.proc.pid, signal.SIGKILL)
                code = run.proc.wait()
                stats["kills"] += 1
                stats["delays"].append(time.monotonic() - t_start)
            err = run.finish()
            expected_code = 0 if final else -signal.SIGKILL
            if code != expected_code:
                fail(cycle, f"exit status {code}, expected {expected_code}; stderr {err!r}")
            if err:
                fail(cycle, f"unexpected stderr {err!r}")
            if run.start_line is None:
                stats["start_line_lost"].append(cycle)
            else:
                m = START.match(run.start_line)
                if int(m.group(3)) != starts:
                    fail(cycle, f"start line says power-down count {m.group(3)}, expected {starts}")
                if (m.group(2) == "resumed") != (starts > 1):
                    fail(cycle, f"start line says '{m.group(2)}' at start {starts}")
            live = run.live_values()
            for earlier, later in zip(live, live[1:]):
                if any(b < a for a, b in zip(earlier, later)):
                    fail(cycle, f"live lines went backwards: {earlier} then {later}")
            if resumed_from is not None and live:
                # The restarted meter prints at least what the store held before it started.
                first = live[0]
                for name, printed, saved in zip(("total", "fwd", "rev"), first,
                                                store_kwh(resumed_from)):
                    if printed < saved - 0.0005:
                        fail(cycle, f"first live line {name} {printed} kWh < stored {saved:.6f}")
            # After the stop: the store is readable and holds every value read before.
            problem, power_ups = check_readable(path)
            if problem:
                fail(cycle, problem)
                break
            if power_ups != starts:
                fail(cycle, f"{power_ups} power_up events after {starts} starts")
            if has_state_check:
                r = subprocess.run([binary, "state", "check", "--state", state_dir],
                                   capture_output=True, text=True)
                stats["state_checks"] += 1
                if r.returncode != 0:
                    fail(cycle, f"pro380 state check exit {r.returncode}: {r.stdout}{r.stderr}")
                counts = re.findall(r"power-down count ([0-9]+)", r.stdout)
                if counts and counts != [str(starts)]:
                    fail(cycle, f"pro380 state check shows power-down count(s) {counts}, "
                                f"expected {starts}")
            after = read_meter_row(path)
            if after["power_down_count"] != starts:
                fail(cycle, f"stored power-down count {after['power_down_count']} after the "
                            f"stop, expected {starts}")
            if floor is not None and (lost := below(after, floor, columns)):
                fail(cycle, "a saved value was lost by the kill: " + ", ".join(lost))
            if live:
                # The store (what the next start resumes from) against the last printed values.
                stats["observed"] += not final
                seconds = interval * SPEED
                fwd_w = sum(p for k, p in load.items() if k[0] == "P" and p > 0)
                rev_w = -sum(p for k, p in load.items() if k[0] == "P" and p < 0)
                allowance = [w * seconds / 3.6e6 + 0.001 for w in (fwd_w, fwd_w, rev_w)]
                for name, seen, saved, allowed in zip(("total", "fwd", "rev"), live[-1],
                                                      store_kwh(after), allowance):
                    loss = seen - saved
                    if stats["worst_loss_kwh"] is None or loss > stats["worst_loss_kwh"][0]:
                        stats["worst_loss_kwh"] = (loss, allowed, cycle, name)
                    if loss > allowed:
                        fail(cycle, f"{name}: printed {seen} kWh before the kill, the store "
                                    f"holds {saved:.6f} kWh: {loss:.6f} kWh lost, more than "
                                    f"one save interval ({allowed:.6f} kWh)")
            floor = after
            print(f"cycle {cycle:3d}: {'stop' if final else 'kill'} after "
                  f"{time.monotonic() - t_start:5.3f} s, save interval {interval * 1000:.0f} ms, "
                  f"{len(live)} live line(s), last read {'-' if last_read is None else 'ok'}, "
                  f"power-down count {starts}, fwd {store_kwh(after)[1]:.3f} kWh, "
                  f"rev {store_kwh(after)[2]:.3f} kWh", flush=True)
            if len(failures) > 20:
                break
    delays = stats["delays"] or [0]
    worst = stats["worst_loss_kwh"]
    print(f"summary: seed {SEED}, {starts} starts, {stats['kills']} kills, kill delay "
          f"{min(delays):.3f}..{max(delays):.3f} s, {stats['observed']} cycles with live "
          f"lines before the kill, {stats['polls']} store reads, {stats['state_checks']} "
          f"`state check` runs")
    print(f"summary: start seen first in the store {stats['start_seen_in_store']} times, in the "
          f"output {stats['start_seen_in_output']} times; start line never printed (lost in the "
          f"killed process's stdout buffer) in {len(stats['start_line_lost'])} cycle(s)"
          + (f": {stats['start_line_lost'][:10]}" if stats["start_line_lost"] else ""))
    if worst:
        print(f"summary: largest (printed before the kill − stored after it): {worst[0]:.6f} kWh "
              f"({worst[3]}, cycle {worst[2]}; allowed {worst[1]:.6f} kWh)")
    print(f"summary: runtime {time.monotonic() - t_begin:.1f} s; {len(failures)} failure(s)")
    if failures:
        print(f"reproduce with PRO380_CRASH_SEED={SEED} PRO380_CRASH_CYCLES={CYCLES}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
