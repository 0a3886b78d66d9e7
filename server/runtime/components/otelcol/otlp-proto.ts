// OTLP/HTTP protobuf encoding for traces, on top of the JSON model in
// protocols/otlp-json.ts: a protobuf ExportTraceServiceRequest is decoded with
// protobufjs into the OTLP JSON shape (ids as hex, 64-bit integers as decimal
// strings) and validated by `parseExportTraceRequest`, so both encodings give
// the same TraceBatch and the same errors; encoding goes the other way from
// `encodeExportTraceRequest`.

import * as protobuf from 'protobufjs';
import { OtlpError, type TraceBatch, encodeExportTraceRequest, parseExportTraceRequest } from '../../protocols/otlp-json.js';

// Field numbers from opentelemetry-proto (common/v1, resource/v1, trace/v1, collector/trace/v1).
const OTLP_TRACE_PROTO = `
syntax = "proto3";
package flowlens.otlp;

message AnyValue {
    oneof value {
        string string_value = 1;
        bool bool_value = 2;
        int64 int_value = 3;
        double double_value = 4;
        ArrayValue array_value = 5;
        KeyValueList kvlist_value = 6;
        bytes bytes_value = 7;
    }
}
message ArrayValue { repeated AnyValue values = 1; }
message KeyValueList { repeated KeyValue values = 1; }
message KeyValue { string key = 1; AnyValue value = 2; }
message InstrumentationScope { string name = 1; string version = 2; repeated KeyValue attributes = 3; uint32 dropped_attributes_count = 4; }
message Resource { repeated KeyValue attributes = 1; uint32 dropped_attributes_count = 2; }

message ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
message ExportTraceServiceResponse { ExportTracePartialSuccess partial_success = 1; }
message ExportTracePartialSuccess { int64 rejected_spans = 1; string error_message = 2; }

message ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; string schema_url = 3; }
message ScopeSpans { InstrumentationScope scope = 1; repeated Span spans = 2; string schema_url = 3; }
message Span {
    bytes trace_id = 1;
    bytes span_id = 2;
    string trace_state = 3;
    bytes parent_span_id = 4;
    fixed32 flags = 16;
    string name = 5;
    int32 kind = 6;
    fixed64 start_time_unix_nano = 7;
    fixed64 end_time_unix_nano = 8;
    repeated KeyValue attributes = 9;
    uint32 dropped_attributes_count = 10;
    message Event { fixed64 time_unix_nano = 1; string name = 2; repeated KeyValue attributes = 3; uint32 dropped_attributes_count = 4; }
    repeated Event events = 11;
    uint32 dropped_events_count = 12;
    message Link { bytes trace_id = 1; bytes span_id = 2; string trace_state = 3; repeated KeyValue attributes = 4; uint32 dropped_attributes_count = 5; fixed32 flags = 6; }
    repeated Link links = 13;
    uint32 dropped_links_count = 14;
    Status status = 15;
}
message Status { string message = 2; int32 code = 3; }

// google.rpc.Status, the body of OTLP/HTTP error responses.
message RpcStatus { int32 code = 1; string message = 2; }
`;

const root = protobuf.parse(OTLP_TRACE_PROTO).root;
const Request = root.lookupType('flowlens.otlp.ExportTraceServiceRequest');
const Response = root.lookupType('flowlens.otlp.ExportTraceServiceResponse');
const RpcStatus = root.lookupType('flowlens.otlp.RpcStatus');

export const OTLP_PROTOBUF_CONTENT_TYPE = 'application/x-protobuf';

type Json = Record<string, unknown>;

function convertIds(obj: Json | undefined, keys: readonly string[], convert: (s: string) => string): void {
    if (obj === undefined) return;
    for (const k of keys) {
        const v = obj[k];
        if (typeof v === 'string') obj[k] = convert(v);
    }
}

function eachSpan(request: Json, f: (span: Json) => void): void {
    for (const rs of (request.resourceSpans as Json[] | undefined) ?? []) {
        for (const ss of (rs.scopeSpans as Json[] | undefined) ?? []) {
            for (const span of (ss.spans as Json[] | undefined) ?? []) f(span);
        }
    }
}

function mapIds(request: Json, convert: (s: string) => string): void {
    eachSpan(request, (span) => {
        convertIds(span, ['traceId', 'spanId', 'parentSpanId'], convert);
        for (const link of (span.links as Json[] | undefined) ?? []) convertIds(link, ['traceId', 'spanId'], convert);
    });
}

const base64ToHex = (s: string) => Buffer.from(s, 'base64').toString('hex');
const hexToBase64 = (s: string) => Buffer.from(s, 'hex').toString('base64');

/** Decodes a protobuf ExportTraceServiceRequest; throws OtlpError (HTTP 400) when malformed or invalid. */
export function decodeExportTraceRequestProto(bytes: Uint8Array): TraceBatch {
    let message: protobuf.Message;
    try {
        message = Request.decode(bytes);
    } catch (e) {
        throw new OtlpError('request', `invalid protobuf ExportTraceServiceRequest: ${(e as Error).message}`);
    }
    const json = Request.toObject(message, { longs: String, enums: Number, bytes: String, defaults: false, arrays: false, oneofs: false }) as Json;
    mapIds(json, base64ToHex);
    return parseExportTraceRequest(json);
}

/** Encodes a batch as a protobuf ExportTraceServiceRequest. */
export function encodeExportTraceRequestProto(batch: TraceBatch): Uint8Array {
    const json = encodeExportTraceRequest(batch) as unknown as Json;
    mapIds(json, hexToBase64);
    return Request.encode(Request.fromObject(json)).finish();
}

/** An ExportTraceServiceResponse: empty, or a partial success (spans the peer rejected, and why). */
export function encodeExportTraceResponse(partial?: { rejectedSpans: number; errorMessage: string }): Uint8Array {
    return Response.encode(Response.fromObject(partial ? { partialSuccess: partial } : {})).finish();
}

export function decodeExportTraceResponse(bytes: Uint8Array): { rejectedSpans: number; errorMessage: string } | undefined {
    const o = Response.toObject(Response.decode(bytes), { longs: Number }) as { partialSuccess?: { rejectedSpans?: number; errorMessage?: string } };
    if (o.partialSuccess === undefined) return undefined;
    return { rejectedSpans: o.partialSuccess.rejectedSpans ?? 0, errorMessage: o.partialSuccess.errorMessage ?? '' };
}

/** A google.rpc.Status body for protobuf error responses. */
export function encodeRpcStatus(code: number, message: string): Uint8Array {
    return RpcStatus.encode(RpcStatus.fromObject({ code, message })).finish();
}

export function decodeRpcStatus(bytes: Uint8Array): { code: number; message: string } {
    const o = RpcStatus.toObject(RpcStatus.decode(bytes), { defaults: true }) as { code: number; message: string };
    return o;
}
