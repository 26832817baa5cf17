// Headless-Chromium test of the HTML report: opens generated pages through the Chrome DevTools
// Protocol (a tiny client over the WebSocket built into node >= 22, or node 20 with
// --experimental-websocket; no npm packages) and checks that
//   - pages load without console errors, exceptions or CSP violations,
//   - sorting and filtering change the visible rows (index and unit pages),
//   - escaping holds: `<script>` in names, messages and codes shows as text, never runs,
//   - a unit with 50,000 findings opens and filters (timings are printed),
//   - the unit page is a worklist: the findings table above the fold at 1400x900, in the
//     order ISF-relevant, severity, new before persisting; waivers on the row; no raw Markdown
//     on any page; every link in the report folder resolves inside it; printing (A4 landscape)
//     shows every matching finding with no clipped column.
// Optionally takes the screenshots in docs/screenshots/.
//
// usage: node browser_test.mjs --chromium PATH --reports DIR [--screenshots DIR]
//   DIR holds demo/, evil/ and large/ as written by `test_report "[.browser-fixture]"`.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync, readdirSync, existsSync, statSync, readFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, sep } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';

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
  `--user-data-dir=${profile}`, '--remote-debugging-port=0', '--window-size=1400,900',
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
const setWindow = (width, height) => send('Emulation.setDeviceMetricsOverride',
  { width, height, deviceScaleFactor: 1, mobile: false });
await setWindow(1400, 900);

