// stage.json, stage.logfmt and stage.regex: expectations follow Alloy's
// internal/component/loki/process/stages/{json,logfmt,regex}.go.

import { afterEach, describe, expect, it } from 'vitest';
import { stopAll } from '../harness.js';
import { type StageSpec, buildError, entry, run } from './helpers.js';

afterEach(stopAll);

/** Runs `stages` then a labels stage copying `keys` from the extracted map, and returns the labels. */
async function extracted(stages: StageSpec[], line: string, keys: string[], labels: Record<string, string> = {}): Promise<Record<string, string>> {
    const values = Object.fromEntries(keys.map((k) => [k, '']));
    const out = await run([...stages, ['labels', { values }]], [entry(line, labels)]);
    return out.length === 0 ? { dropped: 'yes' } : out[0].labels;
}

describe('stage.json (stages/json.go)', () => {
    const line = '{"time":"2012-11-01T22:08:41+00:00","app":"loki","component":["parser","type"],"level":"WARN","nested":{"child":"value","n":1.5},"count":42,"ok":true,"nul":null,"big":1e21,"html":{"a":"<b>&"}}';
    it.each<[string, Record<string, string>, Record<string, string>]>([
        ['a JMESPath expression per name, scalars as text', { app: '', lvl: 'level', child: 'nested.child' }, { app: 'loki', lvl: 'WARN', child: 'value' }],
        ['numbers as strconv.FormatFloat(f, \'f\', -1) and booleans', { count: '', ok: '', n: 'nested.n', big: '' }, { count: '42', ok: 'true', n: '1.5', big: '1000000000000000000000' }],
        ['arrays and objects as JSON text (HTML-escaped like Go)', { component: '', html: '' }, { component: '["parser","type"]', html: '{"a":"\\u003cb\\u003e\\u0026"}' }],
        ['a missing path extracts null, which sets no label', { missing: 'nope.nope', nul: '' }, {}],
        ['quoted identifiers', { first: 'component[0]', q: '"app"' }, { first: 'parser', q: 'loki' }],
    ])('%s', async (_name, expressions, want) => {
        expect(await extracted([['json', { expressions }]], line, Object.keys(expressions))).toEqual(want);
    });

    it('regex extracts top-level keys by name', async () => {
        expect(await extracted([['json', { regex: '^(app|lev.*)$' }]], line, ['app', 'level', 'time'])).toEqual({ app: 'loki', level: 'WARN' });
    });

    it('source reads an extracted value; a missing source leaves the entry alone', async () => {
        const stages: StageSpec[] = [
            ['json', { expressions: { inner: 'payload' } }],
            ['json', { expressions: { user: '' }, source: 'inner' }],
        ];
        expect(await extracted(stages, '{"payload":"{\\"user\\":\\"ann\\"}"}', ['user'])).toEqual({ user: 'ann' });
        expect(await extracted([['json', { expressions: { user: '' }, source: 'absent' }]], '{"user":"x"}', ['user'])).toEqual({});
    });

    it('malformed JSON (or a non-object) passes unchanged unless drop_malformed', async () => {
        expect(await run([['json', { expressions: { a: '' } }]], ['not json', '[1,2]'])).toHaveLength(2);
        expect((await run([['json', { expressions: { a: '' }, drop_malformed: true }]], ['not json', '[1]', '{"a":1}'])).map((e) => e.line)).toEqual(['{"a":1}']);
    });

    it.each<[string, Record<string, unknown>, string]>([
        ['neither expressions nor regex', {}, 'JMES expressions or regex is required'],
        ['an empty source', { expressions: { a: '' }, source: '' }, 'empty source'],
        ['a bad expression', { expressions: { a: 'foo[' } }, 'could not compile JMES expression: '],
        ['a bad regex', { regex: '(a' }, 'error parsing regexp: missing closing ): `(a`'],
    ])('refuses %s', async (_name, attrs, message) => {
        const err = await buildError([['json', attrs]]);
        expect(err).toContain('stage.json: invalid stage config ');
        expect(err).toContain(message);
    });
});

