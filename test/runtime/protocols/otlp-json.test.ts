import { describe, it, expect } from 'vitest';
import {
    type TraceBatch,
    OtlpError,
    encodeExportTraceRequest,
    parseExportTraceRequest,
    spanCount,
    toAnyValue,
} from '../../../server/runtime/protocols/otlp-json.js';

/** The example span of opentelemetry-proto `examples/trace.json` (uppercase ids, numeric nanos). */
const SPEC_EXAMPLE = {
    resourceSpans: [
        {
            resource: { attributes: [{ key: 'service.name', value: { stringValue: 'my.service' } }] },
            scopeSpans: [
                {
                    scope: { name: 'my.library', version: '1.0.0', attributes: [{ key: 'my.scope.attribute', value: { stringValue: 'some scope attribute' } }] },
                    spans: [
                        {
                            traceId: '5B8EFFF798038103D269B633813FC60C',
                            spanId: 'EEE19B7EC3C1B174',
                            parentSpanId: 'EEE19B7EC3C1B173',
                            name: "I'm a server span",
                            startTimeUnixNano: 1544712660000000000,
                            endTimeUnixNano: 1544712661000000000,
                            kind: 2,
                            attributes: [
                                { key: 'my.span.attr', value: { stringValue: 'some value' } },
                                { key: 'http.status_code', value: { intValue: '200' } },
                                { key: 'ratio', value: { doubleValue: 0.25 } },
                                { key: 'ok', value: { boolValue: true } },
                                { key: 'tags', value: { arrayValue: { values: [{ stringValue: 'a' }, { intValue: 7 }] } } },
                                { key: 'nested', value: { kvlistValue: { values: [{ key: 'k', value: { stringValue: 'v' } }] } } },
                                { key: 'raw', value: { bytesValue: 'AQID' } },
                                { key: 'nothing', value: {} },
                            ],
                            events: [{ timeUnixNano: '1544712660500000000', name: 'cache miss', attributes: [{ key: 'key', value: { stringValue: 'u:1' } }] }],
                            links: [{ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceState: 'vendor=1' }],
                            status: { code: 2, message: 'boom' },
                            unknownFutureField: { ignored: true },
                        },
                    ],
                },
            ],
        },
    ],
};

const EXPECTED: TraceBatch = {
    resourceSpans: [
        {
            resource: { attributes: [{ key: 'service.name', value: { type: 'string', value: 'my.service' } }], droppedAttributesCount: 0 },
            schemaUrl: '',
            scopeSpans: [
                {
                    scope: {
                        name: 'my.library',
                        version: '1.0.0',
                        attributes: [{ key: 'my.scope.attribute', value: { type: 'string', value: 'some scope attribute' } }],
                        droppedAttributesCount: 0,
                    },
                    schemaUrl: '',
                    spans: [
                        {
                            traceId: '5b8efff798038103d269b633813fc60c',
                            spanId: 'eee19b7ec3c1b174',
                            parentSpanId: 'eee19b7ec3c1b173',
                            traceState: '',
                            flags: 0,
                            name: "I'm a server span",
                            kind: 2,
                            startTimeUnixNano: 1544712660000000000n,
                            endTimeUnixNano: 1544712661000000000n,
                            attributes: [
                                { key: 'my.span.attr', value: { type: 'string', value: 'some value' } },
                                { key: 'http.status_code', value: { type: 'int', value: 200n } },
                                { key: 'ratio', value: { type: 'double', value: 0.25 } },
                                { key: 'ok', value: { type: 'bool', value: true } },
                                {
                                    key: 'tags',
                                    value: { type: 'array', values: [{ type: 'string', value: 'a' }, { type: 'int', value: 7n }] },
                                },
                                { key: 'nested', value: { type: 'kvlist', values: [{ key: 'k', value: { type: 'string', value: 'v' } }] } },
                                { key: 'raw', value: { type: 'bytes', value: Uint8Array.from([1, 2, 3]) } },
                                { key: 'nothing', value: { type: 'empty' } },
                            ],
                            droppedAttributesCount: 0,
                            events: [
                                {
                                    timeUnixNano: 1544712660500000000n,
                                    name: 'cache miss',
                                    attributes: [{ key: 'key', value: { type: 'string', value: 'u:1' } }],
                                    droppedAttributesCount: 0,
                                },
                            ],
                            droppedEventsCount: 0,
                            links: [
                                {
                                    traceId: '0af7651916cd43dd8448eb211c80319c',
                                    spanId: 'b7ad6b7169203331',
                                    traceState: 'vendor=1',
                                    attributes: [],
                                    droppedAttributesCount: 0,
                                    flags: 0,
                                },
                            ],
                            droppedLinksCount: 0,
                            status: { code: 2, message: 'boom' },
                        },
                    ],
                },
            ],
        },
    ],
};

