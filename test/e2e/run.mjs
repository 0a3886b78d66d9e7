#!/usr/bin/env node
// Runs Mocha suites inside a real VS Code extension host (code-server 4.139.1 = VS Code 1.139.1,
// Node 24) through @vscode/test-electron's runTests, with launcher/code-shim.mjs as the "VS Code
// executable". One fresh code-server + Chromium per suite; suites run in sequence.
//
// usage: node test/e2e/run.mjs [options]
//   (no suite option)        every suite in suites.config.mjs
//   --smoke                  only the self-contained smoke suite(s) (no flowlens build needed)
//   --only a,b               only the named suites from suites.config.mjs
//   --tests <index.js> --workspace <folder|.code-workspace> [--name <n>]
//                            an ad-hoc suite (repeatable; each --tests starts a new one)
//   --extension <path>       extensionDevelopmentPath for suites without their own
//                            (default: $E2E_EXTENSION_PATH, else the repo root)
//   --list                   print the suites and exit
// env: E2E_TIMEOUT_MS (per suite, default 300000), E2E_GREP, E2E_MOCHA_TIMEOUT, E2E_CONSOLE (see the shim).
// Relative paths in options are resolved against the current directory; in suites.config.mjs against test/e2e.
// Exit code 0 only if every suite passed. Last line: "e2e: N passed, N failed".
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { E2E, REPO_ROOT, CACHE, requireE2E, assertInstalled } from './launcher/lib.mjs';

const SHIM = path.join(E2E, 'launcher/code-shim.mjs');
const OUT = path.join(E2E, 'out/runs'); // out/runs/<suite>/: results.json, logs/, files tests write

