#!/usr/bin/env node
// A stand-in "VS Code executable" for @vscode/test-electron's runTests({ vscodeExecutablePath })
// (and @vscode/test-cli's useInstallation.fromPath). It accepts the Electron-style CLI that runTests
// builds (--extensionDevelopmentPath=, --extensionTestsPath=, --user-data-dir=, --extensions-dir=,
// [folder | file.code-workspace]) and runs the tests in code-server's real VS Code server + Node 24
// extension host, with headless Debian Chromium as the workbench.
// Exit code: the tests' (window.codeAutomationExit); 1 on timeout or startup failure; 130/143/129 on
// SIGINT/SIGTERM/SIGHUP. code-server (whole process group) and Chromium are always stopped.
//
// Env knobs:
//   E2E_TIMEOUT_MS      whole-run timeout (default 300000)
//   E2E_LOG_DIR         where server.log / console.log go (default test/e2e/.cache/logs/latest)
//   E2E_CONSOLE         tests (default: relay console lines minus known workbench noise) | all | none
//   E2E_KEEP_TMP=1      keep the per-run sandbox (HOME, XDG dirs, TMPDIR, Chromium profile) in /tmp
//   CHROMIUM            browser binary (default /usr/bin/chromium)
// The shim's whole environment (so runTests' extensionTestsEnv too) is passed to code-server and from
// there to the extension host; only HOME, XDG_* and TMPDIR are replaced by the per-run sandbox.
// Also accepted: --extensionEnvironment='{"K":"V"}' (sent in the workbench payload instead).
import fs from 'node:fs';
import path from 'node:path';
import util from 'node:util';
import {
  CACHE, assertInstalled, makeSandbox, writeSettings, startCodeServer, launchChromium, remoteUri, workbenchUrl,
} from './lib.mjs';

const t0 = Date.now();
const info = (...a) => process.stderr.write(`[code-shim ${((Date.now() - t0) / 1000).toFixed(1)}s] ${util.format(...a)}\n`);

