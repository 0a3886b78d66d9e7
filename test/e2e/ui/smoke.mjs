#!/usr/bin/env node
// Browser-level smoke check of the UI helper (no flowlens build needed):
//   1. vsce-package fixtures/smoke-extension into out/ui-smoke/e2e-smoke-0.0.1.vsix
//      (--unpacked: copy the folder into the extensions dir instead);
//   2. install it into a fresh extensions dir with code-server --install-extension;
//   3. open fixtures/smoke-workspace in headless Chromium, open notes.txt, check the Problems panel,
//      run "E2E Smoke: Count TODOs" and "E2E Smoke: Show Panel" through the command palette, read the
//      webview's content, and save out/ui-smoke/workbench.png.
// usage: node test/e2e/ui/smoke.mjs [--unpacked]      exit 0 = PASS
import fs from 'node:fs';
import path from 'node:path';
import { E2E, packageVsix, installExtensions, openWorkbench } from './workbench.mjs';

const unpacked = process.argv.includes('--unpacked');
const out = path.join(E2E, 'out/ui-smoke');
const run = path.join(E2E, '.cache/runs/ui-smoke');
for (const d of [out, run]) { fs.rmSync(d, { recursive: true, force: true }); fs.mkdirSync(d, { recursive: true }); }
const t0 = Date.now();
const log = (...a) => console.log(`[ui-smoke ${((Date.now() - t0) / 1000).toFixed(1)}s]`, ...a);
const extDir = path.join(E2E, 'fixtures/smoke-extension');
const extensionsDir = path.join(run, 'extensions');
const userDataDir = path.join(run, 'user-data');

let wb, ok = false;
try {
  let ext = extDir;
  if (!unpacked) {
    const t = Date.now();
    ext = await packageVsix(extDir, path.join(out, 'e2e-smoke-0.0.1.vsix'));
    log(`vsce package: ${path.relative(process.cwd(), ext)} in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  }
  let t = Date.now();
  await installExtensions({ extensionsDir, userDataDir, extensions: [ext] });
  log(`installed ${unpacked ? 'unpacked folder' : 'vsix'} in ${((Date.now() - t) / 1000).toFixed(1)} s:`, fs.readdirSync(extensionsDir).join(', '));

  t = Date.now();
  wb = await openWorkbench({ folder: path.join(E2E, 'fixtures/smoke-workspace'), extensionsDir, userDataDir, logDir: path.join(out, 'logs') });
  log(`workbench rendered in ${((Date.now() - t) / 1000).toFixed(1)} s at ${wb.baseUrl}`);

  await wb.openFile('notes.txt');
  log('notes.txt open');
  const rows = await wb.problems({ waitForText: 'e2e-smoke: found TODO' });
  log('Problems:', JSON.stringify(rows));
  await wb.page.locator('.editor-instance .squiggly-error').first().waitFor({ timeout: 10000 });
  log('red squiggle present');

  await wb.runCommand('E2E Smoke: Count TODOs');
  log('notification:', JSON.stringify(await wb.notification('e2e-smoke: 1 TODO(s)')));

  await wb.runCommand('E2E Smoke: Show Panel');
  const frame = await wb.webviewFrame();
  await frame.locator('#title', { hasText: 'e2e-smoke panel' }).waitFor({ timeout: 20000 });
  const count = await frame.locator('#count').innerText();
  if (count !== '1') throw new Error(`webview shows ${count} TODOs, expected 1`);
  log(`webview panel content OK (count=${count})`);
  ok = true;
} catch (e) {
  log('FAILED:', e?.message?.split('\n').slice(0, 3).join(' | ') || e);
} finally {
  if (wb) {
    await wb.page.waitForTimeout(500).catch(() => {});
    const shot = await wb.screenshot(path.join(out, 'workbench.png')).catch((e) => log('screenshot failed:', e.message));
    if (shot) log('screenshot:', path.relative(process.cwd(), shot));
    await wb.close();
  }
}
log(ok ? 'UI SMOKE PASS' : 'UI SMOKE FAIL');
console.log(`ui-smoke: ${ok ? 1 : 0} passed, ${ok ? 0 : 1} failed`);
process.exit(ok ? 0 : 1);
