// The capsule behind `forward_to = [pyroscope.write.X.receiver]` (Alloy's pyroscope.Appendable):
// profiles arrive either as label sets with raw pprof samples (`append`: pyroscope.scrape and
// Push requests) or as bodies of the original Pyroscope `/ingest` API passed on untouched
// (`appendIngest`: pyroscope.receive_http). Both resolve once every endpoint has answered and
// reject with what failed.

import type { RawProfileSample } from './push-protocol.js';

export const PROFILES_RECEIVER_TYPE = 'ProfilesReceiver';

export type ProfileLabels = Readonly<Record<string, string>>;

/** A body of the `/ingest` API as a client sent it. */
export interface IncomingProfile {
    readonly body: Uint8Array;
    /** Every Content-Type header value of the request, passed on as sent. */
    readonly contentTypes: readonly string[];
    /** The request's path (`/ingest`) and query string (without `?`). */
    readonly path: string;
    readonly query: string;
    readonly labels: ProfileLabels;
}

export interface ProfilesReceiver {
    append(labels: ProfileLabels, samples: readonly RawProfileSample[]): Promise<void>;
    appendIngest(profile: IncomingProfile): Promise<void>;
}

/** A downstream answered an `/ingest` request with a status other than 200 (receive_http answers with it). */
export class PyroscopeWriteError extends Error {
    constructor(
        readonly status: number,
        readonly body: string,
    ) {
        super(`pyroscope write error: status=${status} msg=${body}`);
        this.name = 'PyroscopeWriteError';
    }
}

export function isProfilesReceiver(p: unknown): p is ProfilesReceiver {
    return typeof p === 'object' && p !== null && typeof (p as ProfilesReceiver).append === 'function' && typeof (p as ProfilesReceiver).appendIngest === 'function';
}

/** Calls `f` on every receiver concurrently; rejects with every failure once all have settled. */
export async function forwardToAll(receivers: readonly ProfilesReceiver[], f: (r: ProfilesReceiver) => Promise<void>): Promise<void> {
    const results = await Promise.allSettled(receivers.map((r) => f(r)));
    const errors = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, errors.map((e) => (e instanceof Error ? e.message : String(e))).join('; '));
}
