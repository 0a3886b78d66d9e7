// The protobuf schema in otlp-proto.ts must use opentelemetry-proto's field numbers: a request is
// assembled byte by byte from the official numbers (independently of that schema) and decoded.
import * as protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { decodeExportTraceRequestProto, encodeExportTraceRequestProto } from '../../../server/runtime/components/otelcol/otlp-proto.js';
import { OtlpError, parseExportTraceRequest } from '../../../server/runtime/protocols/otlp-json.js';

const long = (s: string) => (protobuf.util.Long as unknown as { fromString(s: string, unsigned: boolean): number }).fromString(s, true);
const LEN = 2;
const VARINT = 0;
const I64 = 1;
const I32 = 5;

/** Writes a length-delimited sub-message built by `f`. */
function sub(w: protobuf.Writer, field: number, f: (w: protobuf.Writer) => void): void {
    w.uint32((field << 3) | LEN).fork();
    f(w);
    w.ldelim();
}
const str = (w: protobuf.Writer, field: number, s: string) => w.uint32((field << 3) | LEN).string(s);
const bytes = (w: protobuf.Writer, field: number, hex: string) => w.uint32((field << 3) | LEN).bytes(Buffer.from(hex, 'hex'));

function goldenRequest(): Uint8Array {
    const w = protobuf.Writer.create();
    sub(w, 1, (rs) => {
        // ResourceSpans.resource = 1 → Resource.attributes = 1 → KeyValue{key=1, value=2 → AnyValue.string_value=1}
        sub(rs, 1, (res) => sub(res, 1, (kv) => {
            str(kv, 1, 'service.name');
            sub(kv, 2, (v) => str(v, 1, 'checkout'));
        }));
        sub(rs, 2, (ss) => {
            // ScopeSpans.scope = 1 → InstrumentationScope{name=1, version=2}
            sub(ss, 1, (sc) => {
                str(sc, 1, 'lib');
                str(sc, 2, '1.2.3');
            });
            sub(ss, 2, (span) => {
                bytes(span, 1, '0102030405060708090a0b0c0d0e0f10');
                bytes(span, 2, '1112131415161718');
                str(span, 3, 'k=v');
                bytes(span, 4, '2122232425262728');
                str(span, 5, 'GET /cart');
                span.uint32((6 << 3) | VARINT).int32(2); // kind SERVER
                span.uint32((7 << 3) | I64).fixed64(long('1700000000000000000'));
                span.uint32((8 << 3) | I64).fixed64(long('1700000000500000000'));
                sub(span, 9, (kv) => {
                    str(kv, 1, 'http.status_code');
                    sub(kv, 2, (v) => v.uint32((3 << 3) | VARINT).int64(200));
                });
                sub(span, 9, (kv) => {
                    str(kv, 1, 'ratio');
                    sub(kv, 2, (v) => v.uint32((4 << 3) | I64).double(0.25));
                });
                sub(span, 9, (kv) => {
                    str(kv, 1, 'raw');
                    sub(kv, 2, (v) => v.uint32((7 << 3) | LEN).bytes(Buffer.from([1, 2, 255])));
                });
                span.uint32((10 << 3) | VARINT).uint32(1); // dropped_attributes_count
                sub(span, 11, (ev) => {
                    ev.uint32((1 << 3) | I64).fixed64(long('1700000000100000000'));
                    str(ev, 2, 'retry');
                });
                sub(span, 13, (link) => {
                    bytes(link, 1, 'a0a1a2a3a4a5a6a7a8a9aaabacadaeaf');
                    bytes(link, 2, 'b0b1b2b3b4b5b6b7');
                    link.uint32((6 << 3) | I32).fixed32(1);
                });
                sub(span, 15, (st) => {
                    str(st, 2, 'boom');
                    st.uint32((3 << 3) | VARINT).int32(2); // ERROR
                });
                span.uint32((16 << 3) | I32).fixed32(1); // flags
            });
            str(ss, 3, 'https://opentelemetry.io/schemas/1.21.0');
        });
        str(rs, 3, 'https://opentelemetry.io/schemas/1.20.0');
    });
    return w.finish();
}

describe('OTLP protobuf traces', () => {
    it('decodes a request assembled from the official field numbers', () => {
        const batch = decodeExportTraceRequestProto(goldenRequest());
        expect(batch).toEqual(
            parseExportTraceRequest({
                resourceSpans: [
                    {
                        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'checkout' } }] },
                        schemaUrl: 'https://opentelemetry.io/schemas/1.20.0',
                        scopeSpans: [
                            {
                                scope: { name: 'lib', version: '1.2.3' },
                                schemaUrl: 'https://opentelemetry.io/schemas/1.21.0',
                                spans: [
                                    {
                                        traceId: '0102030405060708090a0b0c0d0e0f10',
                                        spanId: '1112131415161718',
                                        traceState: 'k=v',
                                        parentSpanId: '2122232425262728',
                                        flags: 1,
                                        name: 'GET /cart',
                                        kind: 2,
                                        startTimeUnixNano: '1700000000000000000',
                                        endTimeUnixNano: '1700000000500000000',
                                        attributes: [
                                            { key: 'http.status_code', value: { intValue: '200' } },
                                            { key: 'ratio', value: { doubleValue: 0.25 } },
                                            { key: 'raw', value: { bytesValue: Buffer.from([1, 2, 255]).toString('base64') } },
                                        ],
                                        droppedAttributesCount: 1,
                                        events: [{ timeUnixNano: '1700000000100000000', name: 'retry' }],
                                        links: [{ traceId: 'a0a1a2a3a4a5a6a7a8a9aaabacadaeaf', spanId: 'b0b1b2b3b4b5b6b7', flags: 1 }],
                                        status: { code: 2, message: 'boom' },
                                    },
                                ],
                            },
                        ],
                    },
                ],
            }),
        );
    });

    it('round-trips through encode/decode, nested values included', () => {
        const batch = parseExportTraceRequest({
            resourceSpans: [
                {
                    scopeSpans: [
                        {
                            spans: [
                                {
                                    traceId: 'ff'.repeat(16),
                                    spanId: '01'.repeat(8),
                                    name: 'x',
                                    attributes: [
                                        { key: 'arr', value: { arrayValue: { values: [{ boolValue: true }, { intValue: '-5' }] } } },
                                        { key: 'map', value: { kvlistValue: { values: [{ key: 'k', value: { stringValue: 'v' } }] } } },
                                        { key: 'empty', value: {} },
                                    ],
                                },
                            ],
                        },
                    ],
                },
            ],
        });
        expect(decodeExportTraceRequestProto(encodeExportTraceRequestProto(batch))).toEqual(batch);
    });

    it('reports malformed and invalid requests as OtlpError', () => {
        expect(() => decodeExportTraceRequestProto(new Uint8Array([0x0a, 0x05, 0x01]))).toThrow(OtlpError);
        const w = protobuf.Writer.create();
        sub(w, 1, (rs) => sub(rs, 2, (ss) => sub(ss, 2, (span) => bytes(span, 1, '0102'))));
        expect(() => decodeExportTraceRequestProto(w.finish())).toThrow(/resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[0\]\.traceId: expected 32 hex characters/);
    });
});
