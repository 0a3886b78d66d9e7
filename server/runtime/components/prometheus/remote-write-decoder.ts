// A remote-write body decoder for prometheus.receive_http's hot path.
//
// A sender re-sends the same series over and over (every scrape), so the bytes of a series' `labels`
// fields repeat exactly. This decoder keeps, per distinct label-field bytes, the label set that the
// reference decoder (protocols/remote-write.ts `unmarshalWriteRequest`) produced and validated for
// them; a repeated series then costs a byte-string lookup plus reading its samples. Everything unusual
// (a series whose fields are not "labels, then samples", unknown fields, malformed varints, invalid
// series) goes through the reference decoder, and any error is re-raised by running the reference
// decoder on the whole body, so results and error messages are the reference's (tested differentially).

import type { Labels, Sample, SampleValue, TimeSeries } from '../../protocols/labels.js';
import { type DecodeOptions, type DecodedWriteRequest, type InvalidSeries, RemoteWriteError, decompressBody, unmarshalWriteRequest } from '../../protocols/remote-write.js';

type SliceableBuffer = Buffer & { latin1Slice?: (start: number, end: number) => string };

const TAG_TIMESERIES = 0x0a;
const TAG_LABEL = 0x0a;
const TAG_SAMPLE = 0x12;
const TAG_VALUE = 0x09;
const TAG_TIMESTAMP = 0x10;

/** Signals "take the reference path" from the fast parser. */
const SLOW = -1;
/** Returned by fast() in flat mode (the samples went to the output array). */
const FLAT_DONE: TimeSeries = Object.freeze({ labels: [], samples: [] }) as unknown as TimeSeries;

export interface DecodedSamples {
    samples: Sample[];
    invalid: InvalidSeries[];
}

function flatten(series: readonly TimeSeries[]): Sample[] {
    const out: Sample[] = [];
    for (const ts of series) for (const sv of ts.samples) out.push({ labels: ts.labels, value: sv.value, timestampMs: sv.timestampMs });
    return out;
}

export class CachingWriteRequestDecoder {
    private cache = new Map<string, Labels>();
    hits = 0;
    misses = 0;

    /** `maxSeries` bounds the cache (it is cleared when full; it refills from the next requests). */
    constructor(private readonly maxSeries = 100_000) {}

    decode(body: Uint8Array, options: DecodeOptions = {}): DecodedWriteRequest {
        return this.unmarshal(decompressBody(body, options.maxDecompressedBytes), options);
    }

    /** Like `decode`, but flattened to one Sample per sample (fewer allocations on the hot path). */
    decodeSamples(body: Uint8Array, options: DecodeOptions = {}): DecodedSamples {
        const r = this.run(decompressBody(body, options.maxDecompressedBytes), options, true);
        return { samples: r.samples, invalid: r.invalid };
    }

    unmarshal(bytes: Uint8Array, options: Pick<DecodeOptions, 'invalidSeries'> = {}): DecodedWriteRequest {
        const r = this.run(bytes, options, false);
        return { series: r.series, invalid: r.invalid };
    }