describe('stage.logfmt (stages/logfmt.go, go-logfmt decoding)', () => {
    it.each<[string, string, Record<string, unknown>, string[], Record<string, string>]>([
        ['mapping renames (empty key = same name)', 'time=2012-11-01T22:08:41 app=loki level=warn', { mapping: { timestamp: 'time', app: '' } }, ['timestamp', 'app', 'level'], { timestamp: '2012-11-01T22:08:41', app: 'loki' }],
        ['quoted values with escapes', 'msg="hello \\"world\\"" k="a b"', { mapping: { msg: '', k: '' } }, ['msg', 'k'], { msg: 'hello "world"', k: 'a b' }],
        ['a key without value is empty', 'flag other=1', { mapping: { flag: '', other: '' } }, ['flag', 'other'], { flag: '', other: '1' }],
        ['regex picks keys', 'a_x=1 a_y=2 b=3', { regex: '^a_' }, ['a_x', 'a_y', 'b'], { a_x: '1', a_y: '2' }],
        ['pairs before a syntax error are kept', 'a=1 b="unterminated', { mapping: { a: '', b: '' } }, ['a', 'b'], { a: '1' }],
        ['a stray quote in a key stops the scan', 'a=1 x"y=2 c=3', { mapping: { a: '', c: '' } }, ['a', 'c'], { a: '1' }],
    ])('%s', async (_name, line, attrs, keys, want) => {
        expect(await extracted([['logfmt', attrs]], line, keys)).toEqual(want);
    });

    it('refuses a stage without mapping or regex', async () => {
        expect(await buildError([['logfmt', {}]])).toBe('stage.logfmt: invalid stage config logfmt mapping or regex is required');
    });
});

describe('stage.regex (stages/regex.go)', () => {
    const expression = '^(?P<ip>\\S+) (?P<identd>\\S+) (?P<user>\\S+) \\[(?P<timestamp>[\\w:/]+\\s[+\\-]\\d{4})\\] "(?P<action>\\S+)\\s?(?P<path>\\S+)?\\s?(?P<protocol>\\S+)?" (?P<status>\\d{3}|-) (\\d+|-)\\s?"?(?P<referer>[^"]*)"?\\s?"?(?P<useragent>[^"]*)?"?$';
    const line = '11.11.11.11 - frank [25/Jan/2000:14:00:01 -0500] "GET /1986.js HTTP/1.1" 200 932 "-" "Mozilla/5.0"';

    it('named groups go to the extracted map; unnamed ones do not', async () => {
        expect(await extracted([['regex', { expression }]], line, ['ip', 'user', 'timestamp', 'action', 'path', 'status', 'useragent'])).toEqual({
            ip: '11.11.11.11',
            user: 'frank',
            timestamp: '25/Jan/2000:14:00:01 -0500',
            action: 'GET',
            path: '/1986.js',
            status: '200',
            useragent: 'Mozilla/5.0',
        });
    });

    it('an optional group that did not take part extracts ""; no match extracts nothing', async () => {
        expect(await extracted([['regex', { expression: '(?P<a>x)?(?P<b>y)' }]], 'y', ['a', 'b'])).toEqual({ a: '', b: 'y' });
        expect(await extracted([['regex', { expression: '(?P<a>zzz)' }]], 'y', ['a'])).toEqual({});
    });

    it('labels_from_groups sets labels too, overriding', async () => {
        const out = await run([['regex', { expression: '(?P<level>\\w+): (?P<msg>.*)', labels_from_groups: true }]], [entry('warn: disk', { level: 'old' })]);
        expect(out[0].labels).toEqual({ level: 'warn', msg: 'disk' });
    });

    it('source reads an extracted value', async () => {
        expect(await extracted([['regex', { expression: '(?P<dir>.*)/(?P<file>[^/]*)$', source: 'filename' }]], 'x', ['dir', 'file'], { filename: '/var/log/a.log' })).toEqual({
            dir: '/var/log',
            file: 'a.log',
            filename: '/var/log/a.log',
        });
    });

    it('RE2 semantics where JavaScript differs: (?i) mid-pattern, \\z, (?U)', async () => {
        expect(await extracted([['regex', { expression: 'a(?i)(?P<b>b+)' }]], 'aBbB', ['b'])).toEqual({ b: 'BbB' });
        expect(await extracted([['regex', { expression: '(?P<t>\\d+)\\z' }]], 'x 12', ['t'])).toEqual({ t: '12' });
        expect(await extracted([['regex', { expression: '(?U)(?P<t>a+)' }]], 'aaa', ['t'])).toEqual({ t: 'a' });
    });

    it.each<[string, Record<string, unknown>, string]>([
        ['an empty expression', { expression: '' }, 'stage.regex: invalid stage config expression is required'],
        ['an empty source', { expression: 'a', source: '' }, 'stage.regex: invalid stage config empty source'],
        ['an invalid RE2', { expression: '(?P<a>x' }, 'stage.regex: invalid stage config could not compile regular expression: error parsing regexp: missing closing ): `(?P<a>x`'],
        ['a backreference (not RE2)', { expression: '(a)\\1' }, 'stage.regex: invalid stage config could not compile regular expression: error parsing regexp: invalid escape sequence: `\\1`'],
        ['a lookahead (not RE2)', { expression: 'a(?=b)' }, 'stage.regex: invalid stage config could not compile regular expression: error parsing regexp: invalid or unsupported Perl syntax: `(?=`'],
    ])('refuses %s', async (_name, attrs, message) => {
        expect(await buildError([['regex', attrs]])).toBe(message);
    });
});