function parseArgs(argv) {
  const o = { smoke: false, only: null, adhoc: [], extension: null, list: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => { if (i + 1 >= argv.length) throw new Error(`${a} needs a value`); return argv[++i]; };
    if (a === '--smoke') o.smoke = true;
    else if (a === '--list') o.list = true;
    else if (a === '--only') o.only = val().split(',').map((s) => s.trim()).filter(Boolean);
    else if (a === '--extension') o.extension = path.resolve(val());
    else if (a === '--tests') o.adhoc.push({ extensionTestsPath: path.resolve(val()) });
    else if (a === '--workspace' || a === '--name') {
      const cur = o.adhoc[o.adhoc.length - 1];
      if (!cur) throw new Error(`${a} must follow --tests`);
      if (a === '--workspace') cur.workspace = path.resolve(val()); else cur.name = val();
    } else if (a === '-h' || a === '--help') {
      console.log(fs.readFileSync(new URL(import.meta.url), 'utf8').split('\n').filter((l) => l.startsWith('//')).map((l) => l.slice(3)).join('\n'));
      process.exit(0);
    } else throw new Error(`unknown argument ${a} (see --help)`);
  }
  return o;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const extensionDefault = opts.extension || (process.env.E2E_EXTENSION_PATH ? path.resolve(process.env.E2E_EXTENSION_PATH) : REPO_ROOT);
  const config = (await import(pathToFileURL(path.join(E2E, 'suites.config.mjs')).href)).default;
  const fromConfig = (s) => ({
    ...s,
    extensionTestsPath: path.resolve(E2E, s.extensionTestsPath),
    workspace: s.workspace && path.resolve(E2E, s.workspace),
    extensionDevelopmentPath: s.extensionDevelopmentPath ? path.resolve(E2E, s.extensionDevelopmentPath) : extensionDefault,
    extensions: (s.extensions || []).map((x) => path.resolve(E2E, x)),
  });
  let suites;
  if (opts.adhoc.length) {
    suites = opts.adhoc.map((s, i) => ({ name: s.name || `adhoc-${i + 1}`, extensionDevelopmentPath: extensionDefault, ...s }));
  } else if (opts.smoke) suites = config.filter((s) => s.smoke).map(fromConfig);
  else if (opts.only) {
    const unknown = opts.only.filter((n) => !config.some((s) => s.name === n));
    if (unknown.length) throw new Error(`unknown suite(s): ${unknown.join(', ')}; known: ${config.map((s) => s.name).join(', ')}`);
    suites = config.filter((s) => opts.only.includes(s.name)).map(fromConfig);
  } else suites = config.map(fromConfig);
  if (!suites.length) throw new Error('no suite selected');
  for (const s of suites) {
    if (!s.workspace) throw new Error(`suite ${s.name}: no workspace (--workspace)`);
    for (const k of ['extensionTestsPath', 'workspace', 'extensionDevelopmentPath']) {
      if (!fs.existsSync(s[k])) throw new Error(`suite ${s.name}: ${k} ${s[k]} does not exist`);
    }
  }
  if (opts.list) { for (const s of suites) console.log(JSON.stringify({ ...s, env: undefined, check: undefined })); return 0; }
  assertInstalled();
  try { fs.accessSync(SHIM, fs.constants.X_OK); } catch { fs.chmodSync(SHIM, 0o755); } // runTests spawns it directly

  const { runTests } = requireE2E('@vscode/test-electron');
  let interrupted = null;
  const childPids = () => fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d)).filter((d) => {
    try { return fs.readFileSync(`/proc/${d}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ')[1] === String(process.pid); } catch { return false; }
  }).map(Number);
  // runTests forwards the first Ctrl+C to the shim itself; SIGTERM/SIGHUP we forward to our children (the shim).
  process.on('SIGINT', () => { interrupted = 130; });
  for (const [sig, code] of [['SIGTERM', 143], ['SIGHUP', 129]]) {
    process.on(sig, () => { interrupted = code; for (const pid of childPids()) { try { process.kill(pid, sig); } catch {} } });
  }

  const results = [];
  for (const s of suites) {
    if (interrupted) break;
    const outDir = path.join(OUT, s.name);
    const runDir = path.join(CACHE, 'runs', s.name);
    for (const d of [outDir, runDir]) { fs.rmSync(d, { recursive: true, force: true }); fs.mkdirSync(d, { recursive: true }); }
    const resultsFile = path.join(outDir, 'results.json');
    // Suites that change files or settings get a fresh copy of their workspace.
    const workspace = s.copyWorkspace ? path.join(runDir, 'workspace') : s.workspace;
    if (s.copyWorkspace) fs.cpSync(s.workspace, workspace, { recursive: true });
    const ctx = { outDir, runDir, repoRoot: REPO_ROOT, suite: s, workspace };
    console.log(`\n=== e2e suite "${s.name}" ===\n  extension: ${path.relative(process.cwd(), s.extensionDevelopmentPath) || '.'}\n  tests:     ${path.relative(process.cwd(), s.extensionTestsPath)}\n  workspace: ${path.relative(process.cwd(), s.workspace)}`);
    const t0 = Date.now();
    let ok = false, error = null;
    try {
      if (s.extensions?.length) {
        const { installExtensions } = await import('./launcher/lib.mjs');
        await installExtensions({ extensionsDir: path.join(runDir, 'extensions'), userDataDir: path.join(runDir, 'user-data'), extensions: s.extensions });
      }
      await runTests({
        vscodeExecutablePath: SHIM,
        extensionDevelopmentPath: s.extensionDevelopmentPath,
        extensionTestsPath: s.extensionTestsPath,
        launchArgs: [workspace, `--user-data-dir=${path.join(runDir, 'user-data')}`, `--extensions-dir=${path.join(runDir, 'extensions')}`],
        extensionTestsEnv: {
          E2E_RESULTS_FILE: resultsFile, E2E_OUT_DIR: outDir, E2E_SUITE: s.name, E2E_LOG_DIR: path.join(outDir, 'logs'),
          E2E_WORKSPACE: workspace, E2E_REPO_ROOT: REPO_ROOT,
          ...(s.env ? s.env(ctx) : {}),
        },
      });
      if (s.check) await s.check(ctx);
      ok = true;
    } catch (e) {
      error = e?.message || String(e);
    }
    let r = null;
    try { r = JSON.parse(fs.readFileSync(resultsFile, 'utf8')); } catch {}
    const secs = ((Date.now() - t0) / 1000).toFixed(1);
    results.push({ name: s.name, ok, error, r, secs });
    console.log(`--- suite "${s.name}": ${ok ? 'PASS' : 'FAIL'} in ${secs} s` + (r ? ` (mocha: ${r.passes} passing, ${r.failures} failing, ${r.pending} pending)` : ' (no mocha results)')
      + (error ? `: ${error}` : '') + `; logs: ${path.relative(process.cwd(), path.join(outDir, 'logs'))}`);
  }

  console.log('\n=== e2e summary ===');
  let passed = 0, failed = 0, skipped = 0;
  for (const x of results) {
    console.log(`  ${x.ok ? 'PASS' : 'FAIL'}  ${x.name}  ${x.secs} s` + (x.r ? `  ${x.r.passes} passing, ${x.r.failures} failing` : '')
      + (x.r?.failed?.length ? '\n' + x.r.failed.map((f) => `        ✗ ${f.title}: ${f.error.split('\n')[0]}`).join('\n') : ''));
    if (x.r) {
      passed += x.r.passes; failed += x.r.failures; skipped += x.r.pending;
      if (!x.ok && !x.r.failures) failed += 1; // e.g. run() rejected or the host-side check failed
    } else failed += x.ok ? 0 : 1;
  }
  if (interrupted) console.log(`  interrupted; ${suites.length - results.length} suite(s) not run`);
  console.log(`e2e: ${passed} passed, ${failed} failed` + (skipped ? `, ${skipped} skipped` : ''));
  if (interrupted) return interrupted;
  return results.every((x) => x.ok) ? 0 : 1;
}

main().then((code) => process.exit(code), (e) => { console.error(`e2e: ERROR ${e?.message || e}`); process.exit(2); });
