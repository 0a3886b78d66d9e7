#!/usr/bin/env node
// Browser-level test of the flowlens runtime panel in a real VS Code workbench (code-server) driven
// through headless Debian Chromium:
//   1. `vsce package` the extension and install the .vsix with code-server --install-extension;
//   2. open a workspace holding a generated configuration of about 2,000 components, check that the
//      extension activates (the runtime status bar item appears, the file has no problems);
//   3. "flowlens: Run Pipeline", "flowlens: Show Runtime Panel": the panel shows Running and the
//      component graph; clicking a node selects it and reveals its block in the editor;
//   4. let it run while the panel renders metrics, read the panel's own update timings
//      (window.__flowlensTimings: receive → rendered, per host message) and report them;
//   5. Pause and Stop from the panel's buttons: the pause timeline and the span flush log fill in;
//   6. the panel never showed the scrape's password, and its page has a strict CSP;
//   7. save a screenshot to test/e2e/out/ui/panel.png.
// usage: node test/e2e/ui/panel.mjs [--components N]      exit 0 = PASS
import fs from 'node:fs';
import path from 'node:path';
import { E2E, REPO_ROOT, packageVsix, installExtensions, openWorkbench } from './workbench.mjs';

const MEDIAN_BUDGET_MS = 50;
const SECRET = 'e2e-Pa55word-never-shown';
const argIndex = process.argv.indexOf('--components');
const relabels = Math.max(20, Number(argIndex > 0 ? process.argv[argIndex + 1] : 2000) - 3);

const out = path.join(E2E, 'out/ui');
const run = path.join(E2E, '.cache/runs/ui-panel');
for (const d of [out, run]) { fs.rmSync(d, { recursive: true, force: true }); fs.mkdirSync(d, { recursive: true }); }
const t0 = Date.now();
const log = (...a) => console.log(`[ui-panel ${((Date.now() - t0) / 1000).toFixed(1)}s]`, ...a);

/**
 * The runtime's own metrics, scraped every second, filtered down to two series and fanned out
 * into 100 chains of relabels: about `relabels + 3` components that all see traffic. The scrape
 * carries basic_auth with a password the panel must never show.
 */
function generatedConfig(relabelCount) {
  const chains = 100;
  const perChain = Math.ceil(relabelCount / chains);
  const parts = [
    'prometheus.exporter.self "runtime" { }',
    `prometheus.scrape "self" {
	targets         = prometheus.exporter.self.runtime.targets
	forward_to      = [prometheus.relabel.filter.receiver]
	scrape_interval = "1s"
	scrape_timeout  = "1s"

	basic_auth {
		username = "e2e"
		password = "${SECRET}"
	}
}`,
    `prometheus.relabel "filter" {
	forward_to = [${Array.from({ length: chains }, (_, c) => `prometheus.relabel.c${c}_0.receiver`).join(', ')}]

	rule {
		source_labels = ["__name__"]
		regex         = "flowlens_pipeline_paused|up"
		action        = "keep"
	}
}`,
  ];
  for (let c = 0; c < chains; c++) {
    for (let i = 0; i < perChain; i++) {
      const next = i + 1 < perChain ? `[prometheus.relabel.c${c}_${i + 1}.receiver]` : '[]';
      parts.push(`prometheus.relabel "c${c}_${i}" {
	forward_to = ${next}

	rule {
		target_label = "hop"
		replacement  = "${i}"
	}
}`);
    }
  }
  return { text: parts.join('\n\n') + '\n', components: 3 + chains * perChain };
}

function check(condition, message) {
  if (!condition) throw new Error(message);
}

const workspace = path.join(run, 'workspace');
fs.mkdirSync(path.join(workspace, '.vscode'), { recursive: true });
const config = generatedConfig(relabels);
fs.writeFileSync(path.join(workspace, 'big.alloy'), config.text);
const spansFile = path.join(run, 'spans.jsonl');
fs.writeFileSync(path.join(workspace, '.vscode/settings.json'), JSON.stringify({
  'flowlens.runtime.spansFile': spansFile,
  'flowlens.runtime.pauseGracePeriod': 10,
}, null, 2));
log(`workspace: big.alloy with ${config.components} components (${config.text.split('\n').length} lines)`);

