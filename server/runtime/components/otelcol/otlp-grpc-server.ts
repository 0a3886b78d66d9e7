// The gRPC side of otelcol.receiver.otlp: a @grpc/grpc-js server serving the collector's
// TraceService/Export on the `grpc` block's endpoint, with the block's settings as the collector's
// configgrpc applies them (max_recv_msg_size in whole MiB, 0 meaning gRPC's 4 MiB default;
// max_concurrent_streams; keepalive server parameters; `tls` with the server certificate and, with
// client_ca_file, required and verified client certificates). Requests are handed over as raw bytes.

import fs from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { type Args, UNSUPPORTED_SUFFIX, attr, block, parseByteSize, parseHostPort } from '../decode.js';
import { errorMessage } from '../fanout.js';
import { pemOrFile } from './config-tls.js';
import { TRACE_SERVICE_SERVER } from './otlp-grpc.js';
import { encodeExportTraceResponse } from './otlp-proto.js';

export const GRPC_SERVER_BLOCK = block(
    'grpc',
    false,
    [attr('endpoint', 'string'), attr('max_concurrent_streams', 'number'), attr('max_recv_msg_size', 'string'), attr('transport', 'string')],
    [
        block('tls', false, [attr('cert_file', 'string'), attr('cert_pem', 'string'), attr('client_ca_file', 'string'), attr('key_file', 'string'), attr('key_pem', 'secret')]),
        block('keepalive', false, [], [
            block('server_parameters', false, [
                attr('max_connection_age', 'duration'),
                attr('max_connection_age_grace', 'duration'),
                attr('max_connection_idle', 'duration'),
                attr('time', 'duration'),
                attr('timeout', 'duration'),
            ]),
        ]),
    ],
);

/**
 * Harmless to ignore locally: socket buffer sizes; include_metadata (only feeds
 * otelcol.processor.batch's metadata_keys, which flowlens refuses); the keepalive enforcement
 * policy (it only refuses clients that ping too often).
 */
export const IGNORED_GRPC_ARGUMENTS: readonly string[] = [
    'grpc.read_buffer_size',
    'grpc.write_buffer_size',
    'grpc.include_metadata',
    'grpc.keepalive.enforcement_policy',
    // A server verifies clients against client_ca_file; its ca_file / ca_pem are unused, as in the collector.
    'grpc.tls.ca_file',
    'grpc.tls.ca_pem',
];

const MIB = 1024 * 1024;
/** grpc-go's default receive limit, which the collector keeps when max_recv_msg_size is under 1 MiB. */
const DEFAULT_MAX_RECV_BYTES = 4 * MIB;
/** A stopping server lets calls in progress finish for this long, then cancels them. */
const SHUTDOWN_GRACE_MS = 2000;

export interface GrpcServerConfig {
    readonly host: string;
    readonly port: number;
    readonly options: grpc.ServerOptions;
    readonly tls?: { readonly cert: string; readonly key: string; readonly clientCa?: string };
}

/** Decodes the `grpc` block; `defaultHost` replaces an empty host (Alloy's default is 0.0.0.0:4317). */
export function decodeGrpcServer(g: Args, defaultHost: string): GrpcServerConfig {
    const transport = g.string('transport', 'tcp');
    if (transport !== 'tcp') g.fail('transport', `${JSON.stringify(transport)} ${UNSUPPORTED_SUFFIX}`);
    const address = parseHostPort(g.string('endpoint', `${defaultHost}:4317`)!, 'grpc > endpoint');
    let maxRecv = DEFAULT_MAX_RECV_BYTES;
    const size = g.string('max_recv_msg_size');
    if (size !== undefined) {
        let bytes = 0;
        try {
            bytes = parseByteSize(size);
        } catch (e) {
            g.fail('max_recv_msg_size', errorMessage(e));
        }
        const mib = Math.floor(bytes / MIB);
        if (mib > 0) maxRecv = mib * MIB;
    }
    const options: grpc.ServerOptions = { 'grpc.max_receive_message_length': maxRecv };
    const streams = g.int('max_concurrent_streams', 0, 0);
    if (streams > 0) options['grpc.max_concurrent_streams'] = streams;
    const k = g.block('keepalive')?.block('server_parameters');
    if (k !== undefined) {
        const set = (name: string, option: string) => {
            const ms = k.duration(name, 0);
            if (ms > 0) options[option] = ms;
        };
        set('max_connection_idle', 'grpc.max_connection_idle_ms');
        set('max_connection_age', 'grpc.max_connection_age_ms');
        set('max_connection_age_grace', 'grpc.max_connection_age_grace_ms');
        set('time', 'grpc.keepalive_time_ms');
        set('timeout', 'grpc.keepalive_timeout_ms');
    }
    const t = g.block('tls');
    let tls: GrpcServerConfig['tls'];
    if (t !== undefined) {
        const cert = pemOrFile(t, 'cert_pem', 'cert_file') ?? t.fail('cert_pem', 'a TLS server needs a certificate (cert_pem or cert_file)');
        const key = pemOrFile(t, 'key_pem', 'key_file', true) ?? t.fail('key_pem', 'a TLS server needs the key of its certificate (key_pem or key_file)');
        const caFile = t.string('client_ca_file');
        let clientCa: string | undefined;
        if (caFile) {
            try {
                clientCa = fs.readFileSync(caFile, 'utf8');
            } catch (e) {
                t.fail('client_ca_file', `cannot read ${JSON.stringify(caFile)}: ${(e as NodeJS.ErrnoException).code ?? errorMessage(e)}`);
            }
        }
        tls = { cert, key, ...(clientCa !== undefined ? { clientCa } : {}) };
    }
    return { host: address.host === '' ? defaultHost : address.host, port: address.port, options, ...(tls ? { tls } : {}) };
}