/// Every .html file below `dir`.
function htmlFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...htmlFiles(p));
    else if (name.endsWith('.html')) out.push(p);
  }
  return out.sort();
}

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
  check(await evaluate(`document.querySelectorAll('#enheter svg.spark polyline').length`) === 3,
        'index shows each unit\'s error rate over the last runs');
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
  check(s.status[0] === 'Ny', 'the worklist starts with a new finding');

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
    cards: getComputedStyle(document.querySelector('.rule-row')).display,
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

  // ---- demo: the worklist (issue 14) ------------------------------------------------------
  console.log('demo: the unit page as a worklist');
  await setWindow(1400, 900);
  await open(join(reports, 'demo/html/unit-4201.html'));
  noErrors('worklist');
  const fold = await evaluate(`(() => {
    const t = document.getElementById('funn');
    const rows = Array.from(t.tBodies[0].rows);
    return { head: t.tHead.getBoundingClientRect().top,
             first: rows[0].getBoundingClientRect().bottom,
             visible: rows.filter((r) => r.getBoundingClientRect().top < innerHeight).length,
             rules: document.getElementById('regeloversikt').getBoundingClientRect().top };
  })()`);
  check(fold.head < 900 && fold.first <= 900 && fold.visible >= 3,
        `the worklist is above the fold at 1400x900 (header at ${Math.round(fold.head)} px, ` +
        `${fold.visible} rows visible)`);
  check(fold.rules > fold.first, 'the per-rule summary comes after the worklist');
  check(await evaluate(`document.querySelectorAll('#regeloversikt details.rule-row').length`) ===
        await evaluate(`JSON.parse(document.getElementById('funn-data').textContent).ruleOrder.length`),
        'one line per rule in the summary');
  check(await evaluate(`Math.max(...Array.from(document.querySelectorAll('details.rule-row:not([open]) > summary'))
          .map((e) => e.getBoundingClientRect().height))`) < 40, 'each closed rule line is one line high');
  const order = await evaluate(`(() => {
    const v = window.nprcheckFindings.visible;
    let ok = true;
    for (let i = 1; i < v.length; i++) {
      const a = v[i - 1], b = v[i];
      const key = (r) => [r[13] ? 1 : 0, r[15] ? 0 : 1, -r[1], r[2] === 'ny' ? 0 : 1];
      const ka = key(a), kb = key(b);
      for (let j = 0; j < 4; j++) { if (ka[j] !== kb[j]) { if (ka[j] > kb[j]) ok = false; break; } }
    }
    return { ok, n: v.length, isfFirst: v[0][15] === 1 };
  })()`);
  check(order.ok && order.isfFirst,
        `default order: ISF first, then severity, then new before persisting, waived last (${order.n} rows)`);
  // ISF first: a finding flagged isf (the key the rules-v2 change adds) jumps to the top; the
  // same for a rule-level flag.
  const isf = await evaluate(`(() => {
    const v = window.nprcheckFindings;
    // Clear the fixture's own ISF flags (EPI-001) first, so that one flag decides the order.
    const saved = v.rows.map((r) => r[15]);
    v.rows.forEach((r) => { r[15] = 0; });
    v.update();
    const low = v.rows.filter((r) => r[1] === 1 && !r[13]);
    const pick = low[low.length - 1];
    const before = v.visible[0] === pick;
    pick[15] = 1; v.update();
    const flagged = v.visible[0] === pick &&
      document.querySelector('#funn tbody tr').cells[3].textContent === pick[3];
    pick.length = 15; v.update();
    const unflagged = v.visible[0] !== pick;
    v.data.rules[pick[0]].isf = true; v.update();
    const byRule = v.visible[0][0] === pick[0];
    delete v.data.rules[pick[0]].isf;
    v.rows.forEach((r, i) => { r[15] = saved[i]; }); v.update();
    return { before, flagged, unflagged, byRule, rule: pick[0] };
  })()`);
  check(!isf.before && isf.flagged && isf.unflagged,
        'a finding with isf set comes first; without isf (absent = false) it does not');
  check(isf.byRule, `a rule flagged isf (${isf.rule}) puts its findings first`);
  // Avdeling names from the catalogue in the filter.
  check(await evaluate(`Array.from(document.querySelectorAll('#f-avd option')).some((o) =>
          o.value === '420101' && o.textContent === 'Ortopedisk seksjon (420101)')`),
        'the Avdeling filter shows names from the units catalogue');
  // Trend and resolved findings.
  check(await evaluate(`document.querySelectorAll('#utvikling svg.trend-chart').length`) === 2 &&
        await evaluate(`document.querySelectorAll('#utvikling svg.trend-chart g.pt').length`) === 16,
        'the trend shows the error rate and findings over 8 runs as inline SVG');
  check(await evaluate(`Array.from(document.querySelectorAll('#rettet tbody tr')).map((r) => r.cells[2].textContent).join()`) ===
        'E17-4201-0990,E17-4201-0991', 'the findings resolved since the previous run are listed');
  // A waiver's reason, owner and expiry on the row, not only in a tooltip.
  let waiverText = '';
  for (const unit of ['4201', '4202', '4203']) {
    await open(join(reports, `demo/html/unit-${unit}.html`));
    if (!await evaluate(`!!document.querySelector('#f-status option[value="unntatt"]')`)) continue;
    await setControl('f-status', 'unntatt');
    waiverText = await evaluate(`document.querySelector('#funn td.col-status .waiver')?.textContent || ''`);
    break;
  }
  check(waiverText.includes('sak 2017/123') && waiverText.includes('kari, til 2018-06-30'),
        `the waiver's reason, owner and expiry show on the row ("${waiverText}")`);

  // No raw Markdown on any page, with every rule line opened.
  const demoPages = htmlFiles(join(reports, 'demo/html'));
  check(demoPages.some((p) => p.includes(`${sep}rules${sep}`)), 'the report folder holds the rule pages');
  const raw = [];
  for (const page of demoPages) {
    await open(page);
    const r = await evaluate(`(() => {
      document.querySelectorAll('details').forEach((d) => { d.open = true; });
      const text = document.body.innerText;
      const paras = Array.from(document.querySelectorAll('.docs p, .todo p'));
      return { stars: text.includes('**'), ticks: text.includes('\`'),
               breaks: paras.some((p) => p.innerText.includes('\\n')),
               label: text.includes('Hva gjør du'), paras: paras.length };
    })()`);
    if (r.stars || r.ticks || r.breaks || r.label) raw.push(page + ' ' + JSON.stringify(r));
  }
  check(raw.length === 0, `no raw Markdown (**, backticks, hard breaks) on any of ${demoPages.length} pages` +
        (raw.length ? ': ' + raw.join('; ') : ''));

  // Every link in the report folder resolves to a file inside it.
  const root = resolve(reports, 'demo');
  const broken = [];
  let linkCount = 0;
  for (const page of demoPages) {
    await open(page);
    const hrefs = await evaluate(`Array.from(document.querySelectorAll('a[href]'))
      .map((a) => a.getAttribute('href'))`);
    for (const href of hrefs) {
      linkCount++;
      if (href.startsWith('#')) continue;
      const url = new URL(href, pathToFileURL(page));
      const file = url.protocol === 'file:' ? fileURLToPath(url) : '';
      if (!file || !file.startsWith(root + sep) || !existsSync(file)) broken.push(`${page}: ${href}`);
    }
  }
  check(linkCount > 50 && broken.length === 0,
        `every one of ${linkCount} links resolves inside the report folder` + (broken.length ? ': ' + broken.slice(0, 5).join('; ') : ''));
  // Copied elsewhere (a file share, an unpacked zip), the folder still opens complete.
  const elsewhere = mkdtempSync(join(tmpdir(), 'nprcheck-copied-report-'));
  cpSync(join(reports, 'demo/html'), join(elsewhere, 'html'), { recursive: true });
  await open(join(elsewhere, 'html/unit-4201.html'));
  noErrors('copied unit page');
  const ruleHref = await evaluate(`document.querySelector('#regeloversikt a[href^="rules/"]').href`);
  await open(fileURLToPath(ruleHref));
  check((await evaluate(`document.querySelector('h1').textContent`)).length > 5 &&
        fileURLToPath(ruleHref).startsWith(elsewhere), 'a copy of the folder opens complete, rule pages included');
  rmSync(elsewhere, { recursive: true, force: true });
  const sarif = JSON.parse(readFileSync(join(reports, 'demo/findings.sarif'), 'utf8'));
  check(sarif.runs[0].tool.driver.rules.every((r) => !('helpUri' in r) || !r.helpUri.startsWith('file:')),
        'SARIF helpUri never points at a file of this machine');

  // Print preview: A4 landscape (277 mm printable = 1047 px), every matching finding, no paging,
  // no column cut off.
  await open(join(reports, 'demo/html/unit-4201.html'));  // has a waived row with its reason
  await setWindow(1047, 740);
  await send('Emulation.setEmulatedMedia', { media: 'print' });
  await evaluate(`window.dispatchEvent(new Event('beforeprint'))`);
  const pr = await evaluate(`(() => {
    const t = document.getElementById('funn');
    const tr = t.getBoundingClientRect();
    const width = document.documentElement.clientWidth;
    const ths = Array.from(t.tHead.rows[0].cells).filter((c) => getComputedStyle(c).display !== 'none');
    const cells = Array.from(t.tBodies[0].rows).slice(0, 300).flatMap((r) => Array.from(r.cells))
      .filter((c) => getComputedStyle(c).display !== 'none');
    const over = cells.filter((c) => c.scrollWidth > c.clientWidth + 1);
    const clipped = over.length;
    const which = over.slice(0, 4).map((c) => c.cellIndex + ':' + c.textContent.slice(0, 20) + ':' + c.scrollWidth + '/' + c.clientWidth);
    return { tableRight: tr.right, width, scroll: document.documentElement.scrollWidth,
             lastTh: Math.max(...ths.map((c) => c.getBoundingClientRect().right)), clipped, which,
             rows: t.tBodies[0].rows.length, matching: Number(t.getAttribute('data-matching-rows')),
             controls: getComputedStyle(document.querySelector('.controls')).display,
             headers: ths.every((c) => c.innerText.trim().length > 0 && c.getBoundingClientRect().width > 0) };
  })()`);
  check(pr.tableRight <= pr.width + 1 && pr.lastTh <= pr.width + 1 && pr.scroll <= pr.width + 1 &&
        pr.clipped === 0, `print preview: no clipped column (table ${Math.round(pr.tableRight)} of ${pr.width} px, ` +
        `${pr.clipped} overflowing cells${pr.clipped ? ': ' + pr.which.join(' | ') : ''})`);
  check(pr.headers, 'print preview keeps every column heading');
  check(pr.rows === pr.matching && pr.controls === 'none',
        `print shows all ${pr.matching} matching findings without paging or filters`);
  if (screenshots) {
    const shot = await send('Page.captureScreenshot', { format: 'png' });
    writeFileSync(join(screenshots, 'unit-print.png'), Buffer.from(shot.data, 'base64'));
  }
  const a4 = await send('Page.printToPDF', { landscape: true, paperWidth: 11.69, paperHeight: 8.27,
                                            preferCSSPageSize: true, printBackground: false });
  check(Buffer.from(a4.data, 'base64').subarray(0, 5).toString() === '%PDF-', 'the unit page prints to an A4 landscape PDF');
  await evaluate(`window.dispatchEvent(new Event('afterprint'))`);
  await send('Emulation.setEmulatedMedia', { media: '' });
  await setWindow(1400, 900);
  noErrors('worklist pages');

  if (screenshots) {
    await open(join(reports, 'demo/html/unit-4201.html'));
    await evaluate(`(() => { const d = document.querySelector('details.rule-row'); d.open = true;
      document.getElementById('regeloversikt').scrollIntoView(); })()`);
    let shot = await send('Page.captureScreenshot', { format: 'png' });
    writeFileSync(join(screenshots, 'unit-rules.png'), Buffer.from(shot.data, 'base64'));
    await evaluate(`document.getElementById('utvikling').scrollIntoView()`);
    shot = await send('Page.captureScreenshot', { format: 'png' });
    writeFileSync(join(screenshots, 'unit-trend.png'), Buffer.from(shot.data, 'base64'));
    await open(join(reports, 'demo/html/rules/KODE-002.html'));
    shot = await send('Page.captureScreenshot', { format: 'png' });
    writeFileSync(join(screenshots, 'rule.png'), Buffer.from(shot.data, 'base64'));
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
