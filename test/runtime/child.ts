// Helpers for tests that run the runtime in a child process (the CLI's
// `flowlens run`, the JSON-RPC worker): the test components bundled for the
// test-only FLOWLENS_RUNTIME_EXTRA_COMPONENTS loader, and process handling
// that never leaves a child behind.

import { type ChildProcess, spawn, type SpawnOptions } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildSync } from 'esbuild';
import { EXTRA_COMPONENTS_ENV } from '../../server/runtime/extra-components.js';

export const REPO = path.resolve(__dirname, '../..');
export const CLI = path.join(REPO, 'out', 'cli.cjs');
export const WORKER = path.join(REPO, 'out', 'runtime.cjs');

/** A scratch directory with the test components bundled as CommonJS. */
export function scratchWithComponents(prefix: string): { dir: string; env: NodeJS.ProcessEnv; cleanup: () => void } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    const bundle = path.join(dir, 'test-components.cjs');
    buildSync({ entryPoints: [path.join(REPO, 'test/runtime/test-components.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: bundle, logLevel: 'error' });
    return { dir, env: { ...process.env, [EXTRA_COMPONENTS_ENV]: bundle }, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

export interface Child {
    readonly proc: ChildProcess;
    stdout(): string;
    stderr(): string;
    /** Resolves with the exit code (or the signal). */
    readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
    kill(): void;
}

const live = new Set<ChildProcess>();

export function spawnChild(args: string[], options: SpawnOptions = {}): Child {
    const proc = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'], ...options });
    live.add(proc);
    let out = '';
    let err = '';
    proc.stdout?.on('data', (d: Buffer) => (out += d.toString('utf8')));
    proc.stderr?.on('data', (d: Buffer) => (err += d.toString('utf8')));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
        proc.on('exit', (code, signal) => {
            live.delete(proc);
            resolve({ code, signal });
        });
    });
    return {
        proc,
        stdout: () => out,
        stderr: () => err,
        exited,
        kill: () => {
            if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
        },
    };
}

/** Kills any child a failed test left running. */
export function killLeftovers(): void {
    for (const p of live) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
    live.clear();
}
