// OTLP over gRPC for traces: the collector's TraceService (opentelemetry.proto.collector.trace.v1)
// as a @grpc/grpc-js service definition whose messages are (de)serialized by protobufjs
// (otlp-proto.ts), and the gRPC status rules of the collector's OTLP exporter and receiver.

import * as grpc from '@grpc/grpc-js';
import * as protobuf from 'protobufjs';
import type { TraceBatch } from '../../protocols/otlp-json.js';
import { decodeExportTraceResponse, encodeExportTraceRequestProto } from './otlp-proto.js';

export const TRACE_SERVICE_EXPORT_PATH = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';

export type ExportTraceResponse = ReturnType<typeof decodeExportTraceResponse>;

/**
 * The server side of TraceService/Export. Requests arrive as raw bytes: the handler decodes them, so
 * a malformed request is answered with INVALID_ARGUMENT and a message rather than a transport error.
 */
export const TRACE_SERVICE_SERVER: grpc.ServiceDefinition = {
    Export: {
        path: TRACE_SERVICE_EXPORT_PATH,
        requestStream: false,
        responseStream: false,
        requestSerialize: (bytes: Buffer) => bytes,
        requestDeserialize: (bytes: Buffer) => bytes,
        responseSerialize: (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
        responseDeserialize: (bytes: Buffer) => bytes,
    },
};

/** The client side: a TraceBatch out, the (possibly partial-success) response in. */
export const serializeTraceRequest = (batch: TraceBatch): Buffer => {
    const bytes = encodeExportTraceRequestProto(batch);
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
};
export const deserializeTraceResponse = (bytes: Buffer): ExportTraceResponse => decodeExportTraceResponse(bytes);

// google.rpc.Status with its details, and the RetryInfo detail a server sends to throttle its clients.
const STATUS_PROTO = `
syntax = "proto3";
package flowlens.rpc;
message Any { string type_url = 1; bytes value = 2; }
message Status { int32 code = 1; string message = 2; repeated Any details = 3; }
message Duration { int64 seconds = 1; int32 nanos = 2; }
message RetryInfo { Duration retry_delay = 1; }
`;
const statusRoot = protobuf.parse(STATUS_PROTO).root;
const RpcStatus = statusRoot.lookupType('flowlens.rpc.Status');
const RetryInfo = statusRoot.lookupType('flowlens.rpc.RetryInfo');
const RETRY_INFO_TYPE = 'type.googleapis.com/google.rpc.RetryInfo';
const STATUS_DETAILS_KEY = 'grpc-status-details-bin';

/** The RetryInfo delay of a failed call's status details, in milliseconds; undefined without one. */
export function retryInfoDelayMs(metadata: grpc.Metadata | undefined): number | undefined {
    const raw = metadata?.get(STATUS_DETAILS_KEY)[0];
    if (!(raw instanceof Buffer)) return undefined;
    try {
        const status = RpcStatus.toObject(RpcStatus.decode(raw), { longs: Number, bytes: Buffer }) as { details?: { typeUrl?: string; value?: Buffer }[] };
        for (const d of status.details ?? []) {
            if (d.typeUrl !== RETRY_INFO_TYPE || d.value === undefined) continue;
            const info = RetryInfo.toObject(RetryInfo.decode(d.value), { longs: Number, defaults: true }) as { retryDelay?: { seconds: number; nanos: number } };
            return info.retryDelay ? info.retryDelay.seconds * 1000 + info.retryDelay.nanos / 1e6 : 0;
        }
    } catch {
        return undefined; // malformed details: treated as absent, as grpc-go's status.Convert does
    }
    return undefined;
}

/** Status details carrying a RetryInfo (what a throttling server sends in `grpc-status-details-bin`). */
export function retryInfoMetadata(code: grpc.status, message: string, delayMs: number): grpc.Metadata {
    const info = RetryInfo.encode(RetryInfo.fromObject({ retryDelay: { seconds: Math.floor(delayMs / 1000), nanos: (delayMs % 1000) * 1e6 } })).finish();
    const status = RpcStatus.encode(RpcStatus.fromObject({ code, message, details: [{ typeUrl: RETRY_INFO_TYPE, value: info }] })).finish();
    const md = new grpc.Metadata();
    md.set(STATUS_DETAILS_KEY, Buffer.from(status));
    return md;
}

/**
 * Whether the collector's OTLP exporter retries a failed call (otlpexporter's shouldRetry):
 * CANCELLED, DEADLINE_EXCEEDED, ABORTED, OUT_OF_RANGE, UNAVAILABLE and DATA_LOSS are retried;
 * RESOURCE_EXHAUSTED only when the server said when to retry (RetryInfo); everything else is permanent.
 */
export function isRetryableStatus(code: grpc.status, hasRetryInfo: boolean): boolean {
    switch (code) {
        case grpc.status.CANCELLED:
        case grpc.status.DEADLINE_EXCEEDED:
        case grpc.status.ABORTED:
        case grpc.status.OUT_OF_RANGE:
        case grpc.status.UNAVAILABLE:
        case grpc.status.DATA_LOSS:
            return true;
        case grpc.status.RESOURCE_EXHAUSTED:
            return hasRetryInfo;
        default:
            return false;
    }
}

/** The name of a gRPC status code (`UNAVAILABLE`). */
export function statusName(code: grpc.status): string {
    return grpc.status[code] ?? `code ${code}`;
}
