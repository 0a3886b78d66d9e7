// One file followed by loki.source.file (Alloy's loki/source/file/tailer.go and internal/tail):
// reads complete lines from a byte offset, hands them downstream, and records the offset after a
// line only once the line was accepted, so the positions file never runs ahead of what was sent.
// - rotation by rename (or delete and re-create): the old file is read to its end, then the new
//   file at the path is read from its start;
// - truncation (the file became shorter than the offset): reading restarts at 0;
// - encodings: ASCII-compatible ones split on "\n", UTF-16 on its two-byte newline; a BOM is skipped
//   (and picks UTF-16 LE/BE); "\r" before the newline is dropped;
// - compressed files (gz, z) are decompressed whole, read once to the end (a last line without a
//   newline included) and keep their position, so a restart does not read them again.

import { createReadStream } from 'node:fs';
import { type FileHandle, open, stat } from 'node:fs/promises';
import zlib from 'node:zlib';
import type { LogEntry } from '../../protocols/log-entry.js';

export interface TailerOptions {
    readonly path: string;
    /** The labels every line carries (the target's labels and `filename`). */
    readonly labels: Readonly<Record<string, string>>;
    /** The position to start from (0 when none was saved). */
    readonly startOffset: number;
    readonly tailFromEnd: boolean;
    readonly encoding: string;
    readonly decompression: '' | 'gz' | 'z';
    readonly decompressionDelayMs: number;
    readonly pollMs: number;
    /** Delivers a batch downstream; the tailer waits for it before reading on. */
    deliver(entries: LogEntry[], bytes: number): Promise<void>;
    /** The offset after the last delivered line (to save as the position). */
    onOffset(offset: number, fileSize: number): void;
    onError(message: string): void;
}

const CHUNK = 64 * 1024;
/** How many leading bytes identify a file's content (truncated and refilled files are told apart by them). */
const SIGNATURE_BYTES = 256;
/** A line longer than this is cut (Loki would refuse it anyway); the rest follows as further lines. */
const MAX_LINE = 4 * 1024 * 1024;

/** Nanosecond wall-clock timestamps that increase between two calls in the same millisecond. */
const clockOrigin = BigInt(Date.now()) * 1_000_000n - process.hrtime.bigint();
export function nowNanos(): bigint {
    return clockOrigin + process.hrtime.bigint();
}

interface Codec {
    readonly newline: Buffer;
    /** The step newlines are aligned on (2 for UTF-16). */
    readonly unit: number;
    decode(bytes: Buffer): string;
}

/** The decoder for an `encoding` argument; throws for encodings the runtime cannot split into lines. */
export function codecFor(encoding: string): Codec {
    const name = encoding.trim().toLowerCase();
    if (name === '' || name === 'utf-8' || name === 'utf8') return { newline: Buffer.from('\n'), unit: 1, decode: (b) => b.toString('utf8') };
    if (name === 'utf-16le' || name === 'utf-16' || name === 'utf-16be') {
        const le = name !== 'utf-16be';
        const decoder = new TextDecoder(le ? 'utf-16le' : 'utf-16be');
        return { newline: Buffer.from(le ? [0x0a, 0x00] : [0x00, 0x0a]), unit: 2, decode: (b) => decoder.decode(b) };
    }
    let decoder: InstanceType<typeof TextDecoder>;
    try {
        decoder = new TextDecoder(name);
    } catch {
        throw new Error(`unknown encoding ${JSON.stringify(encoding)}`);
    }
    if (decoder.encoding.startsWith('utf-16')) return codecFor(decoder.encoding);
    // The remaining WHATWG encodings are ASCII-compatible: "\n" is the byte 0x0A.
    return { newline: Buffer.from('\n'), unit: 1, decode: (b) => decoder.decode(b) };
}

