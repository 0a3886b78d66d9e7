// Follows one container's logs for loki.source.docker, as Alloy's loki/source/docker/tailer.go does:
// the log stream (stdout and stderr, timestamps, follow) from the last saved second; each line is
// `<RFC3339Nano> <content>`, its timestamp becomes the entry's, empty lines are skipped, lines over
// 1 MiB are dropped; long lines that the daemon split into 16 KiB frames are joined again. Every
// 5 s the container is inspected: gone → the tailer ends; running (or finished after the last line
// read) → the stream is opened again if it ended. The position (Unix seconds of the last line
// delivered) is kept under `cursor-<container ID>` with the target's label string.

import type http from 'node:http';
import type { LogEntry } from '../../protocols/log-entry.js';
import { type DockerClient, DockerApiError, FrameDecoder, STDERR, STDOUT } from '../../protocols/docker-engine.js';
import type { CompiledRules } from '../../protocols/relabel.js';
import { applyRulesToRecord } from '../../protocols/relabel.js';
import { errorMessage } from '../fanout.js';
import type { Positions } from './positions.js';
import { parseRfc3339Nano } from './process/go-time.js';

/** Docker splits a log line into frames of this size. */
const MAX_CHUNK = 16384;
/** bufio.Scanner's buffer in the Go tailer: longer lines are skipped. */
const MAX_LINE = MAX_CHUNK * 64;
const RESTART_INTERVAL_MS = 5000;

/** Prometheus' model.LabelSet.String(): every label, sorted, `name="value"` joined by ", ". */
export function labelSetString(labels: Readonly<Record<string, string>>): string {
    return `{${Object.keys(labels)
        .map((k) => `${k}=${JSON.stringify(labels[k])}`)
        .sort()
        .join(', ')}}`;
}

export const cursorKey = (containerId: string) => `cursor-${containerId}`;

export interface DockerTailerOptions {
    readonly client: DockerClient;
    readonly containerId: string;
    /** The target's labels merged with the component's `labels`. */
    readonly labels: Readonly<Record<string, string>>;
    readonly rules: CompiledRules;
    readonly positions: Positions;
    deliver(entries: LogEntry[]): Promise<void>;
    log(level: 'debug' | 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>): void;
    onParseError(): void;
    /** True while the whole component stops (positions are kept then, forgotten otherwise). */
    componentStopping(): boolean;
    /** Called when the container no longer exists. */
    onGone(): void;
    /** Called when lastError changed. */
    onStatus(): void;
}

/** Joins a line the daemon split across frames (Alloy's dockerChunkWriter), per stream. */
class ChunkJoiner {
    private buffer: Buffer[] = [];

    constructor(private readonly warn: (message: string) => void) {}

    /** The bytes to pass on for this frame (possibly none yet). */
    write(p: Buffer): Buffer | undefined {
        if (this.buffer.length === 0) {
            if (p.length < MAX_CHUNK || p[p.length - 1] === 0x0a) return p;
            this.buffer.push(p);
            return undefined;
        }
        const space = p.indexOf(0x20);
        const ts = space > 0 ? parseRfc3339Nano(p.subarray(0, space).toString('latin1')) : undefined;
        if (ts === undefined) {
            this.warn('could not strip timestamp from continuation chunk');
            this.buffer.push(p);
        } else this.buffer.push(p.subarray(space + 1));
        if (p.length > 0 && p[p.length - 1] === 0x0a) {
            const out = Buffer.concat(this.buffer);
            this.buffer = [];
            return out;
        }
        return undefined;
    }
}

/** Splits bytes into lines as bufio.ScanLines does (a `\r` before `\n` dropped), skipping over-long lines. */
class LineSplitter {
    private partial: Buffer[] = [];
    private partialSize = 0;
    private skipping = false;

    constructor(private readonly tooLong: () => void) {}

