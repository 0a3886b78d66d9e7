// loki.source.file: follows the files of `targets` (`__path__`; with `file_match { enabled = true }`
// a glob, minus `__path_exclude__`) and sends each line to `forward_to` with the target's labels
// (those not starting with `__`) and `filename`, timestamped when read — as Alloy's
// internal/component/loki/source/file does. Offsets are kept in `<data path>/positions.yml` in Alloy's
// format (saved every 10s and at stop), keyed by path and label set; an offset is recorded only after
// its line was accepted downstream, and the runtime stops sources before what they feed, so a stop and
// start neither loses nor repeats lines. A target that goes away forgets its position; one whose file
// does not exist yet is tried again every sync period.

import path from 'node:path';
import { mkdirSync } from 'node:fs';
import type { ArgumentBody, Component, ComponentContext, ComponentDefinition, LogsReceiver } from '../../component.js';
import { LOGS_RECEIVER_TYPE } from '../../component.js';
import type { LogEntry } from '../../protocols/log-entry.js';
import { Args, attr, block, isLogsReceiver, schema } from '../decode.js';
import { errorMessage, forwardEntries } from '../fanout.js';
import { globTarget, regularFile } from '../local/glob.js';
import { type CounterHandle, type GaugeHandle, InstanceMetrics } from '../metrics.js';
import { FileTailer, codecFor } from './file-tailer.js';
import { Positions, convertLegacyPositionsFile } from './positions.js';
import { labelsString } from './push-protocol.js';

const SCHEMA = schema(
    [
        attr('targets', 'list(map(string))', true),
        attr('forward_to', 'list(LogsReceiver)', true),
        attr('encoding', 'string'),
        attr('tail_from_end', 'bool'),
        attr('legacy_positions_file', 'string'),
        attr('on_positions_file_error', 'string'),
    ],
    [
        block('decompression', false, [attr('enabled', 'bool', true), attr('format', 'string', true), attr('initial_delay', 'duration')]),
        block('file_watch', false, [attr('max_poll_frequency', 'duration'), attr('min_poll_frequency', 'duration')]),
        block('file_match', false, [attr('enabled', 'bool'), attr('ignore_older_than', 'duration'), attr('sync_period', 'duration')]),
    ],
    [],
);

const POSITIONS_SYNC_MS = 10_000;
const ON_POSITIONS_ERROR = ['skip', 'restart_from_end', 'restart_from_beginning'] as const;
type OnPositionsError = (typeof ON_POSITIONS_ERROR)[number];

interface Settings {
    readonly encoding: string;
    readonly tailFromEnd: boolean;
    readonly decompression: '' | 'gz' | 'z';
    readonly decompressionDelayMs: number;
    readonly pollMs: number;
    readonly onPositionsError: OnPositionsError;
    readonly legacyPositions: boolean;
}

interface Target {
    readonly path: string;
    /** The position key's label string (the target's labels without `__` ones). */
    readonly labelsKey: string;
    readonly labels: Readonly<Record<string, string>>;
}

const PATH_SPEC = ['path'];

class LokiSourceFile implements Component {
    private forwardTo: LogsReceiver[] = [];
    private positions: Positions | undefined;
    private settings: Settings | undefined;
    private settingsKey = '';
    private targets: Readonly<Record<string, string>>[] = [];
    private fileMatch = { enabled: false, syncMs: 10_000, ignoreOlderThanMs: 0 };
    private readonly tailers = new Map<string, { tailer: FileTailer; target: Target }>();
    private readonly problems = new Map<string, string>();
    private timer: NodeJS.Timeout | undefined;
    private stopping = false;
    private paused = false;
    private reconciling: Promise<void> = Promise.resolve();
    private readonly metrics: InstanceMetrics;
    private readonly active: GaugeHandle;
    private readonly perPath = new Map<string, { lines: CounterHandle; read: GaugeHandle; size: GaugeHandle }>();

    constructor(private readonly ctx: ComponentContext) {
        this.metrics = new InstanceMetrics(ctx.registry, ctx.metricLabels);
        this.active = this.metrics.gauge({ name: 'loki_source_file_files_active_total', help: 'Number of active files.', type: 'gauge' });
    }

