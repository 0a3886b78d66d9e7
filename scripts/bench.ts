// `npm run bench`: prints flowlens' performance numbers (see README, Performance).

import { benchSyntax } from './bench/syntax.js';
import { benchRuntime } from './bench/runtime.js';
import { benchWorkspace } from './bench/workspace.js';

const sections: Array<[string, () => string | Promise<string>]> = [
    ['Parse, diagnostics and formatting of one file', benchSyntax],
    ['Language server on a workspace (over LSP)', benchWorkspace],
    ['Pipeline runtime on loopback', benchRuntime],
];

const only = process.argv.slice(2).filter((a) => !a.startsWith('-'));
for (const [title, run] of sections) {
    if (only.length && !only.some((o) => title.toLowerCase().includes(o.toLowerCase()))) continue;
    console.log(`\n## ${title}\n`);
    console.log(await run());
}
