// Suites that `node test/e2e/run.mjs` runs, in order (paths are relative to test/e2e/).
//   name                      used for out/runs/<name>/ (results.json, logs/) and .cache/runs/<name>/
//   extensionTestsPath        module whose run() the extension host calls (a Mocha index; JS, or
//                             TypeScript compiled to test/e2e/out/ by the caller before run.mjs)
//   workspace                 folder or .code-workspace file opened in the workbench
//   copyWorkspace: true       open a fresh copy of the workspace folder (for suites that edit files or settings)
//   extensionDevelopmentPath  optional; default: --extension <path> / $E2E_EXTENSION_PATH / repo root
//   extensions                optional: .vsix files or unpacked folders installed into the fresh
//                             extensions dir first (extensionDependencies; never downloaded)
//   env(ctx)                  optional: extra env for the extension host; ctx = { outDir, runDir, repoRoot }
//   check(ctx)                optional: host-side assertions after a passing run (throw to fail)
//   smoke: true               part of `run.mjs --smoke`
import fs from 'node:fs';
import path from 'node:path';

export default [
  {
    name: 'smoke',
    smoke: true,
    extensionDevelopmentPath: 'fixtures/smoke-extension',
    extensionTestsPath: 'suites/smoke/index.js',
    workspace: 'fixtures/smoke-workspace',
    env: ({ outDir }) => ({ SMOKE_REPORT_FILE: path.join(outDir, 'smoke-report.json') }),
    check: ({ outDir }) => {
      // The extension wrote this file inside the extension host; the host side can read it too.
      const report = JSON.parse(fs.readFileSync(path.join(outDir, 'smoke-report.json'), 'utf8'));
      if (report.todos !== 1) throw new Error(`smoke-report.json: expected 1 TODO, got ${report.todos}`);
    },
  },
  {
    // The flowlens extension under development (the repository root, built first).
    name: 'flowlens',
    extensionTestsPath: 'suites/flowlens/index.js',
    workspace: 'fixtures/flowlens-workspace',
    copyWorkspace: true,
  },
];
