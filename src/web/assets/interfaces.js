// The M-Bus records and optical-port data sets of the selected meter (docs/web.md), beside the
// Modbus registers. Uses app.js's helpers ($, el, getJson, state); loaded after it.
"use strict";

// Fills table `id` with one row a item, or one row saying why there is none (a 404's error).
async function readInterfaceTable(id, path, rowsOf, columnsOf) {
  const body = $(id).tBodies[0];
  body.replaceChildren();
  const reply = await fetch(`/api/v1/meters/${state.serial}/${path}`);
  const data = await reply.json();
  if (!reply.ok) {
    body.appendChild(el("tr", {}, data.error || `HTTP ${reply.status}`));
    return;
  }
  for (const item of rowsOf(data)) {
    const row = el("tr");
    for (const text of columnsOf(item)) row.appendChild(el("td", {class: "mono"}, String(text)));
    body.appendChild(row);
  }
}

function readMbusRecords() {
  return readInterfaceTable("mbus-records", "mbus-records", (d) => d.records, (r) => [
    r.index, r.name, r.header, r.data,
    `${r.function} s${r.storage} t${r.tariff} u${r.subunit}`,
    r.value === null ? "" : String(Number(r.value.toPrecision(9))), r.unit || r.plain_text_unit]);
}

function readIecDataSets() {
  return readInterfaceTable("iec-data-sets", "iec-data-sets", (d) => d.data_sets,
                            (s) => [s.code, s.value, s.unit, s.access]);
}

$("mbus-records-refresh").addEventListener("click", readMbusRecords);
$("iec-data-sets-refresh").addEventListener("click", readIecDataSets);
