// pyroscope.write: sends profiles to Pyroscope, as Alloy's internal/component/pyroscope/write does:
// - `append` (from pyroscope.scrape and Push requests) becomes one push.v1.PushRequest, sent to every
//   endpoint at once with connect-go's Connect protocol (push-protocol.ts); labels starting with `__`
//   are not sent except `__name__` and `__delta__`; `external_labels` are added and win;
// - `appendIngest` (an `/ingest` body received by pyroscope.receive_http) is posted as it came to
//   {url}/ingest, its `name` parameter rewritten with the profile's labels and the external labels;
//   anything but 200 is an error;
// - each endpoint retries on its own, with dskit's jittered backoff from min_backoff_period doubling
//   to max_backoff_period, max_backoff_retries attempts in all (0: until stopped): Connect codes
//   unknown, internal, unavailable (which includes HTTP 429 without an error body), data_loss,
//   aborted and deadline_exceeded, timeouts and network errors are retried; resource_exhausted, and
//   an `/ingest` 429, only with retry_on_http_429; an `/ingest` 408 and 5xx are retried too;
// - the caller waits until every endpoint succeeded or gave up, and gets the failures as an error.
// Not sent: Alloy's X-Alloy-Id header (flowlens has no Alloy instance ID) and trace propagation
// headers (`tracing`; no trace context reaches the write from a scrape in either implementation).

import type { ArgumentBody, Component, ComponentContext, ComponentDefinition } from '../../component.js';
import { Args, ArgumentError, attr, block, schema } from '../decode.js';
import { EndpointHealth } from '../endpoint-health.js';
import { type HttpAuth, authorizationHeader, decodeAuth } from '../http-auth.js';
import { HttpClient, describeNetworkError, sleep } from '../http-client.js';
import { type CounterHandle, type HistogramHandle, InstanceMetrics, type MetricSpec } from '../metrics.js';
import { USER_AGENT } from '../version.js';
import { DELTA_LABEL, NAME_LABEL, ensureNameMatchesService, normalizedLabelSet, profileLabelsProblem } from './labels.js';
import { CONNECT_PROTO_CONTENT_TYPE, type ConnectCode, PUSH_PROCEDURE, type RawProfileSample, connectErrorOf, encodePushRequest } from './push-protocol.js';
import { type IncomingProfile, PROFILES_RECEIVER_TYPE, type ProfileLabels, type ProfilesReceiver, PyroscopeWriteError } from './receiver.js';
import { createHash } from 'node:crypto';

const SCHEMA = schema(
    [attr('external_labels', 'map(string)')],
    [
        block(
            'endpoint',
            false,
            [
                attr('url', 'string', true),
                attr('name', 'string'),
                attr('remote_timeout', 'duration'),
                attr('headers', 'map(string)'),
                attr('bearer_token', 'secret'),
                attr('bearer_token_file', 'string'),
                attr('http_headers', 'map(list(secret))'),
                attr('min_backoff_period', 'duration'),
                attr('max_backoff_period', 'duration'),
                attr('max_backoff_retries', 'int'),
                attr('retry_on_http_429', 'bool'),
            ],
            [
                block('basic_auth', false, [attr('username', 'string'), attr('password', 'secret'), attr('password_file', 'string')]),
                block('authorization', false, [attr('type', 'string'), attr('credentials', 'secret'), attr('credentials_file', 'string')]),
            ],
        ),
    ],
    [{ name: 'receiver', type: 'receiver' }],
);

/**
 * Accepted and ignored: HTTP/2 and redirects change nothing about what is sent; debug-info uploads only
 * come from pyroscope.ebpf, which flowlens does not run; `tracing` only adds propagation headers.
 */
export const IGNORED: readonly string[] = ['endpoint.enable_http2', 'endpoint.follow_redirects', 'endpoint.debug_info_upload_timeout', 'tracing'];

const ENDPOINT = ['endpoint'];
const SPEC = {
    sentBytes: { name: 'pyroscope_write_sent_bytes_total', help: 'Total number of compressed bytes sent to Pyroscope.', type: 'counter', labelNames: ENDPOINT },
    droppedBytes: { name: 'pyroscope_write_dropped_bytes_total', help: 'Total number of compressed bytes dropped by Pyroscope.', type: 'counter', labelNames: ENDPOINT },
    sentProfiles: { name: 'pyroscope_write_sent_profiles_total', help: 'Total number of profiles sent to Pyroscope.', type: 'counter', labelNames: ENDPOINT },
    droppedProfiles: { name: 'pyroscope_write_dropped_profiles_total', help: 'Total number of profiles dropped by Pyroscope.', type: 'counter', labelNames: ENDPOINT },
    retries: { name: 'pyroscope_write_retries_total', help: 'Total number of retries to Pyroscope.', type: 'counter', labelNames: ENDPOINT },
    latency: {
        name: 'pyroscope_write_latency',
        help: 'Write latency for sending profiles to pyroscope',
        type: 'histogram',
        labelNames: ['endpoint', 'type'],
        buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    },
} as const satisfies Record<string, MetricSpec>;