    push(data: Buffer, onLine: (line: Buffer) => void): void {
        let start = 0;
        for (let nl = data.indexOf(0x0a, start); nl >= 0; nl = data.indexOf(0x0a, start)) {
            const piece = data.subarray(start, nl);
            start = nl + 1;
            if (this.skipping) {
                this.skipping = false;
                continue;
            }
            let line = this.partial.length === 0 ? piece : Buffer.concat([...this.partial, piece]);
            this.partial = [];
            this.partialSize = 0;
            if (line.length > MAX_LINE) {
                this.tooLong();
                continue;
            }
            if (line.length > 0 && line[line.length - 1] === 0x0d) line = line.subarray(0, line.length - 1);
            onLine(line);
        }
        if (start < data.length && !this.skipping) {
            const rest = data.subarray(start);
            this.partial.push(Buffer.from(rest));
            this.partialSize += rest.length;
            if (this.partialSize > MAX_LINE) {
                this.partial = [];
                this.partialSize = 0;
                this.skipping = true;
                this.tooLong();
            }
        }
    }

    /** The unterminated last line at the end of the stream. */
    end(onLine: (line: Buffer) => void): void {
        if (this.partial.length > 0 && !this.skipping) onLine(Buffer.concat(this.partial));
        this.partial = [];
        this.partialSize = 0;
        this.skipping = false;
    }
}

export class DockerTailer {
    readonly labelsStr: string;
    private since: number;
    /** Unix seconds when a line was last read (Alloy's `last`). */
    private last = 0;
    private running = false;
    private abort: AbortController | undefined;
    private streamDone: Promise<void> = Promise.resolve();
    private readonly timer: NodeJS.Timeout;
    private paused = false;
    private resumeWaiters: (() => void)[] = [];
    private stopped = false;
    lastError = '';

    constructor(private readonly o: DockerTailerOptions) {
        this.labelsStr = labelSetString(o.labels);
        this.since = o.positions.get(cursorKey(o.containerId), this.labelsStr);
        this.timer = setInterval(() => void this.check(), RESTART_INTERVAL_MS);
        void this.startIfNotRunning();
    }

    get containerId(): string {
        return this.o.containerId;
    }

    get isRunning(): boolean {
        return this.running;
    }

    private async check(): Promise<void> {
        let info;
        try {
            info = await this.o.client.inspectContainer(this.o.containerId);
        } catch (e) {
            if (e instanceof DockerApiError && e.status === 404) {
                this.o.log('info', 'container no longer exists, stopping tailer', { id: this.o.containerId });
                await this.stop();
                this.o.onGone();
                return;
            }
            this.o.log('error', 'error inspecting Docker container', { id: this.o.containerId, error: errorMessage(e) });
            return;
        }
        const finished = Date.parse(info.State?.FinishedAt ?? '');
        const finishedSec = Number.isNaN(finished) ? 0 : Math.floor(finished / 1000);
        if (info.State?.Running || finishedSec >= this.last) await this.startIfNotRunning();
    }

    private async startIfNotRunning(): Promise<void> {
        if (this.running || this.stopped) return;
        this.running = true;
        const abort = new AbortController();
        this.abort = abort;
        let tty: boolean;
        let res: http.IncomingMessage;
        try {
            const info = await this.o.client.inspectContainer(this.o.containerId, abort.signal);
            tty = info.Config?.Tty === true;
            res = await this.o.client.followLogs(this.o.containerId, this.since, abort.signal);
        } catch (e) {
            this.running = false;
            if (abort.signal.aborted) return;
            this.lastError = errorMessage(e);
            this.o.log('error', 'could not fetch logs for container', { container: this.o.containerId, err: this.lastError });
            this.o.onStatus();
            return;
        }
        if (this.lastError !== '') {
            this.lastError = '';
            this.o.onStatus();
        }
        this.streamDone = this.consume(res, tty, abort.signal);
    }

