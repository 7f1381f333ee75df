"""mbpoll (Debian's, an independent Modbus master) as the integration tests call it: one read of
holding registers (FC03) with a 1 s reply timeout, its words taken from mbpoll's output. Every call
is bounded.

- words(target, unit, addr, count): the registers as upper-case 4-digit hex strings, or None
  without a reply; `target` is mbpoll's transport options and target, e.g. tcp(port) or
  ["-m", "rtu", "-b", "4800", "-P", "none", PTY].
- floats(port, addr, count): `count` float32 values (high word first) of unit 1 over TCP;
  AssertionError without a reply.
"""
import shutil
import struct
import subprocess

MBPOLL = shutil.which("mbpoll")
TIMEOUT_S = 30


def tcp(port):
    return ["-m", "tcp", "-p", str(port), "127.0.0.1"]


def _read(target, unit, addr, count):
    *options, where = target
    cmd = [MBPOLL or "mbpoll", *options, "-a", str(unit), "-0", "-r", str(addr), "-c",
           str(count), "-t", "4:hex", "-1", "-o", "1", where]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT_S, check=False)
    found = [line.split("0x")[1].strip().upper() for line in done.stdout.splitlines()
             if line.startswith("[") and "0x" in line]
    return found, done


def words(target, unit, addr, count):
    return _read(target, unit, addr, count)[0] or None


def floats(port, addr, count=1):
    found, done = _read(tcp(port), 1, addr, 2 * count)
    if len(found) != 2 * count:
        raise AssertionError(f"mbpoll got no answer: {done.stdout}{done.stderr}")
    return [struct.unpack(">f", struct.pack(">HH", int(found[2 * k], 16),
                                            int(found[2 * k + 1], 16)))[0]
            for k in range(count)]
