import { describe, expect, it } from 'vitest';
import { Args, ArgumentError, UNSUPPORTED_SUFFIX, attr, block, formatDuration, parseByteSize, parseDuration, parseHostPort, schema } from '../../../server/runtime/components/decode.js';
import { body, capsule, secret } from './harness.js';

describe('parseDuration (Go time.ParseDuration)', () => {
    it.each([
        ['15s', 15_000],
        ['1m30s', 90_000],
        ['500ms', 500],
        ['1.5h', 5_400_000],
        ['2h45m', 9_900_000],
        ['0', 0],
        ['0s', 0],
        ['-2s', -2000],
        ['+3ms', 3],
        ['.5s', 500],
        ['1.s', 1000],
        ['100us', 0.1],
        ['100µs', 0.1],
        ['250ns', 0.00025],
    ])('%s = %d ms', (text, ms) => {
        expect(parseDuration(text)).toBeCloseTo(ms, 9);
    });

    it.each(['', '15', 's', '1x', '1.5', '.s', '1s2', '--1s', 'ms'])('rejects %j', (text) => {
        expect(() => parseDuration(text)).toThrow(/duration/);
    });

    it('formats durations', () => {
        expect(formatDuration(0)).toBe('0s');
        expect(formatDuration(500)).toBe('500ms');
        expect(formatDuration(90_000)).toBe('1m30s');
        expect(formatDuration(3_600_000)).toBe('1h0m0s');
    });
});

describe('parseByteSize / parseHostPort', () => {
    it('parses sizes', () => {
        expect(parseByteSize('20MiB')).toBe(20 * 1024 * 1024);
        expect(parseByteSize('512KiB')).toBe(512 * 1024);
        expect(parseByteSize('4MB')).toBe(4_000_000);
        expect(parseByteSize('1024')).toBe(1024);
        expect(() => parseByteSize('lots')).toThrow(/invalid size/);
    });

    it('parses host:port', () => {
        expect(parseHostPort('127.0.0.1:4318', 'e')).toEqual({ host: '127.0.0.1', port: 4318 });
        expect(parseHostPort('[::1]:0', 'e')).toEqual({ host: '::1', port: 0 });
        expect(parseHostPort(':9', 'e')).toEqual({ host: '', port: 9 });
        expect(() => parseHostPort('localhost', 'http > endpoint')).toThrow(/http > endpoint: expected "host:port"/);
        expect(() => parseHostPort('a:70000', 'e')).toThrow(/out of range/);
    });
});

// prometheus.scrape's catalog entry is used to tell unsupported from unknown names.
const S = schema(
    [attr('targets', 'list(map(string))', true), attr('scrape_interval', 'duration'), attr('honor_labels', 'bool'), attr('bearer_token', 'secret'), attr('forward_to', 'list(MetricsReceiver)', true)],
    [block('basic_auth', false, [attr('username', 'string'), attr('password', 'secret')])],
);
const base = { targets: [], forward_to: [] };