/** Bytes of a BOM at the start and the encoding it implies. */
function detectBom(head: Buffer): { skip: number; encoding?: string } {
    if (head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { skip: 3, encoding: 'utf-8' };
    if (head.length >= 2 && head[0] === 0xff && head[1] === 0xfe) return { skip: 2, encoding: 'utf-16le' };
    if (head.length >= 2 && head[0] === 0xfe && head[1] === 0xff) return { skip: 2, encoding: 'utf-16be' };
    return { skip: 0 };
}

function indexOfAligned(buf: Buffer, needle: Buffer, from: number, unit: number): number {
    let i = buf.indexOf(needle, from);
    while (i >= 0 && unit > 1 && i % unit !== 0) i = buf.indexOf(needle, i + 1);
    return i;
}

export class FileTailer {
    private stopped = false;
    private paused = false;
    private wake: (() => void) | undefined;
    private file: FileHandle | undefined;
    private ino = 0;
    /** Offset after the last complete line handed downstream. */
    private offset = 0;
    private codec: Codec;
    private drainingOld = false;
    private signature: Buffer = Buffer.alloc(0);
    readonly done: Promise<void>;

    constructor(private readonly o: TailerOptions) {
        this.codec = codecFor(o.encoding);
        this.done = this.run().catch((e: unknown) => o.onError(`failed to tail file ${o.path}: ${(e as Error).message}`));
    }

    get position(): number {
        return this.offset;
    }

    pause(): void {
        this.paused = true;
    }

    resume(): void {
        this.paused = false;
        this.wake?.();
    }

    /** Stops after the batch being delivered (if any) was accepted. */
    async stop(): Promise<void> {
        this.stopped = true;
        this.wake?.();
        await this.done;
    }

    private sleep(ms: number): Promise<void> {
        return new Promise((resolve) => {
            const t = setTimeout(done, ms);
            function done() {
                clearTimeout(t);
                resolve();
            }
            this.wake = done;
        });
    }

    private lines(buf: Buffer, final: boolean): { entries: LogEntry[]; consumed: number } {
        const entries: LogEntry[] = [];
        const nl = this.codec.newline;
        let start = 0;
        for (;;) {
            let i = indexOfAligned(buf, nl, start, this.codec.unit);
            let next: number;
            if (i < 0) {
                if (buf.length - start > MAX_LINE) {
                    i = start + MAX_LINE;
                    next = i;
                } else if (final && start < buf.length) {
                    i = buf.length;
                    next = i;
                } else {
                    break;
                }
            } else {
                next = i + nl.length;
            }
            let text = this.codec.decode(buf.subarray(start, i));
            if (text.endsWith('\r')) text = text.slice(0, -1);
            entries.push({ labels: this.o.labels, timestamp: nowNanos(), line: text, structuredMetadata: [] });
            start = next;
        }
        return { entries, consumed: start };
    }

    private async deliver(entries: LogEntry[], bytes: number, newOffset: number, size: number): Promise<void> {
        if (entries.length > 0) await this.o.deliver(entries, bytes);
        this.offset = newOffset;
        this.o.onOffset(newOffset, size);
    }

    private async waitWhilePaused(): Promise<void> {
        while (this.paused && !this.stopped) await this.sleep(this.o.pollMs);
    }

    private async run(): Promise<void> {
        if (this.o.decompression !== '') return this.runCompressed();
        await this.openAt(this.o.startOffset, true);
        let pending = Buffer.alloc(0);
        const chunk = Buffer.allocUnsafe(CHUNK);
        while (!this.stopped) {
            await this.waitWhilePaused();
            if (this.stopped) break;
            const { bytesRead } = await this.file!.read(chunk, 0, CHUNK, this.offset + pending.length);
            if (bytesRead > 0) {
                pending = pending.length === 0 ? Buffer.from(chunk.subarray(0, bytesRead)) : Buffer.concat([pending, chunk.subarray(0, bytesRead)]);
                const { entries, consumed } = this.lines(pending, false);
                if (consumed > 0) {
                    const size = (await this.file!.stat()).size;
                    await this.deliver(entries, consumed, this.offset + consumed, size);
                    pending = pending.subarray(consumed);
                }
                continue;
            }
            // At the end of the file: has it been rotated, truncated or removed?
            const now = await stat(this.o.path).catch(() => undefined);
            if (now !== undefined && now.ino !== this.ino) {
                // Renamed away and re-created. Read the old file once more (the writer may have added to
                // it before it reopened), then its last line even without a newline, then the new file from 0.
                if (!this.drainingOld) {
                    this.drainingOld = true;
                    continue;
                }
                this.drainingOld = false;
                if (pending.length > 0) {
                    const { entries, consumed } = this.lines(pending, true);
                    await this.deliver(entries, consumed, this.offset + consumed, this.offset + consumed);
                }
                await this.file!.close();
                this.file = undefined;
                pending = Buffer.alloc(0);
                await this.openAt(0, false);
                continue;
            }
            if (now !== undefined && (now.size < this.offset + pending.length || (await this.rewritten()))) {
                pending = Buffer.alloc(0);
                this.offset = 0;
                this.signature = await this.head(this.file!);
                this.o.onOffset(0, now.size);
                continue;
            }
            await this.sleep(this.o.pollMs);
        }
        await this.file?.close();
        this.file = undefined;
    }

    /** Opens the file at the path; `offset` past the end (a truncated file) restarts at 0. */
    private async openAt(offset: number, first: boolean): Promise<void> {
        const file = await open(this.o.path, 'r');
        const info = await file.stat();
        this.file = file;
        this.ino = info.ino;
        const head = Buffer.alloc(4);
        const { bytesRead } = await file.read(head, 0, 4, 0);
        const bom = detectBom(head.subarray(0, bytesRead));
        if (bom.encoding !== undefined && bom.encoding !== 'utf-8') this.codec = codecFor(bom.encoding);
        let start = offset > info.size ? 0 : offset;
        if (first && start === 0 && this.o.tailFromEnd) start = await this.lastNewline(file, info.size);
        this.offset = Math.max(start, bom.skip);
        this.signature = await this.head(file);
        this.o.onOffset(this.offset, info.size);
    }

    /** The file's first bytes: when they change, the file was replaced or truncated and refilled. */
    private async head(file: FileHandle): Promise<Buffer> {
        const buf = Buffer.alloc(SIGNATURE_BYTES);
        const { bytesRead } = await file.read(buf, 0, SIGNATURE_BYTES, 0);
        return buf.subarray(0, bytesRead);
    }

    /** Whether the file no longer starts with what it started with (its first bytes were rewritten). */
    private async rewritten(): Promise<boolean> {
        const was = this.signature;
        const now = await this.head(this.file!);
        if (now.length < was.length) return !was.subarray(0, now.length).equals(now) || now.length < Math.min(was.length, this.offset);
        if (!now.subarray(0, was.length).equals(was)) return true;
        if (was.length < SIGNATURE_BYTES) this.signature = now;
        return false;
    }

    /** The offset after the last newline (tail_from_end starts there, so a partial last line is read whole). */
    private async lastNewline(file: FileHandle, size: number): Promise<number> {
        const nl = this.codec.newline;
        let end = size;
        while (end > 0) {
            const from = Math.max(0, end - CHUNK);
            const buf = Buffer.alloc(end - from);
            await file.read(buf, 0, buf.length, from);
            const i = buf.lastIndexOf(nl);
            if (i >= 0) return from + i + nl.length;
            end = from;
        }
        return 0;
    }

    private async runCompressed(): Promise<void> {
        if (this.o.decompressionDelayMs > 0) await this.sleep(this.o.decompressionDelayMs);
        if (this.stopped) return;
        const source = createReadStream(this.o.path);
        const stream = source.pipe(this.o.decompression === 'gz' ? zlib.createGunzip() : zlib.createInflate());
        let pending: Buffer = Buffer.alloc(0);
        let read = 0;
        const skip = this.o.startOffset;
        this.offset = skip;
        try {
            for await (const piece of stream as AsyncIterable<Buffer>) {
                if (this.stopped) break;
                await this.waitWhilePaused();
                let data: Buffer = piece;
                if (read + data.length <= skip) {
                    read += data.length;
                    continue;
                }
                if (read < skip) data = data.subarray(skip - read);
                read += piece.length;
                pending = pending.length === 0 ? data : Buffer.concat([pending, data]);
                const { entries, consumed } = this.lines(pending, false);
                if (consumed > 0) {
                    await this.deliver(entries, consumed, this.offset + consumed, read);
                    pending = pending.subarray(consumed);
                }
            }
            if (!this.stopped && pending.length > 0) {
                const { entries, consumed } = this.lines(pending, true);
                await this.deliver(entries, consumed, this.offset + consumed, read);
            }
        } finally {
            source.destroy();
        }
    }
}
