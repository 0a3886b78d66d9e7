// `npm run coverage:runtime`: how much of the real-world corpus (../shared/real-configs, every
// *.alloy file on its own) the embedded runtime can run, by `flowlens run --dry-run --json`: the
// share of files it calls runnable, and the most common reasons a node cannot run (root causes
// only: "depends on X" and "inside X" follow from X's reason). Run it after `npm run build`.
//
//   node scripts/coverage-runtime.mjs [DIR] [--top N]

import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const args = process.argv.slice(2);
const topAt = args.indexOf('--top');
const top = topAt >= 0 ? Number(args.splice(topAt, 2)[1]) : 10;
const dir = path.resolve(args[0] ?? path.join(root, '..', 'shared', 'real-configs'));

if (!fs.existsSync(dir)) {
    console.log(`coverage:runtime: ${dir} is absent (the shared real-world configurations); nothing measured`);
    process.exit(0);
}
const cli = path.join(root, 'bin', 'flowlens.cjs');
const walk = (d) =>
    fs
        .readdirSync(d)
        .sort()
        .flatMap((n) => {
            const p = path.join(d, n);
            return fs.statSync(p).isDirectory() ? walk(p) : n.endsWith('.alloy') ? [p] : [];
        });
const files = walk(dir);

async function dryRun(file) {
    try {
        const { stdout } = await run(process.execPath, [cli, 'run', '--dry-run', '--json', file], { maxBuffer: 64 << 20, timeout: 60_000 });
        return JSON.parse(stdout);
    } catch (e) {
        // Exit status 1 means "cannot run": the JSON is still on stdout.
        try {
            return JSON.parse(e.stdout ?? '');
        } catch {
            return undefined;
        }
    }
}

const results = [];
const queue = [...files];
const workers = Array.from({ length: Math.max(1, Math.min(2, os.availableParallelism?.() ?? 2)) }, async () => {
    for (let f = queue.shift(); f; f = queue.shift()) results.push({ file: f, report: await dryRun(f) });
});
await Promise.all(workers);

const reasons = new Map();
const components = new Map();
let runnable = 0;
let answered = 0;
for (const { file, report } of results) {
    if (!report) {
        console.log(`no answer: ${path.relative(dir, file)}`);
        continue;
    }
    answered++;
    if (report.runnable) runnable++;
    for (const p of report.problems ?? []) reasons.set(`(configuration) ${p.split('\n')[0]}`, (reasons.get(`(configuration) ${p.split('\n')[0]}`) ?? 0) + 1);
    for (const n of report.nodes) {
        if (n.runnable || /^(depends on|inside) /.test(n.reason)) continue;
        const key = `${n.component}: ${n.reason}`;
        reasons.set(key, (reasons.get(key) ?? 0) + 1);
        components.set(n.component, (components.get(n.component) ?? 0) + 1);
    }
}
const list = (m) =>
    [...m]
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .slice(0, top)
        .map(([k, v]) => `  ${String(v).padStart(4)}  ${k}`)
        .join('\n');
console.log(`top reasons a node cannot run (root causes, by node count):\n${list(reasons)}`);
console.log(`top blocking components:\n${list(components)}`);
console.log(
    `runtime coverage: ${runnable}/${files.length} real configurations runnable (${((100 * runnable) / files.length).toFixed(1)}%)` +
        (answered < files.length ? `; ${files.length - answered} gave no answer` : ''),
);