let wb, ok = false, timings;
try {
  let t = Date.now();
  const vsix = await packageVsix(REPO_ROOT, path.join(out, 'flowlens.vsix'));
  log(`vsce package: ${(fs.statSync(vsix).size / 1024).toFixed(0)} KB in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  const extensionsDir = path.join(run, 'extensions');
  const userDataDir = path.join(run, 'user-data');
  t = Date.now();
  await installExtensions({ extensionsDir, userDataDir, extensions: [vsix] });
  log(`installed with --install-extension in ${((Date.now() - t) / 1000).toFixed(1)} s:`, fs.readdirSync(extensionsDir).filter((d) => !d.startsWith('.')).join(', '));

  t = Date.now();
  wb = await openWorkbench({ folder: workspace, extensionsDir, userDataDir, logDir: path.join(out, 'logs'),
    viewport: { width: 1600, height: 1000 } });
  const { page } = wb;
  log(`workbench rendered in ${((Date.now() - t) / 1000).toFixed(1)} s`);

  await wb.openFile('big.alloy');
  // Activation: the language server has checked the file (semantic highlighting arrives) and the
  // runtime status bar item is there.
  const statusItem = page.locator('.statusbar-item', { hasText: 'Stopped' }).first();
  await statusItem.waitFor({ timeout: 60000 });
  log('extension active: status bar shows', JSON.stringify(await statusItem.innerText()));
  const problems = await page.locator('.statusbar-item[id="status.problems"]').innerText().catch(() => '?');
  log('problems in the status bar:', JSON.stringify(problems.replace(/\s+/g, ' ')));

  t = Date.now();
  await wb.runCommand('flowlens: Run Pipeline');
  await page.locator('.statusbar-item', { hasText: 'Running' }).first().waitFor({ timeout: 180000 });
  log(`pipeline running (status bar) after ${((Date.now() - t) / 1000).toFixed(1)} s`);

  await wb.runCommand('flowlens: Show Runtime Panel');
  const frame = await wb.webviewFrame({ timeout: 60000 });
  await frame.locator('.state', { hasText: 'Running' }).waitFor({ timeout: 60000 });
  const summary = frame.locator('.summary');
  await summary.filter({ hasText: `${config.components} components` }).waitFor({ timeout: 60000 });
  await summary.filter({ hasText: 'in/s' }).waitFor({ timeout: 60000 });
  log('panel header:', JSON.stringify(await frame.locator('.status-line').innerText()));

  // The graph: click the scrape's node → it is selected and its block is revealed in the editor.
  const node = frame.locator('[data-id="prometheus.scrape.self"]');
  await node.waitFor({ timeout: 30000 });
  await node.click();
  const globalId = await frame.locator('.details .global-id').innerText({ timeout: 10000 });
  check(globalId === 'prometheus.scrape.self', `selection shows ${globalId}`);
  await frame.locator('vscode-button', { hasText: 'Reveal in editor' }).first().click();
  // The editor's breadcrumbs follow its cursor, which was on line 1 before.
  await page.locator('.breadcrumbs-control', { hasText: 'prometheus.scrape "self"' }).first().waitFor({ timeout: 15000 });
  log('node selected, its block revealed in the editor');

  // Let metrics flow for a while with the chart of the selected component updating.
  await page.waitForTimeout(20000);
  timings = await frame.locator('body').evaluate(() => window.__flowlensTimings);
  check(timings && timings.render.all.count > 0, `no timings measured: ${JSON.stringify(timings)}`);
  log('update timings (receive → render):', JSON.stringify(timings.render.all), 'to next paint:', JSON.stringify(timings.frame.all));
  for (const [type, s] of Object.entries(timings.render)) if (type !== 'all') log(`  ${type}: median ${s.medianMs} ms, p95 ${s.p95Ms} ms (${s.count})`);
  check(timings.components === config.components, `panel counted ${timings.components} components`);
  check(timings.render.all.medianMs <= MEDIAN_BUDGET_MS, `median update ${timings.render.all.medianMs} ms > ${MEDIAN_BUDGET_MS} ms`);
  await wb.screenshot(path.join(out, 'panel-running.png'));

  // Pause and stop from the panel.
  await frame.locator('.status-line vscode-button', { hasText: 'Pause' }).first().click();
  await frame.locator('.timeline .pause-paused').first().waitFor({ timeout: 60000 });
  log('pause timeline:', JSON.stringify((await frame.locator('.timeline').innerText()).replace(/\s+/g, ' ')));
  await frame.locator('.status-line vscode-button', { hasText: 'Stop' }).first().click();
  await frame.locator('.state', { hasText: 'Stopped' }).waitFor({ timeout: 120000 });
  // Every span the runtime wrote, including those of the start and the final flush, is in the log.
  const spans = fs.existsSync(spansFile)
    ? fs.readFileSync(spansFile, 'utf8').split('\n').filter(Boolean)
      .reduce((n, line) => n + JSON.parse(line).resourceSpans.reduce((m, rs) => m + rs.scopeSpans.reduce((k, ss) => k + ss.spans.length, 0), 0), 0)
    : 0;
  log(`spans file: ${spans} spans`);
  // The final flush's message may reach the panel just after the Stopped state: wait for the total
  // to show the file's count (or fail with what it shows after 30 s).
  await frame.locator('.flush-totals').filter({ hasText: `${spans.toLocaleString('en-US')} spans exported` }).waitFor({ timeout: 30000 }).catch(() => undefined);
  const totals = (await frame.locator('.flush-totals').innerText()).replace(/\s+/g, ' ');
  log('flush totals:', JSON.stringify(totals));
  const shown = Number(/([\d,]+) spans exported/.exec(totals)?.[1].replace(/,/g, ''));
  check(spans > 0 && shown === spans, `the panel shows ${shown} spans exported, the spans file holds ${spans}`);

  // No secret on screen, a strict CSP on the page.
  const text = await frame.locator('body').innerText();
  check(!text.includes(SECRET), 'the panel shows the scrape password');
  const csp = await frame.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  check(/default-src 'none'/.test(csp) && /script-src 'nonce-/.test(csp), `weak CSP: ${csp}`);
  log('no secret shown; CSP:', csp);
  ok = true;
} catch (e) {
  log('FAILED:', e?.message?.split('\n').slice(0, 4).join(' | ') || e);
} finally {
  if (wb) {
    const shot = await wb.screenshot(path.join(out, 'panel.png')).catch((e) => log('screenshot failed:', e.message));
    if (shot) log('screenshot:', path.relative(process.cwd(), shot));
    await wb.close();
  }
}
if (timings) {
  const r = timings.render.all;
  console.log(`panel update (receive → render) at ${timings.components} components: median ${r.medianMs} ms, p95 ${r.p95Ms} ms, max ${r.maxMs} ms over ${r.count} updates (budget: median ≤ ${MEDIAN_BUDGET_MS} ms)`);
}
log(ok ? 'UI PANEL PASS' : 'UI PANEL FAIL');
console.log(`ui-panel: ${ok ? 1 : 0} passed, ${ok ? 0 : 1} failed`);
process.exit(ok ? 0 : 1);
