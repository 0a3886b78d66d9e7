// Browser-level helper for flowlens UI tests: a real VS Code 1.139 workbench (code-server) in
// headless Debian Chromium, driven with playwright-core. Extensions are whatever is installed in
// the given extensions dir (use installExtensions() with a .vsix or an unpacked folder first).
//
//   import { packageVsix, installExtensions, openWorkbench } from './ui/workbench.mjs';
//   const vsix = await packageVsix(extensionDir, 'test/e2e/out/x.vsix');
//   await installExtensions({ extensionsDir, userDataDir, extensions: [vsix] });
//   const wb = await openWorkbench({ folder, extensionsDir, userDataDir, logDir });
//   try {
//     await wb.openFile('main.alloy');
//     await wb.runCommand('Flowlens: Show Runtime Panel');      // F1, type, Enter
//     const frame = await wb.webviewFrame();                     // inside the panel's webview
//     await frame.locator('text=...').waitFor();
//     await wb.screenshot('test/e2e/out/panel.png');
//   } finally { await wb.close(); }                              // always stops Chromium + code-server
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  E2E, NODE24, makeSandbox, writeSettings, startCodeServer, launchChromium, workbenchUrl,
  installExtensions as installExtensionsLib,
} from '../launcher/lib.mjs';

export { E2E, REPO_ROOT } from '../launcher/lib.mjs';

const VSCE = path.join(E2E, 'node_modules/@vscode/vsce/vsce');

/**
 * `vsce package` an extension folder into outFile (runs its vscode:prepublish script if it has one).
 * Options: noDependencies (default true: bundled extensions), extra CLI args. Returns outFile.
 */
export async function packageVsix(extensionDir, outFile, { noDependencies = true, args = [] } = {}) {
  outFile = path.resolve(outFile);
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  const sb = makeSandbox('flowlens-e2e-vsce-');
  try {
    await new Promise((resolve, reject) => {
      execFile(NODE24, [VSCE, 'package', ...(noDependencies ? ['--no-dependencies'] : []), '--out', outFile, ...args],
        { cwd: path.resolve(extensionDir), env: { ...process.env, ...sb.env, VSCE_TELEMETRY: 'off' }, timeout: 300000, maxBuffer: 64 << 20 },
        (err, stdout, stderr) => (err ? reject(new Error(`vsce package failed: ${err.message}\n${stdout}${stderr}`)) : resolve()));
    });
  } finally { sb.cleanup(); }
  return outFile;
}

/** Install .vsix files (code-server --install-extension) or unpacked folders into extensionsDir. */
export const installExtensions = (o) => installExtensionsLib(o);

/**
 * Start code-server with the given dirs and open `folder` (or a .code-workspace) in headless Chromium.
 * Waits until the workbench has rendered. Returns an object with helpers; ALWAYS call close().
 *   folder, extensionsDir, userDataDir (defaults under test/e2e/.cache/ui/), logDir (server.log,
 *   console.log), settings (merged into User/settings.json), viewport, serverArgs (extra code-server flags)
 */
export async function openWorkbench({ folder, extensionsDir, userDataDir, logDir, settings = {}, viewport,
  serverArgs = [], timeoutMs = 90000 } = {}) {
  const runRoot = path.join(E2E, '.cache/ui');
  userDataDir = path.resolve(userDataDir || path.join(runRoot, 'user-data'));
  extensionsDir = path.resolve(extensionsDir || path.join(runRoot, 'extensions'));
  logDir = path.resolve(logDir || path.join(runRoot, 'logs'));
  fs.mkdirSync(logDir, { recursive: true });
  writeSettings(userDataDir, settings);

  const sandbox = makeSandbox('flowlens-e2e-ui-');
  let server, context, closed = false;
  const consoleLog = fs.createWriteStream(path.join(logDir, 'console.log'));
  const close = async () => {
    if (closed) return; closed = true;
    for (const [sig] of signalHandlers) process.removeListener(sig, onSignal);
    if (context) await Promise.race([context.close().catch(() => {}), new Promise((r) => setTimeout(r, 5000))]);
    if (server) await server.stop();
    await new Promise((r) => consoleLog.end(r));
    sandbox.cleanup();
  };
  // Stop everything on Ctrl+C / SIGTERM even if the caller forgets; then exit like the signal would.
  const signalHandlers = [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]];
  function onSignal(sig) { close().finally(() => process.exit(signalHandlers.find(([s]) => s === sig)[1])); }
  for (const [sig] of signalHandlers) process.on(sig, onSignal);

  try {
    server = await startCodeServer({ sandbox, userDataDir, extensionsDir, target: folder && path.resolve(folder),
      logFile: path.join(logDir, 'server.log'), extraArgs: serverArgs });
    context = await launchChromium({ profileDir: sandbox.chromeProfile, env: sandbox.env, viewport });
    const page = context.pages()[0] || await context.newPage();
    page.on('console', (m) => consoleLog.write(`[${m.type()}] ${m.text()}\n`));
    page.on('pageerror', (e) => consoleLog.write(`[pageerror] ${e}\n`));
    await page.goto(workbenchUrl(server.baseUrl, folder), { waitUntil: 'domcontentloaded', timeout: timeoutMs });
    await page.waitForSelector('.monaco-workbench', { timeout: timeoutMs });
    await page.waitForSelector('.monaco-workbench .part.statusbar', { timeout: timeoutMs });
    if (folder) await page.waitForSelector('.explorer-folders-view .monaco-list-row', { timeout: timeoutMs }).catch(() => {});
    return makeApi({ page, context, server, close, userDataDir, extensionsDir, logDir });
  } catch (e) {
    await close();
    throw e;
  }
}

