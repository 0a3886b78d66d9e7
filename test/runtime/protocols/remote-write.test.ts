import { describe, it, expect } from 'vitest';
import * as protobuf from 'protobufjs';
import { compress } from 'snappyjs';
import {
    REMOTE_WRITE_HEADERS,
    RemoteWriteError,
    WriteRequestType,
    checkRemoteWriteHeaders,
    decodeWriteRequest,
    decompressBody,
    encodeWriteRequest,
    marshalWriteRequest,
    unmarshalWriteRequest,
} from '../../../server/runtime/protocols/remote-write.js';
import type { TimeSeries } from '../../../server/runtime/protocols/labels.js';
import { STALE_NAN, isStaleNaN } from '../../../server/runtime/protocols/staleness.js';
import { WireReader } from '../../../server/runtime/protocols/wire-reader.js';

/** Body attached to prometheus/prometheus#19665 (duplicate label name `zone`). */
const ISSUE_19665_BODY = Buffer.from('QIgKPgoUCghfX25hbWVfXxIIZHVwX2RlbW8KCQoEem9uZRIBYRkLSGISEAkAAAAAAADwPxCMtI+XiDQ=', 'base64');

function rwError(f: () => unknown): { status: number; message: string } {
    try {
        f();
    } catch (e) {
        expect(e).toBeInstanceOf(RemoteWriteError);
        return { status: (e as RemoteWriteError).status, message: (e as Error).message };
    }
    throw new Error('expected a RemoteWriteError');
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('prometheus/prometheus#19665 fixture', () => {
    it('is a snappy block body (first byte = uncompressed length 64)', () => {
        expect(ISSUE_19665_BODY[0]).toBe(0x40);
        expect(decompressBody(ISSUE_19665_BODY)).toHaveLength(64);
    });

    it('contains one series __name__=dup_demo, zone=a, zone=b with sample 1 @ 1788902365708 (protobufjs reference)', () => {
        const raw = WriteRequestType.toObject(WriteRequestType.decode(decompressBody(ISSUE_19665_BODY)), { longs: String });
        expect(raw).toEqual({
            timeseries: [
                {
                    labels: [
                        { name: '__name__', value: 'dup_demo' },
                        { name: 'zone', value: 'a' },
                        { name: 'zone', value: 'b' },
                    ],
                    samples: [{ value: 1, timestampMs: '1788902365708' }],
                },
            ],
        });
    });

    it('is rejected with 400 because of the duplicate label name', () => {
        expect(rwError(() => decodeWriteRequest(ISSUE_19665_BODY))).toEqual({
            status: 400,
            message: 'series 0: duplicate label name "zone" in dup_demo{zone="a", zone="b"}',
        });
    });

    it('in collect mode, reports the invalid series instead of throwing', () => {
        expect(decodeWriteRequest(ISSUE_19665_BODY, { invalidSeries: 'collect' })).toEqual({
            series: [],
            invalid: [{ index: 0, message: 'duplicate label name "zone" in dup_demo{zone="a", zone="b"}' }],
        });
    });
});

describe('encoding', () => {
    it('produces the exact protobuf bytes of the remote write schema', () => {
        const bytes = marshalWriteRequest([
            {
                labels: [
                    { name: '__name__', value: 'up' },
                    { name: 'job', value: 'x' },
                ],
                samples: [{ value: 1, timestampMs: 1788902365708 }],
            },
        ]);
        // WriteRequest.timeseries(1) len 44 { labels(1) len 14 { name(1) "__name__" value(2) "up" }
        //   labels(1) len 8 { name "job" value "x" } samples(2) len 16 { value(1) double 1.0, timestamp(2) varint } }
        expect(hex(bytes)).toBe(
            '0a2c' + '0a0e' + '0a085f5f6e616d655f5f' + '12027570' + '0a08' + '0a036a6f62' + '120178' + '1210' + '09000000000000f03f' + '108cb48f978834',
        );
    });

    it('uses the snappy block format and the standard headers', () => {
        const body = encodeWriteRequest([{ labels: [{ name: '__name__', value: 'up' }], samples: [{ value: 0, timestampMs: 1 }] }]);
        const raw = marshalWriteRequest([{ labels: [{ name: '__name__', value: 'up' }], samples: [{ value: 0, timestampMs: 1 }] }]);
        expect(body[0]).toBe(raw.length); // varint uncompressed length, never the framed-format magic 0xff
        expect(REMOTE_WRITE_HEADERS).toEqual({
            'Content-Encoding': 'snappy',
            'Content-Type': 'application/x-protobuf',
            'X-Prometheus-Remote-Write-Version': '0.1.0',
        });
        expect(Object.isFrozen(REMOTE_WRITE_HEADERS)).toBe(true);
    });
});

describe('round trips', () => {
    it('encode → decode preserves series, special values and int64 timestamps', () => {
        const series: TimeSeries[] = [
            {
                labels: [
                    { name: '__name__', value: 'http_requests_total' },
                    { name: 'code', value: '200' },
                    { name: 'path', value: '/ünïcødé/😀' },
                    { name: 'z_bom', value: '\uFEFFleading byte-order mark is data' },
                ],
                samples: [
                    { value: 1027, timestampMs: 1_700_000_000_000 },
                    { value: 1028.5, timestampMs: 1_700_000_015_000 },
                ],
            },
            {
                labels: [{ name: '__name__', value: 'edge_values' }],
                samples: [
                    { value: NaN, timestampMs: -1 },
                    { value: Infinity, timestampMs: 0 },
                    { value: -Infinity, timestampMs: Number.MAX_SAFE_INTEGER },
                    { value: -0.000001, timestampMs: -62135596800000 },
                ],
            },
            { labels: [{ name: '__name__', value: 'no_samples' }], samples: [] },
        ];
        const decoded = decodeWriteRequest(encodeWriteRequest(series));
        expect(decoded.invalid).toEqual([]);
        expect(decoded.series).toEqual(series);
    });

    it('keeps the exact staleness-marker NaN bits', () => {
        const body = encodeWriteRequest([{ labels: [{ name: '__name__', value: 'x' }], samples: [{ value: STALE_NAN, timestampMs: 5 }] }]);
        const v = decodeWriteRequest(body).series[0].samples[0].value;
        expect(isStaleNaN(v)).toBe(true);
    });

    it('agrees with protobufjs decoding on generated requests', () => {
        let seed = 42;
        const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
        const pick = (s: string[]) => s[Math.floor(rand() * s.length)];
        for (let round = 0; round < 20; round++) {
            const series: TimeSeries[] = [];
            const n = Math.floor(rand() * 50);
            for (let i = 0; i < n; i++) {
                const names = ['__name__', 'a', 'b_c', 'instance', 'job', 'zz'].filter(() => rand() < 0.7);
                if (names.length === 0) names.push('job');
                const labels = names.map((name) => ({
                    name,
                    value: name === '__name__' ? 'm_' + i : Array.from({ length: 1 + Math.floor(rand() * 80) }, () => pick(Array.from('abcXYZ09:/é😀 '))).join(''),
                }));
                const samples = Array.from({ length: Math.floor(rand() * 4) }, () => ({
                    value: (rand() - 0.5) * 1e12,
                    timestampMs: Math.floor((rand() - 0.3) * 2e12),
                }));
                series.push({ labels, samples });
            }
            const raw = marshalWriteRequest(series);
            const reference = WriteRequestType.toObject(WriteRequestType.decode(raw), { longs: Number, arrays: true, defaults: true }) as {
                timeseries: { labels: { name: string; value: string }[]; samples: { value: number; timestampMs: number }[] }[];
            };
            const ours = unmarshalWriteRequest(raw);
            expect(ours.series).toEqual(reference.timeseries);
            expect(ours.series).toEqual(series);
        }
    });

    it('handles timestamps written by protobufjs from Long values', () => {
        const raw = WriteRequestType.encode({
            timeseries: [{ labels: [{ name: '__name__', value: 'x' }], samples: [{ value: 2, timestampMs: protobuf.util.LongBits.fromNumber(-1788902365708).toLong() }] }],
        }).finish();
        expect(unmarshalWriteRequest(raw).series[0].samples).toEqual([{ value: 2, timestampMs: -1788902365708 }]);
    });

    it('skips fields it does not model (metadata, exemplars) and drops empty label values', () => {
        // WriteRequest { timeseries { labels{__name__=up} labels{job=""} samples{value 1} exemplars(3){...} } metadata(3){...} }
        const w = protobuf.Writer.create();
        w.uint32((1 << 3) | 2).fork();
        w.uint32((1 << 3) | 2).fork().uint32(10).string('__name__').uint32(18).string('up').ldelim();
        w.uint32((1 << 3) | 2).fork().uint32(10).string('job').uint32(18).string('').ldelim();
        w.uint32((2 << 3) | 2).fork().uint32(9).double(1).ldelim();
        w.uint32((3 << 3) | 2).fork().uint32(9).double(7).uint32(16).int64(3).ldelim();
        w.ldelim();
        w.uint32((3 << 3) | 2).fork().uint32(8).uint32(1).uint32(18).string('up').ldelim();
        w.uint32((99 << 3) | 5).fixed32(7);
        expect(unmarshalWriteRequest(w.finish())).toEqual({
            series: [{ labels: [{ name: '__name__', value: 'up' }], samples: [{ value: 1, timestampMs: 0 }] }],
            invalid: [],
        });
    });
});

describe('decode errors', () => {
    const body = (series: TimeSeries[]) => encodeWriteRequest(series);
    const sample = [{ value: 1, timestampMs: 1 }];

    it('rejects corrupt or unsupported snappy with 400 (and oversize with 413)', () => {
        expect(rwError(() => decodeWriteRequest(new Uint8Array()))).toEqual({ status: 400, message: 'empty request body' });
        expect(rwError(() => decodeWriteRequest(Uint8Array.from([0x0a, 0x00, 0x01, 0x02])))).toEqual({
            status: 400,
            message: 'invalid snappy block: Invalid Snappy bitstream',
        });
        expect(rwError(() => decodeWriteRequest(Uint8Array.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x80])))).toEqual({
            status: 400,
            message: 'invalid snappy block: malformed length header',
        });
        const framed = Uint8Array.from([0xff, 0x06, 0x00, 0x00, 0x73, 0x4e, 0x61, 0x50, 0x70, 0x59, 0x00]);
        expect(rwError(() => decodeWriteRequest(framed))).toEqual({
            status: 400,
            message: 'snappy framed (stream) format is not supported: remote write requires the block format',
        });
        expect(rwError(() => decodeWriteRequest(ISSUE_19665_BODY, { maxDecompressedBytes: 63 }))).toEqual({
            status: 413,
            message: 'decompressed body would be 64 bytes, over the 63-byte limit',
        });
    });

    it('rejects bad protobuf with 400', () => {
        expect(rwError(() => decodeWriteRequest(compress(Uint8Array.from([0x0a, 0x05, 0x01]))))).toEqual({
            status: 400,
            message: 'invalid protobuf WriteRequest: length 5 at byte 2 exceeds the message',
        });
        expect(rwError(() => decodeWriteRequest(compress(Uint8Array.from([0x08, 0x01]))))).toEqual({
            status: 400,
            message: 'invalid protobuf WriteRequest: WriteRequest field 1 has wire type 0, expected 2',
        });
        expect(rwError(() => decodeWriteRequest(compress(Uint8Array.from([0x0a, 0x02, 0x12, 0x80]))))).toEqual({
            status: 400,
            message: 'invalid protobuf WriteRequest: truncated message at byte 4',
        });
        // A label value that is not valid UTF-8.
        const badUtf8 = protobuf.Writer.create();
        badUtf8.uint32(10).fork().uint32(10).fork().uint32(10).string('__name__').uint32(18).bytes(Uint8Array.from([0x75, 0xff])).ldelim().ldelim();
        expect(rwError(() => decodeWriteRequest(compress(badUtf8.finish())))).toEqual({
            status: 400,
            message: 'invalid protobuf WriteRequest: invalid UTF-8 in string at byte 16',
        });
    });

    it('rejects invalid label sets with 400 and a message naming the series', () => {
        const cases: [TimeSeries['labels'], string][] = [
            [[{ name: 'job', value: 'x' }, { name: '__name__', value: 'up' }], 'series 0: labels not sorted by name ("__name__" after "job") in up{job="x"}'],
            [[{ name: '', value: 'x' }], 'series 0: empty label name in {="x"}'],
            [[{ name: '__name__', value: '1up' }], 'series 0: invalid metric name "1up" in 1up'],
            [[{ name: '__name__', value: 'up' }, { name: 'a-b', value: 'x' }], 'series 0: invalid label name "a-b" in up{a-b="x"}'],
            [[], 'series 0: series has no labels'],
            [[{ name: 'job', value: '' }], 'series 0: series has only empty-valued labels'],
        ];
        for (const [labels, message] of cases) {
            expect(rwError(() => decodeWriteRequest(body([{ labels, samples: sample }])))).toEqual({ status: 400, message });
        }
    });

    it('collect mode keeps valid series and indexes the invalid ones', () => {
        const decoded = decodeWriteRequest(
            body([
                { labels: [{ name: '__name__', value: 'ok1' }], samples: sample },
                { labels: [{ name: '__name__', value: 'bad name' }], samples: sample },
                { labels: [{ name: '__name__', value: 'ok2' }], samples: sample },
            ]),
            { invalidSeries: 'collect' },
        );
        expect(decoded.series.map((s) => s.labels[0].value)).toEqual(['ok1', 'ok2']);
        expect(decoded.invalid).toEqual([{ index: 1, message: 'invalid metric name "bad name" in bad name' }]);
    });
});

