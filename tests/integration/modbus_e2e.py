"""Shared helpers of the raw-byte Modbus end-to-end tests (Python 3 standard library only).

Used by modbus_client_patterns_test.py, modbus_bus_test.py and modbus_bad_input_test.py: they speak
Modbus to the real `pro380 run` byte by byte, without any Modbus library, so that what is on the
wire is exactly what the test wrote.

- crc16 / rtu_frame: CRC-16/Modbus (reflected 0xA001, init 0xFFFF, low byte first).
- Pro380: one `pro380 run` process (pro380_process.Pro380Process: stopped with SIGTERM by its PID);
  the TCP ports and pty paths are read from its start lines ("Modbus TCP on 127.0.0.1:PORT").
- TcpModbus (MBAP), RtuPty (RTU over the pty link) and RtuOverTcp (RTU frames on a TCP stream):
  one request, its whole reply, every framing byte checked (transaction id, protocol id, length,
  unit id; address and CRC). Every wait is bounded.
- Expected words: what the meter's state implies for `--source const:P1=5000,P2=5000,P3=-12000`
  (230 V, 50 Hz, 5 / 5 / -12 kW) for the info and measurement blocks (docs/registers/modbus.md),
  and relations the energy block must satisfy (its values grow while a test runs).
"""
import os
import re
import select
import shutil
import socket
import struct
import tempfile
import time

from pro380_process import START_TIMEOUT_S, Pro380Process  # noqa: F401 (e2e.START_TIMEOUT_S)

BINARY = os.environ.get("PRO380_BINARY", "")
SOURCE = "const:P1=5000,P2=5000,P3=-12000"
REPLY_TIMEOUT_S = 1.0


class NoReply(Exception):
    """No (complete) reply within the timeout."""


class Closed(Exception):
    """The server closed the connection."""


# --- CRC and PDUs -----------------------------------------------------------------------------

def _crc_table():
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
        table.append(crc)
    return table


_CRC_TABLE = _crc_table()


def crc16(data):
    crc = 0xFFFF
    for byte in data:
        crc = (crc >> 8) ^ _CRC_TABLE[(crc ^ byte) & 0xFF]
    return crc


def rtu_frame(unit, pdu):
    body = bytes([unit]) + bytes(pdu)
    return body + struct.pack("<H", crc16(body))


def crc_ok(frame):
    return len(frame) >= 4 and crc16(frame[:-2]) == struct.unpack("<H", frame[-2:])[0]


def read_pdu(addr, count, fc=3):
    return struct.pack(">BHH", fc, addr, count)


def write_pdu(addr, value):
    return struct.pack(">BHH", 6, addr, value)


def write_multiple_pdu(addr, words):
    return struct.pack(">BHHB", 0x10, addr, len(words), 2 * len(words)) + b"".join(
        struct.pack(">H", w) for w in words)


def diag_pdu(sub, data=0):
    return struct.pack(">BHH", 8, sub, data)


def hexs(data):
    return " ".join(f"{b:02X}" for b in data)


def unhex(text):
    return bytes.fromhex(text.replace(" ", ""))


def words_of_read_reply(pdu, fc, count):
    """The words of an FC03/FC04 reply PDU, after checking function code and byte count."""
    if pdu[0] != fc:
        raise AssertionError(f"expected FC{fc:02X} reply, got {hexs(pdu)}")
    if pdu[1] != 2 * count or len(pdu) != 2 + 2 * count:
        raise AssertionError(f"byte count {pdu[1]} / PDU length {len(pdu)} for {count} "
                             f"registers: {hexs(pdu)}")
    return list(struct.unpack(f">{count}H", pdu[2:]))


def f32_words(value):
    return list(struct.unpack(">HH", struct.pack(">f", value)))


def to_float(hi, lo):
    return struct.unpack(">f", struct.pack(">HH", hi, lo))[0]


def rtu_reply_length(head):
    """Total length of an RTU reply from its first bytes, or None when more bytes are needed
    (or the length depends on the request: FC08, whose reply echoes it)."""
    if len(head) < 2:
        return None
    fc = head[1]
    if fc & 0x80:
        return 5
    if fc in (3, 4):
        return 5 + head[2] if len(head) >= 3 else None
    if fc in (5, 6, 15, 16):
        return 8
    return None


# --- The process ------------------------------------------------------------------------------

