// stage.cri and stage.docker: expectations follow Alloy's stages/cri.go (with stages/cri/parse.go) and
// stages/docker.go.

import { afterEach, describe, expect, it } from 'vitest';
import { metricValue, stopAll } from '../harness.js';
import { buildError, entry, run, startProcess } from './helpers.js';

afterEach(stopAll);

const T0 = 1_700_000_000_000_000_000n;
// 2019-04-30T02:12:41.8443515Z in nanoseconds.
const CRI_TS = 1556590361844351500n;

describe('stage.cri (stages/cri.go)', () => {
    it('parses time, stream and flag: the line becomes the content, stream a label, the rest extracted', async () => {
        const out = await run(
            [['cri'], ['template', { source: 'x', template: '{{ .flags }}|{{ .stream }}|{{ .time }}' }], ['labels', { values: { x: '' } }]],
            [entry('2019-04-30T02:12:41.8443515Z stdout F hello world', { job: 'k' })],
        );
        expect(out).toHaveLength(1);
        expect(out[0].line).toBe('hello world');
        expect(out[0].timestamp).toBe(CRI_TS);
        expect(out[0].labels).toEqual({ job: 'k', stream: 'stdout', x: 'F|stdout|2019-04-30T02:12:41.8443515Z' });
    });

    it('is lenient like parse.go: flag optional, time not validated (timestamp kept), other lines untouched', async () => {
        const out = await run(
            [['cri']],
            [entry('not-a-time stderr plain message'), entry('2019-04-30T02:12:41Z stdout no flag'), entry('t stdout'), entry('t stdoutX F no'), entry('just text')],
        );
        expect(out.map((e) => [e.line, e.labels.stream, e.timestamp])).toEqual([
            ['plain message', 'stderr', T0],
            ['no flag', 'stdout', 1556590361000000000n],
            ['t stdout', undefined, T0],
            ['t stdoutX F no', undefined, T0],
            ['just text', undefined, T0],
        ]);
    });

    it('joins partial (P) lines of a stream onto its next full (F) line; streams are kept apart', async () => {
        const out = await run(
            [['cri']],
            [
                entry('2019-01-01T00:00:00Z stdout P part one ', { pod: 'a' }),
                entry('2019-01-01T00:00:00Z stdout P other ', { pod: 'b' }),
                entry('2019-01-01T00:00:01Z stdout P part two ', { pod: 'a' }),
                entry('2019-01-01T00:00:02Z stdout F end', { pod: 'a' }),
                entry('2019-01-01T00:00:03Z stdout F done', { pod: 'b' }),
            ],
        );
        expect(out.map((e) => [e.line, e.labels.pod])).toEqual([
            ['part one part two end', 'a'],
            ['other done', 'b'],
        ]);
    });

    it('beyond max_partial_lines held streams releases the held lines as they are and counts them', async () => {
        const { running, sink, receiver } = await startProcess([['cri', { max_partial_lines: 2 }]]);
        await receiver.appendEntries([
            entry('t stdout P a1', { s: '1' }),
            entry('t stdout P b1', { s: '2' }),
            entry('t stdout P c1', { s: '3' }),
            entry('t stdout F c2', { s: '3' }),
        ]);
        expect(sink.entries.map((e) => e.line)).toEqual(['a1', 'b1', 'c1c2']);
        const labels = { component_id: 'loki.process.test', component_path: '/' };
        expect(await metricValue(running.ctx.registry, 'loki_process_cri_partial_lines_flushed_total', labels)).toBe(2);
    });

    it('max_partial_line_size_truncate cuts joined lines to max_partial_line_size bytes and counts them', async () => {
        const { running, sink, receiver } = await startProcess([['cri', { max_partial_line_size: 5, max_partial_line_size_truncate: true }]]);
        await receiver.appendEntries([entry('t stdout P abc'), entry('t stdout P def'), entry('t stdout F ghi'), entry('t stdout F 0123456789')]);
        // A full line that joins nothing is not truncated (cri.go truncates only partial and joined lines).
        expect(sink.entries.map((e) => e.line)).toEqual(['abcde', '0123456789']);
        const labels = { component_id: 'loki.process.test', component_path: '/' };
        expect(await metricValue(running.ctx.registry, 'loki_process_cri_lines_truncated_total', labels)).toBe(2);
    });

    it('refuses max_partial_lines <= 0', async () => {
        expect(await buildError([['cri', { max_partial_lines: 0 }]])).toBe('stage.cri: max_partial_lines must be greater than 0');
    });
});

describe('stage.docker (stages/docker.go)', () => {
    it('parses json-file lines: log becomes the line, stream a label, time the timestamp; output/stream/timestamp extracted', async () => {
        const line = JSON.stringify({ log: 'hello\n', stream: 'stderr', time: '2019-04-30T02:12:41.8443515Z' });
        const out = await run([['docker'], ['template', { source: 'x', template: '{{ .output }}|{{ .stream }}|{{ .timestamp }}' }], ['labels', { values: { x: '' } }]], [entry(line, { job: 'd' })]);
        expect(out[0].line).toBe('hello\n');
        expect(out[0].timestamp).toBe(CRI_TS);
        expect(out[0].labels).toEqual({ job: 'd', stream: 'stderr', x: 'hello\n|stderr|2019-04-30T02:12:41.8443515Z' });
    });

    it('decodes like json.Unmarshal: keys match case-insensitively, a bad time keeps the timestamp', async () => {
        const out = await run([['docker']], [entry('{"LOG":"x","Stream":"stdout","time":"yesterday"}')]);
        expect(out.map((e) => [e.line, e.labels.stream, e.timestamp])).toEqual([['x', 'stdout', T0]]);
    });

    it('leaves lines alone that are not docker JSON, have an empty log or a non-string field', async () => {
        const lines = ['plain', '{"msg":"x"}', '{"log":""}', '{"log":"x","stream":1}', '"log"', 'null'];
        const out = await run([['docker']], lines);
        expect(out.map((e) => [e.line, e.labels.stream])).toEqual(lines.map((l) => [l, undefined]));
    });
});
