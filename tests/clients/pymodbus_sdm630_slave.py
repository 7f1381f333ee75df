#!/usr/bin/env python3
"""pymodbus_sdm630_slave: an independent Modbus TCP server (pymodbus 3.0, none of pro380's code)
that serves an Eastron SDM630's input registers (FC04, float32 big-endian, high word first, wire
address 0x0000 = register 30001; Eastron "SDM630Modbus Smart Meter Modbus Protocol
Implementation" V1.8), for testing the `modbus-client:` bridge against a meter we did not write.

    pymodbus_sdm630_slave.py UNIT VALUES.json

VALUES.json maps an input register's wire address (hex string, e.g. "0x0006") to its float value.
Every other address of 0x0000..0x00FF reads 0.0 (the meter reads 0 for values the wiring does not
use). The server listens on 127.0.0.1 on a free port (port 0) and prints "listening on
127.0.0.1:PORT" once it accepts connections. Each line on stdin is a JSON object of the same
form that replaces those values (a changing meter); it runs until stdin is closed or SIGTERM.
Other unit IDs get no reply. Exit status 2 for a bad command line.

Needs python3-pymodbus 3.0 (Debian's; under another interpreter, run it with /usr/bin/python3).
"""
import json
import struct
import sys

from pymodbus.datastore import ModbusSlaveContext, ModbusSparseDataBlock

import pymodbus_serving

USAGE = "usage: pymodbus_sdm630_slave.py UNIT VALUES.json"


def words_of(values):
    """{address: float} -> {address: word, address + 1: word} (float32 ABCD)."""
    registers = {}
    for key, value in values.items():
        address = int(key, 16)
        if address % 2 or not 0 <= address < 0x100:
            raise ValueError(f"{key}: not an even input register address below 0x100")
        high, low = struct.unpack(">HH", struct.pack(">f", float(value)))
        registers[address], registers[address + 1] = high, low
    return registers


def serve(unit, values):
    registers = {address: 0 for address in range(0x100)}
    registers.update(words_of(values))
    block = ModbusSparseDataBlock(registers)

    def update(line):
        for address, word in words_of(json.loads(line)).items():
            block.setValues(address, [word])
        print("updated", flush=True)

    store = ModbusSlaveContext(ir=block, zero_mode=True)
    return pymodbus_serving.serve(unit, store, "tcp", update)


def main(argv):
    if len(argv) != 3:
        print(USAGE, file=sys.stderr)
        return 2
    try:
        unit = int(argv[1])
        with open(argv[2]) as f:
            values = json.load(f)
        words_of(values)
    except (ValueError, OSError) as error:
        print(f"pymodbus_sdm630_slave: {error}", file=sys.stderr)
        return 2
    return pymodbus_serving.run(serve(unit, values))


if __name__ == "__main__":
    sys.exit(main(sys.argv))