function serverCredentials(cfg: GrpcServerConfig): grpc.ServerCredentials {
    if (cfg.tls === undefined) return grpc.ServerCredentials.createInsecure();
    const ca = cfg.tls.clientCa === undefined ? null : Buffer.from(cfg.tls.clientCa);
    return grpc.ServerCredentials.createSsl(ca, [{ cert_chain: Buffer.from(cfg.tls.cert), private_key: Buffer.from(cfg.tls.key) }], ca !== null);
}

/** What the handler answers: nothing for success, or an error status. */
export type ExportReply = undefined | { code: grpc.status; message: string };

export class OtlpGrpcTraceServer {
    private server: grpc.Server | undefined;
    private key = '';
    private bound: string | undefined;
    private secure = false;

    constructor(private readonly handle: (request: Buffer) => Promise<ExportReply>) {}

    /** Whether the server speaks TLS. */
    get tls(): boolean {
        return this.secure;
    }

    /** `host:port` the server listens on (the real port when 0 was asked), or undefined. */
    get endpoint(): string | undefined {
        return this.bound;
    }

    /** Serves with `cfg`; a server already serving the same settings is kept. */
    async listen(cfg: GrpcServerConfig): Promise<void> {
        const key = JSON.stringify(cfg);
        if (this.server !== undefined && key === this.key) return;
        await this.close();
        const server = new grpc.Server(cfg.options);
        server.addService(TRACE_SERVICE_SERVER, {
            Export: (call: grpc.ServerUnaryCall<Buffer, Uint8Array>, callback: grpc.sendUnaryData<Uint8Array>) => {
                void this.handle(call.request).then(
                    (reply) => (reply === undefined ? callback(null, encodeExportTraceResponse()) : callback({ code: reply.code, details: reply.message })),
                    (e: unknown) => callback({ code: grpc.status.INTERNAL, details: errorMessage(e) }),
                );
            },
        });
        const host = cfg.host.includes(':') ? `[${cfg.host}]` : cfg.host;
        const port = await new Promise<number>((resolve, reject) =>
            server.bindAsync(`${host}:${cfg.port}`, serverCredentials(cfg), (e, p) => (e ? reject(new Error(`cannot listen on ${host}:${cfg.port}: ${e.message}`)) : resolve(p))),
        );
        this.server = server;
        this.key = key;
        this.bound = `${host}:${port}`;
        this.secure = cfg.tls !== undefined;
    }

    /** Stops accepting calls; calls in progress get SHUTDOWN_GRACE_MS to finish, then are cancelled. */
    async close(): Promise<void> {
        const server = this.server;
        this.server = undefined;
        this.bound = undefined;
        this.key = '';
        if (server === undefined) return;
        await new Promise<void>((resolve) => {
            const t = setTimeout(() => {
                server.forceShutdown();
                resolve();
            }, SHUTDOWN_GRACE_MS);
            server.tryShutdown(() => {
                clearTimeout(t);
                resolve();
            });
        });
    }
}
