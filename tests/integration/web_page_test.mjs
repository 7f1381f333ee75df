// The web page in a real browser: Debian's Chromium driven by playwright-core (tests/node),
// against the real `pro380 run` on free loopback ports (docs/web.md, "Testing").
//
// Checks: the page loads and goes live; the LCD shows what the REST API says; the day-counter
// reset from the page works (REST value and event log); the traffic log shows a request made by
// mbpoll; [front panel] holding a button for 5 s on the backlight page changes the mode;
// [several meters] a config with three meters: each one's LCD on the page is its own, a button
// press on one changes only that one, and the kWh LED flashes once per meter pulse; a
// PRO380-Mb's M-Bus frame shows decoded in the traffic log and its records fill their table; a
// meter fed through the REST API is marked stale, then timed out, in the page's header.
// Screenshots go to $ARTIFACT_DIR (the build directory's web-artifacts/).
//
// Usage: node web_page_test.mjs   (env PRO380_BINARY, ARTIFACT_DIR; CHROMIUM optional)
import {spawn, execFileSync} from "node:child_process";
import {mkdtempSync, mkdirSync, rmSync, readFileSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join, dirname} from "node:path";
import {createRequire} from "node:module";
import {fileURLToPath} from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, "../node/package.json"));
const {chromium} = require("playwright-core");

const BINARY = process.env.PRO380_BINARY;
const ARTIFACTS = process.env.ARTIFACT_DIR || join(tmpdir(), "pro380-web-artifacts");
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const SOURCE = "const:P1=5000,P2=5000,P3=-12000";

