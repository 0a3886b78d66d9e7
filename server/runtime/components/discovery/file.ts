// discovery.file: targets from JSON or YAML files of target groups matched by the `files` patterns
// (Go's filepath.Glob), as Prometheus' file SD: every file is read again whenever something changes
// in a watched directory and every refresh_interval (5m); a group gets `__meta_filepath`; a file that
// cannot be read keeps its previous groups; the groups of files that went away are removed.

import { type FSWatcher, watch } from 'node:fs';
import { lstat, readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { ArgumentBody, ComponentContext, ComponentDefinition } from '../../component.js';
import { Args, attr, schema } from '../decode.js';
import { errorMessage } from '../fanout.js';
import { type RefreshFn, RefreshDiscovery, type TargetGroup } from './refresh.js';
import { parseTargetGroups } from './target-groups.js';

const SCHEMA = schema([attr('files', 'list(string)', true), attr('refresh_interval', 'duration')], [], [{ name: 'targets', type: 'list(map(string))' }]);

/** Prometheus' patFileSDName: a JSON or YAML file, a `*` only in the last path element. */
const FILE_SD_NAME = /^[^*]*(\*[^/]*)?\.(json|yml|yaml|JSON|YML|YAML)$/;

// ---------------------------------------------------------------------------------------------
// Go's path/filepath.Glob and Match (`*` and `?` do not cross `/`, `[...]` classes, `\` escapes)
// ---------------------------------------------------------------------------------------------

const hasMeta = (p: string) => /[*?[\\]/.test(p);

const escapeRe = (c: string) => c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

function matcher(pattern: string): RegExp {
    let re = '';
    for (let i = 0; i < pattern.length; i++) {
        const c = pattern[i];
        if (c === '*') re += '[^/]*';
        else if (c === '?') re += '[^/]';
        else if (c === '\\') {
            i++;
            if (i >= pattern.length) throw new Error('syntax error in pattern');
            re += escapeRe(pattern[i]);
        } else if (c === '[') {
            const end = pattern.indexOf(']', i + 2);
            if (end < 0) throw new Error('syntax error in pattern');
            let body = pattern.slice(i + 1, end);
            const negate = body.startsWith('^');
            if (negate) body = body.slice(1);
            if (body === '') throw new Error('syntax error in pattern');
            re += `[${negate ? '^' : ''}${body}]`;
            i = end;
        } else re += escapeRe(c);
    }
    return new RegExp(`^${re}$`, 'u');
}

/** Like Go's filepath.Glob: the names matching `pattern`, as paths relative to the same base. */
export async function goGlob(pattern: string): Promise<string[]> {
    if (!hasMeta(pattern)) {
        try {
            await lstat(pattern);
            return [pattern];
        } catch {
            return [];
        }
    }
    let dir = path.dirname(pattern);
    const file = path.basename(pattern);
    if (pattern.endsWith('/')) return [];
    const re = matcher(file);
    const dirs = hasMeta(dir) ? await goGlob(dir) : [dir];
    const out: string[] = [];
    for (dir of dirs) {
        let names: string[];
        try {
            names = await readdir(dir);
        } catch {
            continue;
        }
        names.sort();
        for (const n of names) if (re.test(n)) out.push(path.join(dir, n));
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
// The component
// ---------------------------------------------------------------------------------------------

interface Config {
    readonly files: readonly string[];
    readonly intervalMs: number;
}

class DiscoveryFile extends RefreshDiscovery<Config> {
    /** Target groups per file at the last refresh (Prometheus' lastRefresh). */
    private lastRefresh = new Map<string, number>();
    private readonly watchers = new Map<string, FSWatcher>();
    private refreshFn: RefreshFn | undefined;

    constructor(ctx: ComponentContext) {
        super(ctx, 'file');
    }

    protected decode(body: ArgumentBody): Config {
        const args = Args.of('discovery.file', SCHEMA, body);
        const files = args.stringList('files') ?? [];
        if (files.length === 0) args.fail('files', 'file service discovery config must contain at least one path name');
        files.forEach((f, i) => {
            if (!FILE_SD_NAME.test(f)) args.fail(`files[${i}]`, `path name ${JSON.stringify(f)} is not valid for file discovery`);
            try {
                matcher(path.basename(f));
            } catch (e) {
                args.fail(`files[${i}]`, errorMessage(e));
            }
        });
        return { files, intervalMs: args.duration('refresh_interval', 300_000, { allowZero: false }) };
    }

    protected refreshFor(config: Config): RefreshFn {
        this.lastRefresh = new Map();
        this.closeWatchers();
        const refresh: RefreshFn = () => this.refresh(config.files);
        this.refreshFn = refresh;
        return refresh;
    }

    private async refresh(patterns: readonly string[]): Promise<{ groups: TargetGroup[]; problems: string[] }> {
        const groups: TargetGroup[] = [];
        const problems: string[] = [];
        const ref = new Map<string, number>();
        for (const pattern of patterns) {
            let matched: string[];
            try {
                matched = await goGlob(pattern);
            } catch (e) {
                problems.push(`error expanding glob ${JSON.stringify(pattern)}: ${errorMessage(e)}`);
                continue;
            }
            for (const file of matched) {
                try {
                    const format = path.extname(file).toLowerCase() === '.json' ? 'json' : 'yaml';
                    const found = parseTargetGroups(await readFile(file, 'utf8'), format, (i) => `${file}:${i}`, { __meta_filepath: file });
                    groups.push(...found);
                    ref.set(file, found.length);
                } catch (e) {
                    problems.push(`error reading file ${file}: ${errorMessage(e)}`);
                    ref.set(file, this.lastRefresh.get(file) ?? 0); // keeps its previous groups
                }
            }
        }
        // Empty groups remove the sources of files that went away or hold fewer groups now.
        for (const [file, n] of this.lastRefresh) {
            const m = ref.get(file) ?? 0;
            for (let i = m; i < n; i++) groups.push({ source: `${file}:${i}`, labels: {}, targets: [] });
        }
        this.lastRefresh = ref;
        this.watch(patterns);
        return { groups, problems };
    }

    /** Watches the directory of every pattern (set again at each refresh, as Prometheus does). */
    private watch(patterns: readonly string[]): void {
        for (const p of patterns) {
            const idx = p.lastIndexOf('/');
            const dir = idx > -1 ? p.slice(0, idx) || '/' : './';
            if (this.watchers.has(dir)) continue;
            try {
                const w = watch(dir, { persistent: false }, () => {
                    if (this.refreshFn !== undefined) void this.refresher.trigger(this.refreshFn);
                });
                w.on('error', (e) => {
                    this.ctx.log('error', `error watching ${dir}: ${errorMessage(e)}`);
                    w.close();
                    this.watchers.delete(dir);
                });
                this.watchers.set(dir, w);
            } catch (e) {
                this.ctx.log('error', `error adding file watch for ${dir}: ${errorMessage(e)}`);
            }
        }
    }

    private closeWatchers(): void {
        for (const w of this.watchers.values()) w.close();
        this.watchers.clear();
    }

    override async stop(): Promise<void> {
        this.refreshFn = undefined;
        this.closeWatchers();
        await super.stop();
    }
}

export const discoveryFile: ComponentDefinition = {
    name: 'discovery.file',
    schema: SCHEMA,
    create: (ctx) => new DiscoveryFile(ctx),
};