function makeApi({ page, context, server, close, userDataDir, extensionsDir, logDir }) {
  const api = {
    page, context, baseUrl: server.baseUrl, userDataDir, extensionsDir, logDir, close,

    /** Open the quick input with `key` (F1 = command palette, Control+P = quick open); retried, since a
     *  key pressed right after the workbench renders is sometimes swallowed. */
    async openQuickInput(key = 'F1', tries = 4) {
      const input = page.locator('.quick-input-widget .quick-input-box input');
      for (let i = 0; i < tries; i++) {
        await page.keyboard.press(key);
        try { await input.waitFor({ state: 'visible', timeout: 5000 }); return input; } catch {}
        await page.keyboard.press('Escape').catch(() => {});
      }
      throw new Error(`quick input did not open with ${key}`);
    },

    /** Run a command by its palette title (e.g. "E2E Smoke: Count TODOs"): F1, type, Enter. */
    async runCommand(title, { timeout = 20000 } = {}) {
      const input = await api.openQuickInput('F1');
      await input.fill(`>${title}`);
      const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
      await row.waitFor({ state: 'visible', timeout });
      // Enter runs the focused (first) row; make sure it is the one we want.
      const first = page.locator('.quick-input-list .monaco-list-row').first();
      if (!((await first.innerText()).includes(title))) await row.click();
      else await page.keyboard.press('Enter');
      await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout }).catch(() => {});
    },

    /** Open a workspace file: click it in the Explorer (top level), else use Quick Open. */
    async openFile(name, { timeout = 30000 } = {}) {
      const base = path.basename(name);
      const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: base }).first();
      try {
        if (name !== base) throw new Error('nested path: use Quick Open');
        await row.waitFor({ timeout: 10000 });
        await row.click();
      } catch {
        const input = await api.openQuickInput('Control+P');
        await input.fill(name);
        await page.locator('.quick-input-list .monaco-list-row', { hasText: base }).first().waitFor({ timeout });
        await page.keyboard.press('Enter');
      }
      await page.locator(`.tabs-container .tab:has-text("${base}")`).first().waitFor({ timeout });
      await page.waitForSelector('.editor-instance .view-lines', { timeout });
    },

    /** Open the Problems panel and return its rows' text. */
    async problems({ waitForText, timeout = 30000 } = {}) {
      if (!(await page.locator('.markers-panel').isVisible().catch(() => false))) await page.keyboard.press('Control+Shift+M');
      await page.waitForSelector('.markers-panel', { timeout });
      if (waitForText) await page.locator('.markers-panel', { hasText: waitForText }).waitFor({ timeout });
      return page.locator('.markers-panel .monaco-list-row').allInnerTexts();
    },

    /** Wait for a notification toast containing text; returns its text. */
    async notification(text, { timeout = 20000 } = {}) {
      const toast = page.locator('.notification-toast', { hasText: text }).first();
      await toast.waitFor({ timeout });
      return toast.innerText();
    },

    /** FrameLocator for the content of a webview (panel or view): the n-th (default last) ready
     *  `iframe.webview`, then its inner `#active-frame` where the extension's HTML lives. */
    async webviewFrame({ index = -1, timeout = 30000 } = {}) {
      const outer = page.locator('iframe.webview.ready');
      await outer.first().waitFor({ state: 'attached', timeout });
      const n = await outer.count();
      const i = index < 0 ? n + index : index;
      const frame = page.frameLocator('iframe.webview.ready').nth(i).frameLocator('iframe#active-frame');
      await frame.locator('body').waitFor({ timeout });
      return frame;
    },

    /** Screenshot of the whole workbench (PNG); returns the path. */
    async screenshot(file, opts = {}) {
      file = path.resolve(file);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      await page.screenshot({ path: file, ...opts });
      return file;
    },
  };
  return api;
}