// ---- arguments (Electron-only flags such as --no-sandbox, --disable-updates are ignored) -------
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
  else opts[k] = v === undefined ? true : v;
}
try { assertInstalled(); } catch (e) { info(e.message); process.exit(1); }
const target = path.resolve(opts.positional[0] || opts['folder-uri']?.replace(/^file:\/\//, '') || process.cwd());

const sandbox = makeSandbox();
const runId = path.basename(sandbox.dir);
const userDataDir = path.resolve(opts['user-data-dir'] || path.join(CACHE, 'shim', runId, 'user-data'));
const extensionsDir = path.resolve(opts['extensions-dir'] || path.join(CACHE, 'shim', runId, 'extensions'));
const logDir = path.resolve(process.env.E2E_LOG_DIR || path.join(CACHE, 'logs/latest'));
fs.mkdirSync(logDir, { recursive: true });
writeSettings(userDataDir);
const consoleLog = fs.createWriteStream(path.join(logDir, 'console.log'));

// ---- cleanup (idempotent: normal end, timeout, errors, signals) ----------------------------------
let server, context, finishing = false;
async function finish(code) {
  if (finishing) return;
  finishing = true;
  if (context) await Promise.race([context.close().catch(() => {}), new Promise((r) => setTimeout(r, 5000))]);
  if (server) await server.stop();
  await new Promise((r) => consoleLog.end(r));
  sandbox.cleanup();
  if (process.env.E2E_KEEP_TMP) info(`kept sandbox ${sandbox.dir}`);
  process.exit(code);
}
for (const [sig, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]]) {
  process.on(sig, () => { info(`${sig}: stopping code-server and Chromium`); finish(code); });
}
process.on('uncaughtException', (e) => { info('uncaught exception:', e); finish(1); });
process.on('unhandledRejection', (e) => { info('unhandled rejection:', e); finish(1); });
const timeoutMs = Number(process.env.E2E_TIMEOUT_MS || 300000);
const timer = setTimeout(() => { info(`TIMEOUT: tests did not finish within ${timeoutMs} ms (E2E_TIMEOUT_MS)`); finish(1); }, timeoutMs);

async function main() {
  server = await startCodeServer({
    sandbox, userDataDir, extensionsDir, target, smokeTestDriver: true, // payload is honoured only with this flag
    logFile: path.join(logDir, 'server.log'), idleTimeoutSeconds: Math.ceil(timeoutMs / 1000) + 60,
  });
  server.process.once('exit', (c, s) => { if (!finishing) { info(`code-server exited unexpectedly (${c ?? s}); see ${logDir}/server.log`); finish(1); } });
  info(`code-server ${server.baseUrl} (pid ${server.pid}), user-data-dir ${path.relative(process.cwd(), userDataDir) || '.'}`);

  const payload = opts.dev.map((d) => ['extensionDevelopmentPath', remoteUri(server.port, d)]);
  if (opts.extensionTestsPath) payload.push(['extensionTestsPath', remoteUri(server.port, opts.extensionTestsPath)]);
  if (typeof opts.extensionEnvironment === 'string') payload.push(['extensionEnvironment', opts.extensionEnvironment]);

  context = await launchChromium({ profileDir: sandbox.chromeProfile, env: sandbox.env });
  const page = context.pages()[0] || await context.newPage();
  let resolveExit; const exited = new Promise((r) => (resolveExit = r));
  await page.exposeFunction('codeAutomationExit', (code) => resolveExit(Number(code) || 0));
  page.on('crash', () => { info('browser page crashed'); resolveExit(1); });
  context.on('close', () => { if (!finishing) info('browser closed unexpectedly'); resolveExit(1); });

  // Relay console output in order. The extension host's console.* output (Mocha's reporter included)
  // reaches the page as VS Code log-service lines: ['%c INFO', 'color: …', fmt, ...args]. Strip the
  // styling, drop known workbench noise, write to stdout (one stream keeps the order intact).
  const mode = process.env.E2E_CONSOLE || 'tests'; // tests | all | none
  const NOISE = /ENOTFOUND|Failed to load resource|authentication provider|Creating a socket|connection token|AgentHost|AccountPolicyGate|grace time|additional builtin extensions|builtin extensions cache|iframe|Service Worker|web worker extension host|vsda|Long running operations during shutdown|\[LanguageModels\]|[Cc]opilot|\/static\/out\/vs\/|^Canceled: Canceled/; // the last two: workbench-internal errors
  let queue = Promise.resolve();
  page.on('console', (m) => {
    queue = queue.then(async () => {
      let vals = await Promise.all(m.args().map((a) => a.jsonValue().catch(() => undefined)));
      if (!vals.length || vals.every((v) => v === undefined)) vals = [m.text()];
      if (process.env.E2E_CONSOLE_DEBUG) consoleLog.write(JSON.stringify({ type: m.type(), loc: m.location(), raw: vals }) + '\n');
      let level = m.type();
      if (typeof vals[0] === 'string' && vals[0].includes('%c')) {
        level = vals[0].replace(/%c/g, '').trim().toLowerCase() || level;
        vals = vals.slice(1 + (vals[0].match(/%c/g) || []).length);
      }
      const text = util.format(...vals);
      consoleLog.write(`[${level}] ${text}\n`);
      if (mode === 'all' || (mode === 'tests' && !NOISE.test(text))) process.stdout.write(text + '\n');
    }).catch(() => {});
  });
  page.on('pageerror', (e) => consoleLog.write(`[pageerror] ${e}\n`));

  const url = workbenchUrl(server.baseUrl, target, payload);
  info(`opening workbench on ${path.relative(process.cwd(), target) || '.'}`);
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60000 });
  const code = await exited;
  await Promise.race([queue, new Promise((r) => setTimeout(r, 3000))]); // flush relayed output
  info(`tests finished with exit code ${code}`);
  return code;
}

main().then((code) => { clearTimeout(timer); return finish(code); },
  (e) => { info('FAILED:', e?.message || e); finish(1); });
