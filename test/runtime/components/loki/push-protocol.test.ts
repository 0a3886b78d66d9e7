// The Loki push codec: label strings as Alloy's labelsMapToString writes them
// (common/loki/client/batch.go), protobuf+snappy and JSON bodies, and their errors.

import { describe, expect, it } from 'vitest';
import { compress } from 'snappyjs';
import { PushDecodeError, decodePushJson, decodePushRequest, encodePushJson, encodePushRequest, labelsString, parseLabelsString, streamsToEntries } from '../../../../server/runtime/components/loki/push-protocol.js';

describe('loki push protocol', () => {
    it('writes label strings sorted, quoted, without __ labels (batch.go labelsMapToString)', () => {
        expect(labelsString({ z: '1', a: 'say "hi"', __path__: '/x' })).toBe('{a="say \\"hi\\"", z="1"}');
        expect(labelsString({})).toBe('{}');
    });

    it('parses label strings with Go escapes and raw strings; refuses matchers and garbage', () => {
        expect(parseLabelsString('{a="x\\ty", b=`raw\\n`, c="\\u00e9\\101"}')).toEqual({ a: 'x\ty', b: 'raw\\n', c: 'éA' });
        expect(parseLabelsString(' { } ')).toEqual({});
        expect(() => parseLabelsString('{a=~"x"}')).toThrow(PushDecodeError);
        expect(() => parseLabelsString('{a="x", a="y"}')).toThrow(/duplicate label a/);
        expect(() => parseLabelsString('a="x"')).toThrow(/expected "\{"/);
    });

    it('round-trips protobuf+snappy with nanosecond timestamps (including before 1970) and metadata', () => {
        const streams = [
            { labels: '{app="x"}', entries: [{ timestamp: 1_700_000_000_999_999_999n, line: 'é line', structuredMetadata: [{ name: 'k', value: 'v' }] }] },
            { labels: '{app="y"}', entries: [{ timestamp: -1n, line: 'old', structuredMetadata: [] }] },
        ];
        expect(decodePushRequest(encodePushRequest(streams))).toEqual(streams);
        expect(() => decodePushRequest(new Uint8Array([0xff, 0xff, 0xff]))).toThrow(/invalid snappy body/);
        expect(() => decodePushRequest(compress(new Uint8Array([0x0a, 0x05, 0x01])))).toThrow(/invalid protobuf/);
    });

    it('JSON: encodes values as [ns, line, {metadata}] and decodes both the current and the legacy form', () => {
        const streams = [{ labels: '{a="1"}', entries: [{ timestamp: 5n, line: 'l', structuredMetadata: [{ name: 'm', value: 'n' }] }] }];
        expect(JSON.parse(encodePushJson(streams))).toEqual({ streams: [{ stream: { a: '1' }, values: [['5', 'l', { m: 'n' }]] }] });
        expect(decodePushJson(encodePushJson(streams))).toEqual(streams);
        const legacy = decodePushJson('{"streams":[{"labels":"{a=\\"1\\"}","entries":[{"ts":"2024-01-02T03:04:05.123456789Z","line":"x"}]}]}');
        expect(legacy[0].entries[0].timestamp).toBe(1_704_164_645_123_456_789n);
        expect(() => decodePushJson('{"streams":[{"stream":{"a":1},"values":[]}]}')).toThrow(/streams\[0\]\.stream\.a: expected a string/);
        expect(() => decodePushJson('{"streams":[{"stream":{},"values":[["x","l"]]}]}')).toThrow(/timestamp in nanoseconds/);
        expect(() => decodePushJson('nope')).toThrow(/invalid JSON push body/);
    });

    it('turns streams into entries, parsing each stream’s labels once', () => {
        const entries = streamsToEntries([{ labels: '{a="1"}', entries: [{ timestamp: 1n, line: 'x', structuredMetadata: [] }, { timestamp: 2n, line: 'y', structuredMetadata: [] }] }]);
        expect(entries.map((e) => [e.labels, e.line])).toEqual([
            [{ a: '1' }, 'x'],
            [{ a: '1' }, 'y'],
        ]);
        expect(entries[0].labels).toBe(entries[1].labels);
    });
});
