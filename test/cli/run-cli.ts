import { spawnSync } from 'node:child_process';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '../..');
export const BIN = path.join(ROOT, 'bin', 'flowlens.cjs');

export function flowlens(args: string[], options: { cwd?: string; input?: string } = {}): { code: number; stdout: string; stderr: string } {
    const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd: options.cwd ?? ROOT, input: options.input, timeout: 60_000 });
    return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
