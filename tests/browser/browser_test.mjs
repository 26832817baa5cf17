// Headless-Chromium test of the HTML report: opens generated pages through the Chrome DevTools
// Protocol (a tiny client over the WebSocket built into node >= 22, or node 20 with
// --experimental-websocket; no npm packages) and checks that
//   - pages load without console errors, exceptions or CSP violations,
//   - sorting and filtering change the visible rows (index and unit pages),
//   - escaping holds: `<script>` in names, messages and codes shows as text, never runs,
//   - a unit with 50,000 findings opens and filters (timings are printed).
// Optionally takes the screenshots in docs/screenshots/.
//
// usage: node browser_test.mjs --chromium PATH --reports DIR [--screenshots DIR]
//   DIR holds demo/, evil/ and large/ as written by `test_report "[.browser-fixture]"`.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : def;
};
const chromiumPath = opt('--chromium', 'chromium');
const reports = resolve(opt('--reports', '.'));
const screenshots = opt('--screenshots', null);

if (typeof WebSocket === 'undefined') {
  console.error('browser_test: this node has no WebSocket (use node >= 22 or --experimental-websocket)');
  process.exit(2);
}

let failures = 0;
let checks = 0;
function check(ok, what) {
  checks++;
  if (ok) {
    console.log(`  ok   ${what}`);
  } else {
    failures++;
    console.log(`  FAIL ${what}`);
  }
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---- Chromium and a minimal CDP client ---------------------------------------------------
const profile = mkdtempSync(join(tmpdir(), 'nprcheck-chromium-'));
const chrome = spawn(chromiumPath, [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--no-default-browser-check',
  '--disable-extensions', '--hide-scrollbars', '--mute-audio', '--allow-file-access-from-files',
  `--user-data-dir=${profile}`, '--remote-debugging-port=0', '--window-size=1280,900',
  'about:blank',
], { stdio: ['ignore', 'ignore', 'pipe'] });

function cleanup() {
  try { chrome.kill('SIGKILL'); } catch (e) { /* already gone */ }
  try { rmSync(profile, { recursive: true, force: true }); } catch (e) { /* ignore */ }
}
process.on('exit', cleanup);  // also when startup fails below

let stderrText = '';
const browserUrl = await new Promise((resolveUrl, reject) => {
  const timer = setTimeout(() => reject(new Error('chromium did not start:\n' + stderrText)), 30000);
  chrome.stderr.on('data', (d) => {
    stderrText += d.toString();
    const m = /DevTools listening on (ws:\/\/[^\s]+)/.exec(stderrText);
    if (m) {
      clearTimeout(timer);
      resolveUrl(m[1]);
    }
  });
  chrome.on('exit', (code) => reject(new Error(`chromium exited (${code}):\n${stderrText}`)));
});


const port = new URL(browserUrl).port;
const targets = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json();
const pageTarget = targets.find((t) => t.type === 'page');
if (!pageTarget) throw new Error('no page target');

const ws = new WebSocket(pageTarget.webSocketDebuggerUrl);
await new Promise((r, j) => { ws.onopen = r; ws.onerror = j; });
let nextId = 1;
const pending = new Map();
const listeners = [];
ws.onmessage = (ev) => {
  const msg = JSON.parse(ev.data);
  if (msg.id && pending.has(msg.id)) {
    const { resolve: ok, reject: bad } = pending.get(msg.id);
    pending.delete(msg.id);
    if (msg.error) bad(new Error(JSON.stringify(msg.error))); else ok(msg.result);
  } else if (msg.method) {
    for (const l of listeners) l(msg);
  }
};
function send(method, params = {}) {
  const id = nextId++;
  ws.send(JSON.stringify({ id, method, params }));
  return new Promise((ok, bad) => pending.set(id, { resolve: ok, reject: bad }));
}

// Everything that counts as a page error.
let pageErrors = [];
let dialogs = [];
listeners.push((msg) => {
  if (msg.method === 'Runtime.exceptionThrown') {
    pageErrors.push('exception: ' + JSON.stringify(msg.params.exceptionDetails.exception?.description ||
                                                   msg.params.exceptionDetails.text));
  } else if (msg.method === 'Runtime.consoleAPICalled' &&
             (msg.params.type === 'error' || msg.params.type === 'assert')) {
    pageErrors.push('console.' + msg.params.type + ': ' +
                    msg.params.args.map((a) => a.value ?? a.description).join(' '));
  } else if (msg.method === 'Log.entryAdded' && msg.params.entry.level === 'error') {
    pageErrors.push('log: ' + msg.params.entry.text); // CSP violations, failed loads
  } else if (msg.method === 'Page.javascriptDialogOpening') {
    dialogs.push(msg.params.message);
    send('Page.handleJavaScriptDialog', { accept: false });
  }
});

await send('Runtime.enable');
await send('Log.enable');
await send('Page.enable');
await send('Emulation.setDeviceMetricsOverride',
           { width: 1280, height: 900, deviceScaleFactor: 1, mobile: false });

async function evaluate(expression) {
  const r = await send('Runtime.evaluate', { expression, returnByValue: true, awaitPromise: true });
  if (r.exceptionDetails) throw new Error('evaluate failed: ' + JSON.stringify(r.exceptionDetails));
  return r.result.value;
}

async function open(file) {
  pageErrors = [];
  dialogs = [];
  const url = pathToFileURL(file).href;
  const t0 = Date.now();
  const loaded = new Promise((r) => {
    const l = (msg) => {
      if (msg.method === 'Page.loadEventFired') {
        listeners.splice(listeners.indexOf(l), 1);
        r();
      }
    };
    listeners.push(l);
  });
  await send('Page.navigate', { url });
  await loaded;
  for (let i = 0; i < 300; i++) {
    if (await evaluate("document.documentElement.getAttribute('data-ready')") === 'true') break;
    await sleep(50);
  }
  return Date.now() - t0;
}

/// Sets a control's value and fires the event report.js listens for.
async function setControl(id, value, event = 'change') {
  await evaluate(`(() => { const e = document.getElementById(${JSON.stringify(id)});
    e.value = ${JSON.stringify(value)}; e.dispatchEvent(new Event(${JSON.stringify(event)})); })()`);
  if (event === 'input') await sleep(400);  // the text filter is debounced
}

const tableState = `(() => {
  const t = document.getElementById('funn');
  const rows = Array.from(t.tBodies[0].rows).filter((r) => r.hasAttribute('data-rule'));
  return { visible: rows.length, matching: Number(t.getAttribute('data-matching-rows')),
           rules: rows.map((r) => r.getAttribute('data-rule')),
           episodes: rows.map((r) => r.cells[3].textContent),
           severities: rows.map((r) => r.cells[1].textContent),
           status: rows.map((r) => r.cells[2].textContent),
           count: document.getElementById('f-count').textContent };
})()`;
const dataRows = `JSON.parse(document.getElementById('funn-data').textContent).rows`;

async function clickSortHeader(label) {
  await evaluate(`(() => { const b = Array.from(document.querySelectorAll('#funn thead button.sort'))
    .find((x) => x.textContent === ${JSON.stringify(label)}); b.click(); })()`);
}

function noErrors(what) {
  check(pageErrors.length === 0, `${what}: no console errors` +
        (pageErrors.length ? ' -> ' + pageErrors.join(' | ') : ''));
  check(dialogs.length === 0, `${what}: no script ran from the data (dialogs: ${dialogs.length})`);
}

try {
  // ---- demo: index -----------------------------------------------------------------------
  console.log('demo/html/index.html');
  await open(join(reports, 'demo/html/index.html'));
  noErrors('index');
  const unitsBefore = await evaluate(
    `Array.from(document.querySelectorAll('#enheter tbody tr')).map((r) => r.getAttribute('data-unit'))`);
  check(unitsBefore.length === 3, `index lists 3 units (${unitsBefore})`);
  check(await evaluate(`document.querySelectorAll('svg.chart rect.bar').length`) === 3,
        'index has a bar per unit in the chart');
  check(await evaluate(`!!document.querySelector('details.manifest')`), 'index has the manifest block');
  await evaluate(`Array.from(document.querySelectorAll('#enheter thead button.sort'))
    .find((b) => b.textContent === 'Enhet').click()`);
  const byName = await evaluate(
    `Array.from(document.querySelectorAll('#enheter tbody tr td:first-child')).map((td) => td.textContent)`);
  check(JSON.stringify(byName) === JSON.stringify([...byName].sort((a, b) => a.localeCompare(b, 'nb'))),
        `sorting the units table by name orders it (${byName})`);
  await evaluate(`Array.from(document.querySelectorAll('#enheter thead button.sort'))
    .find((b) => b.textContent === 'Enhet').click()`);
  const byNameDesc = await evaluate(
    `Array.from(document.querySelectorAll('#enheter tbody tr td:first-child')).map((td) => td.textContent)`);
  check(JSON.stringify(byNameDesc) === JSON.stringify([...byName].reverse()),
        'a second click reverses the order');
  if (screenshots) {
    await evaluate(`Array.from(document.querySelectorAll('#enheter thead button.sort'))
      .find((b) => b.textContent === 'Feilandel').click()`);
    await evaluate(`Array.from(document.querySelectorAll('#enheter thead button.sort'))
      .find((b) => b.textContent === 'Feilandel').click()`);
    mkdirSync(screenshots, { recursive: true });
    const shot = await send('Page.captureScreenshot', { format: 'png' });
    writeFileSync(join(screenshots, 'index.png'), Buffer.from(shot.data, 'base64'));
  }

  // ---- demo: a unit page -----------------------------------------------------------------
  console.log('demo/html/unit-4201.html');
  await open(join(reports, 'demo/html/unit-4201.html'));
  noErrors('unit page');
  const all = await evaluate(dataRows);
  let s = await evaluate(tableState);
  check(s.matching === all.length && s.visible === Math.min(500, all.length),
        `all ${all.length} findings match, ${s.visible} rows shown`);
  check(s.status[0] === 'Ny', 'new findings come first within the first rule');

  const rule = 'BV-001';
  const nRule = all.filter((r) => r[0] === rule).length;
  await setControl('f-rule', rule);
  s = await evaluate(tableState);
  check(nRule > 0 && s.matching === nRule && s.rules.every((r) => r === rule),
        `filter by rule ${rule}: ${s.matching} rows, all ${rule}`);
  await setControl('f-rule', '');

  await setControl('f-sev', '1');
  s = await evaluate(tableState);
  check(s.matching === all.filter((r) => r[1] === 1).length && s.severities.every((x) => x === 'Advarsel'),
        `filter by severity: ${s.matching} warnings`);
  await setControl('f-sev', '');

  const avd = all[0][5];
  await setControl('f-avd', avd);
  s = await evaluate(tableState);
  check(s.matching === all.filter((r) => r[5] === avd).length && s.matching < all.length,
        `filter by avdeling ${avd}: ${s.matching} rows`);
  await setControl('f-avd', '');

  await setControl('f-status', 'ny');
  s = await evaluate(tableState);
  check(s.matching === all.filter((r) => r[2] === 'ny' && !r[13]).length &&
        s.status.every((x) => x === 'Ny'), `filter by status new: ${s.matching} rows`);
  await setControl('f-status', '');

  const episode = all[all.length - 1][3];
  await setControl('f-text', episode.toLowerCase(), 'input');
  s = await evaluate(tableState);
  check(s.matching === all.filter((r) => r[3] === episode).length && s.episodes.every((e) => e === episode),
        `free-text filter "${episode}": ${s.matching} rows`);
  await setControl('f-text', 'lever', 'input');  // a word in code texts (JJX00: ... av lever)
  s = await evaluate(tableState);
  check(s.matching > 0 && s.matching < all.length, `free-text filter on code text: ${s.matching} rows`);
  await setControl('f-text', '', 'input');

  await clickSortHeader('Episode');
  s = await evaluate(tableState);
  const sortedEps = all.map((r) => r[3]).sort(new Intl.Collator('nb', { numeric: true }).compare);
  check(s.episodes[0] === sortedEps[0], `sort by episode ascending starts with ${sortedEps[0]}`);
  const firstAsc = s.episodes.join();
  await clickSortHeader('Episode');
  s = await evaluate(tableState);
  check(s.episodes[0] === sortedEps[sortedEps.length - 1] && s.episodes.join() !== firstAsc,
        'sort by episode descending reverses the rows');
  await evaluate(`document.getElementById('f-reset').click()`);
  s = await evaluate(tableState);
  check(s.matching === all.length, 'reset shows every finding again');

  await evaluate(`document.querySelector('button.show-rule[data-rule="KODE-004"]')?.click()`);
  s = await evaluate(tableState);
  check(s.matching > 0 && s.rules.every((r) => r === 'KODE-004'), 'a rule card button filters by its rule');
  await evaluate(`location.hash = 'regel=BV-002'`);
  await sleep(200);
  s = await evaluate(tableState);
  check(s.matching > 0 && s.rules.every((r) => r === 'BV-002'), 'a #regel= link filters by that rule');
  noErrors('unit page after interaction');

  // Print: the controls and pager disappear, the table and the rule cards stay, a PDF comes out.
  await send('Emulation.setEmulatedMedia', { media: 'print' });
  const printed = await evaluate(`({
    controls: getComputedStyle(document.querySelector('.controls')).display,
    pager: getComputedStyle(document.querySelector('.pager')).display,
    table: getComputedStyle(document.getElementById('funn')).display,
    cards: getComputedStyle(document.querySelector('.rule-card')).display,
    note: getComputedStyle(document.querySelector('.print-only')).display })`);
  check(printed.controls === 'none' && printed.pager === 'none' && printed.table === 'table' &&
        printed.cards !== 'none' && printed.note === 'block',
        `print CSS hides the controls, keeps table and rule cards (${JSON.stringify(printed)})`);
  await send('Emulation.setEmulatedMedia', { media: '' });
  const pdf = await send('Page.printToPDF', { printBackground: false });
  check(Buffer.from(pdf.data, 'base64').subarray(0, 5).toString() === '%PDF-', 'the unit page prints to PDF');
  noErrors('unit page after printing');

  if (screenshots) {
    await evaluate(`location.hash = ''; document.getElementById('f-reset').click(); window.scrollTo(0, 0)`);
    const shot = await send('Page.captureScreenshot', { format: 'png' });
    writeFileSync(join(screenshots, 'unit.png'), Buffer.from(shot.data, 'base64'));
    await evaluate(`document.getElementById('funn-seksjon').scrollIntoView()`);
    const shot2 = await send('Page.captureScreenshot', { format: 'png' });
    writeFileSync(join(screenshots, 'unit-table.png'), Buffer.from(shot2.data, 'base64'));
  }

  // ---- evil: escaping holds in a real browser --------------------------------------------
  console.log('evil/html/*');
  await open(join(reports, 'evil/html/index.html'));
  noErrors('evil index');
  check(await evaluate(`Array.from(document.querySelectorAll('#enheter a')).some((a) =>
          a.textContent === "Medisinsk <script>alert('enhet')</script> klinikk")`),
        'a unit name with <script> shows as text on the index');
  check(await evaluate(`document.querySelectorAll('script').length`) === 1, 'index runs only its own script');
  check(await evaluate(`document.querySelectorAll('img').length`) === 0, 'no injected <img> on the index');
  await open(join(reports, 'evil/html/unit-4202.html'));
  noErrors('evil unit page');
  check(await evaluate(`document.querySelector('h1').textContent`) ===
        "Medisinsk <script>alert('enhet')</script> klinikk", 'the unit name shows as text in the heading');
  check(await evaluate(`document.querySelectorAll('script').length`) === 2,
        'unit page has only its data block and its own script');
  await setControl('f-text', '</script>', 'input');
  s = await evaluate(tableState);
  check(s.matching > 0, `code texts with </script> are found as text (${s.matching} rows)`);
  check(await evaluate(`Array.from(document.querySelectorAll('#funn td.codes .ctext'))
          .some((e) => e.textContent.startsWith('</script><script>alert(2)</script>'))`),
        'a code text with </script><script> shows as text in the table');
  await setControl('f-text', '<img', 'input');
  s = await evaluate(tableState);
  check(s.matching > 0 && await evaluate(`document.querySelectorAll('img').length`) === 0,
        'a message with <img onerror> shows as text, no image element');
  await setControl('f-text', '', 'input');
  await setControl('f-avd', '4202<b>99');
  s = await evaluate(tableState);
  check(s.matching > 0 && await evaluate(`document.querySelectorAll('b').length`) === 0,
        'an avdeling id with <b> filters as text');
  noErrors('evil unit page after interaction');
  await open(join(reports, 'evil/html/index.html'));
  const links = await evaluate(`Array.from(document.querySelectorAll('a[href]')).map((a) => a.getAttribute('href'))`);
  check(links.every((h) => !h.includes('..')), 'no link on the index leaves the html folder');

  // ---- indicators (issue 15): tables with sparklines, control charts, the one signal -----
  console.log('indicators/html/index.html');
  await open(join(reports, 'indicators/html/index.html'));
  noErrors('indicator index');
  const ind = await evaluate(`(() => ({
    tables: document.querySelectorAll('.indicators-unit table.indicators').length,
    sparklines: document.querySelectorAll('.indicators-unit svg.sparkline').length,
    lines: Array.from(document.querySelectorAll('svg.sparkline polyline'))
      .map((p) => p.getAttribute('points').split(' ').length),
    signals: Array.from(document.querySelectorAll('#indikator-signaler li.signal'))
      .map((li) => li.dataset.unit + ' ' + li.dataset.indicator + ' ' + li.dataset.period),
    marked: Array.from(document.querySelectorAll('tr.has-signal'))
      .map((tr) => tr.closest('.indicators-unit').dataset.unit + ' ' + tr.dataset.indicator),
    dotColor: (() => { const d = document.querySelector('.indicators-unit svg.sparkline circle.signal-dot');
      return d ? getComputedStyle(d).fill : ''; })(),
    width: (() => { const r = document.querySelector('svg.sparkline').getBoundingClientRect();
      return Math.round(r.width); })(),
  }))()`);
  check(ind.tables === 3 && ind.sparklines === 6, `an indicator table per unit with sparklines (${ind.tables}, ${ind.sparklines})`);
  check(ind.lines.every((n) => n === 12), 'every sparkline has twelve months');
  check(JSON.stringify(ind.signals) === JSON.stringify(['4202 IND-002 2017-09']),
        `the one signal is listed (${ind.signals})`);
  check(JSON.stringify(ind.marked) === JSON.stringify(['4202 IND-002']), 'its row is highlighted');
  check(ind.dotColor === 'rgb(197, 48, 48)', `the signal dot is red (${ind.dotColor})`);
  check(ind.width === 120, 'sparklines are drawn at their size');
  if (screenshots) {
    await evaluate(`document.getElementById('indikatorer').scrollIntoView()`);
    mkdirSync(screenshots, { recursive: true });
    const shot = await send('Page.captureScreenshot', { format: 'png' });
    writeFileSync(join(screenshots, 'indicators.png'), Buffer.from(shot.data, 'base64'));
  }
  await evaluate(`document.querySelector('#indikator-signaler a').click()`);
  await new Promise((r) => setTimeout(r, 500));
  check((await evaluate('location.pathname')).endsWith('unit-4202.html'), 'the signal links to the unit page');
  await open(join(reports, 'indicators/html/unit-4202.html'));
  noErrors('indicator unit page');
  const chart = await evaluate(`(() => {
    const s = document.querySelector('.indicator-chart[data-indicator="IND-002"]');
    return { charts: document.querySelectorAll('.indicator-chart svg.control-chart').length,
      points: s.querySelectorAll('circle.point').length,
      signalDots: s.querySelectorAll('circle.signal-dot').length,
      limits: s.querySelectorAll('polyline.ucl, polyline.lcl').length,
      centre: !!s.querySelector('line.centre'),
      text: s.querySelector('p.signal.worse').textContent,
      height: Math.round(s.querySelector('svg').getBoundingClientRect().height) };
  })()`);
  check(chart.charts === 2 && chart.points === 12 && chart.signalDots === 1,
        `a control chart per indicator, twelve points, one signal (${JSON.stringify(chart)})`);
  check(chart.limits === 2 && chart.centre, 'the chart shows its centre line and both limits');
  check(chart.text.includes('2017-09') && chart.height > 100, 'the signal is named under the chart');

  // ---- large: 50,000 findings ------------------------------------------------------------
  console.log('large/html/unit-4299.html');
  const loadMs = await open(join(reports, 'large/html/unit-4299.html'));
  noErrors('large unit page');
  s = await evaluate(tableState);
  check(s.matching === 50000 && s.visible === 500, `50,000 findings, 500 rows rendered (opened in ${loadMs} ms)`);
  let t0 = Date.now();
  await setControl('f-rule', 'KODE-004');
  s = await evaluate(tableState);
  const filterMs = Date.now() - t0;
  check(s.matching > 0 && s.matching < 50000, `filter 50,000 by rule: ${s.matching} rows in ${filterMs} ms`);
  t0 = Date.now();
  await evaluate(`(() => { const e = document.getElementById('f-text'); e.value = 'E17-4299-1234';
    window.nprcheckFindings.update(); })()`);
  s = await evaluate(tableState);
  const textMs = Date.now() - t0;
  check(s.matching >= 0, `free-text filter over 50,000 in ${textMs} ms`);
  await evaluate(`document.getElementById('f-reset').click()`);
  t0 = Date.now();
  await clickSortHeader('Dato');
  s = await evaluate(tableState);
  const sortMs = Date.now() - t0;
  check(s.visible === 500, `sort 50,000 by date in ${sortMs} ms`);
  // A sanity bound far above what a browser needs (seconds, not minutes): catches a page that
  // renders every row into the DOM, not a slow machine.
  check(loadMs < 30000 && filterMs < 30000 && sortMs < 30000, 'large page stays usable');
} catch (e) {
  failures++;
  console.log('  FAIL ' + (e.stack || e));
} finally {
  ws.close();
  cleanup();
}
console.log(`${checks} checks, ${failures} failed`);
process.exit(failures === 0 ? 0 : 1);
