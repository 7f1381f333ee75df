#!/usr/bin/env python3
"""pymodbus_pro380_slave: an independent Modbus server (pymodbus 3.0, none of pro380's code) that
serves fixed PRO380 register words, for testing `pro380 read` against a server we did not write.

    pymodbus_pro380_slave.py tcp|rtu-tcp UNIT WORDS.json

WORDS.json maps a block's start address (hex string, e.g. "0x4000") to its list of 16-bit words
as 4-digit hex strings (holding registers, FC03; tests/clients/pro380_reference_dump.json holds
the real meter's words of reference pro380-protocols.md §1.7). The server listens on 127.0.0.1 on a free port (port 0), prints
"listening on 127.0.0.1:PORT" on stdout once it accepts connections, and runs until stdin is
closed or it gets SIGTERM. `tcp` speaks MBAP, `rtu-tcp` RTU frames on the TCP stream. Other unit
IDs get no reply (ignore_missing_slaves). Exit status 2 for a bad command line.

Needs python3-pymodbus 3.0 (Debian's; under another interpreter, run it with /usr/bin/python3).
"""
import json
import sys

from pymodbus.datastore import ModbusSlaveContext, ModbusSparseDataBlock

import pymodbus_serving

USAGE = "usage: pymodbus_pro380_slave.py tcp|rtu-tcp UNIT WORDS.json"


def load_words(path):
    with open(path) as f:
        blocks = json.load(f)
    registers = {}
    for start, words in blocks.items():
        base = int(start, 16)
        for offset, text in enumerate(words):
            word = int(text, 16)
            if len(text) != 4 or not 0 <= word <= 0xFFFF:
                raise ValueError(f"{start}+{offset}: {word} is not a 16-bit word")
            registers[base + offset] = word
    return registers


def serve(framing, unit, registers):
    # pymodbus's sparse block takes addresses as the PDU carries them; ModbusSlaveContext adds 1
    # unless zero_mode is set.
    store = ModbusSlaveContext(hr=ModbusSparseDataBlock(registers), zero_mode=True)
    return pymodbus_serving.serve(unit, store, framing)


def main(argv):
    if len(argv) != 4 or argv[1] not in pymodbus_serving.FRAMINGS:
        print(USAGE, file=sys.stderr)
        return 2
    try:
        unit = int(argv[2])
        registers = load_words(argv[3])
    except (ValueError, OSError) as error:
        print(f"pymodbus_pro380_slave: {error}", file=sys.stderr)
        return 2
    return pymodbus_serving.run(serve(argv[1], unit, registers))


if __name__ == "__main__":
    sys.exit(main(sys.argv))
