// The caching decoder must agree with the reference decoder (protocols/remote-write.ts) on every input:
// same series, same invalid list, same errors.
import { compress } from 'snappyjs';
import { describe, expect, it } from 'vitest';
import { CachingWriteRequestDecoder } from '../../../server/runtime/components/prometheus/remote-write-decoder.js';
import type { TimeSeries } from '../../../server/runtime/protocols/labels.js';
import { type DecodeOptions, decodeWriteRequest, marshalWriteRequest, unmarshalWriteRequest } from '../../../server/runtime/protocols/remote-write.js';
import { STALE_NAN, isStaleNaN } from '../../../server/runtime/protocols/staleness.js';

/** Deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
    return () => {
        seed = (seed + 0x6d2b79f5) | 0;
        let t = seed;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

function outcome(f: () => unknown): unknown {
    try {
        return { ok: f() };
    } catch (e) {
        return { error: (e as Error).message, status: (e as { status?: number }).status };
    }
}

function flat(series: readonly TimeSeries[]) {
    return series.flatMap((ts) => ts.samples.map((s) => ({ labels: ts.labels, value: s.value, timestampMs: s.timestampMs })));
}

function agree(bytes: Uint8Array, decoder: CachingWriteRequestDecoder, options: Pick<DecodeOptions, 'invalidSeries'>): void {
    expect(outcome(() => decoder.unmarshal(bytes, options))).toEqual(outcome(() => unmarshalWriteRequest(bytes, options)));
    // The flattened form used by prometheus.receive_http.
    const body = compress(bytes);
    expect(outcome(() => decoder.decodeSamples(body, options))).toEqual(
        outcome(() => {
            const r = decodeWriteRequest(body, options);
            return { samples: flat(r.series), invalid: r.invalid };
        }),
    );
}

const names = ['__name__', 'job', 'instance', 'a', 'b', 'zone'];
function randomSeries(r: () => number, n: number): TimeSeries[] {
    return Array.from({ length: n }, () => {
        const labels = names
            .filter((_, i) => i === 0 || r() < 0.5)
            .map((name) => ({ name, value: name === '__name__' ? `m${Math.floor(r() * 5)}` : r() < 0.1 ? '' : `v${Math.floor(r() * 3)}` }));
        if (r() < 0.05) labels.reverse(); // unsorted: invalid
        if (r() < 0.03) labels.push({ name: 'bad-name', value: 'x' }); // invalid label name
        const samples = Array.from({ length: 1 + Math.floor(r() * 2) }, () => ({ value: r() < 0.1 ? 0 : r() * 100 - 50, timestampMs: r() < 0.1 ? 0 : r() < 0.05 ? -Math.floor(r() * 1e6) : Math.floor(r() * 2e12) }));
        return { labels, samples };
    });
}

describe('CachingWriteRequestDecoder', () => {
    it('agrees with the reference on random requests (valid and invalid series), across repeated requests', () => {
        const r = rng(42);
        const decoder = new CachingWriteRequestDecoder();
        for (let round = 0; round < 300; round++) {
            const bytes = marshalWriteRequest(randomSeries(r, 1 + Math.floor(r() * 20)));
            agree(bytes, decoder, { invalidSeries: 'collect' });
            agree(bytes, decoder, { invalidSeries: 'reject' });
        }
        expect(decoder.hits).toBeGreaterThan(500);
    });

    it('agrees with the reference on truncated and corrupted bodies', () => {
        const r = rng(7);
        const decoder = new CachingWriteRequestDecoder();
        const base = marshalWriteRequest(randomSeries(rng(1), 30).filter((s) => s.labels.every((l) => l.name !== 'bad-name')));
        decoder.unmarshal(base, { invalidSeries: 'collect' }); // warm the cache
        for (let i = 0; i < 500; i++) {
            const bytes = Buffer.from(base);
            const kind = r();
            let mutated: Uint8Array;
            if (kind < 0.3) mutated = bytes.subarray(0, Math.floor(r() * bytes.length));
            else if (kind < 0.8) {
                for (let k = 0; k < 1 + Math.floor(r() * 3); k++) bytes[Math.floor(r() * bytes.length)] = Math.floor(r() * 256);
                mutated = bytes;
            } else {
                // Insert unknown fields / metadata.
                const extra = Buffer.from([0x1a, 0x02, 0x08, 0x01, 0x22, 0x00]);
                const at = Math.floor(r() * bytes.length);
                mutated = Buffer.concat([bytes.subarray(0, at), extra, bytes.subarray(at)]);
            }
            agree(mutated, decoder, { invalidSeries: 'collect' });
            agree(mutated, decoder, { invalidSeries: 'reject' });
        }
    });

    it('keeps staleness markers and other NaN payloads bit-exact', () => {
        const decoder = new CachingWriteRequestDecoder();
        const series: TimeSeries[] = [{ labels: [{ name: '__name__', value: 's' }], samples: [{ value: STALE_NAN, timestampMs: 5 }] }];
        const body = compress(marshalWriteRequest(series));
        decoder.decode(body);
        const again = decoder.decode(body);
        expect(decoder.hits).toBe(1);
        expect(isStaleNaN(again.series[0].samples[0].value)).toBe(true);
        expect(again).toEqual(decodeWriteRequest(body));
    });

    it('bounds its cache', () => {
        const decoder = new CachingWriteRequestDecoder(10);
        for (let i = 0; i < 25; i++) decoder.unmarshal(marshalWriteRequest([{ labels: [{ name: '__name__', value: `m${i}` }], samples: [{ value: 1, timestampMs: 1 }] }]));
        expect((decoder as unknown as { cache: Map<string, unknown> }).cache.size).toBeLessThanOrEqual(10);
    });
});
