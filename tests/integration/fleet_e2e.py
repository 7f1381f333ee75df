"""What the fleet integration tests share (fleet_mbpoll_test.py, fleet_rtu_test.py): a
`pro380 run --config` of a [[fleet]] file in its own work directory, its start lines found by a
pattern (mbpoll.py reads its meters).

Not a test itself; the process handling is modbus_e2e's (Pro380, stop_and_remove).
"""
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import modbus_e2e as e2e  # noqa: E402



class FleetRun:
    """`pro380 run --config FILE` of `config` (its "{work}" replaced by the work directory) in a
    new temporary work directory; the directory is removed again if the start fails."""

    def __init__(self, prefix, config, **pro380_options):
        self.work = tempfile.mkdtemp(prefix=prefix)
        self.config = os.path.join(self.work, "fleet.toml")
        with open(self.config, "w") as f:
            f.write(config.replace("{work}", self.work))
        try:
            self.meter = e2e.Pro380(self.work, ["--config", self.config], **pro380_options)
        except BaseException:
            shutil.rmtree(self.work, ignore_errors=True)
            raise

    def start_lines(self, pattern, want):
        """The matches of `pattern` in the output, once there are `want` of them (bounded wait)."""
        deadline = e2e.time.monotonic() + e2e.START_TIMEOUT_S
        while e2e.time.monotonic() < deadline:
            found = list(pattern.finditer(self.meter.output()))
            if len(found) >= want:
                return found
            e2e.time.sleep(0.05)
        self.stop()
        raise AssertionError(f"fewer than {want} fleet start lines:\n" + self.meter.output())

    def stop(self):
        e2e.stop_and_remove(self.meter, self.work)
