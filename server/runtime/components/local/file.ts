// local.file: exports the content of a file and follows its changes.
//
// detector "fsnotify" (default) watches the file's directory (so editors that replace the file by
// renaming are followed) and also re-reads every poll_frequency as a fallback; "poll" only re-reads
// every poll_frequency. As in Alloy, the first read must succeed (update fails otherwise); a later
// failure marks the component unhealthy and keeps the last content exported.

import { type FSWatcher, watch } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Value } from '../../../../language/eval/value.js';
import type { ArgumentBody, Component, ComponentContext, ComponentDefinition } from '../../component.js';
import { Args, ArgumentError, attr, schema } from '../decode.js';
import { errorMessage } from '../fanout.js';
import { type GaugeHandle, InstanceMetrics } from '../metrics.js';

const SCHEMA = schema(
    [
        attr('filename', 'string', true),
        attr('detector', 'string'),
        attr('is_secret', 'bool'),
        attr('poll_frequency', 'duration'),
    ],
    [],
    [{ name: 'content', type: 'string or secret' }],
);

const DEBOUNCE_MS = 25;

class LocalFile implements Component {
    private filename = '';
    private detector: 'fsnotify' | 'poll' = 'fsnotify';
    private pollMs = 60_000;
    private isSecret = false;
    private content: string | undefined;
    private exportedSecret: boolean | undefined;
    private watcher: FSWatcher | undefined;
    private pollTimer: NodeJS.Timeout | undefined;
    private debounce: NodeJS.Timeout | undefined;
    private started = false;
    private stopped = false;
    private reading: Promise<void> | undefined;
    private readAgain = false;
    private lastHealth: string | undefined;
    private readonly metrics: InstanceMetrics;
    private readonly lastAccessed: GaugeHandle;

    constructor(private readonly ctx: ComponentContext) {
        this.metrics = new InstanceMetrics(ctx.registry, ctx.metricLabels);
        this.lastAccessed = this.metrics.gauge({ name: 'local_file_timestamp_last_accessed_unix_seconds', help: 'The last successful access in unix seconds.', type: 'gauge' });
    }

    async update(body: ArgumentBody): Promise<void> {
        const args = Args.of('local.file', SCHEMA, body);
        const filename = args.string('filename', '');
        if (filename === '') args.fail('filename', 'must not be empty');
        const detector = args.string('detector', 'fsnotify');
        if (detector !== 'fsnotify' && detector !== 'poll') args.fail('detector', `expected "fsnotify" or "poll", got ${JSON.stringify(detector)}`);
        const pollMs = args.duration('poll_frequency', 60_000, { allowZero: false });
        const isSecret = args.bool('is_secret', false);
        let text: string;
        try {
            text = await readFile(filename, 'utf8');
        } catch (e) {
            this.lastHealth = undefined;
            this.ctx.setHealth('unhealthy', `cannot read ${filename}: ${errorMessage(e)}`);
            throw new ArgumentError(`filename: cannot read ${JSON.stringify(filename)}: ${errorMessage(e)}`);
        }
        const watchChanged = filename !== this.filename || detector !== this.detector || pollMs !== this.pollMs;
        this.filename = filename;
        this.detector = detector as 'fsnotify' | 'poll';
        this.pollMs = pollMs;
        this.isSecret = isSecret;
        this.publish(text);
        if (this.started && watchChanged) this.watch();
    }

    start(): void {
        this.started = true;
        this.watch();
    }

    private publish(text: string): void {
        this.lastAccessed.set(Date.now() / 1000);
        const health = `read ${Buffer.byteLength(text)} bytes from ${this.filename}`;
        if (health !== this.lastHealth) {
            this.lastHealth = health;
            this.ctx.setHealth('healthy', health);
        }
        if (text === this.content && this.isSecret === this.exportedSecret) return;
        this.content = text;
        this.exportedSecret = this.isSecret;
        const value: Value = this.isSecret ? { kind: 'secret', value: text } : { kind: 'string', value: text };
        this.ctx.setExports({ content: value });
    }

    private unwatch(): void {
        this.watcher?.close();
        this.watcher = undefined;
        if (this.pollTimer !== undefined) clearInterval(this.pollTimer);
        this.pollTimer = undefined;
        if (this.debounce !== undefined) clearTimeout(this.debounce);
        this.debounce = undefined;
    }

    private watch(): void {
        this.unwatch();
        if (this.stopped) return;
        this.pollTimer = setInterval(() => this.reread(), this.pollMs);
        if (this.detector !== 'fsnotify') return;
        const dir = path.dirname(path.resolve(this.filename));
        const base = path.basename(this.filename);
        try {
            this.watcher = watch(dir, { persistent: false }, (_event, name) => {
                if (name !== null && name !== base) return;
                if (this.debounce !== undefined) clearTimeout(this.debounce);
                this.debounce = setTimeout(() => {
                    this.debounce = undefined;
                    this.reread();
                }, DEBOUNCE_MS);
            });
            this.watcher.on('error', (e) => {
                this.ctx.log('warn', `watching ${dir} failed, polling every ${this.pollMs} ms instead: ${errorMessage(e)}`);
                this.watcher?.close();
                this.watcher = undefined;
            });
        } catch (e) {
            this.ctx.log('warn', `cannot watch ${dir}, polling every ${this.pollMs} ms instead: ${errorMessage(e)}`);
        }
    }

    /** Re-reads the file (coalescing overlapping requests). */
    private reread(): void {
        if (this.stopped) return;
        if (this.reading !== undefined) {
            this.readAgain = true;
            return;
        }
        const filename = this.filename;
        this.reading = readFile(filename, 'utf8')
            .then(
                (text) => {
                    if (!this.stopped && filename === this.filename) this.publish(text);
                },
                (e: unknown) => {
                    if (this.stopped || filename !== this.filename) return;
                    this.ctx.countError();
                    this.lastHealth = undefined;
                    this.ctx.setHealth('unhealthy', `cannot read ${filename}: ${errorMessage(e)} (keeping the last content)`);
                    this.ctx.log('warn', `cannot read ${filename}: ${errorMessage(e)}`);
                },
            )
            .finally(() => {
                this.reading = undefined;
                if (this.readAgain) {
                    this.readAgain = false;
                    this.reread();
                }
            });
    }

    async stop(): Promise<void> {
        this.stopped = true;
        this.unwatch();
        await this.reading;
        this.metrics.close();
    }
}

export const localFile: ComponentDefinition = {
    name: 'local.file',
    schema: SCHEMA,
    create: (ctx) => new LocalFile(ctx),
};