class Pro380(Pro380Process):
    """`pro380 run` with the const source; `args` adds interfaces and meter options. Started when
    it printed the expected interface lines (and the web page's, unless `http` is "off")."""

    TCP_LINE = re.compile(r"^Modbus TCP on ([0-9.]+):(\d+), (IDs? [0-9,]+)")
    RTU_TCP_LINE = re.compile(r"^Modbus RTU over TCP on ([0-9.]+):(\d+), (IDs? [0-9,]+)")
    RTU_LINE = re.compile(r"^Modbus RTU on (\S+) at (\d+) 8([ENO])(\d), (IDs? [0-9,]+)")
    WEB_LINE = re.compile(r"^Web page and REST API on (http://\S+/)")

    def __init__(self, work_dir, args, state_dir=None, source=SOURCE, stop_after="60s",
                 expect_tcp=0, expect_rtu_tcp=0, expect_rtu=0, http="off"):
        self.work_dir = work_dir
        self.state_dir = state_dir or tempfile.mkdtemp(prefix="state-", dir=work_dir)
        self.args = list(args)
        self.http = http
        cmd = [BINARY, "run", "--state", self.state_dir, "--http", http, "--source", source,
               "--stop-after", stop_after] + self.args

        def ready(lines):
            tcp = [m for m in map(self.TCP_LINE.match, lines) if m]
            rtu_tcp = [m for m in map(self.RTU_TCP_LINE.match, lines) if m]
            rtu = [m for m in map(self.RTU_LINE.match, lines) if m]
            web = [m for m in map(self.WEB_LINE.match, lines) if m]
            if (len(tcp) < expect_tcp or len(rtu_tcp) < expect_rtu_tcp or len(rtu) < expect_rtu
                    or (http != "off" and not web)):
                return False
            self.web_url = web[0].group(1) if web else None  # "http://127.0.0.1:PORT/"
            self.tcp_ports = [int(m.group(2)) for m in tcp]
            self.rtu_tcp_ports = [int(m.group(2)) for m in rtu_tcp]
            self.rtu_lines = [m.group(0) for m in rtu]
            self.rtu_paths = [m.group(1) for m in rtu]
            return True

        super().__init__(work_dir, cmd, ready, start_timeout=START_TIMEOUT_S)


def start_in_new_dir(prefix, make_args, **expect):
    """A pro380 in a fresh temporary directory, as (directory, Pro380); `make_args(directory)`
    gives its command line. A start that fails leaves no directory behind."""
    work = tempfile.mkdtemp(prefix=prefix)
    try:
        return work, Pro380(work, make_args(work), **expect)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise


def static_words_of(meter):
    """expected_static_words() for the power-down count `meter` printed at its start."""
    found = re.search(r"power-down count (\d+)", "\n".join(meter.start_lines))
    return expected_static_words(power_down_count=int(found.group(1)))


def stop_and_remove(meter, work):
    """A test class's teardown: stop `meter` (it must exit 0) and remove its directory."""
    stop_all_and_remove([meter], work)