    private async consume(res: http.IncomingMessage, tty: boolean, signal: AbortSignal): Promise<void> {
        const streams = new Map<number, { joiner: ChunkJoiner; lines: LineSplitter }>();
        const warn = (message: string) => this.o.log('warn', message, { container: this.o.containerId });
        const streamOf = (s: number) => {
            let st = streams.get(s);
            if (st === undefined) {
                st = { joiner: new ChunkJoiner(warn), lines: new LineSplitter(() => this.o.log('error', 'line too big, skipping', { container: this.o.containerId })) };
                streams.set(s, st);
            }
            return st;
        };
        const labelsOf = new Map<number, Record<string, string>>([
            [STDOUT, this.streamLabels('stdout')],
            [STDERR, this.streamLabels('stderr')],
        ]);
        let batch: LogEntry[] = [];
        let batchSec = this.since;
        const onLine = (stream: number) => (line: Buffer) => {
            const space = line.indexOf(0x20);
            const ts = space > 0 ? parseRfc3339Nano(line.subarray(0, space).toString('latin1')) : undefined;
            if (ts === undefined) {
                this.o.log('error', 'could not extract timestamp, skipping line', { container: this.o.containerId });
                this.o.onParseError();
                return;
            }
            const content = line.subarray(space + 1);
            if (content.length === 0) return;
            batch.push({ labels: labelsOf.get(stream)!, timestamp: ts, line: content.toString('utf8'), structuredMetadata: [] });
            batchSec = Number(ts / 1_000_000_000n);
        };
        const decoder = new FrameDecoder((stream, payload) => {
            const st = streamOf(stream);
            const joined = st.joiner.write(payload);
            if (joined !== undefined) st.lines.push(joined, onLine(stream));
        });
        const flush = async () => {
            if (batch.length === 0) return;
            const entries = batch;
            batch = [];
            await this.o.deliver(entries);
            this.o.positions.put(cursorKey(this.o.containerId), this.labelsStr, batchSec);
            this.since = batchSec;
            this.last = Math.floor(Date.now() / 1000);
        };
        try {
            for await (const chunk of res) {
                if (tty) streamOf(STDOUT).lines.push(chunk as Buffer, onLine(STDOUT));
                else decoder.push(chunk as Buffer);
                await flush();
                while (this.paused && !signal.aborted) await new Promise<void>((resolve) => this.resumeWaiters.push(resolve));
            }
            for (const [s, st] of streams) st.lines.end(onLine(s));
            await flush();
            this.o.log('info', 'finished transferring logs', { container: this.o.containerId });
        } catch (e) {
            if (!signal.aborted) {
                this.lastError = errorMessage(e);
                this.o.log('warn', 'could not transfer logs', { container: this.o.containerId, err: this.lastError });
                this.o.onStatus();
            }
            await flush().catch(() => undefined);
        } finally {
            res.destroy();
            if (this.abort?.signal === signal) this.endRun();
        }
    }

    /** The stream's labels: target labels and the log stream, relabeled, without `__` labels. */
    private streamLabels(stream: string): Record<string, string> {
        const relabeled = applyRulesToRecord({ ...this.o.labels, __meta_docker_container_log_stream: stream }, this.o.rules) ?? {};
        const out: Record<string, string> = {};
        for (const [k, v] of Object.entries(relabeled)) if (!k.startsWith('__')) out[k] = v;
        return out;
    }

    /** The stream ended or was stopped: unless the component is stopping, the position is forgotten (Alloy's tailer.stop). */
    private endRun(): void {
        if (!this.running) return;
        this.running = false;
        this.abort = undefined;
        if (!this.o.componentStopping()) this.o.positions.remove(cursorKey(this.o.containerId), this.labelsStr);
    }

    pause(): void {
        this.paused = true;
    }

    resume(): void {
        this.paused = false;
        for (const w of this.resumeWaiters.splice(0)) w();
    }

    async stop(): Promise<void> {
        this.stopped = true;
        clearInterval(this.timer);
        const abort = this.abort;
        abort?.abort();
        this.resume();
        await this.streamDone;
        if (abort !== undefined && this.running) this.endRun();
    }
}