interface EndpointConfig {
    readonly url: string;
    readonly name: string;
    readonly remoteTimeoutMs: number;
    readonly headers: Readonly<Record<string, string>>;
    readonly minBackoffMs: number;
    readonly maxBackoffMs: number;
    readonly maxRetries: number;
    readonly retryOn429: boolean;
    readonly auth: HttpAuth;
}

/** One failed attempt: whether to retry and what to say. */
interface Failure {
    readonly retryable: boolean;
    readonly message: string;
}

/** dskit's backoff: each wait is drawn from [min, 2·min), the range doubling up to max_backoff_period. */
class Backoff {
    retries = 0;
    private low: number;
    private high: number;

    constructor(private readonly cfg: EndpointConfig) {
        this.low = cfg.minBackoffMs;
        this.high = Math.min(cfg.minBackoffMs * 2, cfg.maxBackoffMs);
    }

    /** Counts a retry and returns the wait before it, or undefined when no retry is left. */
    next(): number | undefined {
        this.retries++;
        if (this.cfg.maxRetries > 0 && this.retries >= this.cfg.maxRetries) return undefined;
        const wait = this.low >= this.high ? this.low : this.low + Math.random() * (this.high - this.low);
        if (this.high < this.cfg.maxBackoffMs) {
            this.low = Math.min(this.low * 2, this.cfg.maxBackoffMs);
            this.high = Math.min(this.high * 2, this.cfg.maxBackoffMs);
        }
        return wait;
    }
}

class Endpoint {
    /** Keeps its connections open across pushes (the push URL never changes). */
    private readonly pushClient: HttpClient;

    constructor(public cfg: EndpointConfig) {
        this.pushClient = new HttpClient(joinUrl(cfg.url, PUSH_PROCEDURE));
    }

    reconfigure(cfg: EndpointConfig): void {
        this.cfg = cfg;
    }

    close(): void {
        this.pushClient.close();
    }

    async headers(contentType: readonly string[]): Promise<Record<string, string>> {
        const headers: Record<string, string> = { ...this.cfg.headers, 'User-Agent': USER_AGENT };
        const authorization = await authorizationHeader(this.cfg.auth);
        if (authorization !== undefined) headers.Authorization = authorization;
        if (contentType.length > 0) headers['Content-Type'] = contentType.join(', ');
        return headers;
    }

    /** One Push call as connect-go makes it; undefined on success. */
    async push(body: Uint8Array, signal: AbortSignal): Promise<Failure | undefined> {
        const headers = { ...(await this.headers([CONNECT_PROTO_CONTENT_TYPE])), 'Connect-Protocol-Version': '1', 'Connect-Timeout-Ms': String(this.cfg.remoteTimeoutMs) };
        try {
            const res = await this.pushClient.post(body, headers, this.cfg.remoteTimeoutMs, signal);
            if (res.status === 200) return undefined;
            const { code, message } = connectErrorOf(res.status, res.text);
            return { retryable: retryableCode(code, this.cfg.retryOn429), message: `${code}: ${message}` };
        } catch (e) {
            // connect-go reports timeouts as deadline_exceeded and transport errors as unavailable: both retried.
            return { retryable: true, message: `unavailable: ${describeNetworkError(e)}` };
        }
    }

    /** One `/ingest` POST as pyroscope.write forwards it; undefined on success. */
    async ingest(profile: IncomingProfile, query: string, signal: AbortSignal): Promise<Failure | (Failure & { status: number; body: string }) | undefined> {
        // The query differs per profile, so each /ingest request gets a client of its own.
        const client = new HttpClient(`${joinUrl(this.cfg.url, profile.path)}${query === '' ? '' : '?' + query}`);
        try {
            const res = await client.post(profile.body, await this.headers(profile.contentTypes), this.cfg.remoteTimeoutMs, signal);
            if (res.status === 200) return undefined;
            const retryable = res.status === 429 ? this.cfg.retryOn429 : res.status === 408 || res.status >= 500;
            return { retryable, status: res.status, body: res.text, message: `remote error: pyroscope write error: status=${res.status} msg=${res.text}` };
        } catch (e) {
            // Not a Connect error: connect.CodeOf says unknown, which Alloy retries.
            return { retryable: true, message: `do request: ${describeNetworkError(e)}` };
        } finally {
            client.close();
        }
    }
}

/** Connect codes Alloy's shouldRetry retries. */
function retryableCode(code: ConnectCode, retryOn429: boolean): boolean {
    if (code === 'resource_exhausted') return retryOn429;
    return ['deadline_exceeded', 'unknown', 'internal', 'unavailable', 'data_loss', 'aborted'].includes(code);
}

