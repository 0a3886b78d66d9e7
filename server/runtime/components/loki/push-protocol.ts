// The Loki push API (POST /loki/api/v1/push) as loki.write sends it and loki.source.api receives it:
// a protobuf `logproto.PushRequest`, Snappy block-compressed (`Content-Type: application/x-protobuf`),
// or the JSON form (`{"streams":[{"stream":{...},"values":[["<ns>","line",{metadata}]]}]}`).
// A stream's labels travel as a string in Prometheus/LogQL form (`{a="1", b="2"}`), sorted by name,
// each value quoted like Go's strconv.Quote; entries keep nanosecond timestamps.

import * as protobuf from 'protobufjs';
import { compress, uncompress } from 'snappyjs';
import type { LogEntry, MetadataLabel } from '../../protocols/log-entry.js';

const PUSH_PROTO = `
syntax = "proto3";
package logproto;

message PushRequest {
    repeated StreamAdapter streams = 1;
}

message StreamAdapter {
    string labels = 1;
    repeated EntryAdapter entries = 2;
    uint64 hash = 3;
}

message EntryAdapter {
    Timestamp timestamp = 1;
    string line = 2;
    repeated LabelPairAdapter structuredMetadata = 3;
    repeated LabelPairAdapter parsed = 4;
}

message LabelPairAdapter {
    string name = 1;
    string value = 2;
}

message Timestamp {
    int64 seconds = 1;
    int32 nanos = 2;
}
`;

const root = protobuf.parse(PUSH_PROTO, { keepCase: true }).root;
/** The protobufjs type of `logproto.PushRequest` (tests use it as a reference codec). */
export const PushRequestType = root.lookupType('logproto.PushRequest');

/** Headers loki.write sends with a protobuf body (the caller adds User-Agent and X-Scope-OrgID). */
export const PUSH_HEADERS: Readonly<Record<string, string>> = Object.freeze({
    'Content-Type': 'application/x-protobuf',
    'Content-Encoding': 'snappy',
});

export const PUSH_PATH = '/loki/api/v1/push';

/** One stream of a push request: its label string and its entries in order. */
export interface PushStream {
    /** `{a="1", b="2"}`, as labelsString() writes it. */
    readonly labels: string;
    readonly entries: readonly PushEntry[];
}

export interface PushEntry {
    readonly timestamp: bigint;
    readonly line: string;
    readonly structuredMetadata: readonly MetadataLabel[];
}

/** A malformed push body; `status` is what a server answers. */
export class PushDecodeError extends Error {
    constructor(
        message: string,
        readonly status: 400 | 413 | 415 = 400,
    ) {
        super(message);
        this.name = 'PushDecodeError';
    }
}

// ---------------------------------------------------------------------------------------------
// Label strings
// ---------------------------------------------------------------------------------------------

/** Go's strconv.Quote for the characters that matter in label values (JSON escapes where Go's agree). */
function goQuote(s: string): string {
    // JSON.stringify escapes ", \ and control characters; Go writes \x7f and the C escapes \a \b \f \v
    // differently but both forms parse back to the same string, which is what Loki does with them.
    return JSON.stringify(s);
}

/**
 * The label string loki.write sends for an entry's labels (Alloy's labelsMapToString): labels whose
 * names start with `__` are internal and left out, the rest sorted by name.
 */