    async update(body: ArgumentBody): Promise<void> {
        const args = Args.of('loki.source.file', SCHEMA, body);
        const targets = args.targets('targets') ?? [];
        const forwardTo = args.capsules('forward_to', LOGS_RECEIVER_TYPE, isLogsReceiver);
        const encoding = args.string('encoding', '');
        try {
            codecFor(encoding);
        } catch (e) {
            args.fail('encoding', errorMessage(e));
        }
        const onPositionsError = args.string('on_positions_file_error', 'restart_from_beginning');
        if (!(ON_POSITIONS_ERROR as readonly string[]).includes(onPositionsError)) args.fail('on_positions_file_error', `unknown OnPositionsFileError value: ${onPositionsError}`);
        const dec = args.block('decompression');
        let decompression: Settings['decompression'] = '';
        if (dec?.bool('enabled', false)) {
            const format = dec.string('format', '');
            if (format === 'bz2') dec.fail('format', "bzip2 decompression is not supported by flowlens' embedded runtime (gz and z are); it runs on Grafana Alloy");
            if (format !== 'gz' && format !== 'z') dec.fail('format', `unsupported compression format: ${JSON.stringify(format)} - please use one of "gz, z, bz2"`);
            decompression = format as 'gz' | 'z';
        }
        const watch = args.block('file_watch');
        const minPoll = watch?.duration('min_poll_frequency', 250, { allowZero: false }) ?? 250;
        watch?.duration('max_poll_frequency', 250, { allowZero: false });
        const fm = args.block('file_match');
        const syncMs = fm?.duration('sync_period', 10_000) ?? 10_000;
        if (syncMs <= 0) fm!.fail('sync_period', 'sync period must be greater than 0');
        const legacy = args.string('legacy_positions_file', '');
        const settings: Settings = {
            encoding,
            tailFromEnd: args.bool('tail_from_end', false),
            decompression,
            decompressionDelayMs: dec?.duration('initial_delay', 0) ?? 0,
            pollMs: minPoll,
            onPositionsError: onPositionsError as OnPositionsError,
            legacyPositions: legacy !== '',
        };
        if (this.positions === undefined) {
            mkdirSync(this.ctx.dataPath, { recursive: true });
            const file = path.join(this.ctx.dataPath, 'positions.yml');
            if (legacy !== '' && convertLegacyPositionsFile(legacy, file)) this.ctx.log('info', `converted the legacy positions file ${legacy} to ${file}`);
            this.positions = new Positions(file, POSITIONS_SYNC_MS, (message) => this.ctx.log('error', message));
        }
        this.forwardTo = forwardTo;
        this.targets = targets;
        this.fileMatch = { enabled: fm?.bool('enabled', false) ?? false, syncMs, ignoreOlderThanMs: fm?.duration('ignore_older_than', 0) ?? 0 };
        const key = JSON.stringify(settings);
        if (key !== this.settingsKey && this.settings !== undefined) {
            // Reading settings changed: restart every tailer (each continues from its position).
            await this.stopTailers([...this.tailers.keys()], true);
        }
        this.settings = settings;
        this.settingsKey = key;
        await this.reconcile();
    }

    start(): void {
        this.schedule();
    }

    private schedule(): void {
        if (this.timer !== undefined) clearTimeout(this.timer);
        if (this.stopping) return;
        this.timer = setTimeout(() => {
            this.timer = undefined;
            void this.reconcile().then(() => this.schedule());
        }, this.fileMatch.syncMs);
    }

    private async resolve(): Promise<Target[]> {
        const out: Target[] = [];
        const seen = new Set<string>();
        for (const t of this.targets) {
            const labels: Record<string, string> = {};
            for (const [k, v] of Object.entries(t)) if (!k.startsWith('__')) labels[k] = v;
            const labelsKey = labelsString(labels);
            const pattern = t.__path__ ?? '';
            let files = [pattern];
            if (this.fileMatch.enabled) {
                files = await globTarget(pattern, t.__path_exclude__ ?? '').catch((e: unknown) => {
                    this.ctx.log('error', `failed to resolve target ${JSON.stringify(pattern)}: ${errorMessage(e)}`);
                    return [];
                });
            }
            for (const file of files) {
                const key = `${file}\u0000${labelsKey}`;
                if (seen.has(key)) continue;
                seen.add(key);
                out.push({ path: file, labelsKey, labels: { ...labels, filename: file } });
            }
        }
        return out;
    }

    /** Starts tailers for new targets and stops those of targets that went away (serialised). */
    private reconcile(): Promise<void> {
        this.reconciling = this.reconciling.then(() => this.reconcileNow()).catch((e: unknown) => this.ctx.log('error', `loki.source.file: ${errorMessage(e)}`));
        return this.reconciling;
    }

    private async reconcileNow(): Promise<void> {
        if (this.stopping) return;
        const wanted = await this.resolve();
        const keys = new Set(wanted.map((t) => `${t.path}\u0000${t.labelsKey}`));
        await this.stopTailers([...this.tailers.keys()].filter((k) => !keys.has(k)), false);
        this.problems.clear();
        for (const t of wanted) {
            const key = `${t.path}\u0000${t.labelsKey}`;
            if (this.tailers.has(key)) continue;
            const problem = await this.startTailer(key, t);
            if (problem !== undefined) this.problems.set(t.path, problem);
        }
        this.refreshHealth();
    }

