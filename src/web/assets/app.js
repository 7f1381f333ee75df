// pro380's web page: no build step, no library. Reads the REST API (docs/api/openapi.yaml) and
// follows the SSE stream /api/v1/stream; writes go to the same API (with the token, if set).
"use strict";

const state = {
  meters: [],
  serial: null,
  history: {},        // serial -> [{t, p:[..], i:[..], u:[..]}]
  trafficPaused: false,
  lcdFromPanel: false,
};
const HISTORY = 120;
const $ = (id) => document.getElementById(id);
const svgNs = "http://www.w3.org/2000/svg";

function headers() {
  const h = {"Content-Type": "application/json"};
  const token = $("token").value.trim();
  if (token) h["Authorization"] = "Bearer " + token;
  return h;
}

async function getJson(path) {
  const reply = await fetch(path);
  if (!reply.ok) throw new Error(path + ": " + reply.status);
  return reply.json();
}

async function post(path, body) {
  const reply = await fetch(path, {method: "POST", headers: headers(), body: JSON.stringify(body || {})});
  let json = {};
  try { json = await reply.json(); } catch (e) { /* empty body */ }
  return {ok: reply.ok, status: reply.status, json};
}

function el(tag, attrs, text) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

function svg(tag, attrs) {
  const e = document.createElementNS(svgNs, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  return e;
}

// --- The LCD: two rows of 8 seven-segment characters ----------------------------------------

// Segments a..g (a top, then clockwise, g middle) of each character the meter shows.
const SEGMENTS = {
  "0": "abcdef", "1": "bc", "2": "abdeg", "3": "abcdg", "4": "bcfg", "5": "acdfg", "6": "acdefg",
  "7": "abc", "8": "abcdefg", "9": "abcdfg", "A": "abcefg", "b": "cdefg", "B": "cdefg", "C": "adef",
  "c": "deg", "d": "bcdeg", "D": "bcdeg", "E": "adefg", "F": "aefg", "G": "acdef", "H": "bcefg",
  "h": "cefg", "I": "bc", "i": "c", "J": "bcde", "L": "def", "l": "ef", "n": "ceg", "N": "abcef",
  "o": "cdeg", "O": "abcdef", "P": "abefg", "q": "abcfg", "r": "eg", "R": "eg", "S": "acdfg",
  "s": "acdfg", "t": "defg", "T": "defg", "U": "bcdef", "u": "cde", "V": "bcdef", "y": "bcdfg",
  "Y": "bcdfg", "-": "g", "_": "d", " ": "",
};
const DIGIT_W = 30, DIGIT_H = 44, T = 5;

function segmentRects(x) {
  const w = DIGIT_W - 8, h = DIGIT_H / 2;
  return {
    a: [x + T, 0, w - 2 * T, T], g: [x + T, h - T / 2, w - 2 * T, T], d: [x + T, DIGIT_H - T, w - 2 * T, T],
    f: [x, T, T, h - T], b: [x + w - T, T, T, h - T], e: [x, h + T / 2, T, h - T], c: [x + w - T, h + T / 2, T, h - T],
  };
}

// Splits "12345.67" into 8 cells of {ch, dot}; the decimal point belongs to the digit before it.
function cells(text) {
  const out = [];
  for (const ch of String(text)) {
    if (ch === "." && out.length) { out[out.length - 1].dot = true; continue; }
    out.push({ch, dot: false});
  }
  while (out.length < 8) out.unshift({ch: " ", dot: false});
  return out.slice(-8);
}

function drawRow(group, text) {
  group.replaceChildren();
  group.setAttribute("data-text", text);
  cells(text).forEach((cell, k) => {
    const x = k * DIGIT_W * 0.92;
    const on = SEGMENTS[cell.ch] ?? SEGMENTS[cell.ch.toUpperCase()] ?? "";
    for (const [name, [rx, ry, rw, rh]] of Object.entries(segmentRects(x))) {
      group.appendChild(svg("rect", {x: rx, y: ry, width: rw, height: rh, rx: 1.5,
                                     class: on.includes(name) ? "seg" : "seg off"}));
    }
    group.appendChild(svg("rect", {x: x + DIGIT_W - 7, y: DIGIT_H - T, width: T, height: T,
                                   class: cell.dot ? "seg" : "seg off"}));
  });
}

const INDICATORS = ["T1", "T2", "L1", "L2", "L3", "kWh", "kvarh", "kW", "kVA", "V", "A", "Hz", "cos", "FW", "RV"];

function drawIndicators(active) {
  const g = $("lcd-indicators");
  g.replaceChildren();
  let x = 36;
  for (const name of INDICATORS) {
    const t = svg("text", {x, y: 174, class: active.includes(name) ? "ind" : "ind off"});
    t.textContent = name;
    g.appendChild(t);
    x += name.length * 5.6 + 5;
  }
}

// view: {rows: [text, text], indicators: [...], backlight: bool}
function renderLcd(view) {
  const lit = view.segments_on !== false;
  drawRow($("lcd-row1"), lit ? view.rows[0] || "" : "");
  drawRow($("lcd-row2"), lit ? view.rows[1] || "" : "");
  $("lcd-back").setAttribute("data-serial", view.serial ?? "");
  $("lcd-back").setAttribute("data-page", view.page ?? "");
  $("lcd-back").setAttribute("data-mode", view.mode ?? "");
  if (view.leds) {
    $("led-kwh").setAttribute("data-rate", view.leds.active.flashes_per_second);
    $("led-kvarh").setAttribute("data-rate", view.leds.reactive.flashes_per_second);
  }
  drawIndicators(view.indicators || []);
  $("lcd-back").classList.toggle("backlight", !!view.backlight);
  $("lcd-back").setAttribute("data-backlight", view.backlight_mode || "");
}

// Without the front panel's view: the total active energy, as page P02 shows it.
function lcdFromValues(meter) {
  const q = meter.quantities;
  renderLcd({rows: [q.active_energy_kwh.toFixed(2), ""], indicators: ["kWh", "T" + q.tariff]});
}

// --- Buttons ----------------------------------------------------------------------------------

// Presses and releases reach the meter in the order they happened: one request at a time.
let buttonQueue = Promise.resolve();
function sendButton(name, action) {
  const serial = state.serial;
  buttonQueue = buttonQueue.then(async () => {
    const r = await post(`/api/v1/meters/${serial}/buttons/${name}/${action}`);
    if (!r.ok) showResult(r, "button " + name);
    else if (r.json && r.json.lcd && serial === state.serial) renderLcd(r.json.lcd);
  }).catch(() => {});
  return buttonQueue;
}

function wireButton(id, name) {
  const g = $(id);
  let down = false;
  const press = (event) => {
    event.preventDefault();
    if (down) return;
    down = true;
    g.classList.add("pressed");
    sendButton(name, "press");
  };
  const release = () => {
    if (!down) return;
    down = false;
    g.classList.remove("pressed");
    sendButton(name, "release");
  };
  g.addEventListener("pointerdown", press);
  g.addEventListener("pointerup", release);
  g.addEventListener("pointerleave", release);
  g.addEventListener("keydown", (e) => { if (e.key === " " || e.key === "Enter") press(e); });
  g.addEventListener("keyup", (e) => { if (e.key === " " || e.key === "Enter") release(); });
}

// --- LEDs: flash at the meter's pulse times ("pulses" messages, docs/web.md "LEDs") ----------

// The server reports each tick's pulses as offsets back from the tick (within ~100 ms); the page
// plays them this much later, so every flash is still ahead when its message arrives.
const PULSE_PLAYBACK_DELAY_MS = 300;
// A flash lasts this long on screen; pulses closer than that merge into one lit stretch (rates
// above ~25 a second look steadily lit, as the real LED does to the eye at high load).
const FLASH_MS = 40;
const ledLitUntil = {};  // LED id -> performance.now() until which it stays lit

function flashLed(id) {
  const led = $(id);
  const now = performance.now();
  ledLitUntil[id] = now + FLASH_MS;
  led.dataset.pulses = String(Number(led.dataset.pulses || 0) + 1);
  led.classList.add("on");
  setTimeout(() => { if (performance.now() >= ledLitUntil[id] - 1) led.classList.remove("on"); },
             FLASH_MS);
}

function playPulses(message) {
  if (message.serial !== state.serial) return;
  for (const [id, led] of [["led-kwh", message.leds.active], ["led-kvarh", message.leds.reactive]]) {
    for (const offset of led.offsets_ms) {
      setTimeout(() => flashLed(id), Math.max(0, PULSE_PLAYBACK_DELAY_MS + offset));
    }
  }
}

// --- Charts -----------------------------------------------------------------------------------

function drawChart(id, series) {
  const chart = $(id);
  chart.replaceChildren();
  const all = series.flat();
  if (!all.length) return;
  let lo = Math.min(0, ...all), hi = Math.max(0, ...all);
  if (hi - lo < 1e-9) { hi += 1; lo -= 1; }
  const y = (v) => 110 - ((v - lo) / (hi - lo)) * 100;
  chart.appendChild(svg("line", {x1: 0, x2: 400, y1: y(0), y2: y(0), class: "axis"}));
  ["l1", "l2", "l3"].forEach((phase, k) => {
    const points = series[k].map((v, i) => `${(i * 400) / (HISTORY - 1)},${y(v).toFixed(1)}`);
    chart.appendChild(svg("polyline", {points: points.join(" "), class: phase}));
  });
  const top = svg("text", {x: 2, y: 10}); top.textContent = hi.toFixed(1); chart.appendChild(top);
  const bottom = svg("text", {x: 2, y: 118}); bottom.textContent = lo.toFixed(1); chart.appendChild(bottom);
}

function record(meter) {
  const q = meter.quantities;
  const h = (state.history[meter.serial] ||= []);
  h.push({p: [q.active_power_l1_kw, q.active_power_l2_kw, q.active_power_l3_kw],
          i: [q.current_l1_a, q.current_l2_a, q.current_l3_a],
          u: [q.voltage_l1_v, q.voltage_l2_v, q.voltage_l3_v]});
  if (h.length > HISTORY) h.shift();
}

function drawCharts() {
  const h = state.history[state.serial] || [];
  const series = (key) => [0, 1, 2].map((k) => h.map((s) => s[key][k]));
  drawChart("chart-power", series("p"));
  drawChart("chart-current", series("i"));
  drawChart("chart-voltage", series("u"));
}

// --- The selected meter -------------------------------------------------------------------------

function showMeter(meter) {
  $("meter-title").textContent = meter.serial;
  // A live source's state (docs/sources.md): marked while its values are not fresh.
  const source = $("source-state");
  source.textContent = meter.source ? meter.source.state.replace("_", " ") : "";
  source.title = meter.source ? "source " + meter.source.spec : "";
  source.classList.toggle("stale", Boolean(meter.source && meter.source.stale));
  $("face-serial").textContent = meter.serial;
  $("face-model").textContent = "PRO380-" + {mod: "Mod", mb: "Mb", s: "S"}[meter.variant];
  const q = meter.quantities;
  $("s0-forward").textContent = q.s0_forward_pulses;
  $("s0-reverse").textContent = q.s0_reverse_pulses;
  $("face-tariff").textContent = "T" + q.tariff;
  if (!state.lcdFromPanel) lcdFromValues(meter);
  const body = $("quantities").tBodies[0];
  body.replaceChildren();
  for (const [name, value] of Object.entries(q)) {
    const row = el("tr", {"data-name": name});
    row.appendChild(el("td", {}, name));
    row.appendChild(el("td", {class: "mono"}, String(value)));
    body.appendChild(row);
  }
  const form = $("settings-form");
  for (const [name, value] of Object.entries(meter.settings)) {
    const field = form.elements[name];
    if (field && document.activeElement !== field) field.value = String(value);
  }
}

async function selectMeter(serial) {
  state.serial = serial;
  for (const b of $("meters").children) b.classList.toggle("active", b.dataset.serial === serial);
  state.lcdFromPanel = false;
  const meter = await getJson(`/api/v1/meters/${serial}`);
  if (serial !== state.serial) return;  // another meter was chosen meanwhile
  showMeter(meter);
  await loadLcd();
  drawCharts();
  $("registers").tBodies[0].replaceChildren();
}

async function loadLcd() {
  const serial = state.serial;
  const reply = await fetch(`/api/v1/meters/${serial}/lcd`);
  if (serial !== state.serial) return;  // the answer of a meter no longer shown
  if (!reply.ok) { $("lcd-source").textContent = "(LCD: total energy; the front panel is not served)"; return; }
  state.lcdFromPanel = true;
  $("lcd-source").textContent = "";
  const view = await reply.json();
  if (serial === state.serial) renderLcd(view);
}

// --- Settings -----------------------------------------------------------------------------------

function showResult(r, what) {
  const out = $("settings-result");
  out.classList.toggle("error", !r.ok);
  out.textContent = r.ok ? `${what}: done` : `${what}: ${r.status} ${r.json.error || ""}`;
}

async function writeSetting(name, value) {
  const r = await post(`/api/v1/meters/${state.serial}/settings/${name}`, {value: Number(value)});
  showResult(r, `${name} = ${value}`);
  showMeter(await getJson(`/api/v1/meters/${state.serial}`));
}

// --- Logs ---------------------------------------------------------------------------------------

function addTraffic(frames) {
  if (state.trafficPaused) return;
  const body = $("traffic").tBodies[0];
  for (const f of frames) {
    const row = el("tr", {class: f.direction});
    row.appendChild(el("td", {class: "mono"}, f.time.slice(11, 23)));
    row.appendChild(el("td", {}, f.interface));
    row.appendChild(el("td", {}, f.peer));
    row.appendChild(el("td", {}, f.direction === "rx" ? "→" : "←"));
    row.appendChild(el("td", {class: "mono"}, f.hex || f.note));
    row.appendChild(el("td", {class: "mono"}, f.decoded));
    body.insertBefore(row, body.firstChild);
  }
  while (body.rows.length > 300) body.deleteRow(body.rows.length - 1);
}

function showCounters(interfaces) {
  const box = $("counters");
  box.replaceChildren();
  for (const i of interfaces) {
    const important = Object.entries(i.counters).filter(([k, v]) => v !== 0 || k.endsWith("requests"));
    box.appendChild(el("div", {}, `${i.name}: ` + important.map(([k, v]) => `${k} ${v}`).join(", ")));
  }
}

function addEvent(e) {
  const body = $("events").tBodies[0];
  const row = el("tr");
  for (const text of [e.time.slice(0, 19).replace("T", " "), e.serial, e.kind, e.interface, e.client, e.detail]) {
    row.appendChild(el("td", {}, text));
  }
  body.insertBefore(row, body.firstChild);
  while (body.rows.length > 500) body.deleteRow(body.rows.length - 1);
}

async function readRegisters() {
  const data = await getJson(`/api/v1/meters/${state.serial}/registers`);
  const body = $("registers").tBodies[0];
  body.replaceChildren();
  for (const iface of data.interfaces) {
    for (const r of iface.registers) {
      const row = el("tr");
      const value = r.value === null ? "" : String(Number(r.value.toPrecision(7)));
      for (const text of [r.address_hex, r.map, r.name, r.words.join(" "), value, r.unit, r.access]) {
        row.appendChild(el("td", {class: "mono"}, text));
      }
      body.appendChild(row);
    }
  }
  if (!data.interfaces.length) body.appendChild(el("tr", {}, "this meter has no register interface"));
}

// --- Start --------------------------------------------------------------------------------------

function connect() {
  const stream = new EventSource("/api/v1/stream");
  stream.onopen = () => { $("status").textContent = "live"; };
  stream.onerror = () => { $("status").textContent = "reconnecting…"; };
  stream.addEventListener("values", (m) => {
    const meter = JSON.parse(m.data);
    record(meter);
    if (meter.serial === state.serial) { showMeter(meter); drawCharts(); }
  });
  stream.addEventListener("pulses", (m) => playPulses(JSON.parse(m.data)));
  stream.addEventListener("lcd", (m) => {
    const view = JSON.parse(m.data);
    if (view.serial === state.serial) { state.lcdFromPanel = true; renderLcd(view); }
  });
  stream.addEventListener("traffic", (m) => addTraffic(JSON.parse(m.data).frames));
  stream.addEventListener("counters", (m) => showCounters(JSON.parse(m.data).interfaces));
  stream.addEventListener("event", (m) => addEvent(JSON.parse(m.data)));
}

async function start() {
  $("token").value = localStorage.getItem("pro380-token") || "";
  $("token").addEventListener("change", () => localStorage.setItem("pro380-token", $("token").value));
  wireButton("button-left", "left");
  wireButton("button-right", "right");
  $("settings-form").addEventListener("change", (e) => writeSetting(e.target.name, e.target.value));
  $("reset-day-counter").addEventListener("click", () => writeSetting("day_counter_kwh", 0));
  $("reset-power-down").addEventListener("click", () => writeSetting("power_down_count", 0));
  $("registers-refresh").addEventListener("click", readRegisters);
  $("traffic-pause").addEventListener("click", (e) => {
    state.trafficPaused = !state.trafficPaused;
    e.target.textContent = state.trafficPaused ? "resume" : "pause";
  });
  state.meters = await getJson("/api/v1/meters");
  for (const m of state.meters) {
    // A PRO380-Mb is addressed by its M-Bus primary address, the others by their Modbus ID.
    const address = m.variant === "mb" ? `M-Bus ${m.mbus_primary_address}` : `ID ${m.modbus_id}`;
    const b = el("button", {"data-serial": m.serial, type: "button"}, `${m.serial} (${address})`);
    b.addEventListener("click", () => selectMeter(m.serial));
    $("meters").appendChild(b);
  }
  const events = await getJson("/api/v1/events?limit=200");
  events.events.forEach(addEvent);
  const traffic = await getJson("/api/v1/traffic?limit=100");
  addTraffic(traffic.frames);
  showCounters(traffic.interfaces);
  connect();
  await selectMeter(state.meters[0].serial);
  document.body.setAttribute("data-ready", "true");
}

start().catch((e) => { $("status").textContent = "error: " + e.message; });
