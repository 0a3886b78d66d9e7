/**
 * Prometheus remote write 1.0 codec: protobuf `WriteRequest` + Snappy *block* compression.
 *
 * The schema is parsed once at module load by protobufjs from the inline definition below (no codegen)
 * and protobufjs encodes. Decoding uses the strict hand-written reader in `wire-reader.ts`, about 3x faster
 * than protobufjs on real bodies (see that file); tests check both agree.
 * One deliberate deviation from `prompb`: the sample timestamp field is *named* `timestamp_ms`, which
 * protobufjs exposes as `timestampMs`. The field number and type (2, int64) are unchanged, so the bytes on
 * the wire are identical to Prometheus', and our `TimeSeries` objects can be encoded without copying.
 *
 * Fields this codec does not model (metadata, exemplars, native histograms) are skipped when decoding.
 */

import * as protobuf from 'protobufjs';
import { compress, uncompress } from 'snappyjs';
import { type Label, type SampleValue, type TimeSeries, METRIC_NAME_LABEL, formatLabels, isValidLabelName, isValidMetricName } from './labels.js';
import { WIRE_FIXED64, WIRE_LEN, WIRE_VARINT, WireError, WireReader } from './wire-reader.js';

const REMOTE_WRITE_PROTO = `
syntax = "proto3";
package prometheus;

message WriteRequest {
    repeated TimeSeries timeseries = 1;
}

message TimeSeries {
    repeated Label labels = 1;
    repeated Sample samples = 2;
}

message Label {
    string name = 1;
    string value = 2;
}

message Sample {
    double value = 1;
    int64 timestamp_ms = 2;
}
`;

const root = protobuf.parse(REMOTE_WRITE_PROTO).root;
/** The protobufjs type, used for encoding (and available to tests as a reference decoder). */
export const WriteRequestType = root.lookupType('prometheus.WriteRequest');

/** Headers a remote-write sender must set (the caller adds `User-Agent`). */
export const REMOTE_WRITE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
    'Content-Encoding': 'snappy',
    'Content-Type': 'application/x-protobuf',
    'X-Prometheus-Remote-Write-Version': '0.1.0',
});

/** Default cap on the decompressed body size (64 MiB). */
export const DEFAULT_MAX_DECOMPRESSED_BYTES = 64 * 1024 * 1024;

/** An error with the HTTP status a receiver should answer with. */
export class RemoteWriteError extends Error {
    constructor(
        message: string,
        readonly status: 400 | 413 | 415 = 400,
    ) {
        super(message);
        this.name = 'RemoteWriteError';
    }
}

// ---------------------------------------------------------------------------------------------
// Encoding
// ---------------------------------------------------------------------------------------------

/** Serializes series to the (uncompressed) protobuf `WriteRequest` bytes. */
export function marshalWriteRequest(series: readonly TimeSeries[]): Uint8Array {
    return WriteRequestType.encode({ timeseries: series }).finish();
}

/**
 * Builds a remote-write request body: protobuf `WriteRequest`, Snappy block-compressed. Labels must
 * already be sorted and valid (they are when they come from this runtime's parsers and relabel engine).
 */
export function encodeWriteRequest(series: readonly TimeSeries[]): Uint8Array {
    return compress(marshalWriteRequest(series));
}

// ---------------------------------------------------------------------------------------------
// Decoding
// ---------------------------------------------------------------------------------------------

export interface InvalidSeries {
    /** Index of the series in the request. */
    index: number;
    message: string;
}

export interface DecodeOptions {
    /** Reject bodies whose declared decompressed size exceeds this (HTTP 413). */
    maxDecompressedBytes?: number;
    /**
     * `reject` (default): the first invalid series makes the whole request fail with a 400.
     * `collect`: invalid series are left out and listed in `invalid`, so a receiver can ingest the valid
     * ones and still answer 400, as the spec allows.
     */
    invalidSeries?: 'reject' | 'collect';
}

export interface DecodedWriteRequest {
    series: TimeSeries[];
    invalid: InvalidSeries[];
}

const FRAMED_MAGIC = [0xff, 0x06, 0x00, 0x00, 0x73, 0x4e, 0x61, 0x50, 0x70, 0x59];

function isFramedSnappy(body: Uint8Array): boolean {
    if (body.length < FRAMED_MAGIC.length) return false;
    for (let i = 0; i < FRAMED_MAGIC.length; i++) if (body[i] !== FRAMED_MAGIC[i]) return false;
    return true;
}

/** Reads the block format's leading varint (uncompressed length); -1 when malformed. */
function declaredLength(body: Uint8Array): number {
    let result = 0;
    for (let i = 0, shift = 0; i < body.length && shift <= 28; i++, shift += 7) {
        const b = body[i];
        result += (b & 0x7f) * 2 ** shift;
        if (b < 0x80) return result;
    }
    return -1;
}

