// `npm run bench [section...]`: prints flowlens' performance numbers (see README, Performance).
// Without arguments every section runs in a process of its own, so one section's heap and JIT
// state do not weigh on the next.

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { benchSyntax } from './bench/syntax.js';
import { benchEdit, benchLongEditing } from './bench/edit.js';
import { benchExporterUnix } from './bench/exporter-unix.js';
import { benchRuntime } from './bench/runtime.js';
import { benchStartup } from './bench/startup.js';
import { benchWorkspace } from './bench/workspace.js';

const sections: Array<[string, string, () => string | Promise<string>]> = [
    ['syntax', 'Parse, diagnostics and formatting of one file', benchSyntax],
    ['startup', 'CLI start-up on one file', benchStartup],
    ['workspace', 'Language server on a workspace (over LSP)', benchWorkspace],
    ['edit', 'Language server editing one large document (over LSP)', benchEdit],
    ['memory', 'Language server memory over long editing (over LSP)', benchLongEditing],
    ['runtime', 'Pipeline runtime on loopback', benchRuntime],
    ['exporter-unix', 'prometheus.exporter.unix: one collection of the host', benchExporterUnix],
];

const only = process.argv.slice(2).filter((a) => !a.startsWith('-'));
if (only.length === 0) {
    for (const [name] of sections) {
        const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), name], { stdio: 'inherit' });
        if (child.status !== 0) process.exit(child.status ?? 1);
    }
} else {
    for (const [name, title, run] of sections) {
        if (!only.some((o) => name.includes(o.toLowerCase()) || title.toLowerCase().includes(o.toLowerCase()))) continue;
        console.log(`\n## ${title}\n`);
        console.log(await run());
    }
}
