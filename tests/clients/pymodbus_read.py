#!/usr/bin/env python3
"""pymodbus_read: the modbus_read command line (tests/clients/modbus_read.c) on pymodbus 3.0.

An independent Modbus client for the integration tests: pymodbus's own framers and transaction
manager, none of pro380's code and none of libmodbus's.

    pymodbus_read.py tcp HOST PORT UNIT ITEM...
    pymodbus_read.py rtu DEVICE BAUD PARITY UNIT ITEM...      PARITY: E, N or O (8 data, 1 stop)
    pymodbus_read.py rtu-tcp HOST PORT UNIT ITEM...           RTU frames over a TCP stream

ITEM is FC:ADDR:COUNT (FC 3 or 4, ADDR hex, COUNT decimal) or write:ADDR:WORD[,WORD...] (hex;
one word FC06, several FC10). Output, one line per item, the same as modbus_read's so a test can
compare them: the words as 4-digit upper-case hex separated by spaces; "ok" for a write;
"exception N"; "no response". Exit status: 0 every item answered, 3 some were not, 1 no
connection, 2 bad command line. Every request waits at most 1 s and is not retried.

Needs python3-pymodbus 3.0 (Debian's; under another interpreter, run it with /usr/bin/python3).
"""
import logging
import os
import sys
import termios

from pymodbus.client import ModbusSerialClient, ModbusTcpClient
from pymodbus.exceptions import ModbusException
from pymodbus.framer.rtu_framer import ModbusRtuFramer
from pymodbus.pdu import ExceptionResponse

EXIT_OK, EXIT_CONNECT, EXIT_USAGE, EXIT_NO_RESPONSE = 0, 1, 2, 3
USAGE = """usage: pymodbus_read.py tcp HOST PORT UNIT ITEM...
       pymodbus_read.py rtu DEVICE BAUD PARITY UNIT ITEM...
       pymodbus_read.py rtu-tcp HOST PORT UNIT ITEM...
ITEM:  FC:ADDR:COUNT (FC 3|4, ADDR hex, COUNT decimal)
       write:ADDR:WORD[,WORD...] (hex; one word FC06, more FC10)"""


def parse_number(text, base, maximum):
    """All of text as an unsigned number in base, at most maximum; ValueError otherwise."""
    if not text or text[0] in "+-" or text.strip() != text:
        raise ValueError(text)
    value = int(text, base)
    if value > maximum:
        raise ValueError(text)
    return value


def parse_item(text):
    """("read", fc, addr, count) or ("write", addr, [words]); ValueError when malformed."""
    parts = text.split(":")
    if len(parts) != 3:
        raise ValueError(text)
    addr = parse_number(parts[1], 16, 0xFFFF)
    if parts[0] == "write":
        words = [parse_number(w, 16, 0xFFFF) for w in parts[2].split(",")]
        if not 1 <= len(words) <= 123:
            raise ValueError(text)
        return ("write", addr, words)
    fc = parse_number(parts[0], 10, 255)
    if fc not in (3, 4):
        raise ValueError(text)
    return ("read", fc, addr, parse_number(parts[2], 10, 0xFFFF))


def run_item(client, unit, item):
    """Runs one item and prints its line; True when the server answered."""
    try:
        if item[0] == "write":
            _, addr, words = item
            if len(words) == 1:
                reply = client.write_register(addr, words[0], slave=unit)
            else:
                reply = client.write_registers(addr, words, slave=unit)
        else:
            _, fc, addr, count = item
            read = client.read_holding_registers if fc == 3 else client.read_input_registers
            reply = read(addr, count, slave=unit)
    except ModbusException as error:  # pymodbus raises for some transport failures
        print("no response", flush=True)
        print(f"pymodbus_read: {error}", file=sys.stderr)
        return False
    if isinstance(reply, ExceptionResponse):
        print(f"exception {reply.exception_code}", flush=True)
        return True
    if reply is None or reply.isError():
        print("no response", flush=True)
        print(f"pymodbus_read: {reply}", file=sys.stderr)
        return False
    if item[0] == "write":
        print("ok", flush=True)
    else:
        print(" ".join(f"{w:04X}" for w in reply.registers), flush=True)
    return True


def connect_serial(device, baud, parity, common):
    """A connected ModbusSerialClient, or None.

    strict=False: pymodbus's strict mode sets pyserial's inter-character timeout after opening,
    a second tcsetattr. On a pseudo-terminal, this machine's kernel refuses a repeated
    tcsetattr with PARENB (EINVAL) although the first one succeeds; Linux clears PARENB on a
    pty in any case (pty_set_termios: a pty carries bytes, not bits), so on a pty the port is
    opened without parity when the parity setting is refused: the bytes are the same."""
    def client_with(line_parity):
        return ModbusSerialClient(device, framer=ModbusRtuFramer, baudrate=baud, bytesize=8,
                                  parity=line_parity, stopbits=1, strict=False, **common)

    client = client_with(parity)
    try:
        if client.connect():
            return client
        return None
    except termios.error as error:
        if parity == "N" or not os.path.realpath(device).startswith("/dev/pts/"):
            print(f"pymodbus_read: {device}: {error}", file=sys.stderr)
            return None
        print(f"pymodbus_read: {device} is a pty that refused parity {parity} ({error}); "
              "opened without parity", file=sys.stderr)
    client = client_with("N")
    return client if client.connect() else None


def main(argv):
    mode = argv[1] if len(argv) > 1 else ""
    first_item = {"tcp": 5, "rtu-tcp": 5, "rtu": 6}.get(mode)
    if first_item is None or len(argv) < first_item:
        print(USAGE, file=sys.stderr)
        return EXIT_USAGE
    try:
        items = [parse_item(a) for a in argv[first_item:]]
        if mode == "rtu":
            baud = parse_number(argv[3], 10, 4000000)
            parity = argv[4]
            if parity not in ("E", "N", "O"):
                raise ValueError(parity)
            unit = parse_number(argv[5], 10, 247)
        else:
            port = parse_number(argv[3], 10, 65535)
            unit = parse_number(argv[4], 10, 255)
    except ValueError as error:
        print(f"pymodbus_read: bad argument {error}\n{USAGE}", file=sys.stderr)
        return EXIT_USAGE

    # Bounded: 1 s per request (and for the connect), no retries, so an unanswered request is
    # seen as such and not sent again.
    common = {"timeout": 1, "retries": 0, "retry_on_empty": False, "reconnect_delay": 0}
    if mode == "rtu":
        client = connect_serial(argv[2], baud, parity, common)
    elif mode == "rtu-tcp":
        client = ModbusTcpClient(argv[2], port=port, framer=ModbusRtuFramer, **common)
    else:
        client = ModbusTcpClient(argv[2], port=port, **common)
    if client is None or not client.connect():
        print(f"pymodbus_read: cannot connect to {argv[2]}", file=sys.stderr)
        return EXIT_CONNECT
    status = EXIT_OK
    try:
        for item in items:
            if not run_item(client, unit, item):
                status = EXIT_NO_RESPONSE
    finally:
        client.close()
    return status


if __name__ == "__main__":
    # pymodbus logs failed transactions at ERROR level; the output line already says it.
    logging.getLogger("pymodbus").setLevel(logging.CRITICAL)
    sys.exit(main(sys.argv))