/** Decompresses a Snappy block body with clear errors (400 corrupt, 413 too large). */
export function decompressBody(body: Uint8Array, maxBytes = DEFAULT_MAX_DECOMPRESSED_BYTES): Uint8Array {
    if (body.length === 0) throw new RemoteWriteError('empty request body');
    if (isFramedSnappy(body)) {
        throw new RemoteWriteError('snappy framed (stream) format is not supported: remote write requires the block format');
    }
    const length = declaredLength(body);
    if (length < 0) throw new RemoteWriteError('invalid snappy block: malformed length header');
    if (length > maxBytes) {
        throw new RemoteWriteError(`decompressed body would be ${length} bytes, over the ${maxBytes}-byte limit`, 413);
    }
    try {
        return uncompress(body);
    } catch (e) {
        throw new RemoteWriteError(`invalid snappy block: ${(e as Error).message}`);
    }
}

/** Checks one series' labels; returns an error message when invalid. Empty values are allowed here. */
function validateLabels(labels: readonly Label[]): string | undefined {
    if (labels.length === 0) return 'series has no labels';
    let prev: string | undefined;
    for (const { name, value } of labels) {
        if (name === '') return `empty label name in ${formatLabels(labels)}`;
        if (name === METRIC_NAME_LABEL) {
            if (!isValidMetricName(value)) return `invalid metric name ${JSON.stringify(value)} in ${formatLabels(labels)}`;
        } else if (!isValidLabelName(name)) {
            return `invalid label name ${JSON.stringify(name)} in ${formatLabels(labels)}`;
        }
        if (prev !== undefined) {
            if (name === prev) return `duplicate label name ${JSON.stringify(name)} in ${formatLabels(labels)}`;
            if (name < prev) return `labels not sorted by name (${JSON.stringify(name)} after ${JSON.stringify(prev)}) in ${formatLabels(labels)}`;
        }
        prev = name;
    }
    return undefined;
}

// Field numbers and wire types of the schema above.
const TAG_TIMESERIES = (1 << 3) | WIRE_LEN;
const TAG_LABELS = (1 << 3) | WIRE_LEN;
const TAG_SAMPLES = (2 << 3) | WIRE_LEN;

function expectWireType(field: number, wireType: number, tag: number, where: string): void {
    if ((tag & 7) !== wireType) throw new WireError(`${where} field ${field} has wire type ${tag & 7}, expected ${wireType}`);
}

function readLabel(r: WireReader, end: number): Label {
    let name = '';
    let value = '';
    while (r.pos < end) {
        const tag = r.uint32();
        const field = tag >>> 3;
        if (field === 1) {
            expectWireType(1, WIRE_LEN, tag, 'Label');
            name = r.string();
        } else if (field === 2) {
            expectWireType(2, WIRE_LEN, tag, 'Label');
            value = r.string();
        } else {
            r.skip(tag & 7);
        }
    }
    return { name, value };
}

function readSample(r: WireReader, end: number): SampleValue {
    let value = 0;
    let timestampMs = 0;
    while (r.pos < end) {
        const tag = r.uint32();
        const field = tag >>> 3;
        if (field === 1) {
            expectWireType(1, WIRE_FIXED64, tag, 'Sample');
            value = r.double();
        } else if (field === 2) {
            expectWireType(2, WIRE_VARINT, tag, 'Sample');
            timestampMs = r.int64();
        } else {
            r.skip(tag & 7);
        }
    }
    return { value, timestampMs };
}

function readTimeSeries(r: WireReader, end: number): { labels: Label[]; samples: SampleValue[] } {
    const labels: Label[] = [];
    const samples: SampleValue[] = [];
    while (r.pos < end) {
        const tag = r.uint32();
        if (tag === TAG_LABELS) {
            const e = r.delimitedEnd();
            labels.push(readLabel(r, e));
            r.pos = e;
        } else if (tag === TAG_SAMPLES) {
            const e = r.delimitedEnd();
            samples.push(readSample(r, e));
            r.pos = e;
        } else {
            const field = tag >>> 3;
            if (field === 1 || field === 2) expectWireType(field, WIRE_LEN, tag, 'TimeSeries');
            r.skip(tag & 7); // exemplars, native histograms, ...: not modelled
        }
    }
    return { labels, samples };
}

/** Drops empty-valued labels (empty value = absent label in the Prometheus data model). */
function withoutEmptyValues(labels: Label[]): Label[] {
    for (let i = 0; i < labels.length; i++) {
        if (labels[i].value === '') return labels.filter((l) => l.value !== '');
    }
    return labels;
}

/**
 * Decodes uncompressed `WriteRequest` protobuf bytes and validates every series. Labels with an empty
 * value are dropped; a series left with no labels is invalid.
 */
