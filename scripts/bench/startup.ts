// Start-up of the CLI: a one-file `flowlens check` against `node -e 0` (the
// floor any Node.js CLI pays), median wall time of sequential runs.

import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, table } from './stats.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function wallMs(args: string[], runs = 15): number {
    const times: number[] = [];
    for (let i = 0; i < runs + 2; i++) {
        const start = performance.now();
        const r = spawnSync(process.execPath, args, { cwd: ROOT, stdio: 'ignore' });
        if (r.status !== 0 && r.status !== 1) throw new Error(`${args.join(' ')} exited with ${r.status}`);
        if (i >= 2) times.push(performance.now() - start); // the first runs warm the file cache
    }
    return median(times);
}

export function benchStartup(): string {
    const node = wallMs(['-e', '0']);
    const rows = [
        ['flowlens check examples/basic/config.alloy', ['bin/flowlens.cjs', 'check', 'examples/basic/config.alloy']],
        ['flowlens fmt examples/basic/config.alloy', ['bin/flowlens.cjs', 'fmt', 'examples/basic/config.alloy']],
        ['flowlens --version', ['bin/flowlens.cjs', '--version']],
    ].map(([what, args]) => {
        const ms = wallMs(args as string[]);
        return { command: what as string, 'median ms': ms.toFixed(0), 'node -e 0 ms': node.toFixed(0), ratio: (ms / node).toFixed(2) + 'x' };
    });
    return table(rows);
}
