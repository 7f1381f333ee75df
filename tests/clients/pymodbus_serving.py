"""pymodbus_serving: what the pymodbus test servers (pymodbus_*_slave.py) share: a Modbus server
on a free loopback port that announces itself and lives as long as its stdin.

serve(unit, store, framing, on_line) starts pymodbus's ModbusTcpServer on 127.0.0.1 port 0 with
one slave context for `unit` (other unit IDs get no reply), prints "listening on 127.0.0.1:PORT"
once it accepts connections, hands every stdin line to `on_line` (when given) and returns when
stdin closes. `framing` is "tcp" (MBAP) or "rtu-tcp" (RTU frames on the TCP stream).
run(name, coroutine) runs it quietly; SIGTERM or Ctrl-C end it with exit status 0.
"""
import asyncio
import logging
import sys

from pymodbus.datastore import ModbusServerContext
from pymodbus.framer.rtu_framer import ModbusRtuFramer
from pymodbus.framer.socket_framer import ModbusSocketFramer
from pymodbus.server.async_io import ModbusTcpServer

FRAMINGS = {"tcp": ModbusSocketFramer, "rtu-tcp": ModbusRtuFramer}


async def serve(unit, store, framing="tcp", on_line=None):
    context = ModbusServerContext(slaves={unit: store}, single=False)
    server = ModbusTcpServer(context, framer=FRAMINGS[framing], address=("127.0.0.1", 0),
                             ignore_missing_slaves=True)
    task = asyncio.create_task(server.serve_forever())
    await server.serving
    port = server.server.sockets[0].getsockname()[1]
    print(f"listening on 127.0.0.1:{port}", flush=True)
    loop = asyncio.get_running_loop()
    while line := await loop.run_in_executor(None, sys.stdin.readline):
        if on_line:
            on_line(line)
    task.cancel()


def run(coroutine):
    logging.basicConfig(level=logging.CRITICAL)
    try:
        asyncio.run(coroutine)
    except KeyboardInterrupt:
        pass
    return 0
