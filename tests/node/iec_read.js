// Reads a meter once with smartmeter-obis (D0 protocol, mode C, serial request/response) and
// prints the OBIS values as one JSON object {"<obis>": {"raw": "...", "values": [...]}}.
// Usage: node iec_read.js SERIAL_PATH [DEVICE_ADDRESS]. Exit 1 on the client's error, 2 when no
// answer came within 60 s.
'use strict';
const SmartmeterObis = require('smartmeter-obis');

const [path, address] = process.argv.slice(2);
const options = {
  protocol: 'D0Protocol',
  transport: 'SerialRequestResponseTransport',
  transportSerialPort: path,
  transportSerialBaudrate: 300,
  protocolD0DeviceAddress: address || '',
  requestInterval: -1,  // one readout, then stop
  obisFallbackMedium: 1,
  debug: 0,
  logger: (text) => process.stderr.write(String(text) + '\n'),
};
const guard = setTimeout(() => {
  process.stderr.write('no readout within 60 s\n');
  process.exit(2);
}, 60000);
const transport = SmartmeterObis.init(options, (err, result) => {
  if (err) {
    process.stderr.write(String(err) + '\n');
    process.exitCode = 1;
  } else {
    const out = {};
    for (const id of Object.keys(result)) {
      out[id] = {raw: result[id].rawValue, values: result[id].values};
    }
    process.stdout.write(JSON.stringify(out) + '\n');
  }
  clearTimeout(guard);
  transport.stop();
});
transport.process();
