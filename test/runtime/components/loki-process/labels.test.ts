// stage.labels, label_drop, label_keep, static_labels, structured_metadata, output and decolorize:
// expectations follow Alloy's stages/{labels,label_drop,label_keep,static_labels,structured_metadata,output,decolorize}.go.

import { afterEach, describe, expect, it } from 'vitest';
import { stopAll } from '../harness.js';
import { buildError, entry, run } from './helpers.js';

afterEach(stopAll);

describe('stage.labels (stages/labels.go)', () => {
    it('sets labels from extracted values (an empty source = the label name); missing and null values set nothing', async () => {
        const out = await run(
            [
                ['json', { expressions: { lvl: 'level', app: '', n: 'count', gone: 'nothing' } }],
                ['labels', { values: { level: 'lvl', app: '', n: null, gone: '' } }],
            ],
            [entry('{"level":"info","app":"api","count":3}', { job: 'x' })],
        );
        expect(out[0].labels).toEqual({ job: 'x', level: 'info', app: 'api', n: '3' });
    });

    it('source_type = "structured_metadata" reads the entry metadata', async () => {
        const e = { ...entry('l'), structuredMetadata: [{ name: 'trace_id', value: 'abc' }] };
        const out = await run([['labels', { values: { tid: 'trace_id', missing: '' }, source_type: 'structured_metadata' }]], [e]);
        expect(out[0].labels).toEqual({ tid: 'abc' });
        expect(out[0].structuredMetadata).toEqual([{ name: 'trace_id', value: 'abc' }]);
    });

    it.each<[string, Record<string, unknown>, string]>([
        ['a source_type that labels cannot use', { values: { a: '' }, source_type: 'line' }, "invalid labels source_type: line. Can only be 'extracted' or 'structured_metadata'"],
        ['an unknown source_type', { values: { a: '' }, source_type: 'nope' }, 'unknown source_type: nope'],
        ['an empty label name', { values: { '': 'x' } }, 'invalid label name: '],
    ])('refuses %s', async (_name, attrs, message) => {
        expect(await buildError([['labels', attrs]])).toBe(`stage.labels: invalid stage config ${message}`);
    });
});

describe('stage.label_drop / stage.label_keep (stages/label_drop.go, label_keep.go)', () => {
    const e = entry('l', { a: '1', b: '2', c: '3' });
    it('drops the listed labels', async () => {
        expect((await run([['label_drop', { values: ['a', 'zz'] }]], [e]))[0].labels).toEqual({ b: '2', c: '3' });
    });
    it('keeps only the listed labels', async () => {
        expect((await run([['label_keep', { values: ['a', 'c', 'zz'] }]], [e]))[0].labels).toEqual({ a: '1', c: '3' });
    });
    it('refuses empty lists with Alloy\'s words', async () => {
        expect(await buildError([['label_drop', { values: [] }]])).toBe('stage.label_drop: invalid stage config labeldrop stage config cannot be empty');
        expect(await buildError([['label_keep', { values: [] }]])).toBe('stage.label_keep: invalid stage config labelallow stage config cannot be empty');
    });
});

describe('stage.static_labels (stages/static_labels.go)', () => {
    it('sets fixed labels, overriding; an empty value sets nothing', async () => {
        expect((await run([['static_labels', { values: { env: 'prod', job: 'new', skip: '' } }]], [entry('l', { job: 'old' })]))[0].labels).toEqual({ env: 'prod', job: 'new' });
    });
    it('refuses an invalid label name', async () => {
        expect(await buildError([['static_labels', { values: { '': 'x' } }]])).toBe('stage.static_labels: invalid stage config invalid label name: ');
    });
});

describe('stage.structured_metadata (stages/structured_metadata.go)', () => {
    it('takes extracted values, and labels (which it removes from the stream), by name and by regex', async () => {
        const out = await run(
            [
                ['json', { expressions: { trace: 'traceID', span: '' } }],
                ['structured_metadata', { values: { trace_id: 'trace', pod: '' }, regex: '^span$|^k8s_' }],
            ],
            [{ ...entry('{"traceID":"t1","span":"s1"}', { pod: 'p1', k8s_node: 'n1', job: 'j' }), structuredMetadata: [{ name: 'trace_id', value: 'old' }] }],
        );
        expect(out[0].labels).toEqual({ job: 'j' });
        // The labels are also in the extracted map (as Alloy's pipeline copies them there), so the regex takes k8s_node
        // from both; a name already present is replaced in place.
        expect(out[0].structuredMetadata).toEqual([
            { name: 'trace_id', value: 't1' },
            { name: 'pod', value: 'p1' },
            { name: 'k8s_node', value: 'n1' },
            { name: 'span', value: 's1' },
        ]);
    });
});

describe('stage.output (stages/output.go)', () => {
    it('replaces the line with an extracted value; a missing or null one leaves it', async () => {
        const out = await run([['json', { expressions: { msg: 'message', n: 'nul' } }], ['output', { source: 'msg' }]], ['{"message":"hello"}', '{"other":1}']);
        expect(out.map((e) => e.line)).toEqual(['hello', '{"other":1}']);
        expect((await run([['json', { expressions: { n: 'nul' } }], ['output', { source: 'n' }]], ['{"nul":null}']))[0].line).toBe('{"nul":null}');
    });
    it('refuses an empty source', async () => {
        expect(await buildError([['output', { source: '' }]])).toBe('stage.output: invalid stage config output source value is required if output is specified');
    });
});

describe('stage.decolorize (stages/decolorize.go)', () => {
    it('strips ANSI sequences', async () => {
        expect((await run([['decolorize']], ['\u001b[31mred\u001b[0m and \u001b[1;32mbold green\u001b[0m \u001b]0;title\u0007x']))[0].line).toBe('red and bold green x');
    });
});

describe('unsupported stages', () => {
    it('are refused by name, also inside stage.match', async () => {
        expect(await buildError([['geoip', { db: 'x', source: 'ip' }]])).toBe('block "stage.geoip" is not supported by flowlens\' embedded runtime; it runs on Grafana Alloy');
    });
});