/** The base URL with a path appended (connect-go trims the base's trailing slash; Go's path.Join for /ingest). */
function joinUrl(base: string, path: string): string {
    const u = new URL(base);
    u.pathname = (u.pathname.replace(/\/+$/, '') + '/' + path.replace(/^\/+/, '')).replace(/\/{2,}/g, '/');
    u.search = '';
    return u.toString();
}

export class PyroscopeWrite implements Component {
    private endpoints = new Map<string, Endpoint>();
    private external: Readonly<Record<string, string>> = {};
    private readonly metrics: InstanceMetrics;
    private readonly counters = new Map<string, CounterHandle>();
    private readonly histograms = new Map<string, HistogramHandle>();
    private readonly health: EndpointHealth;
    private readonly abort = new AbortController();
    private inFlight = 0;
    private readonly receiver: ProfilesReceiver;

    constructor(private readonly ctx: ComponentContext) {
        this.metrics = new InstanceMetrics(ctx.registry, ctx.metricLabels);
        for (const spec of Object.values(SPEC)) this.metrics.declare(spec);
        this.health = new EndpointHealth(ctx);
        this.receiver = {
            append: (labels, samples) => this.track(samples.length, () => this.append(labels, samples)),
            appendIngest: (profile) => this.track(1, () => this.appendIngest(profile)),
        };
    }

    update(body: ArgumentBody): void {
        const args = Args.of('pyroscope.write', SCHEMA, body, { ignored: IGNORED });
        const external = Object.fromEntries(args.stringMap('external_labels') ?? []);
        const configs = args.blocks('endpoint').map(decodeEndpoint);
        const names = new Set<string>();
        for (const c of configs) {
            if (names.has(c.name)) throw new ArgumentError(`endpoint names must be unique: "${c.name}" is used twice (set a distinct name for each endpoint)`);
            names.add(c.name);
        }
        const next = new Map<string, Endpoint>();
        for (const c of configs) {
            const key = `${c.name}\u0000${c.url}`;
            const existing = this.endpoints.get(key);
            existing?.reconfigure(c);
            next.set(key, existing ?? new Endpoint(c));
        }
        for (const [key, e] of this.endpoints) if (!next.has(key)) e.close();
        this.endpoints = next;
        this.external = external;
        this.ctx.setExports({ receiver: { kind: 'capsule', type: PROFILES_RECEIVER_TYPE, payload: this.receiver } });
        this.health.configure(configs.length === 0 ? 'no endpoints configured: profiles are discarded' : `${configs.length} endpoint(s): ${configs.map((c) => c.url).join(', ')}`, names);
    }

    private async track(count: number, send: () => Promise<void>): Promise<void> {
        this.ctx.countIn(count);
        this.inFlight += count;
        try {
            await send();
            this.ctx.countOut(count);
        } catch (e) {
            this.ctx.countError();
            throw e;
        } finally {
            this.inFlight -= count;
        }
    }

    private counter(spec: MetricSpec, endpoint: string): CounterHandle {
        const key = `${spec.name}\u0000${endpoint}`;
        let c = this.counters.get(key);
        if (c === undefined) this.counters.set(key, (c = this.metrics.counter(spec, { endpoint })));
        return c;
    }

    private observe(endpoint: string, type: string, startMs: number): void {
        const key = `${endpoint}\u0000${type}`;
        let h = this.histograms.get(key);
        if (h === undefined) this.histograms.set(key, (h = this.metrics.histogram(SPEC.latency, { endpoint, type })));
        h.observe((performance.now() - startMs) / 1000);
    }

    private async append(labels: ProfileLabels, samples: readonly RawProfileSample[]): Promise<void> {
        const t0 = performance.now();
        const problem = profileLabelsProblem(labels);
        if (problem !== undefined) throw new Error(`invalid labels in profile: ${problem}`);
        const sent: Record<string, string> = {};
        for (const [name, value] of Object.entries(labels)) {
            if (name.startsWith('__') && name !== NAME_LABEL && name !== DELTA_LABEL) continue;
            if (value !== '') sent[name] = value;
        }
        for (const [name, value] of Object.entries(this.external)) {
            if (value === '') delete sent[name];
            else sent[name] = value;
        }
        const pairs = Object.keys(sent)
            .sort()
            .map((name) => ({ name, value: sent[name] }));
        const body = encodePushRequest([{ labels: pairs, samples }]);
        const size = samples.reduce((n, s) => n + s.raw.byteLength, 0);
        try {
            await this.toEveryEndpoint('push', size, samples.length, (ep) => ep.push(body, this.abort.signal));
        } finally {
            this.observe('-', 'push_total', t0);
        }
    }

