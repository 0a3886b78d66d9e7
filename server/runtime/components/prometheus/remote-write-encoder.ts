// A remote-write body encoder for prometheus.remote_write's hot path.
//
// It produces exactly the bytes of protocols/remote-write.ts' `marshalWriteRequest` (protobufjs) for
// one-sample-per-series requests (tested byte for byte), then Snappy-compresses them like
// `encodeWriteRequest`. The difference is a cache: the encoded `labels` fields of a series are kept per
// label-set object (WeakMap on the immutable `Labels` array). Scraped series come back as the same
// arrays every scrape (ExpositionParser's series cache, Relabeler's result cache, the external-label
// cache), so in steady state a series costs one memcpy of its label bytes plus 12-20 bytes of sample.

import { compress } from 'snappyjs';
import type { Labels, Sample } from '../../protocols/labels.js';

const TAG_TIMESERIES = 0x0a; // WriteRequest.timeseries = 1, length-delimited
const TAG_LABELS = 0x0a; // TimeSeries.labels = 1
const TAG_SAMPLES = 0x12; // TimeSeries.samples = 2
const TAG_NAME = 0x0a; // Label.name = 1
const TAG_VALUE = 0x12; // Label.value = 2
const TAG_SAMPLE_VALUE = 0x09; // Sample.value = 1, fixed64
const TAG_SAMPLE_TS = 0x10; // Sample.timestamp = 2, varint

function varintLength(n: number): number {
    // n is a non-negative integer below 2^53.
    if (n < 0x80) return 1;
    if (n < 0x4000) return 2;
    let len = 1;
    while (n >= 0x80) {
        n = Math.floor(n / 128);
        len++;
    }
    return len;
}

function writeVarint(buf: Buffer, pos: number, n: number): number {
    if (n < 0x80000000) {
        while (n >= 0x80) {
            buf[pos++] = (n & 0x7f) | 0x80;
            n >>>= 7;
        }
        buf[pos++] = n;
        return pos;
    }
    while (n >= 0x80) {
        buf[pos++] = (n % 128) | 0x80;
        n = Math.floor(n / 128);
    }
    buf[pos++] = n;
    return pos;
}

/** int64 as protobuf varint: negatives are 10-byte two's complement. */
function int64Length(n: number): number {
    return n >= 0 ? varintLength(n) : 10;
}

function writeInt64(buf: Buffer, pos: number, n: number): number {
    if (n >= 0) return writeVarint(buf, pos, n);
    let v = BigInt.asUintN(64, BigInt(n));
    for (let i = 0; i < 9; i++) {
        buf[pos++] = Number(v & 0x7fn) | 0x80;
        v >>= 7n;
    }
    buf[pos++] = Number(v);
    return pos;
}

/** Length of a string field (tag + length + bytes); 0 for "" (proto3 omits default values). */
function stringFieldLength(byteLen: number): number {
    return byteLen === 0 ? 0 : 1 + varintLength(byteLen) + byteLen;
}

/** Encodes the repeated `labels` fields of one TimeSeries. */
function encodeLabels(labels: Labels): Buffer {
    let size = 0;
    const lens: number[] = new Array(labels.length * 2);
    for (let i = 0; i < labels.length; i++) {
        const n = Buffer.byteLength(labels[i].name, 'utf8');
        const v = Buffer.byteLength(labels[i].value, 'utf8');
        lens[2 * i] = n;
        lens[2 * i + 1] = v;
        const inner = stringFieldLength(n) + stringFieldLength(v);
        size += 1 + varintLength(inner) + inner;
    }
    const buf = Buffer.allocUnsafe(size);
    let pos = 0;
    for (let i = 0; i < labels.length; i++) {
        const n = lens[2 * i];
        const v = lens[2 * i + 1];
        buf[pos++] = TAG_LABELS;
        pos = writeVarint(buf, pos, stringFieldLength(n) + stringFieldLength(v));
        if (n > 0) {
            buf[pos++] = TAG_NAME;
            pos = writeVarint(buf, pos, n);
            pos += buf.write(labels[i].name, pos, n, 'utf8');
        }
        if (v > 0) {
            buf[pos++] = TAG_VALUE;
            pos = writeVarint(buf, pos, v);
            pos += buf.write(labels[i].value, pos, v, 'utf8');
        }
    }
    return buf;
}