function otlpError(json: unknown): string {
    try {
        parseExportTraceRequest(json);
    } catch (e) {
        expect(e).toBeInstanceOf(OtlpError);
        expect((e as OtlpError).status).toBe(400);
        return (e as Error).message;
    }
    return 'no error';
}

/** A minimal valid request with one span overridden by `patch`, at resourceSpans[0].scopeSpans[1].spans[3]. */
function withSpan(patch: Record<string, unknown>): unknown {
    const span = (i: number) => ({ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: `b7ad6b716920333${i}`, name: `s${i}` });
    return {
        resourceSpans: [
            {
                resource: {},
                scopeSpans: [{ spans: [span(1)] }, { scope: { name: 'lib' }, spans: [span(1), span(2), span(3), { ...span(4), ...patch }] }],
            },
        ],
    };
}

describe('parseExportTraceRequest', () => {
    it('parses the OTLP spec example into the model (ids lowercased, nanos as bigint, enums numeric)', () => {
        expect(parseExportTraceRequest(SPEC_EXAMPLE)).toEqual(EXPECTED);
        expect(spanCount(EXPECTED)).toBe(1);
    });

    it('accepts enum names, string nanos, snake_case field names and null for absent', () => {
        const batch = parseExportTraceRequest({
            resource_spans: [
                {
                    resource: null,
                    scope_spans: [
                        {
                            spans: [
                                {
                                    trace_id: '0af7651916cd43dd8448eb211c80319c',
                                    span_id: 'b7ad6b7169203331',
                                    parent_span_id: '',
                                    kind: 'SPAN_KIND_CLIENT',
                                    start_time_unix_nano: '18446744073709551615',
                                    status: { code: 'STATUS_CODE_OK' },
                                    events: null,
                                },
                            ],
                        },
                    ],
                },
            ],
        });
        const span = batch.resourceSpans[0].scopeSpans[0].spans[0];
        expect(span.kind).toBe(3);
        expect(span.parentSpanId).toBe('');
        expect(span.startTimeUnixNano).toBe(18446744073709551615n);
        expect(span.status).toEqual({ code: 1, message: '' });
        expect(span.events).toEqual([]);
        expect(batch.resourceSpans[0].resource).toEqual({ attributes: [], droppedAttributesCount: 0 });
    });

    it('treats an empty request and an all-zero parent id as valid', () => {
        expect(parseExportTraceRequest({})).toEqual({ resourceSpans: [] });
        const b = parseExportTraceRequest(withSpan({ parentSpanId: '0000000000000000' }));
        expect(b.resourceSpans[0].scopeSpans[1].spans[3].parentSpanId).toBe('');
        expect(spanCount(b)).toBe(5);
    });

    it('names the bad field path in errors', () => {
        const p = 'resourceSpans[0].scopeSpans[1].spans[3]';
        expect(otlpError(withSpan({ traceId: 'abc' }))).toBe(`${p}.traceId: expected 32 hex characters, got "abc"`);
        expect(otlpError(withSpan({ traceId: undefined }))).toBe(`${p}.traceId: required, expected 32 hex characters`);
        expect(otlpError(withSpan({ traceId: '00000000000000000000000000000000' }))).toBe(`${p}.traceId: must not be all zeros`);
        expect(otlpError(withSpan({ spanId: 'zzzzzzzzzzzzzzzz' }))).toBe(`${p}.spanId: expected 16 hex characters, got "zzzzzzzzzzzzzzzz"`);
        expect(otlpError(withSpan({ parentSpanId: 12 }))).toBe(`${p}.parentSpanId: expected 16 hex characters, got 12`);
        expect(otlpError(withSpan({ kind: 9 }))).toBe(
            `${p}.kind: expected one of 0..5 or SPAN_KIND_UNSPECIFIED, SPAN_KIND_INTERNAL, SPAN_KIND_SERVER, SPAN_KIND_CLIENT, SPAN_KIND_PRODUCER, SPAN_KIND_CONSUMER, got 9`,
        );
        expect(otlpError(withSpan({ startTimeUnixNano: '12.5' }))).toBe(`${p}.startTimeUnixNano: expected an integer (number or decimal string), got "12.5"`);
        expect(otlpError(withSpan({ endTimeUnixNano: -1 }))).toBe(`${p}.endTimeUnixNano: integer -1 out of range`);
        expect(otlpError(withSpan({ name: 5 }))).toBe(`${p}.name: expected a string, got 5`);
        expect(otlpError(withSpan({ attributes: {} }))).toBe(`${p}.attributes: expected an array, got an object`);
        expect(otlpError(withSpan({ attributes: [{ key: 'k', value: { intValue: 'x' } }] }))).toBe(
            `${p}.attributes[0].value.intValue: expected an integer (number or decimal string), got "x"`,
        );
        expect(otlpError(withSpan({ attributes: [{ key: 'k', value: { stringValue: 'a', intValue: '1' } }] }))).toBe(
            `${p}.attributes[0].value: has both stringValue and intValue; exactly one value field is allowed`,
        );
        expect(otlpError(withSpan({ attributes: [{ value: { stringValue: 'a' } }] }))).toBe(`${p}.attributes[0].key: expected a string, got undefined`);
        expect(otlpError(withSpan({ attributes: [{ key: 'k', value: { arrayValue: { values: [{ boolValue: 'yes' }] } } }] }))).toBe(
            `${p}.attributes[0].value.arrayValue.values[0].boolValue: expected a boolean, got "yes"`,
        );
        expect(otlpError(withSpan({ status: { code: 7 } }))).toBe(
            `${p}.status.code: expected one of 0..2 or STATUS_CODE_UNSET, STATUS_CODE_OK, STATUS_CODE_ERROR, got 7`,
        );
        expect(otlpError(withSpan({ links: [{ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'x' }] }))).toBe(
            `${p}.links[0].spanId: expected 16 hex characters, got "x"`,
        );
        expect(otlpError(withSpan({ events: [1] }))).toBe(`${p}.events[0]: expected an object, got 1`);
        expect(otlpError({ resourceSpans: {} })).toBe('resourceSpans: expected an array, got an object');
        expect(otlpError({ resourceSpans: [{ scopeSpans: [null] }] })).toBe('resourceSpans[0].scopeSpans[0]: expected an object, got null');
        expect(otlpError([])).toBe('$: expected an ExportTraceServiceRequest object, got an array');
    });

    it('rejects pathologically nested values', () => {
        let v: unknown = { stringValue: 'leaf' };
        for (let i = 0; i < 40; i++) v = { arrayValue: { values: [v] } };
        expect(otlpError(withSpan({ attributes: [{ key: 'deep', value: v }] }))).toMatch(/values nested deeper than 32 levels$/);
    });
});

