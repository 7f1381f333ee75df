// An independent M-Bus master for the integration tests: node-mbus (libmbus bundled) reads a
// meter by primary or secondary address, scans secondary addresses, or sets a primary address,
// over TCP or a serial line (pty). Prints one JSON object on stdout:
//   {"ok": true, "data": <node-mbus's parse of libmbus's XML>}  or  {"ok": false, "error": "..."}
// Usage: node mbus_master.js tcp HOST PORT TIMEOUT_S (get ADDRESS | scan | set OLD NEW)
//        node mbus_master.js serial PATH BAUD (get ADDRESS | scan | set OLD NEW)
// ADDRESS: a primary address (0..250) or a 16-hex-digit secondary address (libmbus's form).
'use strict';
const MbusMaster = require('node-mbus');

function fail(error) {
  process.stdout.write(JSON.stringify({ok: false, error: String(error)}) + '\n');
  process.exit(1);
}

const [kind, where, rate, command, ...rest] = process.argv.slice(2);
const options = {autoConnect: true};
if (kind === 'tcp') {
  options.host = where;
  options.port = Number(rate);
  options.timeout = 1000 * Number(process.env.MBUS_TIMEOUT_S || 1);
} else if (kind === 'serial') {
  options.serialPort = where;
  options.serialBaudRate = Number(rate);
} else {
  fail('usage: mbus_master.js tcp HOST PORT|serial PATH BAUD get ADDRESS|scan|set OLD NEW');
}
const master = new MbusMaster(options);
const done = (error, data) => {
  master.close();
  if (error) fail(error);
  process.stdout.write(JSON.stringify({ok: true, data}) + '\n');
  process.exit(0);
};
if (!master.connect()) fail('cannot connect');
if (command === 'get') {
  const address = /^[0-9]+$/.test(rest[0]) ? Number(rest[0]) : rest[0];
  // pingFirst (SND_NKE before REQ_UD2) is node-mbus's default for primary addresses.
  master.getData(address, done);
} else if (command === 'scan') {
  master.scanSecondary(done);
} else if (command === 'set') {
  const old = /^[0-9]+$/.test(rest[0]) ? Number(rest[0]) : rest[0];
  master.setPrimaryId(old, Number(rest[1]), (error) => done(error, null));
} else {
  fail('unknown command ' + command);
}
