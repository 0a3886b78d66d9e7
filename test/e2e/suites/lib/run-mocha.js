// Mocha runner for suites that execute INSIDE the VS Code extension host (CommonJS, plain JS).
// Usage from a suite's index.js:
//   exports.run = () => require('../lib/run-mocha').runMocha({ dir: __dirname });
// - loads every *.test.js under `dir` (recursively, sorted), spec reporter, no colours;
// - Mocha is resolved from test/e2e/node_modules (this file lives under test/e2e);
// - if E2E_RESULTS_FILE is set (run.mjs sets it through runTests' extensionTestsEnv), writes
//   {passes, failures, pending, tests, failed:[{title, error}]} there so the outer runner can report;
// - E2E_GREP filters tests by title; E2E_MOCHA_TIMEOUT sets the per-test timeout (default 60000).
const fs = require('fs');
const path = require('path');
const Mocha = require('mocha');

function collect(dir) {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory() && e.name !== 'node_modules') out.push(...collect(p));
    else if (e.isFile() && /\.test\.(c?js)$/.test(e.name)) out.push(p);
  }
  return out.sort();
}

function runMocha({ dir, files, timeout } = {}) {
  const mocha = new Mocha({
    ui: 'bdd',
    color: false,
    reporter: 'spec',
    timeout: Number(process.env.E2E_MOCHA_TIMEOUT || timeout || 60000),
    grep: process.env.E2E_GREP || undefined,
  });
  const list = files || collect(dir);
  if (!list.length) return Promise.reject(new Error(`no *.test.js files under ${dir}`));
  list.forEach((f) => mocha.addFile(f));
  return new Promise((resolve, reject) => {
    let runner;
    const failed = [];
    try {
      runner = mocha.run((failures) => {
        const s = runner.stats || {};
        const result = {
          passes: s.passes || 0, failures: s.failures || 0, pending: s.pending || 0, tests: s.tests || 0,
          durationMs: s.duration || 0, failed, node: process.version,
        };
        if (process.env.E2E_RESULTS_FILE) {
          try {
            fs.mkdirSync(path.dirname(process.env.E2E_RESULTS_FILE), { recursive: true });
            fs.writeFileSync(process.env.E2E_RESULTS_FILE, JSON.stringify(result, null, 2));
          } catch (e) { console.error('could not write E2E_RESULTS_FILE:', e); }
        }
        if (failures > 0) reject(new Error(`${failures} test(s) failed.`));
        else if (!result.tests) reject(new Error('no test was run (check E2E_GREP)'));
        else resolve();
      });
      runner.on('fail', (test, err) => failed.push({ title: test.fullTitle(), error: String(err && err.message || err) }));
    } catch (e) {
      reject(e);
    }
  });
}

module.exports = { runMocha };
