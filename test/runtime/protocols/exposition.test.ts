import { describe, it, expect } from 'vitest';
import {
    ExpositionParser,
    familyOf,
    parseExposition,
    parseFloatToken,
} from '../../../server/runtime/protocols/exposition.js';
import { type Sample, labelsToRecord } from '../../../server/runtime/protocols/labels.js';

const TS = 1_700_000_000_000;

/** Compact view of samples for exact assertions. */
function view(samples: Sample[]): [Record<string, string>, number, number][] {
    return samples.map((s) => [labelsToRecord(s.labels), s.value, s.timestampMs]);
}

const PAGE = [
    '# HELP go_gc_duration_seconds A summary of the pause duration of garbage collection cycles.',
    '# TYPE go_gc_duration_seconds summary',
    'go_gc_duration_seconds{quantile="0"} 4.9351e-05',
    'go_gc_duration_seconds{quantile="0.5"} 7.424100000000001e-05',
    'go_gc_duration_seconds{quantile="1"} 0.000180529',
    'go_gc_duration_seconds_sum 0.001233955',
    'go_gc_duration_seconds_count 13',
    '# HELP http_request_duration_seconds Request latency.\\nSecond line with a \\\\ backslash.',
    '# TYPE http_request_duration_seconds histogram',
    'http_request_duration_seconds_bucket{handler="/api",le="0.1"} 8',
    'http_request_duration_seconds_bucket{handler="/api",le="+Inf"} 10',
    'http_request_duration_seconds_sum{handler="/api"} 1.5',
    'http_request_duration_seconds_count{handler="/api"} 10',
    '',
    '# A plain comment line',
    '# TYPE http_requests_total counter',
    'http_requests_total{method="post",code="200",path="C:\\\\dir \\"quoted\\"\\nnext"} 1027 1395066363000',
    'http_requests_total{ method = "get" , code="400", } 3 -1',
    '# TYPE temperature gauge',
    'temperature NaN',
    'temperature{sensor="b"} -Inf',
    'temperature{sensor="c"} +Inf 1395066363001',
    'untyped_metric{Zone="eu",a=""} 1.5E3',
    'metric_without_timestamp_and_labels 12.47',
].join('\r\n');

describe('parseExposition on a realistic page', () => {
    const result = parseExposition(PAGE, TS);

    it('parses every sample with sorted labels, values and timestamps', () => {
        expect(result.errors).toEqual([]);
        expect(view(result.samples)).toEqual([
            [{ __name__: 'go_gc_duration_seconds', quantile: '0' }, 4.9351e-5, TS],
            [{ __name__: 'go_gc_duration_seconds', quantile: '0.5' }, 7.424100000000001e-5, TS],
            [{ __name__: 'go_gc_duration_seconds', quantile: '1' }, 0.000180529, TS],
            [{ __name__: 'go_gc_duration_seconds_sum' }, 0.001233955, TS],
            [{ __name__: 'go_gc_duration_seconds_count' }, 13, TS],
            [{ __name__: 'http_request_duration_seconds_bucket', handler: '/api', le: '0.1' }, 8, TS],
            [{ __name__: 'http_request_duration_seconds_bucket', handler: '/api', le: '+Inf' }, 10, TS],
            [{ __name__: 'http_request_duration_seconds_sum', handler: '/api' }, 1.5, TS],
            [{ __name__: 'http_request_duration_seconds_count', handler: '/api' }, 10, TS],
            [{ __name__: 'http_requests_total', code: '200', method: 'post', path: 'C:\\dir "quoted"\nnext' }, 1027, 1395066363000],
            [{ __name__: 'http_requests_total', code: '400', method: 'get' }, 3, -1],
            [{ __name__: 'temperature' }, NaN, TS],
            [{ __name__: 'temperature', sensor: 'b' }, -Infinity, TS],
            [{ __name__: 'temperature', sensor: 'c' }, Infinity, 1395066363001],
            [{ Zone: 'eu', __name__: 'untyped_metric' }, 1500, TS],
            [{ __name__: 'metric_without_timestamp_and_labels' }, 12.47, TS],
        ]);
    });

    it('keeps label arrays sorted by name (uppercase sorts before __name__)', () => {
        const untyped = result.samples[14];
        expect(untyped.labels.map((l) => l.name)).toEqual(['Zone', '__name__']);
    });

    it('records families with TYPE and unescaped HELP', () => {
        expect([...result.families.values()]).toEqual([
            {
                name: 'go_gc_duration_seconds',
                type: 'summary',
                help: 'A summary of the pause duration of garbage collection cycles.',
            },
            {
                name: 'http_request_duration_seconds',
                type: 'histogram',
                help: 'Request latency.\nSecond line with a \\ backslash.',
            },
            { name: 'http_requests_total', type: 'counter' },
            { name: 'temperature', type: 'gauge' },
        ]);
        expect(result.linesParsed).toBe(23); // 24 lines, the blank one is not counted
    });

    it('maps sample names to their family', () => {
        expect(familyOf('http_request_duration_seconds_bucket', result.families)?.type).toBe('histogram');
        expect(familyOf('go_gc_duration_seconds_count', result.families)?.name).toBe('go_gc_duration_seconds');
        expect(familyOf('go_gc_duration_seconds_bucket', result.families)).toBeUndefined(); // summaries have no buckets
        expect(familyOf('temperature', result.families)?.type).toBe('gauge');
        expect(familyOf('untyped_metric', result.families)).toBeUndefined();
    });
});

