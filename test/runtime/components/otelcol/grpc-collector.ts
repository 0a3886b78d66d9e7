// A loopback gRPC server implementing the collector's TraceService/Export with @grpc/grpc-js, for
// the exporter's tests: it records what each call carried (metadata, the decoded batch) and answers
// as `respond` says (OK, or an error status with optional trailers).

import * as grpc from '@grpc/grpc-js';
import { decodeExportTraceRequestProto, encodeExportTraceResponse } from '../../../../server/runtime/components/otelcol/otlp-proto.js';
import type { TraceBatch } from '../../../../server/runtime/protocols/otlp-json.js';

/** TraceService/Export as opentelemetry-proto names it; requests stay raw bytes until decoded here. */
const TRACE_SERVICE: grpc.ServiceDefinition = {
    Export: {
        path: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
        requestStream: false,
        responseStream: false,
        requestSerialize: (b: Buffer) => b,
        requestDeserialize: (b: Buffer) => b,
        responseSerialize: (b: Uint8Array) => Buffer.from(b),
        responseDeserialize: (b: Buffer) => b,
    },
};

export interface CallFailure {
    code: grpc.status;
    details: string;
    metadata?: grpc.Metadata;
}

export interface GrpcCollector {
    endpoint: string;
    port: number;
    calls: number;
    batches: TraceBatch[];
    metadata: Record<string, grpc.MetadataValue>[];
    /** Microtime of each call, for the backoff between them. */
    times: number[];
    stop(): Promise<void>;
}

export async function startGrpcCollector(
    respond: (call: number) => CallFailure | undefined | Promise<CallFailure | undefined> = () => undefined,
    credentials: grpc.ServerCredentials = grpc.ServerCredentials.createInsecure(),
): Promise<GrpcCollector> {
    const server = new grpc.Server();
    const c: GrpcCollector = { endpoint: '', port: 0, calls: 0, batches: [], metadata: [], times: [], stop: async () => undefined };
    server.addService(TRACE_SERVICE, {
        Export: (call: grpc.ServerUnaryCall<Buffer, Uint8Array>, callback: grpc.sendUnaryData<Uint8Array>) => {
            const i = c.calls++;
            c.times.push(performance.now());
            c.metadata.push(call.metadata.getMap());
            void Promise.resolve(respond(i)).then((failure) => {
                if (failure) {
                    callback({ code: failure.code, details: failure.details, metadata: failure.metadata });
                    return;
                }
                c.batches.push(decodeExportTraceRequestProto(call.request));
                callback(null, encodeExportTraceResponse());
            });
        },
    });
    c.port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', credentials, (e, port) => (e ? reject(e) : resolve(port))));
    c.endpoint = `127.0.0.1:${c.port}`;
    c.stop = () => new Promise<void>((resolve) => {
        server.forceShutdown();
        resolve();
    });
    return c;
}
