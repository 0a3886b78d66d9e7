// Turns the `flowlens.*` settings into the runtime's RunOptions. Pure: the caller passes a
// settings reader (VS Code's WorkspaceConfiguration in the extension, a map in tests).

import * as path from 'node:path';
import type { RunOptions } from '../../protocol/runtime.js';

/** Reads a setting below `flowlens.` (e.g. `runtime.spansFile`); undefined when unset. */
export type SettingsReader = (key: string) => unknown;

export interface RunLocation {
    /** The folder of the workspace the configuration belongs to, if any: relative paths resolve against it. */
    readonly workspaceFolder?: string;
    /** The configuration being run (a file or directory). */
    readonly target: string;
    /** The extension's storage folder: the default home of the spans file. */
    readonly storageDir: string;
}

export const DEFAULT_METRICS_ADDRESS = '127.0.0.1:0';
export const DEFAULT_SPANS_FILE_NAME = 'spans.jsonl';
export const DEFAULT_PAUSE_GRACE_SECONDS = 30;

const COMPAT = ['alloy', 'agent-0.38', 'agent-0.39', 'agent-0.40'] as const;
const STABILITY = ['experimental', 'public-preview', 'generally-available'] as const;
const DIALECTS = ['alloy', 'river'] as const;

function oneOf<T extends string>(value: unknown, allowed: readonly T[]): T | undefined {
    return typeof value === 'string' && (allowed as readonly string[]).includes(value) ? (value as T) : undefined;
}

/** Only string values: `sys.env` returns strings, and a stray number in settings.json must not break a run. */
function environment(value: unknown): Record<string, string> {
    const env: Record<string, string> = {};
    if (typeof value !== 'object' || value === null) return env;
    for (const [name, v] of Object.entries(value)) if (typeof v === 'string') env[name] = v;
    return env;
}

export function spansFilePath(setting: unknown, where: RunLocation): string {
    const configured = typeof setting === 'string' ? setting.trim() : '';
    if (!configured) return path.join(where.storageDir, DEFAULT_SPANS_FILE_NAME);
    if (path.isAbsolute(configured)) return configured;
    return path.resolve(where.workspaceFolder ?? path.dirname(where.target), configured);
}

export function runOptionsFromSettings(read: SettingsReader, where: RunLocation): RunOptions {
    const metrics = read('runtime.metricsAddress');
    const community = read('communityComponents');
    return {
        compat: oneOf(read('compat'), COMPAT),
        // `auto` (or anything else) leaves the dialect to the runtime, which picks it per file as the CLI does.
        dialect: oneOf(read('dialect'), DIALECTS),
        // An empty stability level means "not gated".
        stabilityLevel: oneOf(read('stabilityLevel'), STABILITY),
        communityComponents: typeof community === 'boolean' ? community : undefined,
        env: environment(read('env')),
        // An explicitly empty address turns the /metrics server off.
        metricsAddress: typeof metrics === 'string' ? metrics.trim() || undefined : DEFAULT_METRICS_ADDRESS,
        spansFile: spansFilePath(read('runtime.spansFile'), where),
    };
}

export function pauseGraceSeconds(read: SettingsReader): number {
    const value = read('runtime.pauseGracePeriod');
    return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : DEFAULT_PAUSE_GRACE_SECONDS;
}