export function labelsString(labels: Readonly<Record<string, string>>): string {
    const names = Object.keys(labels).filter((n) => !n.startsWith('__'));
    names.sort();
    let out = '{';
    for (let i = 0; i < names.length; i++) {
        if (i > 0) out += ', ';
        out += names[i] + '=' + goQuote(labels[names[i]]);
    }
    return out + '}';
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', '"': '"', "'": "'", '`': '`' };

/**
 * Parses a stream's label string (`{a="1", b=~...}` is refused: only `=` matchers, as a push carries).
 * Values may be double-quoted with Go escapes or back-quoted. Throws PushDecodeError.
 */
export function parseLabelsString(text: string): Record<string, string> {
    const fail = (why: string): never => {
        throw new PushDecodeError(`invalid stream labels ${JSON.stringify(text.length > 200 ? text.slice(0, 200) + '…' : text)}: ${why}`);
    };
    const out: Record<string, string> = Object.create(null) as Record<string, string>;
    let i = 0;
    const skipSpace = () => {
        while (i < text.length && /\s/.test(text[i])) i++;
    };
    skipSpace();
    if (text[i] !== '{') fail('expected "{"');
    i++;
    skipSpace();
    if (text[i] === '}') {
        i++;
        skipSpace();
        if (i !== text.length) fail('unexpected text after "}"');
        return out;
    }
    for (;;) {
        skipSpace();
        const name = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(text.slice(i))?.[0];
        if (name === undefined) fail(`expected a label name at offset ${i}`);
        i += name!.length;
        skipSpace();
        if (text[i] !== '=' || text[i + 1] === '~') fail(`expected "=" after ${name}`);
        i++;
        skipSpace();
        let value = '';
        const quote = text[i];
        if (quote === '`') {
            const end = text.indexOf('`', i + 1);
            if (end < 0) fail('unterminated raw string');
            value = text.slice(i + 1, end);
            i = end + 1;
        } else if (quote === '"') {
            i++;
            for (;;) {
                if (i >= text.length) fail('unterminated string');
                const c = text[i];
                if (c === '"') {
                    i++;
                    break;
                }
                if (c !== '\\') {
                    value += c;
                    i++;
                    continue;
                }
                const e = text[i + 1];
                if (e !== undefined && e in SIMPLE_ESCAPES) {
                    value += SIMPLE_ESCAPES[e];
                    i += 2;
                } else if (e === 'x' || e === 'u' || e === 'U') {
                    const len = e === 'x' ? 2 : e === 'u' ? 4 : 8;
                    const hex = text.slice(i + 2, i + 2 + len);
                    if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(hex)) fail(`invalid \\${e} escape`);
                    value += String.fromCodePoint(parseInt(hex, 16));
                    i += 2 + len;
                } else if (e !== undefined && /[0-7]/.test(e)) {
                    const oct = text.slice(i + 1, i + 4);
                    if (!/^[0-7]{3}$/.test(oct)) fail('invalid octal escape');
                    value += String.fromCharCode(parseInt(oct, 8));
                    i += 4;
                } else {
                    fail(`invalid escape \\${e ?? ''}`);
                }
            }
        } else {
            fail(`expected a quoted value for ${name}`);
        }
        if (name! in out) fail(`duplicate label ${name}`);
        out[name!] = value;
        skipSpace();
        if (text[i] === ',') {
            i++;
            continue;
        }
        if (text[i] === '}') {
            i++;
            skipSpace();
            if (i !== text.length) fail('unexpected text after "}"');
            return out;
        }
        fail(`expected "," or "}" at offset ${i}`);
    }
}

// ---------------------------------------------------------------------------------------------
// Protobuf + Snappy
// ---------------------------------------------------------------------------------------------

const NS_PER_SECOND = 1_000_000_000n;

/** The uncompressed protobuf bytes of a push request. */
export function marshalPushRequest(streams: readonly PushStream[]): Uint8Array {
    return PushRequestType.encode({
        streams: streams.map((s) => ({
            labels: s.labels,
            entries: s.entries.map((e) => {
                const seconds = e.timestamp / NS_PER_SECOND;
                let nanos = e.timestamp % NS_PER_SECOND;
                let secs = seconds;
                if (nanos < 0n) {
                    nanos += NS_PER_SECOND;
                    secs -= 1n;
                }
                return {
                    timestamp: { seconds: Number(secs), nanos: Number(nanos) },
                    line: e.line,
                    structuredMetadata: e.structuredMetadata.length === 0 ? [] : e.structuredMetadata.map((l) => ({ name: l.name, value: l.value })),
                };
            }),
        })),
    }).finish();
}

/** A push request body as loki.write sends it: protobuf, Snappy block-compressed. */
export function encodePushRequest(streams: readonly PushStream[]): Uint8Array {
    return compress(marshalPushRequest(streams));
}

interface DecodedProto {
    streams?: { labels?: string; entries?: { timestamp?: { seconds?: unknown; nanos?: number }; line?: string; structuredMetadata?: { name?: string; value?: string }[] }[] }[];
}

/** Decodes a Snappy-compressed protobuf push body; `maxBytes` caps the decompressed size. */
export function decodePushRequest(body: Uint8Array, maxBytes = 100 * 1024 * 1024): PushStream[] {
    let raw: Uint8Array;
    try {
        raw = uncompress(body, maxBytes);
    } catch (e) {
        const msg = (e as Error).message;
        throw new PushDecodeError(/length/i.test(msg) ? `decompressed body exceeds the ${maxBytes}-byte limit` : `invalid snappy body: ${msg}`, /length/i.test(msg) ? 413 : 400);
    }
    let msg: DecodedProto;
    try {
        msg = PushRequestType.decode(raw) as unknown as DecodedProto;
    } catch (e) {
        throw new PushDecodeError(`invalid protobuf PushRequest: ${(e as Error).message}`);
    }
    return (msg.streams ?? []).map((s) => ({
        labels: s.labels ?? '',
        entries: (s.entries ?? []).map((e) => ({
            timestamp: BigInt(String(e.timestamp?.seconds ?? 0)) * NS_PER_SECOND + BigInt(e.timestamp?.nanos ?? 0),
            line: e.line ?? '',
            structuredMetadata: (e.structuredMetadata ?? []).map((l) => ({ name: l.name ?? '', value: l.value ?? '' })),
        })),
    }));
}

// ---------------------------------------------------------------------------------------------
// JSON
// ---------------------------------------------------------------------------------------------