/** Length of the Sample message; proto3 leaves out a +0 value (not -0, like protobufjs) and a zero timestamp. */
function sampleLength(s: Sample): number {
    return (Object.is(s.value, 0) ? 0 : 9) + (s.timestampMs !== 0 ? 1 + int64Length(s.timestampMs) : 0);
}

const WINDOW = 8192;

export class WriteRequestEncoder {
    private cache = new WeakMap<Labels, Buffer>();
    /** Label sets served from the cache / encoded. */
    hits = 0;
    misses = 0;
    // Like Relabeler's `auto` policy: when label sets do not repeat (under 1/8 hits in a window of
    // lookups), stop inserting for 8 windows; inserting into a WeakMap costs more than it saves then.
    private windowLookups = 0;
    private windowHits = 0;
    private cooldown = 0;

    private labelBytes(labels: Labels): Buffer {
        let b = this.cache.get(labels);
        if (b !== undefined) {
            this.hits++;
            this.windowHits++;
        } else {
            b = encodeLabels(labels);
            this.misses++;
            if (this.cooldown > 0) this.cooldown--;
            else this.cache.set(labels, b);
        }
        if (++this.windowLookups === WINDOW) {
            if (this.cooldown === 0 && this.windowHits * 8 < WINDOW) this.cooldown = WINDOW * 8;
            this.windowLookups = 0;
            this.windowHits = 0;
        }
        return b;
    }

    /**
     * The uncompressed WriteRequest for samples (one TimeSeries per sample); `labelsOf` maps a sample to
     * the labels to send (e.g. with external labels added), which must be sorted and valid.
     */
    marshal(samples: readonly Sample[], labelsOf: (s: Sample) => Labels = (s) => s.labels): Buffer {
        const n = samples.length;
        const parts: Buffer[] = new Array(n);
        const tsLens: number[] = new Array(n);
        let total = 0;
        for (let i = 0; i < n; i++) {
            const s = samples[i];
            const lb = this.labelBytes(labelsOf(s));
            parts[i] = lb;
            const sampleLen = sampleLength(s);
            const tsLen = lb.length + 1 + varintLength(sampleLen) + sampleLen;
            tsLens[i] = tsLen;
            total += 1 + varintLength(tsLen) + tsLen;
        }
        const buf = Buffer.allocUnsafe(total);
        let pos = 0;
        for (let i = 0; i < n; i++) {
            const s = samples[i];
            const lb = parts[i];
            buf[pos++] = TAG_TIMESERIES;
            pos = writeVarint(buf, pos, tsLens[i]);
            lb.copy(buf, pos);
            pos += lb.length;
            buf[pos++] = TAG_SAMPLES;
            pos = writeVarint(buf, pos, sampleLength(s));
            if (!Object.is(s.value, 0)) {
                buf[pos++] = TAG_SAMPLE_VALUE;
                buf.writeDoubleLE(s.value, pos);
                pos += 8;
            }
            if (s.timestampMs !== 0) {
                buf[pos++] = TAG_SAMPLE_TS;
                pos = writeInt64(buf, pos, s.timestampMs);
            }
        }
        return buf;
    }

    /** Snappy-compressed body, as `encodeWriteRequest` produces. */
    encode(samples: readonly Sample[], labelsOf?: (s: Sample) => Labels): Uint8Array {
        return compress(this.marshal(samples, labelsOf));
    }

    clear(): void {
        this.cache = new WeakMap();
    }
}
