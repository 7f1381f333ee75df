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
import asyncio
import json
import logging
import sys

from pymodbus.datastore import (ModbusServerContext, ModbusSlaveContext,
                                ModbusSparseDataBlock)
from pymodbus.framer.rtu_framer import ModbusRtuFramer
from pymodbus.framer.socket_framer import ModbusSocketFramer
from pymodbus.server.async_io import ModbusTcpServer

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


async def serve(framing, unit, registers):
    # pymodbus's sparse block takes addresses as the PDU carries them; ModbusSlaveContext adds 1
    # unless zero_mode is set.
    store = ModbusSlaveContext(hr=ModbusSparseDataBlock(registers), zero_mode=True)
    context = ModbusServerContext(slaves={unit: store}, single=False)
    framer = ModbusSocketFramer if framing == "tcp" else ModbusRtuFramer
    server = ModbusTcpServer(context, framer=framer, address=("127.0.0.1", 0),
                             ignore_missing_slaves=True)
    task = asyncio.create_task(server.serve_forever())
    await server.serving
    port = server.server.sockets[0].getsockname()[1]
    print(f"listening on 127.0.0.1:{port}", flush=True)
    loop = asyncio.get_running_loop()
    # Runs until stdin closes (the test ends) or SIGTERM.
    await loop.run_in_executor(None, sys.stdin.read)
    task.cancel()


def main(argv):
    if len(argv) != 4 or argv[1] not in ("tcp", "rtu-tcp"):
        print(USAGE, file=sys.stderr)
        return 2
    try:
        unit = int(argv[2])
        registers = load_words(argv[3])
    except (ValueError, OSError) as error:
        print(f"pymodbus_pro380_slave: {error}", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.CRITICAL)
    try:
        asyncio.run(serve(argv[1], unit, registers))
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