def stop_all_and_remove(runs, work):
    """Stops every run (anything with stop() and output(): Pro380, mbus_e2e.MbusRun); each must
    exit 0. The directory is removed whatever happened."""
    try:
        for run in runs:
            code = run.stop()
            if code != 0:
                raise AssertionError(f"pro380 exited {code}:\n{run.output()}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


# --- Clients ----------------------------------------------------------------------------------

class _Client:
    """`with client:` closes it; subclasses define close()."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _tcp_connect(host, port, timeout):
    sock = socket.create_connection((host, port), timeout=timeout)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


class TcpModbus(_Client):
    """A Modbus TCP client: MBAP framing checked on every reply."""

    def __init__(self, port, host="127.0.0.1", timeout=REPLY_TIMEOUT_S):
        self.sock = _tcp_connect(host, port, timeout)
        self.timeout = timeout
        self.tid = 0x0100

    def close(self):
        self.sock.close()

    def send(self, data):
        self.sock.sendall(data)

    def recv_exact(self, n, timeout=None):
        deadline = time.monotonic() + (timeout if timeout is not None else self.timeout)
        data = b""
        while len(data) < n:
            left = deadline - time.monotonic()
            if left <= 0:
                raise NoReply(f"{len(data)} of {n} bytes: {hexs(data)}")
            self.sock.settimeout(left)
            try:
                chunk = self.sock.recv(n - len(data))
            except socket.timeout:
                raise NoReply(f"{len(data)} of {n} bytes: {hexs(data)}") from None
            except ConnectionResetError:
                raise Closed(f"reset after {hexs(data)}") from None
            if not chunk:
                raise Closed(f"closed after {len(data)} bytes: {hexs(data)}")
            data += chunk
        return data

    def recv_adu(self, timeout=None):
        """One response ADU: (transaction id, unit id, pdu), the header checked."""
        head = self.recv_exact(7, timeout)
        tid, proto, length, unit = struct.unpack(">HHHB", head)
        if proto != 0 or not 2 <= length <= 254:
            raise AssertionError(f"bad MBAP header in a reply: {hexs(head)}")
        pdu = self.recv_exact(length - 1, timeout)
        return tid, unit, pdu

    def adu(self, unit, pdu, tid=None, proto=0):
        if tid is None:
            self.tid = (self.tid + 1) & 0xFFFF
            tid = self.tid
        return struct.pack(">HHHB", tid, proto, len(pdu) + 1, unit) + bytes(pdu)

    def request(self, unit, pdu, timeout=None):
        """Sends one request and returns the reply PDU (transaction and unit id must echo)."""
        adu = self.adu(unit, pdu)
        self.send(adu)
        tid, got_unit, reply = self.recv_adu(timeout)
        if tid != self.tid or got_unit != unit:
            raise AssertionError(f"reply {tid:04X}/{got_unit} to request {self.tid:04X}/{unit}")
        return reply

    def read(self, unit, addr, count, fc=3):
        return words_of_read_reply(self.request(unit, read_pdu(addr, count, fc)), fc, count)

    def expect_nothing(self, wait):
        """Nothing arrives within `wait` seconds (the connection may stay open). Returns True
        when the server closed the connection meanwhile."""
        self.sock.settimeout(wait)
        try:
            data = self.sock.recv(4096)
        except socket.timeout:
            return False
        except ConnectionResetError:
            return True
        if data:
            raise AssertionError(f"unexpected bytes: {hexs(data)}")
        return True

    def wait_closed(self, wait):
        """True when the server closes (EOF or reset) within `wait` s, bytes before it ignored."""
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            self.sock.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                data = self.sock.recv(4096)
            except socket.timeout:
                return False
            except (ConnectionResetError, BrokenPipeError):
                return True
            if not data:
                return True
        return False


class _RtuReader(_Client):
    """Reply reading shared by the pty and RTU over TCP: length from the reply's head."""

    def _recv_some(self, timeout):
        raise NotImplementedError

    def read_frame(self, timeout=REPLY_TIMEOUT_S, quiet=0.05):
        """One reply frame: its length from the function code; for an unknown length (FC08)
        the shortest prefix whose CRC checks, else the bytes until `quiet` s of silence."""
        deadline = time.monotonic() + timeout
        data = b""
        while True:
            need = rtu_reply_length(data)
            if need is None and len(data) >= 4:  # FC08 and others: the shortest CRC-valid prefix
                need = next((n for n in range(4, len(data) + 1) if crc_ok(data[:n])), None)
            if need is not None and len(data) >= need:
                if len(data) > need:
                    self.pending = data[need:]
                    data = data[:need]
                return data
            left = deadline - time.monotonic()
            if left <= 0:
                raise NoReply(f"after {hexs(data) or 'nothing'}")
            wait = left if (need is not None or len(data) < 2) else min(left, quiet)
            chunk = self._recv_some(wait)
            if chunk is None:  # silence
                if data and need is None and len(data) >= 4:
                    return data
                continue
            data += chunk

    def transact(self, unit, pdu, timeout=REPLY_TIMEOUT_S):
        """One request; the reply's PDU after checking CRC and address."""
        self.write(rtu_frame(unit, pdu))
        frame = self.read_frame(timeout)
        if not crc_ok(frame):
            raise AssertionError(f"bad CRC in reply {hexs(frame)}")
        if frame[0] != unit:
            raise AssertionError(f"reply from address {frame[0]} to a request for {unit}: "
                                 f"{hexs(frame)}")
        return frame[1:-2]

    def read(self, unit, addr, count, fc=3):
        return words_of_read_reply(self.transact(unit, read_pdu(addr, count, fc)), fc, count)

    def expect_silence(self, wait):
        """Nothing arrives within `wait` s; returns what did arrive (b"" when silent)."""
        deadline = time.monotonic() + wait
        data = b""
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return data
            chunk = self._recv_some(left)
            if chunk:
                data += chunk


class RtuPty(_RtuReader):
    """The client end of `--modbus-rtu pty:PATH` (the server configured it raw, no echo)."""

    def __init__(self, path):
        self.fd = os.open(path, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
        self.pending = b""
        self.drain()

    def close(self):
        os.close(self.fd)

    def write(self, data):
        """The bytes in one write (one chunk for the server: no inner silence)."""
        view = memoryview(bytes(data))
        deadline = time.monotonic() + REPLY_TIMEOUT_S
        while view:
            try:
                n = os.write(self.fd, view)
            except BlockingIOError:
                n = 0
            view = view[n:]
            if view:
                if time.monotonic() > deadline:
                    raise AssertionError("the pty does not take our bytes")
                select.select([], [self.fd], [], 0.05)

    def _recv_some(self, timeout):
        if self.pending:
            data, self.pending = self.pending, b""
            return data
        ready, _, _ = select.select([self.fd], [], [], max(0.0, timeout))
        if not ready:
            return None
        try:
            return os.read(self.fd, 4096)
        except BlockingIOError:
            return None

    def drain(self, wait=0.0):
        self.pending = b""
        return self.expect_silence(wait) if wait else b""


class RtuOverTcp(_RtuReader):
    """RTU frames with CRC on a TCP stream (`--rtu-over-tcp`)."""

    def __init__(self, port, host="127.0.0.1"):
        self.sock = _tcp_connect(host, port, REPLY_TIMEOUT_S)
        self.pending = b""

    def close(self):
        self.sock.close()

    def write(self, data):
        self.sock.sendall(bytes(data))

    def _recv_some(self, timeout):
        if self.pending:
            data, self.pending = self.pending, b""
            return data
        self.sock.settimeout(max(0.001, timeout))
        try:
            data = self.sock.recv(4096)
        except socket.timeout:
            return None
        if not data:
            raise Closed("the server closed the RTU over TCP connection")
        return data


# --- What the meter must answer ---------------------------------------------------------------

def f32(value):
    """The float32 a value becomes on the wire (as Python float)."""
    return struct.unpack(">f", struct.pack(">f", value))[0]


def expected_static_words(serial="00000001", unit_id=1, baud=9600, parity=1, lcd=0x0010,
                          power_down_count=0):
    """{address: word} for the registers whose value the const source fixes: the info block
    (0x4000..0x401F), the measurement block (0x5000..0x5031), the tariff (0x6048) and the old
    map's meter code (0x1010). 5000 / 5000 / -12000 W at 230 V: currents P/U rounded to 0.01 A,
    signed; Q = 0, so S = |P|, per-phase PF 1, total PF = P / |P| = -1; quadrants I, I, II and
    II in total; directions 1F 2F 3R."""
    w = {}

    def put(addr, words):
        for i, word in enumerate(words):
            w[addr + i] = word

    s = int(serial, 16)  # bcd32: the 8 decimal digits as hex digits
    put(0x4000, [s >> 16, s & 0xFFFF])
    put(0x4002, [0x0102, unit_id, baud])
    put(0x4005, f32_words(3.2))
    put(0x4007, f32_words(2.18))
    put(0x4009, f32_words(1.32))
    put(0x400B, [100, 0])
    put(0x400D, f32_words(1000.0))
    put(0x400F, [1, lcd, parity, 0x3146, 0x3246, 0x3352, 0, power_down_count & 0xFFFF])
    put(0x4017, [2, 1, 1, 2])
    put(0x401B, [0x0D01, 0x2D35, 0x0011, 0x0111, 5])
    u, p = 230.0, (5.0, 5.0, -12.0)
    amps = [round(kw * 1000 / u, 2) for kw in p]
    floats = {
        0x5000: 0.0, 0x5002: u, 0x5004: u, 0x5006: u, 0x5008: 50.0, 0x500A: 0.0,
        0x500C: amps[0], 0x500E: amps[1], 0x5010: amps[2],
        0x5012: sum(p), 0x5014: p[0], 0x5016: p[1], 0x5018: p[2],
        0x501A: 0.0, 0x501C: 0.0, 0x501E: 0.0, 0x5020: 0.0,
        0x5022: sum(abs(x) for x in p), 0x5024: abs(p[0]), 0x5026: abs(p[1]), 0x5028: abs(p[2]),
        0x502A: -1.0, 0x502C: 1.0, 0x502E: 1.0, 0x5030: 1.0,
    }
    for addr, value in floats.items():
        put(addr, f32_words(value))
    w[0x6048] = 1
    w[0x1010] = 0x0102
    return w


# Energy registers (float pairs at 0x6000..0x6046, day counter 0x6049) for the const source:
# forward on L1 and L2 (5 kW each), reverse on L3 (12 kW), no reactive energy, tariff 1.
ENERGY_ZERO = {0x6004, 0x600A, 0x6010, 0x6016, 0x601C, 0x601E, 0x6020} | set(
    range(0x6024, 0x6048, 2))
ENERGY_NAMES = {
    0x6000: "total", 0x6002: "T1 total", 0x6006: "L1 total", 0x6008: "L2 total",
    0x600C: "forward", 0x600E: "T1 forward", 0x6012: "L1 forward", 0x6014: "L2 forward",
    0x6018: "reverse", 0x601A: "T1 reverse", 0x6022: "L3 reverse", 0x6049: "day counter",
}
# Registers equal to another one (combined code 1 = forward only, tariff T1).
ENERGY_SAME = {0x6000: 0x600C, 0x6002: 0x600E, 0x600E: 0x600C, 0x6006: 0x6012,
               0x6008: 0x6014, 0x601A: 0x6018, 0x6049: 0x600C}


def floats_in(addr, words):
    """{address: float} of the float pairs wholly inside a read (energy pairs start at even
    addresses, the day counter at 0x6049)."""
    out = {}
    for i in range(len(words) - 1):
        a = addr + i
        if 0x6000 <= a < 0x6048 and a % 2 == 0 or a == 0x6049 or (
                0x5000 <= a < 0x5032 and a % 2 == 0):
            out[a] = to_float(words[i], words[i + 1])
    return out


def check_words(test, addr, words, expected, energy_bound_kwh=None, what="",
                energy_floor_kwh=None):
    """Every word of a read against `expected` (static registers), every energy float against
    the const source's pattern; `energy_bound_kwh` bounds the L1 forward energy from above
    (5 kW × the time since the start) and `energy_floor_kwh` from below (5 kW × the time since
    230 V was first read, less a tick), the others in proportion. Returns the energy floats."""
    for i, word in enumerate(words):
        a = addr + i
        if a in expected:
            test.assertEqual(word, expected[a],
                             f"{what} 0x{a:04X}: 0x{word:04X}, expected 0x{expected[a]:04X}")
    energies = {a: v for a, v in floats_in(addr, words).items() if 0x6000 <= a < 0x604B}
    for a, v in energies.items():
        test.assertTrue(v == v and v >= 0.0, f"{what} energy 0x{a:04X} = {v}")
        if a in ENERGY_ZERO:
            test.assertEqual(v, 0.0, f"{what} energy 0x{a:04X} must stay 0 (no such flow)")
        if a in ENERGY_SAME and ENERGY_SAME[a] in energies:
            test.assertEqual(v, energies[ENERGY_SAME[a]],
                             f"{what} 0x{a:04X} = {v} vs 0x{ENERGY_SAME[a]:04X}")
    if 0x6012 in energies and 0x6014 in energies:
        test.assertEqual(energies[0x6012], energies[0x6014], f"{what} L1 = L2 forward")
    if {0x600C, 0x6012, 0x6014} <= energies.keys():
        test.assertAlmostEqual(energies[0x600C], energies[0x6012] + energies[0x6014],
                               delta=0.021, msg=f"{what} forward = L1 + L2 forward")
    if {0x6018, 0x6022} <= energies.keys():
        test.assertAlmostEqual(energies[0x6018], energies[0x6022], delta=0.011,
                               msg=f"{what} reverse = L3 reverse")
    for a, factor in ((0x6012, 1.0), (0x6014, 1.0), (0x600C, 2.0), (0x6000, 2.0),
                      (0x6022, 2.4), (0x6018, 2.4), (0x6049, 2.0)):
        if a not in energies:
            continue
        if energy_bound_kwh is not None:
            test.assertLessEqual(energies[a], energy_bound_kwh * factor + 0.011,
                                 f"{what} 0x{a:04X} grows faster than its power")
        if energy_floor_kwh is not None:  # shown values are truncated to 0.01 kWh
            test.assertGreaterEqual(energies[a], energy_floor_kwh * factor - 0.011,
                                    f"{what} 0x{a:04X} grows slower than its power")
    return energies