/** The JSON push body for streams (`values` as `[ns, line]` or `[ns, line, {metadata}]`). */
export function encodePushJson(streams: readonly PushStream[]): string {
    return JSON.stringify({
        streams: streams.map((s) => ({
            stream: parseLabelsString(s.labels),
            values: s.entries.map((e) => (e.structuredMetadata.length === 0 ? [e.timestamp.toString(), e.line] : [e.timestamp.toString(), e.line, Object.fromEntries(e.structuredMetadata.map((l) => [l.name, l.value]))])),
        })),
    });
}

function labelsFromObject(o: unknown, where: string): string {
    if (typeof o !== 'object' || o === null || Array.isArray(o)) throw new PushDecodeError(`${where}: expected an object of labels`);
    const rec: Record<string, string> = {};
    for (const [k, v] of Object.entries(o)) {
        if (typeof v !== 'string') throw new PushDecodeError(`${where}.${k}: expected a string`);
        rec[k] = v;
    }
    return labelsStringAll(rec);
}

/** Like labelsString, keeping `__` labels (a received stream's labels are passed on as sent). */
function labelsStringAll(labels: Readonly<Record<string, string>>): string {
    const names = Object.keys(labels).sort();
    return '{' + names.map((n) => n + '=' + goQuote(labels[n])).join(', ') + '}';
}

function parseNanos(v: unknown, where: string): bigint {
    if (typeof v === 'string' && /^-?\d+$/.test(v)) return BigInt(v);
    if (typeof v === 'string') {
        const ns = rfc3339ToNanos(v);
        if (ns !== undefined) return ns;
    }
    throw new PushDecodeError(`${where}: expected a timestamp in nanoseconds as a string, got ${JSON.stringify(v)}`);
}

/** RFC 3339 with up to nanosecond fractions (the legacy JSON form's `ts`). */
export function rfc3339ToNanos(s: string): bigint | undefined {
    const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/i.exec(s);
    if (m === null) return undefined;
    const ms = Date.parse(`${m[1]}${m[3].toUpperCase()}`);
    if (Number.isNaN(ms)) return undefined;
    return BigInt(ms) * 1_000_000n + BigInt((m[2] ?? '').padEnd(9, '0'));
}

/** Decodes a JSON push body (the `stream`/`values` form, and the legacy `labels`/`entries` form). */
export function decodePushJson(text: string): PushStream[] {
    let doc: unknown;
    try {
        doc = JSON.parse(text);
    } catch (e) {
        throw new PushDecodeError(`invalid JSON push body: ${(e as Error).message}`);
    }
    const streams = (doc as { streams?: unknown })?.streams;
    if (!Array.isArray(streams)) throw new PushDecodeError('invalid JSON push body: expected {"streams": [...]}');
    return streams.map((s: unknown, i) => {
        const where = `streams[${i}]`;
        const st = s as { stream?: unknown; values?: unknown; labels?: unknown; entries?: unknown };
        if (st.labels !== undefined || st.entries !== undefined) {
            if (typeof st.labels !== 'string') throw new PushDecodeError(`${where}.labels: expected a string`);
            parseLabelsString(st.labels);
            const entries = Array.isArray(st.entries) ? st.entries : [];
            return {
                labels: st.labels,
                entries: entries.map((e: { ts?: unknown; timestamp?: unknown; line?: unknown }, j) => {
                    if (typeof e?.line !== 'string') throw new PushDecodeError(`${where}.entries[${j}].line: expected a string`);
                    return { timestamp: parseNanos(e.ts ?? e.timestamp, `${where}.entries[${j}].ts`), line: e.line, structuredMetadata: [] };
                }),
            };
        }
        const labels = labelsFromObject(st.stream ?? {}, `${where}.stream`);
        if (!Array.isArray(st.values)) throw new PushDecodeError(`${where}.values: expected a list`);
        return {
            labels,
            entries: st.values.map((v: unknown, j) => {
                const w = `${where}.values[${j}]`;
                if (!Array.isArray(v) || v.length < 2 || v.length > 3) throw new PushDecodeError(`${w}: expected [timestamp, line] or [timestamp, line, metadata]`);
                if (typeof v[1] !== 'string') throw new PushDecodeError(`${w}[1]: expected the line as a string`);
                const md: MetadataLabel[] = [];
                if (v.length === 3) {
                    if (typeof v[2] !== 'object' || v[2] === null || Array.isArray(v[2])) throw new PushDecodeError(`${w}[2]: expected an object of structured metadata`);
                    for (const [name, value] of Object.entries(v[2] as Record<string, unknown>)) {
                        if (typeof value !== 'string') throw new PushDecodeError(`${w}[2].${name}: expected a string`);
                        md.push({ name, value });
                    }
                }
                return { timestamp: parseNanos(v[0], `${w}[0]`), line: v[1], structuredMetadata: md };
            }),
        };
    });
}

/** The entries of decoded streams as runtime log entries (labels parsed once per stream). */
export function streamsToEntries(streams: readonly PushStream[]): LogEntry[] {
    const out: LogEntry[] = [];
    for (const s of streams) {
        const labels = parseLabelsString(s.labels);
        for (const e of s.entries) out.push({ labels, timestamp: e.timestamp, line: e.line, structuredMetadata: e.structuredMetadata });
    }
    return out;
}
