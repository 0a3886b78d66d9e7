import { describe, expect, it } from 'vitest';
import { WriteRequestEncoder } from '../../../server/runtime/components/prometheus/remote-write-encoder.js';
import { type Sample, labelsFromRecord } from '../../../server/runtime/protocols/labels.js';
import { decodeWriteRequest, marshalWriteRequest } from '../../../server/runtime/protocols/remote-write.js';
import { STALE_NAN, isStaleNaN } from '../../../server/runtime/protocols/staleness.js';

const samples: Sample[] = [
    { labels: labelsFromRecord({ __name__: 'up', job: 'node', instance: '10.0.0.1:9100' }), value: 1, timestampMs: 1_700_000_000_123 },
    { labels: labelsFromRecord({ __name__: 'temp_c', room: 'kitchen ✓ ünïcode', long: 'x'.repeat(300) }), value: -21.5, timestampMs: 0 },
    { labels: labelsFromRecord({ __name__: 'odd' }), value: Infinity, timestampMs: -5 },
    { labels: labelsFromRecord({ __name__: 'stale' }), value: STALE_NAN, timestampMs: 2 ** 52 },
    { labels: labelsFromRecord({ __name__: 'zero', a: 'b' }), value: 0, timestampMs: 1 },
    { labels: labelsFromRecord({ __name__: 'negzero' }), value: -0, timestampMs: 0 },
];

/** Also byte-compared: an empty label value (never produced by flowlens, dropped by decoders). */
const oddities: Sample[] = [...samples, { labels: [{ name: '__name__', value: 'empty_value' }, { name: 'e', value: '' }], value: 3, timestampMs: 3 }];

describe('WriteRequestEncoder', () => {
    it('produces the same bytes as protobufjs (marshalWriteRequest)', () => {
        const enc = new WriteRequestEncoder();
        const reference = marshalWriteRequest(oddities.map((s) => ({ labels: s.labels, samples: [{ value: s.value, timestampMs: s.timestampMs }] })));
        expect(Buffer.from(enc.marshal(oddities)).toString('hex')).toBe(Buffer.from(reference).toString('hex'));
        // Second time from the cache: still identical.
        expect(Buffer.from(enc.marshal(oddities)).toString('hex')).toBe(Buffer.from(reference).toString('hex'));
        expect(enc.hits).toBe(oddities.length);
    });

    it('round-trips through decodeWriteRequest, staleness markers included', () => {
        const enc = new WriteRequestEncoder();
        const { series } = decodeWriteRequest(enc.encode(samples));
        expect(series.map((s) => s.labels)).toEqual(samples.map((s) => s.labels));
        expect(series.map((s) => s.samples[0].timestampMs)).toEqual(samples.map((s) => s.timestampMs));
        expect(series[0].samples[0].value).toBe(1);
        expect(series[2].samples[0].value).toBe(Infinity);
        expect(isStaleNaN(series[3].samples[0].value)).toBe(true);
    });

    it('maps labels through labelsOf (external labels)', () => {
        const enc = new WriteRequestEncoder();
        const ext = labelsFromRecord({ __name__: 'up', cluster: 'c1' });
        const { series } = decodeWriteRequest(enc.encode([samples[0]], () => ext));
        expect(series[0].labels).toEqual(ext);
    });
});