describe('encodeExportTraceRequest', () => {
    it('produces canonical OTLP JSON (hex ids, string nanos and ints, integer enums, defaults omitted)', () => {
        const json = encodeExportTraceRequest(EXPECTED);
        expect(json).toEqual({
            resourceSpans: [
                {
                    resource: { attributes: [{ key: 'service.name', value: { stringValue: 'my.service' } }] },
                    scopeSpans: [
                        {
                            scope: { name: 'my.library', version: '1.0.0', attributes: [{ key: 'my.scope.attribute', value: { stringValue: 'some scope attribute' } }] },
                            spans: [
                                {
                                    traceId: '5b8efff798038103d269b633813fc60c',
                                    spanId: 'eee19b7ec3c1b174',
                                    parentSpanId: 'eee19b7ec3c1b173',
                                    name: "I'm a server span",
                                    kind: 2,
                                    startTimeUnixNano: '1544712660000000000',
                                    endTimeUnixNano: '1544712661000000000',
                                    attributes: [
                                        { key: 'my.span.attr', value: { stringValue: 'some value' } },
                                        { key: 'http.status_code', value: { intValue: '200' } },
                                        { key: 'ratio', value: { doubleValue: 0.25 } },
                                        { key: 'ok', value: { boolValue: true } },
                                        { key: 'tags', value: { arrayValue: { values: [{ stringValue: 'a' }, { intValue: '7' }] } } },
                                        { key: 'nested', value: { kvlistValue: { values: [{ key: 'k', value: { stringValue: 'v' } }] } } },
                                        { key: 'raw', value: { bytesValue: 'AQID' } },
                                        { key: 'nothing', value: {} },
                                    ],
                                    events: [{ timeUnixNano: '1544712660500000000', name: 'cache miss', attributes: [{ key: 'key', value: { stringValue: 'u:1' } }] }],
                                    links: [{ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceState: 'vendor=1' }],
                                    status: { message: 'boom', code: 2 },
                                },
                            ],
                        },
                    ],
                },
            ],
        });
    });

    it('round-trips through JSON text: parse(JSON.parse(JSON.stringify(encode(b)))) equals b', () => {
        const text = JSON.stringify(encodeExportTraceRequest(EXPECTED));
        expect(parseExportTraceRequest(JSON.parse(text))).toEqual(EXPECTED);
        // And the other way: encoding a parsed request is stable.
        const once = encodeExportTraceRequest(parseExportTraceRequest(SPEC_EXAMPLE));
        expect(encodeExportTraceRequest(parseExportTraceRequest(JSON.parse(JSON.stringify(once))))).toEqual(once);
    });

    it('encodes non-finite doubles and full-range ints the way the protobuf JSON mapping does', () => {
        const batch = parseExportTraceRequest(
            withSpan({
                attributes: [
                    { key: 'nan', value: { doubleValue: 'NaN' } },
                    { key: 'inf', value: { doubleValue: 'Infinity' } },
                    { key: 'big', value: { intValue: '-9223372036854775808' } },
                ],
            }),
        );
        const attrs = (encodeExportTraceRequest(batch).resourceSpans[0] as any).scopeSpans[1].spans[3].attributes;
        expect(attrs).toEqual([
            { key: 'nan', value: { doubleValue: 'NaN' } },
            { key: 'inf', value: { doubleValue: 'Infinity' } },
            { key: 'big', value: { intValue: '-9223372036854775808' } },
        ]);
        expect(otlpError(withSpan({ attributes: [{ key: 'k', value: { intValue: '9223372036854775808' } }] }))).toBe(
            'resourceSpans[0].scopeSpans[1].spans[3].attributes[0].value.intValue: integer 9223372036854775808 out of range',
        );
    });
});

describe('toAnyValue', () => {
    it('converts JS attribute values', () => {
        expect(toAnyValue('s')).toEqual({ type: 'string', value: 's' });
        expect(toAnyValue(3)).toEqual({ type: 'int', value: 3n });
        expect(toAnyValue(3.5)).toEqual({ type: 'double', value: 3.5 });
        expect(toAnyValue(false)).toEqual({ type: 'bool', value: false });
        expect(toAnyValue(['a', 1])).toEqual({ type: 'array', values: [{ type: 'string', value: 'a' }, { type: 'int', value: 1n }] });
        expect(toAnyValue({ k: null })).toEqual({ type: 'kvlist', values: [{ key: 'k', value: { type: 'empty' } }] });
    });
});