describe('WireReader', () => {
    it('reads int64 varints including negative (10-byte) values', () => {
        for (const v of [0, 1, 127, 128, 2 ** 31, 2 ** 32 + 5, Number.MAX_SAFE_INTEGER, -1, -(2 ** 31), -1788902365708, Number.MIN_SAFE_INTEGER]) {
            const bytes = protobuf.Writer.create().int64(v).finish();
            expect(new WireReader(bytes).int64(), String(v)).toBe(v);
        }
    });

    it('interns repeated short ASCII strings', () => {
        const w = protobuf.Writer.create().string('instance').string('instance').finish();
        const r = new WireReader(w);
        const a = r.string();
        const b = r.string();
        expect(a).toBe('instance');
        expect(b).toBe(a);
    });
});

describe('checkRemoteWriteHeaders', () => {
    const check = (h: Parameters<typeof checkRemoteWriteHeaders>[0]) => {
        const e = checkRemoteWriteHeaders(h);
        return e && { status: e.status, message: e.message };
    };

    it('accepts the standard headers in any form (Node record, any case, WHATWG Headers)', () => {
        expect(check({ 'content-encoding': 'snappy', 'content-type': 'application/x-protobuf' })).toBeUndefined();
        expect(check(REMOTE_WRITE_HEADERS)).toBeUndefined();
        expect(check(new Headers({ 'Content-Encoding': 'SNAPPY', 'Content-Type': 'application/x-protobuf; proto=prometheus.WriteRequest' }))).toBeUndefined();
        expect(check({})).toBeUndefined(); // both optional, as Prometheus assumes 1.0 + snappy
    });

    it('answers 415 for other encodings and content types', () => {
        expect(check({ 'content-encoding': 'gzip' })).toEqual({ status: 415, message: 'unsupported Content-Encoding "gzip": remote write requires snappy' });
        expect(check({ 'Content-Type': 'application/json' })).toEqual({
            status: 415,
            message: 'unsupported Content-Type "application/json": expected application/x-protobuf',
        });
        expect(check({ 'content-type': 'application/x-protobuf;proto=io.prometheus.write.v2.Request' })).toEqual({
            status: 415,
            message: 'unsupported remote write message "io.prometheus.write.v2.Request": only remote write 1.0 (prometheus.WriteRequest) is supported',
        });
    });
});