describe('parseExposition error handling', () => {
    it('reports malformed lines with line numbers, skips them and never throws', () => {
        const text = [
            'good_one 1', // 1
            'bad{label="unterminated} 1', // 2
            '9starts_with_digit 1', // 3
            'no_value', // 4
            'bad_value abc', // 5
            'bad_ts 1 12.5', // 6
            'trailing 1 2 3', // 7
            'dup{a="1",a="2"} 1', // 8
            'name_in_braces{__name__="x"} 1', // 9
            'bad_label_name{1a="x"} 1', // 10
            'missing_eq{a "x"} 1', // 11
            'unquoted{a=x} 1', // 12
            'no_sep{a="x" b="y"} 1', // 13
            '# TYPE foo nonsense', // 14
            '# TYPE good_one counter', // 15
            '# TYPE good_one gauge', // 16
            '# HELP', // 17
            'a-b 1', // 18
            'good_two{x="y"} 2', // 19
            'hex 0x10', // 20
        ].join('\n');
        const r = parseExposition(text, TS);
        expect(view(r.samples)).toEqual([
            [{ __name__: 'good_one' }, 1, TS],
            [{ __name__: 'good_two', x: 'y' }, 2, TS],
        ]);
        expect(r.errors).toEqual([
            { line: 2, message: 'unterminated value for label "label"' },
            { line: 3, message: 'invalid metric name' },
            { line: 4, message: 'missing value' },
            { line: 5, message: 'invalid value "abc"' },
            { line: 6, message: 'invalid timestamp "12.5"' },
            { line: 7, message: 'unexpected text after timestamp: "3"' },
            { line: 8, message: 'duplicate label name "a"' },
            { line: 9, message: 'duplicate label name "__name__"' },
            { line: 10, message: 'invalid label name at column 16' },
            { line: 11, message: 'expected "=" after label name "a"' },
            { line: 12, message: 'expected quoted value for label "a"' },
            { line: 13, message: 'expected "," or "}" after value of label "a"' },
            { line: 14, message: 'unknown metric type "nonsense" for "foo"' },
            { line: 16, message: 'second TYPE line for metric "good_one"' },
            { line: 17, message: 'missing metric name in HELP line' },
            { line: 18, message: 'invalid character in metric name' },
            { line: 20, message: 'invalid value "0x10"' },
        ]);
        expect(r.families.get('good_one')?.type).toBe('counter');
    });

    it('detects duplicates even when the first occurrence has an empty value', () => {
        const r = parseExposition('m{a="",a="1"} 1', TS);
        expect(r.errors).toEqual([{ line: 1, message: 'duplicate label name "a"' }]);
    });

    it('handles empty input, blank lines, leading whitespace and a missing final newline', () => {
        expect(parseExposition('', TS)).toEqual({ samples: [], errors: [], families: new Map(), linesParsed: 0 });
        const r = parseExposition('\n\n   \t\n  indented 5\n\t# comment', TS);
        expect(view(r.samples)).toEqual([[{ __name__: 'indented' }, 5, TS]]);
        expect(r.errors).toEqual([]);
    });

    it('ignores line timestamps when honorTimestamps is false', () => {
        const r = parseExposition('a 1 1000', TS, { honorTimestamps: false });
        expect(r.samples[0].timestampMs).toBe(TS);
    });
});