let failures = 0;
function check(condition, what) {
  console.log(`${condition ? "ok  " : "FAIL"} ${what}`);
  if (!condition) failures += 1;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function until(what, probe, timeoutMs = 10000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

// `pro380 run ARGS`; resolves with {process, output(), KEY: match…} once each regex of `wanted`
// (one capture group) matched a line of its output; throws if it exits first.
async function launchPro380(args, wanted, what) {
  const child = spawn(BINARY, ["run", ...args], {stdio: ["ignore", "pipe", "pipe"]});
  let output = "";
  child.stdout.on("data", (d) => { output += d; });
  child.stderr.on("data", (d) => { output += d; });
  const started = await until(what, () => {
    if (child.exitCode !== null) throw new Error(`pro380 exited ${child.exitCode}:\n${output}`);
    const found = {};
    for (const [key, pattern] of Object.entries(wanted)) {
      const match = output.match(pattern);
      if (!match) return null;
      found[key] = match[1];
    }
    return found;
  });
  return {process: child, ...started, output: () => output};
}

const WEB_LINE = /^Web page and REST API on (http:\/\/\S+\/)/m;

// `pro380 run` on free ports; resolves with {process, url, modbusPort, output()}.
async function startPro380(work) {
  const pro380 = await launchPro380(
      ["--state", join(work, "state"), "--source", SOURCE, "--modbus-tcp", "127.0.0.1:0",
       "--http", "127.0.0.1:0", "--stop-after", "120s"],
      {url: WEB_LINE, modbusPort: /^Modbus TCP on 127\.0\.0\.1:(\d+)/m}, "the start lines");
  return {...pro380, modbusPort: Number(pro380.modbusPort)};
}

async function stopPro380(pro380) {
  if (pro380.process.exitCode !== null) return pro380.process.exitCode;
  const exited = new Promise((r) => pro380.process.on("exit", (code) => r(code)));
  pro380.process.kill("SIGTERM");
  const code = await Promise.race([exited, sleep(10000).then(() => "timeout")]);
  if (code === "timeout") { pro380.process.kill("SIGKILL"); return -1; }
  return code;
}

async function rest(url, path) {
  const reply = await fetch(url + path.replace(/^\//, ""));
  return {status: reply.status, json: await reply.json()};
}

async function main() {
  if (!BINARY) { console.error("PRO380_BINARY is not set"); process.exit(2); }
  mkdirSync(ARTIFACTS, {recursive: true});
  const work = mkdtempSync(join(tmpdir(), "pro380-page-"));
  let pro380 = null;
  let browser = null;
  try {
    pro380 = await startPro380(work);
    const {url} = pro380;
    browser = await chromium.launch({executablePath: CHROMIUM, headless: true,
                                     args: ["--no-sandbox", "--disable-gpu"]});
    const page = await browser.newPage({viewport: {width: 1280, height: 900}});
    const consoleErrors = [];
    page.on("pageerror", (e) => consoleErrors.push(String(e)));

    // The page loads, lists the meter and goes live.
    await page.goto(url);
    await page.waitForSelector("body[data-ready=true]", {timeout: 15000});
    check(await page.locator("nav#meters button").count() === 1, "page lists the meter");
    await until("live status", async () => (await page.textContent("#status")) === "live");
    check(true, "the SSE stream is live");
    // Wait until the meter shows its load (first tick) on the page.
    await until("the load on the page", async () =>
      (await page.textContent('#quantities tr[data-name="voltage_l1_v"] td.mono')) === "230");

    // The LCD shows the same value as the REST API.
    await checkLcdAgainstRest(page, url);

    // The traffic log shows a request made by mbpoll (an independent client).
    execFileSync("mbpoll", ["-m", "tcp", "-p", String(pro380.modbusPort), "-a", "1", "-0",
                            "-r", "16384", "-c", "2", "-t", "4:hex", "-1", "127.0.0.1"],
                 {timeout: 10000});
    const row = await until("mbpoll's request in the traffic log", async () => {
      const texts = await page.locator("#traffic tbody tr.rx").allTextContents();
      return texts.find((t) => t.includes("FC03 read 0x4000 x2"));
    });
    check(row.includes("modbus-tcp") && row.includes("01 03 40 00 00 02"),
          `traffic log shows mbpoll's request: ${row}`);

    // The day-counter reset from the page works.
    const before = await until("a day counter above 0.02 kWh", async () => {
      const value = (await rest(url, "/api/v1/meters/00000001")).json.quantities.day_counter_kwh;
      return value > 0.02 ? value : null;
    }, 20000);
    await page.click("#reset-day-counter");
    await until("the reset's result", async () =>
      (await page.textContent("#settings-result")).includes("day_counter_kwh = 0: done"));
    const after = (await rest(url, "/api/v1/meters/00000001")).json.quantities.day_counter_kwh;
    check(after < 0.02, `day counter reset from the page (was ${before}, now ${after})`);
    const events = (await rest(url, "/api/v1/events")).json.events;
    check(events.some((e) => e.interface === "rest" && /^day_counter_kwh: [0-9.]+ -> 0/.test(e.detail)),
          "the reset is in the event log as a REST write");
    await until("the reset in the page's event log", async () =>
      (await page.locator("#events tbody tr").allTextContents()).some((t) => t.includes("day_counter_kwh")));
    check(true, "the page's event log shows the reset");

    await holdButtonForBacklight(page, url);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({path: join(ARTIFACTS, "web-page-top.png")});  // the README's

    await page.click("#registers-refresh");
    await until("registers", async () => (await page.locator("#registers tbody tr").count()) > 100);
    check(true, "registers table filled");
    await page.screenshot({path: join(ARTIFACTS, "web-page.png"), fullPage: true});

    await page.locator("#face").screenshot({path: join(ARTIFACTS, "web-face.png")});
    check(consoleErrors.length === 0, `no page errors ${consoleErrors.join("; ")}`);
    await severalMeters(browser, work);
    await checkMbusOnThePage(browser, work);
    await checkStaleMarker(browser, work);
  } finally {
    if (browser) await browser.close();
    if (pro380) {
      const code = await stopPro380(pro380);
      check(code === 0, `pro380 exited ${code}`);
      if (code !== 0) console.log(pro380.output());
    }
    rmSync(work, {recursive: true, force: true});
  }
  console.log(failures ? `${failures} check(s) failed` : "all checks passed");
  process.exit(failures ? 1 : 0);
}

// The LCD's rows against the REST API: the front panel's view when it is served, and the
// quantity the page shows (P02, total active energy).
async function checkLcdAgainstRest(page, url) {
  const panel = await rest(url, "/api/v1/meters/00000001/lcd");
  if (panel.status === 200) {
    // The rows the page draws are the panel's, and the number on a quantity page is the REST
    // API's value of that quantity (energies may grow by a few Wh between the two reads).
    const seen = await until("a quantity page on the LCD", async () => {
      const view = (await rest(url, "/api/v1/meters/00000001/lcd")).json;
      const shown = [await page.getAttribute("#lcd-row1", "data-text"),
                     await page.getAttribute("#lcd-row2", "data-text")];
      if (!view.quantity || shown[0] !== view.rows[0] || shown[1] !== view.rows[1]) return null;
      const quantities = (await rest(url, "/api/v1/meters/00000001")).json.quantities;
      return {view, shown, value: quantities[view.quantity]};
    }, 40000);
    const onLcd = Number(seen.shown[0].replace(/ /g, ""));
    // The LCD shows magnitudes; the direction is its arrow (docs/display.md).
    check(Math.abs(Math.abs(onLcd) - Math.abs(seen.value)) <= 0.03,
          `LCD page ${seen.view.page} shows ${seen.view.quantity} = ${onLcd}, REST ${seen.value}`);
    return;
  }
  const shown = await until("an energy on the LCD", async () => {
    const text = await page.getAttribute("#lcd-row1", "data-text");
    const rest380 = (await rest(url, "/api/v1/meters/00000001")).json.quantities.active_energy_kwh;
    return text === rest380.toFixed(2) ? text : null;
  });
  check(true, `LCD shows the REST total active energy ${shown}`);
}

// Page P65 "BL" (docs/display.md): step there with short presses of the right button, hold it
// 5 s to open the backlight menu, step the value once and let the menu commit (10 s).
async function holdButtonForBacklight(page, url) {
  const lcd = async () => (await rest(url, "/api/v1/meters/00000001/lcd")).json;
  const before = (await lcd()).backlight_mode;
  for (let k = 0; k < 80 && (await page.getAttribute("#lcd-back", "data-page")) !== "65"; ++k) {
    await page.click("#button-right");
    await sleep(150);
  }
  check((await page.getAttribute("#lcd-back", "data-page")) === "65",
        "the right button stepped the LCD to the backlight page P65");
  check((await lcd()).page === 65, "REST agrees: page 65");
  const box = await page.locator("#button-right rect").boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await sleep(5300);
  await page.mouse.up();
  const menu = await until("the backlight menu", async () => {
    const view = await lcd();
    return view.mode === "edit_backlight" ? view : null;
  }, 3000);
  check(menu.mode === "edit_backlight", `holding the right button 5 s opened the menu: ${menu.rows}`);
  await page.click("#button-right");  // the next mode
  const after = await until("the menu to commit (10 s)", async () => {
    const view = await lcd();
    return view.mode !== "edit_backlight" ? view : null;
  }, 16000);
  check(after.backlight_mode !== before,
        `the backlight mode changed from ${before} to ${after.backlight_mode}`);
  const meter = (await rest(url, "/api/v1/meters/00000001")).json;
  check(meter.settings.backlight_mode !== undefined, "REST settings show backlight_mode");
  const events = (await rest(url, "/api/v1/events")).json.events;
  check(events.some((e) => e.interface === "panel" && e.detail.startsWith("backlight_mode:")),
        "the change is in the event log from the panel");
  await page.locator("#face").screenshot({path: join(ARTIFACTS, "web-face-backlight.png")});
}

// --- Several meters in one process, and the LEDs at the pulse times ---------------------------

const SERIALS = ["11111111", "22222222", "33333333"];
// 360 W on L1: 10 000 imp/kWh × 0.36 kW = 1 pulse a second of meter time; at speed 2 the kWh LED
// flashes twice a wall second (docs/web.md, "LEDs").
const LED_SPEED = 2;
const LED_SOURCE = "const:P1=360,P2=0,P3=0";
const LED_FLASHES_PER_S = (10000 * 0.36 / 3600) * LED_SPEED;

async function startConfigured(work) {
  const config = join(work, "three.toml");
  writeFileSync(config, `[run]\nspeed = ${LED_SPEED}\nsource = "${LED_SOURCE}"\n` +
    `[interfaces]\nhttp = "127.0.0.1:0"\nmodbus_tcp = "127.0.0.1:0"\n` +  // never the default 1502
    SERIALS.map((s, k) => `[[meter]]\nserial = "${s}"\nid = ${k + 1}\n`).join(""));
  return launchPro380(["--config", config, "--state", join(work, "state3"), "--stop-after", "120s"],
                      {url: WEB_LINE}, "the start lines of three meters");
}

async function severalMeters(browser, work) {
  const pro380 = await startConfigured(work);
  const {url} = pro380;
  const page = await browser.newPage({viewport: {width: 1280, height: 900}});
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  try {
    await page.goto(url);
    await page.waitForSelector("body[data-ready=true]", {timeout: 15000});
    check(await page.locator("nav#meters button").count() === SERIALS.length,
          "the page lists three meters");
    const lcdOf = async (serial) => (await rest(url, `/api/v1/meters/${serial}/lcd`)).json;
    const shownRows = async () => [await page.getAttribute("#lcd-row1", "data-text"),
                                   await page.getAttribute("#lcd-row2", "data-text")];
    // Each meter's LCD on the page equals its own REST view (the pages scroll: retry, bounded).
    const sameAsRest = async (serial) => until(`the page's LCD of ${serial} = its REST view`,
      async () => {
        const view = await lcdOf(serial);
        const rows = await shownRows();
        const drawnFor = await page.getAttribute("#lcd-back", "data-serial");
        return drawnFor === serial && rows[0] === view.rows[0] && rows[1] === view.rows[1] &&
               String(view.page) === await page.getAttribute("#lcd-back", "data-page") ? view : null;
      }, 15000);
    for (const serial of SERIALS) {
      await page.click(`nav#meters button[data-serial="${serial}"]`);
      const view = await sameAsRest(serial);
      check(true, `meter ${serial}: the page's LCD is its own (page ${view.page} "${view.rows[0]}")`);
    }
    // Button presses on the second meter step only its pages.
    await page.click(`nav#meters button[data-serial="${SERIALS[1]}"]`);
    await sameAsRest(SERIALS[1]);
    for (let k = 0; k < 80 && (await lcdOf(SERIALS[1])).page !== 62; ++k) {
      await page.click("#button-right");
      await sleep(120);
    }
    const second = await sameAsRest(SERIALS[1]);
    check(second.page === 62 && second.rows[0] === SERIALS[1] && second.mode === "browsing",
          `the right button stepped meter ${SERIALS[1]} to its serial page: ${second.rows}`);
    for (const serial of [SERIALS[0], SERIALS[2]]) {
      const view = await lcdOf(serial);
      check(view.mode === "scrolling" && view.page !== 62,
            `meter ${serial} untouched (mode ${view.mode}, page ${view.page})`);
    }
    for (const serial of [SERIALS[2], SERIALS[1]]) {  // back and forth: still each its own
      await page.click(`nav#meters button[data-serial="${serial}"]`);
      await sameAsRest(serial);
    }
    check((await shownRows())[0] === SERIALS[1], "switching back shows the second meter's page");
    await page.locator("#face").screenshot({path: join(ARTIFACTS, "web-face-meter2.png")});

    // The kWh LED flashes at the pulse times: count its flashes (off -> on) over a window.
    await page.evaluate((serial) => {
      // When the meter's pulse counter moved, polled every 20 ms from the page (same clock).
      window.counterMoves = [];
      let last = null;
      window.counterPoll = setInterval(async () => {
        const view = await (await fetch(`/api/v1/meters/${serial}/lcd`)).json();
        if (last !== null && view.leds.active.pulses > last) window.counterMoves.push(performance.now());
        last = view.leds.active.pulses;
      }, 20);
      window.ledFlashes = [];
      const led = document.getElementById("led-kwh");
      let on = led.classList.contains("on");
      new MutationObserver(() => {
        const now = led.classList.contains("on");
        if (now && !on) window.ledFlashes.push(performance.now());
        on = now;
      }).observe(led, {attributes: true, attributeFilter: ["class"]});
    }, SERIALS[1]);
    const pulsesOf = async () => (await lcdOf(SERIALS[1])).leds.active.pulses;
    const windowMs = 6000;
    const pulsesBefore = await pulsesOf();
    const t0 = await page.evaluate(() => performance.now());
    await sleep(windowMs);
    const pulsesAfter = await pulsesOf();
    const flashes = await page.evaluate((from) =>
      window.ledFlashes.filter((t) => t >= from).map((t) => t - from), t0);
    const moves = await page.evaluate((from) => {
      clearInterval(window.counterPoll);
      return window.counterMoves.map((t) => t - from);
    }, t0);
    const expected = LED_FLASHES_PER_S * windowMs / 1000;
    const counted = pulsesAfter - pulsesBefore;
    check(Math.abs(flashes.length - expected) <= 2,
          `the kWh LED flashed ${flashes.length} times in ${windowMs} ms, expected ${expected}`);
    check(Math.abs(flashes.length - counted) <= 2,
          `the flashes match the meter's pulse counter (${counted} pulses)`);
    // At a constant load the flashes are evenly spaced (pulse times, not bursts per second): the
    // median interval, since a machine busy with other tests (ctest -j2) delays browser timers.
    const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const gaps = flashes.slice(1).map((t, k) => t - flashes[k]);
    const period = 1000 / LED_FLASHES_PER_S;
    check(gaps.length > 0 && Math.abs(median(gaps) - period) <= 0.1 * period,
          `flash intervals near ${period} ms: ${gaps.map((g) => g.toFixed(0)).join(" ")}`);
    // Each flash is the pulse the counter counted just before: the page plays a pulse 300 ms after
    // its time, and the server counts it within one 100 ms tick of it (a flash spread over the
    // next second from a per-second counter difference would lag 0-1000 ms).
    const lags = flashes.filter((f) => f > 500).map((f) => {
      const before = moves.filter((m) => m <= f);
      return before.length ? f - before[before.length - 1] : Infinity;
    });
    const timely = lags.filter((l) => l >= 100 && l <= 450);
    check(lags.length > 0 && median(lags) >= 150 && median(lags) <= 400 &&
          timely.length >= 0.75 * lags.length,
          `each flash follows its pulse's count by the playback delay: ${lags.map((l) => l.toFixed(0)).join(" ")} ms`);
    check(errors.length === 0, `no page errors with three meters ${errors.join("; ")}`);
  } finally {
    await page.close();
    const code = await stopPro380(pro380);
    check(code === 0, `the three-meter pro380 exited ${code}`);
    if (code !== 0) console.log(pro380.output());
  }
}

// A PRO380-Mb of its own: an M-Bus frame sent over --mbus-tcp appears decoded in the page's
// traffic log, and its M-Bus records fill their table.
async function checkMbusOnThePage(browser, work) {
  const {connect} = await import("node:net");
  const mb = await launchPro380(
      ["--state", join(work, "state-mb"), "--source", SOURCE, "--variant", "mb", "--mbus-tcp",
       "127.0.0.1:0", "--http", "127.0.0.1:0", "--stop-after", "60s"],
      {url: WEB_LINE, port: /^M-Bus TCP on 127\.0\.0\.1:(\d+)/m}, "the M-Bus meter's start lines");
  try {
    const {url} = mb;
    const port = Number(mb.port);
    const page = await browser.newPage({viewport: {width: 1280, height: 900}});
    await page.goto(url);
    await page.waitForSelector("body[data-ready=true]");
    const label = await page.locator("button[data-serial]").first().textContent();
    check(label.includes("M-Bus 0") && !label.includes("ID"),
          `the header names the M-Bus address of a PRO380-Mb: ${label}`);
    const socket = connect(port, "127.0.0.1");
    await new Promise((resolve, reject) => { socket.on("connect", resolve); socket.on("error", reject); });
    socket.write(Buffer.from([0x10, 0x40, 0x00, 0x40, 0x16]));  // SND_NKE to primary address 0
    const row = await until("the SND_NKE in the traffic log", async () => {
      const texts = await page.locator("#traffic tbody tr.rx").allTextContents();
      return texts.find((t) => t.includes("SND_NKE 0x00"));
    });
    socket.destroy();
    check(row.includes("mbus-tcp") && row.includes("10 40 00 40 16"),
          `traffic log shows the M-Bus frame: ${row}`);
    await page.click("#mbus-records-refresh");
    await until("M-Bus records", async () => (await page.locator("#mbus-records tbody tr").count()) > 50);
    const first = await page.locator("#mbus-records tbody tr").first().textContent();
    check(first.includes("active_energy_kwh") && first.includes("0C 04"),
          `M-Bus records table filled: ${first}`);
    await page.close();
  } finally {
    const code = await stopPro380(mb);
    check(code === 0, `the M-Bus meter's pro380 exited ${code}`);
  }
}

// A meter fed through the REST API (`--source http`, docs/sources.md): the page's header shows the
// live source's state and marks it while it is not fresh — fresh after a PUT, stale after
// `stale`, timed out (current 0 on the page) after `timeout`, fresh again after the next PUT.
async function checkStaleMarker(browser, work) {
  const live = await launchPro380(
      ["--state", join(work, "state-live"), "--source", "http?stale=1s&timeout=3s",
       "--modbus-tcp", "127.0.0.1:0", "--http", "127.0.0.1:0", "--stop-after", "60s"],
      {url: WEB_LINE}, "the live meter's start lines");
  const put = async (values) => {
    const reply = await fetch(live.url + "api/v1/meters/00000001/source",
                              {method: "PUT", headers: {"content-type": "application/json"},
                               body: JSON.stringify(values)});
    if (!reply.ok) check(false, `PUT source answered ${reply.status}`);
  };
  const marker = async (page) => ({
    text: (await page.textContent("#source-state")).trim(),
    stale: await page.locator("#source-state.stale").count() === 1,
  });
  try {
    const page = await browser.newPage({viewport: {width: 1280, height: 900}});
    await page.goto(live.url);
    await page.waitForSelector("body[data-ready=true]");
    const values = {voltage_l1_v: 231, voltage_l2_v: 232, voltage_l3_v: 233,
                    current_l1_a: 6, current_l2_a: 6, current_l3_a: 6};
    // A feed sends every 300 ms while the page is to show "fresh" (fresh lasts only 1 s after a
    // value, and a loaded machine may update the page later than that).
    const whileFed = async (what, probe) => {
      await put(values);
      const feed = setInterval(() => put(values), 300);
      try { return await until(what, probe); } finally { clearInterval(feed); }
    };
    const fresh = await whileFed("the fresh source on the page", async () => {
      const m = await marker(page);
      return m.text === "fresh" ? m : null;
    });
    check(!fresh.stale, "a fresh source is not marked stale");
    const stale = await until("the stale marker", async () => {
      const m = await marker(page);
      return m.text === "stale" ? m : null;
    });
    check(stale.stale, "after 1 s without values the source is marked stale");
    const current = () => page.textContent('#quantities tr[data-name="current_l1_a"] td.mono');
    check(Number(await current()) === 6, "a stale meter still shows its last current");
    const timedOut = await until("the timed-out marker", async () => {
      const m = await marker(page);
      return m.text === "timed out" ? m : null;
    });
    check(timedOut.stale, "after 3 s the source is marked timed out");
    await until("zero current after the timeout", async () => Number(await current()) === 0);
    check(true, "a timed-out meter shows zero current");
    const again = await whileFed("fresh again", async () => {
      const m = await marker(page);
      return m.text === "fresh" ? m : null;
    });
    check(!again.stale, "the next PUT clears the marker");
    await page.close();
  } finally {
    const code = await stopPro380(live);
    check(code === 0, `the live meter's pro380 exited ${code}`);
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