export function unmarshalWriteRequest(bytes: Uint8Array, options: Pick<DecodeOptions, 'invalidSeries'> = {}): DecodedWriteRequest {
    const collect = options.invalidSeries === 'collect';
    const series: TimeSeries[] = [];
    const invalid: InvalidSeries[] = [];
    const r = new WireReader(bytes);
    let index = 0;
    try {
        while (r.pos < r.length) {
            const tag = r.uint32();
            if (tag !== TAG_TIMESERIES) {
                if (tag >>> 3 === 1) expectWireType(1, WIRE_LEN, tag, 'WriteRequest');
                if (tag >>> 3 === 0) throw new WireError(`invalid field number 0 at byte ${r.pos}`);
                r.skip(tag & 7); // metadata (field 3) and anything newer
                continue;
            }
            const end = r.delimitedEnd();
            const ts = readTimeSeries(r, end);
            r.pos = end;
            const problem = validateLabels(ts.labels);
            const labels = problem === undefined ? withoutEmptyValues(ts.labels) : ts.labels;
            const message = problem ?? (labels.length === 0 ? 'series has only empty-valued labels' : undefined);
            if (message === undefined) {
                series.push(labels === ts.labels ? ts : { labels, samples: ts.samples });
            } else if (collect) {
                invalid.push({ index, message });
            } else {
                throw new RemoteWriteError(`series ${index}: ${message}`);
            }
            index++;
        }
    } catch (e) {
        if (e instanceof WireError) throw new RemoteWriteError(`invalid protobuf WriteRequest: ${e.message}`);
        throw e;
    }
    return { series, invalid };
}

/**
 * Decodes a remote-write request body (Snappy block + protobuf). Throws {@link RemoteWriteError} with
 * status 400 for corrupt Snappy, bad protobuf, or an invalid series (empty/duplicate/unsorted label
 * names, invalid metric or label names), and 413 when the body decompresses beyond the limit.
 */
export function decodeWriteRequest(body: Uint8Array, options: DecodeOptions = {}): DecodedWriteRequest {
    return unmarshalWriteRequest(decompressBody(body, options.maxDecompressedBytes), options);
}

// ---------------------------------------------------------------------------------------------
// Request headers
// ---------------------------------------------------------------------------------------------

/** Node's `IncomingHttpHeaders`, a plain record (any key case) or a WHATWG `Headers`. */
export type HeaderSource = { get(name: string): string | null } | Readonly<Record<string, string | readonly string[] | undefined>>;

function getHeader(headers: HeaderSource, name: string): string | undefined {
    if (typeof (headers as { get?: unknown }).get === 'function') {
        return (headers as { get(name: string): string | null }).get(name) ?? undefined;
    }
    const record = headers as Readonly<Record<string, string | readonly string[] | undefined>>;
    let v = record[name];
    if (v === undefined) {
        const lower = name.toLowerCase();
        for (const key of Object.keys(record)) {
            if (key.toLowerCase() === lower) {
                v = record[key];
                break;
            }
        }
    }
    if (v === undefined) return undefined;
    return typeof v === 'string' ? v : v.join(', ');
}

/**
 * Checks the headers of an incoming remote-write 1.0 request. Returns undefined when acceptable,
 * otherwise an error carrying the HTTP status to answer with.
 *
 * - A missing `Content-Encoding` is accepted (Prometheus assumes snappy); anything but `snappy` is 415.
 * - A missing `Content-Type` is accepted (Prometheus treats it as 1.0). A media type other than
 *   `application/x-protobuf`, or a `proto=` parameter naming another message (remote write 2.0), is
 *   **415 Unsupported Media Type** rather than 400: the body may be perfectly valid, it is just a format
 *   this receiver does not speak, which is what 415 means (Prometheus answers 415 here too).
 */
export function checkRemoteWriteHeaders(headers: HeaderSource): RemoteWriteError | undefined {
    const encoding = getHeader(headers, 'Content-Encoding')?.trim().toLowerCase();
    if (encoding !== undefined && encoding !== '' && encoding !== 'snappy') {
        return new RemoteWriteError(`unsupported Content-Encoding "${encoding}": remote write requires snappy`, 415);
    }
    const contentType = getHeader(headers, 'Content-Type');
    if (contentType === undefined || contentType.trim() === '') return undefined;
    const [mediaType, ...params] = contentType.split(';').map((p) => p.trim());
    if (mediaType.toLowerCase() !== 'application/x-protobuf') {
        return new RemoteWriteError(`unsupported Content-Type "${contentType}": expected application/x-protobuf`, 415);
    }
    for (const param of params) {
        const eq = param.indexOf('=');
        if (eq < 0) continue;
        if (param.slice(0, eq).trim().toLowerCase() !== 'proto') continue;
        const proto = param.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
        if (proto !== 'prometheus.WriteRequest') {
            return new RemoteWriteError(`unsupported remote write message "${proto}": only remote write 1.0 (prometheus.WriteRequest) is supported`, 415);
        }
    }
    return undefined;
}