describe('parseFloatToken', () => {
    const f = (s: string) => parseFloatToken(s, 0, s.length);
    it('accepts Go ParseFloat syntax', () => {
        expect(f('0')).toBe(0);
        expect(f('-0')).toBe(-0);
        expect(f('+12')).toBe(12);
        expect(f('1e3')).toBe(1000);
        expect(f('1.5E-3')).toBe(0.0015);
        expect(f('.5')).toBe(0.5);
        expect(f('5.')).toBe(5);
        expect(f('123456789012345678')).toBe(123456789012345678);
        expect(f('nan')).toBeNaN();
        expect(f('+Inf')).toBe(Infinity);
        expect(f('-inf')).toBe(-Infinity);
        expect(f('Infinity')).toBe(Infinity);
    });
    it('rejects what Go rejects', () => {
        for (const bad of ['', '+', '.', '1e', '1e+', 'e5', '1..2', '0x10', '1_000', 'Inf1', '1 ', 'nan2']) {
            expect(f(bad), bad).toBeUndefined();
        }
    });
});

describe('ExpositionParser series cache', () => {
    it('returns identical results to the uncached parser', () => {
        const parser = new ExpositionParser();
        const first = parser.parse(PAGE, TS);
        const second = parser.parse(PAGE, TS + 1);
        expect(view(first.samples)).toEqual(view(parseExposition(PAGE, TS).samples));
        expect(view(second.samples)).toEqual(view(parseExposition(PAGE, TS + 1).samples));
    });

    it('reuses the same Labels object for a series across scrapes and evicts vanished series', () => {
        const parser = new ExpositionParser();
        const a = parser.parse('x{a="1"} 1\ny 2\n', TS);
        const b = parser.parse('x{a="1"} 5\ny 6\n', TS);
        expect(b.samples[0].labels).toBe(a.samples[0].labels);
        expect(b.samples[1].labels).toBe(a.samples[1].labels);
        expect(b.samples[0].value).toBe(5);
        parser.parse('z 1\n', TS);
        parser.parse('z 1\n', TS);
        expect(parser.cachedSeries).toBe(1); // only z survives; x and y were not seen for a whole parse
        const c = parser.parse('x{a="1"} 1\n', TS);
        expect(c.samples[0].labels).not.toBe(a.samples[0].labels);
        expect(c.samples[0].labels).toEqual(a.samples[0].labels);
    });

    it('still reports errors for malformed lines whose text was never cached', () => {
        const parser = new ExpositionParser();
        parser.parse('x{a="1"} 1', TS);
        const r = parser.parse('x{a="1"} 1\nx{a="1" 2\nx{a=1} 3', TS);
        expect(r.samples).toHaveLength(1);
        expect(r.errors).toEqual([
            { line: 2, message: 'expected "," or "}" after value of label "a"' },
            { line: 3, message: 'expected quoted value for label "a"' },
        ]);
    });

    it('reports the same errors with and without the cache', () => {
        const bad = ['bad{label="unterminated} 1', 'x{a="1" 2', 'x{a="1",', 'x{', 'x{a="1"}} 1', 'dup{a="1",a="2"} 1', 'x{a=1} 3', 'x{a="\\"} 1 2 3'];
        const text = bad.join('\n');
        const cached = new ExpositionParser();
        cached.parse(text, TS);
        expect(cached.parse(text, TS).errors).toEqual(parseExposition(text, TS).errors);
        expect(parseExposition(text, TS).errors).toHaveLength(bad.length);
    });

    it('respects the cache size bound', () => {
        const parser = new ExpositionParser({ seriesCacheSize: 2 });
        parser.parse('a 1\nb 1\nc 1\nd 1', TS);
        expect(parser.cachedSeries).toBeLessThanOrEqual(2);
        const r = parser.parse('a 1\nb 1\nc 1\nd 1', TS);
        expect(r.samples.map((s) => s.labels[0].value)).toEqual(['a', 'b', 'c', 'd']);
    });

    it('parses a large page (10k series) correctly', () => {
        const lines: string[] = ['# TYPE big counter'];
        for (let i = 0; i < 10_000; i++) lines.push(`big{instance="host-${i % 100}:9100",job="node",idx="${i}"} ${i}`);
        const parser = new ExpositionParser();
        for (let round = 0; round < 2; round++) {
            const r = parser.parse(lines.join('\n'), TS);
            expect(r.errors).toEqual([]);
            expect(r.samples).toHaveLength(10_000);
            expect(labelsToRecord(r.samples[9_999].labels)).toEqual({ __name__: 'big', idx: '9999', instance: 'host-99:9100', job: 'node' });
            expect(r.samples[9_999].value).toBe(9_999);
        }
    });
});