    private run(bytes: Uint8Array, options: Pick<DecodeOptions, 'invalidSeries'>, flat: boolean): { series: TimeSeries[]; samples: Sample[]; invalid: InvalidSeries[] } {
        const buf = (Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)) as SliceableBuffer;
        const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
        const n = buf.length;
        const collect = options.invalidSeries === 'collect';
        const series: TimeSeries[] = [];
        const samples: Sample[] = [];
        const invalid: InvalidSeries[] = [];
        const reference = () => {
            const r = unmarshalWriteRequest(bytes, options);
            return { series: flat ? [] : r.series, samples: flat ? flatten(r.series) : [], invalid: r.invalid };
        };
        let pos = 0;
        let index = 0;
        try {
            while (pos < n) {
                if (buf[pos] !== TAG_TIMESERIES) return reference(); // metadata or oddities
                const lenEnd = readLength(buf, pos + 1, n);
                if (lenEnd === SLOW) return reference();
                const start = lenEnd;
                const end = start + lengthValue;
                if (end > n) return reference();
                const ts = this.fast(buf, view, start, end, flat ? samples : undefined);
                if (ts !== undefined) {
                    if (!flat) series.push(ts);
                } else {
                    // Reference decoding of this one series (a TimeSeries field wrapping its bytes).
                    const one = unmarshalWriteRequest(buf.subarray(pos, end), { invalidSeries: 'collect' });
                    if (one.series.length === 1) {
                        const decoded = one.series[0];
                        if (flat) for (const sv of decoded.samples) samples.push({ labels: decoded.labels, value: sv.value, timestampMs: sv.timestampMs });
                        else series.push(decoded);
                        const key = this.labelKey(buf, start, end);
                        if (key !== undefined) this.remember(key, decoded.labels);
                    } else {
                        const message = one.invalid[0]?.message ?? 'invalid series';
                        if (!collect) throw new RemoteWriteError(`series ${index}: ${message}`);
                        invalid.push({ index, message });
                    }
                }
                pos = end;
                index++;
            }
        } catch (e) {
            if (e instanceof RemoteWriteError && e.message.startsWith(`series ${index}: `) && !collect) throw e;
            // Any other problem: the reference decoder over the whole body gives the canonical result/error.
            return reference();
        }
        return { series, samples, invalid };
    }

    private remember(key: string, labels: Labels): void {
        if (this.cache.size >= this.maxSeries) this.cache.clear();
        this.cache.set(key, labels);
    }

    /** The label-field bytes of a canonical series as a string key, or undefined when not canonical. */
    private labelKey(buf: SliceableBuffer, start: number, end: number): string | undefined {
        let p = start;
        while (p < end && buf[p] === TAG_LABEL) {
            const q = readLength(buf, p + 1, end);
            if (q === SLOW) return undefined;
            p = q + lengthValue;
        }
        if (p === start || p > end) return undefined;
        return latin1(buf, start, p);
    }

    /** Decodes a canonical series from the cache; undefined means "use the reference decoder". */
    private fast(buf: SliceableBuffer, view: DataView, start: number, end: number, out: Sample[] | undefined): TimeSeries | undefined {
        let p = start;
        while (p < end && buf[p] === TAG_LABEL) {
            const q = readLength(buf, p + 1, end);
            if (q === SLOW) return undefined;
            p = q + lengthValue;
        }
        const labelsEnd = p;
        if (labelsEnd === start || labelsEnd > end) return undefined;
        const labels = this.cache.get(latin1(buf, start, labelsEnd));
        if (labels === undefined) {
            this.misses++;
            return undefined;
        }
        if (out === undefined) {
            const samples: SampleValue[] = [];
            if (!readSamples(buf, view, p, end, labels, undefined, samples)) return undefined;
            this.hits++;
            return { labels, samples };
        }
        const mark = out.length;
        if (!readSamples(buf, view, p, end, labels, out, undefined)) {
            out.length = mark;
            return undefined;
        }
        this.hits++;
        return FLAT_DONE;
    }
}

/** Reads the Sample fields from `p` to `end` into `flat` (as Samples) or `values`; false when not canonical. */
function readSamples(buf: Buffer, view: DataView, p: number, end: number, labels: Labels, flat: Sample[] | undefined, values: SampleValue[] | undefined): boolean {
    while (p < end) {
        if (buf[p] !== TAG_SAMPLE) return false;
        const q = readLength(buf, p + 1, end);
        if (q === SLOW) return false;
        const sEnd = q + lengthValue;
        if (sEnd > end) return false;
        p = q;
        let value = 0;
        let timestampMs = 0;
        while (p < sEnd) {
            const tag = buf[p];
            if (tag === TAG_VALUE) {
                if (p + 9 > sEnd) return false;
                value = view.getFloat64(p + 1, true);
                p += 9;
            } else if (tag === TAG_TIMESTAMP) {
                const r = readInt64(buf, p + 1, sEnd);
                if (r === undefined) return false;
                timestampMs = r;
                p = int64End;
            } else {
                return false;
            }
        }
        if (flat !== undefined) flat.push({ labels, value, timestampMs });
        else values!.push({ value, timestampMs });
    }
    return true;
}

function latin1(buf: SliceableBuffer, start: number, end: number): string {
    return buf.latin1Slice !== undefined ? buf.latin1Slice(start, end) : buf.toString('latin1', start, end);
}

/** The value read by the last readLength call (a module variable avoids allocating a pair). */
let lengthValue = 0;

/** Reads a varint length at `pos`; returns the position after it (value in `lengthValue`) or SLOW. */
function readLength(buf: Buffer, pos: number, limit: number): number {
    let result = 0;
    for (let shift = 0; shift < 35; shift += 7) {
        if (pos >= limit) return SLOW;
        const b = buf[pos++];
        result += (b & 0x7f) * 2 ** shift;
        if (b < 0x80) {
            lengthValue = result;
            return pos;
        }
    }
    return SLOW;
}

let int64End = 0;

/** Reads an int64 varint (two's complement for negatives), like WireReader.int64; sets int64End. */
function readInt64(buf: Buffer, pos: number, limit: number): number | undefined {
    let lo = 0;
    let hi = 0;
    let shift = 0;
    for (let i = 0; i < 10; i++) {
        if (pos >= limit) return undefined;
        const b = buf[pos++];
        if (shift < 28) lo |= (b & 0x7f) << shift;
        else if (shift === 28) {
            lo |= (b & 0x0f) << 28;
            hi |= (b & 0x7f) >>> 4;
        } else hi |= (b & 0x7f) << (shift - 32);
        if (b < 0x80) {
            int64End = pos;
            return (hi | 0) * 4294967296 + (lo >>> 0);
        }
        shift += 7;
    }
    return undefined;
}