describe('Args', () => {
    it('refuses catalog arguments the runtime does not implement, naming them', () => {
        expect(() => Args.of('prometheus.scrape', S, body({ ...base, proxy_url: 'http://proxy' }))).toThrow(`argument "proxy_url" ${UNSUPPORTED_SUFFIX}`);
        expect(() => Args.of('prometheus.scrape', S, body(base, { oauth2: body({ client_id: 'x' }) }))).toThrow(`block "oauth2" ${UNSUPPORTED_SUFFIX}`);
        expect(() => Args.of('prometheus.scrape', S, body(base, { basic_auth: body({ password_file: '/x' }) }))).toThrow(`argument "basic_auth > password_file" ${UNSUPPORTED_SUFFIX}`);
    });

    it('accepts arguments declared harmless to ignore', () => {
        expect(() => Args.of('prometheus.scrape', S, body({ ...base, enable_http2: false }), { ignored: ['enable_http2'] })).not.toThrow();
        expect(() => Args.of('prometheus.scrape', S, body(base, { clustering: body({ enabled: true }) }), { ignored: ['clustering'] })).not.toThrow();
    });

    it('refuses names the catalog does not know', () => {
        expect(() => Args.of('prometheus.scrape', S, body({ ...base, scrape_intervall: '1s' }))).toThrow('unknown argument "scrape_intervall"');
        expect(() => Args.of('prometheus.scrape', S, body(base, { nope: body() }))).toThrow('unknown block "nope"');
    });

    it('requires required arguments and blocks', () => {
        expect(() => Args.of('prometheus.scrape', S, body({ targets: [] }))).toThrow('missing required argument "forward_to"');
        const withBlock = schema([], [block('output', true, [])]);
        expect(() => Args.of('otelcol.processor.batch', withBlock, body())).toThrow('missing required block "output"');
    });

    it('reads typed values with errors naming the argument', () => {
        const a = Args.of('prometheus.scrape', S, body({ ...base, scrape_interval: '1m30s', honor_labels: true, bearer_token: secret('t') }));
        expect(a.duration('scrape_interval', 0)).toBe(90_000);
        expect(a.bool('honor_labels', false)).toBe(true);
        expect(a.secret('bearer_token')).toBe('t');
        expect(a.duration('missing', 42)).toBe(42);
        const bad = Args.of('prometheus.scrape', S, body({ ...base, scrape_interval: 15, honor_labels: 'yes' }));
        expect(() => bad.duration('scrape_interval', 0)).toThrow('scrape_interval: expected duration string (e.g. "15s"), got number 15');
        expect(() => bad.bool('honor_labels', false)).toThrow('honor_labels: expected bool, got string "yes"');
        const badDur = Args.of('prometheus.scrape', S, body({ ...base, scrape_interval: '15' }));
        expect(() => badDur.duration('scrape_interval', 0)).toThrow('scrape_interval: time: missing unit in duration "15"');
        expect(() => badDur.duration('scrape_interval', 0)).toThrow(ArgumentError);
    });

    it('reads targets and capsules', () => {
        const recv = { appendSamples() {} };
        const a = Args.of('prometheus.scrape', S, body({ targets: [{ __address__: 'a:1', job: 'x' }], forward_to: [capsule('MetricsReceiver', recv)] }));
        expect(a.targets('targets')).toEqual([{ __address__: 'a:1', job: 'x' }]);
        expect(a.capsules('forward_to', 'MetricsReceiver', (p): p is typeof recv => typeof p === 'object')).toEqual([recv]);
        const wrong = Args.of('prometheus.scrape', S, body({ targets: [{ __address__: 1 }], forward_to: [capsule('otelcol.Consumer', {})] }));
        expect(() => wrong.targets('targets')).toThrow('targets[0]["__address__"]: expected string, got number 1');
        expect(() => wrong.capsules('forward_to', 'MetricsReceiver', (p): p is object => p !== undefined)).toThrow('forward_to[0]: expected MetricsReceiver, got capsule(otelcol.Consumer)');
    });

    it('reads nested blocks and refuses a repeated single block', () => {
        const a = Args.of('prometheus.scrape', S, body(base, { basic_auth: body({ username: 'u' }) }));
        expect(a.block('basic_auth')?.string('username')).toBe('u');
        const twice = Args.of('prometheus.scrape', S, body(base, { basic_auth: [body({ username: 'u' }), body({ username: 'v' })] }));
        expect(() => twice.block('basic_auth')).toThrow('basic_auth: block may appear only once, found 2');
    });

    it('treats null as unset and unknown values as errors', () => {
        const a = Args.of('prometheus.scrape', S, body({ ...base, scrape_interval: null, honor_labels: { kind: 'unknown' } }));
        expect(a.duration('scrape_interval', 7)).toBe(7);
        expect(() => a.bool('honor_labels', false)).toThrow(/honor_labels: value is not known/);
    });
});