    private async appendIngest(profile: IncomingProfile): Promise<void> {
        const t0 = performance.now();
        const labels = ensureNameMatchesService(profile.labels);
        const problem = profileLabelsProblem(labels);
        if (problem !== undefined) throw new Error(`invalid labels in profile: ${problem}`);
        const set: Record<string, string> = {};
        for (const [k, v] of Object.entries(labels)) if (v !== '') set[k] = v;
        for (const [k, v] of Object.entries(this.external)) {
            if (v === '') delete set[k];
            else set[k] = v;
        }
        const query = new URLSearchParams(profile.query);
        query.set('name', normalizedLabelSet(set));
        // Go's url.Values.Encode sorts by key.
        query.sort();
        let statusError: PyroscopeWriteError | undefined;
        try {
            await this.toEveryEndpoint('ingest', profile.body.byteLength, 1, async (ep) => {
                const failure = await ep.ingest(profile, query.toString(), this.abort.signal);
                if (failure !== undefined && 'status' in failure) statusError = new PyroscopeWriteError(failure.status, failure.body);
                return failure;
            });
        } catch (e) {
            // receive_http answers an /ingest client with the downstream's status.
            if (statusError !== undefined) throw Object.assign(statusError, { message: (e as Error).message });
            throw e;
        } finally {
            this.observe('-', 'ingest_total', t0);
        }
    }

    /** Sends to every endpoint concurrently, each with its own retries; rejects with every endpoint's final error. */
    private async toEveryEndpoint(kind: 'push' | 'ingest', bytes: number, profiles: number, attempt: (ep: Endpoint) => Promise<Failure | undefined>): Promise<void> {
        const errors: string[] = [];
        await Promise.all(
            [...this.endpoints.values()].map(async (ep) => {
                const url = ep.cfg.url;
                const t0 = performance.now();
                const backoff = new Backoff(ep.cfg);
                let failure: Failure | undefined;
                for (;;) {
                    const a0 = performance.now();
                    failure = await attempt(ep);
                    this.observe(url, `${kind}_downstream`, a0);
                    if (failure === undefined) break;
                    this.ctx.log('debug', `failed to ${kind} to endpoint`, { endpoint: url, retries: backoff.retries, err: failure.message });
                    if (!failure.retryable || this.abort.signal.aborted) break;
                    const wait = backoff.next();
                    if (wait === undefined || !(await sleep(wait, this.abort.signal))) break;
                    this.counter(SPEC.retries, url).inc();
                }
                this.observe(url, `${kind}_endpoint`, t0);
                if (failure === undefined) {
                    this.counter(SPEC.sentBytes, url).inc(bytes);
                    this.counter(SPEC.sentProfiles, url).inc(profiles);
                    this.health.ok(ep.cfg.name);
                    return;
                }
                this.counter(SPEC.droppedBytes, url).inc(bytes);
                this.counter(SPEC.droppedProfiles, url).inc(profiles);
                this.ctx.countDropped(profiles);
                const message = `failed to ${kind} to endpoint ${url} (${backoff.retries} retries): ${failure.message}`;
                this.health.failed(ep.cfg.name, message);
                errors.push(message);
            }),
        );
        if (errors.length > 0) {
            this.ctx.log('warn', errors.join('; '));
            throw new Error(errors.join('; '));
        }
    }

    pending(): number {
        return this.inFlight;
    }

    async stop(): Promise<void> {
        this.abort.abort();
        for (const e of this.endpoints.values()) e.close();
        this.endpoints.clear();
        this.metrics.close();
    }
}

function decodeEndpoint(ep: Args): EndpointConfig {
    const url = ep.string('url', '');
    try {
        const parsed = new URL(url);
        if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('scheme');
    } catch {
        ep.fail('url', `expected an http(s) URL, got ${JSON.stringify(url)}`);
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of ep.stringMap('headers') ?? []) headers[k] = v;
    for (const [k, vs] of ep.stringListMap('http_headers', true) ?? []) headers[k] = vs.join(', ');
    const minBackoffMs = ep.duration('min_backoff_period', 500);
    const maxBackoffMs = ep.duration('max_backoff_period', 5 * 60_000);
    return {
        url,
        name: ep.string('name', '') || createHash('sha256').update(url).digest('hex').slice(0, 6),
        remoteTimeoutMs: ep.duration('remote_timeout', 10_000, { allowZero: false }),
        headers,
        minBackoffMs,
        maxBackoffMs: Math.max(maxBackoffMs, minBackoffMs),
        maxRetries: ep.int('max_backoff_retries', 10, 0),
        retryOn429: ep.bool('retry_on_http_429', true),
        auth: decodeAuth(ep),
    };
}

export const pyroscopeWrite: ComponentDefinition = {
    name: 'pyroscope.write',
    schema: SCHEMA,
    create: (ctx) => new PyroscopeWrite(ctx),
};
