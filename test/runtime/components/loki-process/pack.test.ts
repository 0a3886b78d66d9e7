// stage.pack: expectations follow Alloy's stages/pack.go.

import { afterEach, describe, expect, it } from 'vitest';
import { stopAll } from '../harness.js';
import { buildError, entry, run } from './helpers.js';

afterEach(stopAll);

const T0 = 1_700_000_000_000_000_000n;

describe('stage.pack (stages/pack.go)', () => {
    it('packs the named extracted values (keys sorted, Go JSON escaping) and the line under _entry, removing those labels', async () => {
        const out = await run(
            [['pack', { labels: ['pod', 'container', 'missing'], ingest_timestamp: false }]],
            [entry('a <b> & "c"', { pod: 'p1', container: 'c1', job: 'j' })],
        );
        expect(out.map((e) => [e.line, e.labels, e.timestamp])).toEqual([
            ['{"container":"c1","pod":"p1","_entry":"a \\u003cb\\u003e \\u0026 \\"c\\""}', { job: 'j' }, T0],
        ]);
    });

    it('with nothing to pack still wraps the line; ingest_timestamp (default true) sets the time of packing', async () => {
        const before = BigInt(Date.now()) * 1_000_000n;
        const out = await run([['pack', { labels: ['absent'] }]], [entry('plain', { job: 'j' })]);
        expect(out[0].line).toBe('{"_entry":"plain"}');
        expect(out[0].labels).toEqual({ job: 'j' });
        expect(out[0].timestamp >= before).toBe(true);
    });

    it('packs extracted values that are not labels, converted to strings', async () => {
        const out = await run([['json', { expressions: { n: '', ok: '' } }], ['pack', { labels: ['n', 'ok'], ingest_timestamp: false }]], ['{"n":1.5,"ok":true}']);
        expect(out[0].line).toBe('{"n":"1.5","ok":"true","_entry":"{\\"n\\":1.5,\\"ok\\":true}"}');
    });

    it('requires labels', async () => {
        expect(await buildError([['pack', {}]])).toBe('missing required argument "stage.pack > labels"');
    });
});
