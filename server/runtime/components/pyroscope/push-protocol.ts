// Pyroscope's push API as Alloy's pyroscope.write sends it and pyroscope.receive_http serves it:
// the connect-go unary call `push.v1.PusherService/Push` in the Connect protocol over HTTP/1.1
// (POST {url}/push.v1.PusherService/Push, `Content-Type: application/proto`,
// `Connect-Protocol-Version: 1`, a protobuf `push.v1.PushRequest`), and the Connect protocol's
// errors: a JSON body `{"code": "...", "message": "..."}` whose code wins over the HTTP status,
// else the code connect-go derives from the status.

import * as protobuf from 'protobufjs';

// Field numbers from Pyroscope's api/push/v1/push.proto and api/types/v1/types.proto.
const PUSH_PROTO = `
syntax = "proto3";
package push.v1;

message LabelPair { string name = 1; string value = 2; }
message PushRequest { repeated RawProfileSeries series = 1; }
message RawProfileSeries { repeated LabelPair labels = 1; repeated RawSample samples = 2; }
message RawSample { bytes raw_profile = 1; string ID = 2; }
message PushResponse {}
`;

const root = protobuf.parse(PUSH_PROTO, { keepCase: true }).root;
const PushRequestType = root.lookupType('push.v1.PushRequest');

export const PUSH_PROCEDURE = '/push.v1.PusherService/Push';
export const CONNECT_PROTO_CONTENT_TYPE = 'application/proto';
export const CONNECT_JSON_CONTENT_TYPE = 'application/json';

export interface RawProfileSample {
    /** The pprof profile as sent (usually gzip-compressed). */
    readonly raw: Uint8Array;
    readonly id: string;
}

export interface ProfileSeries {
    /** Label pairs in the order they travel (pyroscope.write sends them sorted by name). */
    readonly labels: readonly { readonly name: string; readonly value: string }[];
    readonly samples: readonly RawProfileSample[];
}

interface PushRequestMessage {
    series?: { labels?: { name?: string; value?: string }[]; samples?: { raw_profile?: Uint8Array; ID?: string }[] }[];
}

export function encodePushRequest(series: readonly ProfileSeries[]): Uint8Array {
    const message: PushRequestMessage = {
        series: series.map((s) => ({
            labels: s.labels.map((l) => ({ name: l.name, value: l.value })),
            samples: s.samples.map((x) => ({ raw_profile: x.raw, ID: x.id })),
        })),
    };
    return PushRequestType.encode(PushRequestType.fromObject(message)).finish();
}

/** Decodes a protobuf PushRequest; throws on malformed bytes. */
export function decodePushRequest(body: Uint8Array): ProfileSeries[] {
    return fromMessage(PushRequestType.decode(body) as unknown as PushRequestMessage);
}

/** Decodes the JSON form of a PushRequest (protobuf's JSON mapping: base64 bytes, camelCase or original names). */
export function decodePushRequestJson(text: string): ProfileSeries[] {
    const doc = JSON.parse(text) as { series?: { labels?: { name?: string; value?: string }[]; samples?: Record<string, string>[] }[] };
    return (doc.series ?? []).map((s) => ({
        labels: (s.labels ?? []).map((l) => ({ name: l.name ?? '', value: l.value ?? '' })),
        samples: (s.samples ?? []).map((x) => ({ raw: Buffer.from(x.rawProfile ?? x.raw_profile ?? '', 'base64'), id: x.ID ?? x.iD ?? '' })),
    }));
}

function fromMessage(message: PushRequestMessage): ProfileSeries[] {
    return (message.series ?? []).map((s) => ({
        labels: (s.labels ?? []).map((l) => ({ name: l.name ?? '', value: l.value ?? '' })),
        samples: (s.samples ?? []).map((x) => ({ raw: x.raw_profile ?? new Uint8Array(0), id: x.ID ?? '' })),
    }));
}

// ---------------------------------------------------------------------------------------------
// Connect protocol errors
// ---------------------------------------------------------------------------------------------

export type ConnectCode =
    | 'canceled'
    | 'unknown'
    | 'invalid_argument'
    | 'deadline_exceeded'
    | 'not_found'
    | 'already_exists'
    | 'permission_denied'
    | 'resource_exhausted'
    | 'failed_precondition'
    | 'aborted'
    | 'out_of_range'
    | 'unimplemented'
    | 'internal'
    | 'unavailable'
    | 'data_loss'
    | 'unauthenticated';

const CODE_TO_HTTP: Readonly<Record<ConnectCode, number>> = {
    canceled: 408,
    unknown: 500,
    invalid_argument: 400,
    deadline_exceeded: 408,
    not_found: 404,
    already_exists: 409,
    permission_denied: 403,
    resource_exhausted: 429,
    failed_precondition: 412,
    aborted: 409,
    out_of_range: 400,
    unimplemented: 404,
    internal: 500,
    unavailable: 503,
    data_loss: 500,
    unauthenticated: 401,
};

/** The HTTP status a Connect server answers an error code with. */
export function connectCodeToHttp(code: ConnectCode): number {
    return CODE_TO_HTTP[code];
}

/** The code connect-go gives an error response without a usable JSON error body. */
export function connectCodeFromHttp(status: number): ConnectCode {
    switch (status) {
        case 400:
            return 'invalid_argument';
        case 401:
            return 'unauthenticated';
        case 403:
            return 'permission_denied';
        case 404:
            return 'unimplemented';
        case 408:
            return 'deadline_exceeded';
        case 412:
            return 'failed_precondition';
        case 413:
        case 431:
            return 'resource_exhausted';
        case 429:
        case 502:
        case 503:
        case 504:
            return 'unavailable';
        default:
            return 'unknown';
    }
}

function isConnectCode(x: unknown): x is ConnectCode {
    return typeof x === 'string' && Object.prototype.hasOwnProperty.call(CODE_TO_HTTP, x);
}

/** The error of a non-200 unary response: the JSON error body's code and message, else the status's code. */
export function connectErrorOf(status: number, body: string): { code: ConnectCode; message: string } {
    if (body.trimStart().startsWith('{')) {
        try {
            const doc = JSON.parse(body) as { code?: unknown; message?: unknown };
            if (isConnectCode(doc.code)) return { code: doc.code, message: typeof doc.message === 'string' ? doc.message : '' };
        } catch {
            // not a Connect error body: fall back to the status
        }
    }
    return { code: connectCodeFromHttp(status), message: body.split('\n')[0] || `HTTP status ${status}` };
}

/** The JSON body of a Connect error response. */
export function connectErrorBody(code: ConnectCode, message: string): string {
    return JSON.stringify({ code, message });
}