    private async startTailer(key: string, t: Target): Promise<string | undefined> {
        const settings = this.settings!;
        const positions = this.positions!;
        const info = await regularFile(t.path);
        if (info === undefined) return `failed to tail file ${t.path}: it does not exist or is not a regular file`;
        if (this.fileMatch.enabled && this.fileMatch.ignoreOlderThanMs > 0 && info.mtimeMs < Date.now() - this.fileMatch.ignoreOlderThanMs) return undefined;
        let start = 0;
        let tailFromEnd = settings.tailFromEnd;
        try {
            start = positions.get(t.path, t.labelsKey);
            if (start === 0 && settings.legacyPositions) start = positions.get(t.path, '{}');
        } catch (e) {
            if (settings.onPositionsError === 'skip') return `failed to get file position: ${errorMessage(e)}`;
            if (settings.onPositionsError === 'restart_from_end') tailFromEnd = true;
            start = 0;
        }
        if (info.size < start) {
            positions.remove(t.path, t.labelsKey);
            start = 0;
        }
        const m = this.pathMetrics(t.path);
        m.size.set(info.size);
        const tailer = new FileTailer({
            path: t.path,
            labels: t.labels,
            startOffset: start,
            tailFromEnd,
            encoding: settings.encoding,
            decompression: settings.decompression,
            decompressionDelayMs: settings.decompressionDelayMs,
            pollMs: settings.pollMs,
            deliver: (entries, bytes) => this.deliver(t.path, entries, bytes),
            onOffset: (offset, size) => {
                positions.put(t.path, t.labelsKey, offset);
                m.read.set(offset);
                m.size.set(size);
            },
            onError: (message) => {
                // Tried again at the next sync.
                if (this.tailers.get(key)?.tailer === tailer) this.tailers.delete(key);
                this.ctx.log('error', message);
                this.problems.set(t.path, message);
                this.refreshHealth();
            },
        });
        if (this.paused) tailer.pause();
        this.tailers.set(key, { tailer, target: t });
        this.active.set(this.tailers.size);
        this.ctx.log('info', 'start tailing file', { path: t.path });
        return undefined;
    }

    private pathMetrics(p: string) {
        let m = this.perPath.get(p);
        if (m === undefined) {
            const l = { path: p };
            m = {
                lines: this.metrics.counter({ name: 'loki_source_file_read_lines_total', help: 'Number of lines read.', type: 'counter', labelNames: PATH_SPEC }, l),
                read: this.metrics.gauge({ name: 'loki_source_file_read_bytes_total', help: 'Number of bytes read.', type: 'gauge', labelNames: PATH_SPEC }, l),
                size: this.metrics.gauge({ name: 'loki_source_file_file_bytes_total', help: 'Number of bytes total.', type: 'gauge', labelNames: PATH_SPEC }, l),
            };
            this.perPath.set(p, m);
        }
        return m;
    }

    private async deliver(p: string, entries: LogEntry[], _bytes: number): Promise<void> {
        this.pathMetrics(p).lines.inc(entries.length);
        try {
            await forwardEntries(this.forwardTo, entries);
            this.ctx.countOut(entries.length);
        } catch (e) {
            // A downstream component refused the lines: they are not read again (that would repeat
            // the lines others accepted), and the failure is reported.
            this.ctx.countError();
            this.ctx.log('error', `forwarding ${entries.length} line(s) of ${p} failed: ${errorMessage(e)}`);
        }
    }

    /** Stops tailers; unless the component is stopping (or restarting them), their positions are forgotten. */
    private async stopTailers(keys: string[], keepPositions: boolean): Promise<void> {
        await Promise.all(
            keys.map(async (key) => {
                const entry = this.tailers.get(key);
                if (entry === undefined) return;
                this.tailers.delete(key);
                await entry.tailer.stop();
                this.ctx.log('info', 'stopped tailing file', { path: entry.target.path });
                if (!keepPositions && !this.stopping && this.settings?.decompression === '') this.positions?.remove(entry.target.path, entry.target.labelsKey);
            }),
        );
        this.active.set(this.tailers.size);
    }

    private refreshHealth(): void {
        if (this.problems.size > 0) this.ctx.setHealth('unhealthy', [...this.problems.values()].join('; '));
        else this.ctx.setHealth('healthy', `tailing ${this.tailers.size} file(s)`);
    }

    pauseSource(): void {
        this.paused = true;
        for (const { tailer } of this.tailers.values()) tailer.pause();
    }

    resumeSource(): void {
        this.paused = false;
        for (const { tailer } of this.tailers.values()) tailer.resume();
    }

    async stop(): Promise<void> {
        this.stopping = true;
        if (this.timer !== undefined) clearTimeout(this.timer);
        await this.reconciling;
        await this.stopTailers([...this.tailers.keys()], true);
        this.positions?.stop();
        this.metrics.close();
    }
}

export const lokiSourceFile: ComponentDefinition = {
    name: 'loki.source.file',
    schema: SCHEMA,
    source: true,
    create: (ctx) => new LokiSourceFile(ctx),
};
