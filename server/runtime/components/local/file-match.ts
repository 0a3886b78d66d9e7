// local.file_match: expands the `__path__` glob of each of `path_targets` (minus `__path_exclude__`)
// into one target per matching regular file, with `__path__` set to its absolute path and the other
// labels kept, as Alloy's internal/component/local/file_match does. The files are listed again every
// `sync_period` (default 10s); files not modified within `ignore_older_than` (when set) are left out.

import type { ArgumentBody, Component, ComponentContext, ComponentDefinition } from '../../component.js';
import { Args, attr, schema } from '../decode.js';
import { targetsValue } from '../discovery/relabel.js';
import { errorMessage } from '../fanout.js';
import { globTarget, regularFile } from './glob.js';

const SCHEMA = schema(
    [attr('path_targets', 'list(map(string))', true), attr('sync_period', 'duration'), attr('ignore_older_than', 'duration')],
    [],
    [{ name: 'targets', type: 'list(map(string))' }],
);

/** The targets of `pathTargets` now: one per matching file, in pattern order then path order. */
export async function matchFiles(pathTargets: readonly Readonly<Record<string, string>>[], ignoreOlderThanMs: number, onError: (message: string) => void): Promise<Record<string, string>[]> {
    const out: Record<string, string>[] = [];
    for (const t of pathTargets) {
        const pattern = t.__path__ ?? '';
        let files: string[];
        try {
            files = await globTarget(pattern, t.__path_exclude__ ?? '');
        } catch (e) {
            onError(`error getting paths for ${JSON.stringify(pattern)}: ${errorMessage(e)}`);
            continue;
        }
        for (const file of files) {
            const info = await regularFile(file);
            if (info === undefined) continue;
            if (ignoreOlderThanMs > 0 && info.mtimeMs < Date.now() - ignoreOlderThanMs) continue;
            out.push({ ...t, __path__: file });
        }
    }
    return out;
}

class LocalFileMatch implements Component {
    private pathTargets: Record<string, string>[] = [];
    private syncMs = 10_000;
    private ignoreOlderThanMs = 0;
    private timer: NodeJS.Timeout | undefined;
    private stopped = false;
    private last = '';

    constructor(private readonly ctx: ComponentContext) {}

    async update(body: ArgumentBody): Promise<void> {
        const args = Args.of('local.file_match', SCHEMA, body);
        this.pathTargets = args.targets('path_targets') ?? [];
        this.syncMs = args.duration('sync_period', 10_000, { allowZero: false });
        this.ignoreOlderThanMs = args.duration('ignore_older_than', 0);
        await this.sync();
        this.schedule();
    }

    private schedule(): void {
        if (this.timer !== undefined) clearTimeout(this.timer);
        if (this.stopped) return;
        this.timer = setTimeout(() => {
            this.timer = undefined;
            void this.sync().then(() => this.schedule());
        }, this.syncMs);
    }

    private async sync(): Promise<void> {
        let problem: string | undefined;
        const targets = await matchFiles(this.pathTargets, this.ignoreOlderThanMs, (message) => {
            problem = message;
            this.ctx.log('error', message);
        });
        if (this.stopped) return;
        // Exports change only when the file list does (dependants are not re-evaluated every sync).
        const key = JSON.stringify(targets);
        if (key !== this.last) {
            this.last = key;
            this.ctx.setExports({ targets: targetsValue(targets) });
        }
        if (problem !== undefined) this.ctx.setHealth('unhealthy', problem);
        else this.ctx.setHealth('healthy', `${targets.length} file(s) matched`);
    }

    async stop(): Promise<void> {
        this.stopped = true;
        if (this.timer !== undefined) clearTimeout(this.timer);
    }
}

export const localFileMatch: ComponentDefinition = {
    name: 'local.file_match',
    schema: SCHEMA,
    create: (ctx) => new LocalFileMatch(ctx),
};
