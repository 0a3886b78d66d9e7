// pyroscope.scrape: pulls pprof profiles over HTTP and forwards the raw bytes, as Alloy's
// internal/component/pyroscope/scrape does (targets: scrape-targets.ts):
// - each target is scraped every scrape_interval with a GET (scrape_timeout, longer for `seconds`
//   profiles); a status other than 2xx, an empty body, a Content-Type other than
//   application/octet-stream, an HTML or JSON page, or bytes that cannot start a protobuf are errors;
// - memory, block and mutex profiles (not the godeltaprof ones) are turned into deltas here
//   (pprof-delta.ts), gzip-compressed and labelled `__delta__="false"`; the first scrape of such a
//   target only seeds the state and forwards nothing;
// - every profile gets `otel.scope.name="com.grafana.alloy/pyroscope.scrape"` unless it has one
//   (no `otel.scope.version`: that is Alloy's build version, and this is not Alloy);
// - the profile goes to every `forward_to` receiver; a failure there marks the target down, as a
//   failed scrape does.
// Targets start within the first second (Alloy spreads them over a whole interval and applies new
// targets every 5 s), so a local run shows profiles promptly.

import { createHash } from 'node:crypto';
import zlib from 'node:zlib';
import type { ArgumentBody, Component, ComponentContext, ComponentDefinition } from '../../component.js';
import { Args, ArgumentError, attr, block, formatDuration, schema } from '../decode.js';
import { errorMessage } from '../fanout.js';
import { type HttpAuth, authorizationHeader, decodeAuth } from '../http-auth.js';
import { describeNetworkError } from '../http-client.js';
import { type CounterHandle, type HistogramHandle, InstanceMetrics } from '../metrics.js';
import { USER_AGENT } from '../version.js';
import { DELTA_LABEL, NAME_LABEL } from './labels.js';
import { DELTA_PROFILE_TYPES, DeltaComputer } from './pprof-delta.js';
import { PROFILES_RECEIVER_TYPE, type ProfilesReceiver, forwardToAll, isProfilesReceiver } from './receiver.js';
import {
    DEFAULT_DELTA_DURATION_MS,
    DEFAULT_PROFILE_TYPES,
    DEFAULT_SCRAPE_INTERVAL_MS,
    type ProfileTypeConfig,
    type ProfilingTarget,
    type TargetSettings,
    profilingTargets,
} from './scrape-targets.js';

const PROFILE_ATTRIBUTES = (deltaType: string) => [attr('enabled', 'boolean'), attr('path', 'string'), attr('delta', deltaType)];

const SCHEMA = schema(
    [
        attr('targets', 'list(map(string))', true),
        attr('forward_to', 'list(ProfilesReceiver)', true),
        attr('job_name', 'string'),
        attr('params', 'map(list(string))'),
        attr('scrape_interval', 'duration'),
        attr('scrape_timeout', 'duration'),
        attr('scheme', 'string'),
        attr('delta_profiling_duration', 'duration'),
        attr('bearer_token', 'secret'),
        attr('bearer_token_file', 'string'),
        attr('http_headers', 'map(list(secret))'),
        attr('follow_redirects', 'bool'),
    ],
    [
        block('basic_auth', false, [attr('username', 'string'), attr('password', 'secret'), attr('password_file', 'string')]),
        block('authorization', false, [attr('type', 'string'), attr('credentials', 'secret'), attr('credentials_file', 'string')]),
        block('profiling_config', false, [attr('path_prefix', 'string')], [
            ...['memory', 'block', 'goroutine', 'mutex', 'process_cpu', 'fgprof'].map((t) => block(`profile.${t}`, false, PROFILE_ATTRIBUTES('boolean'))),
            ...['godeltaprof_memory', 'godeltaprof_mutex', 'godeltaprof_block'].map((t) => block(`profile.${t}`, false, PROFILE_ATTRIBUTES('bool'))),
            block('profile.custom', false, [attr('enabled', 'boolean', true), attr('path', 'string', true), attr('delta', 'boolean')]),
        ]),
    ],
    [],
);

/** Accepted and ignored: clustering is a no-op when Alloy is not clustered; HTTP/2 is a transport detail. */
export const IGNORED: readonly string[] = ['clustering', 'enable_http2'];

const SCOPE_LABEL = 'otel.scope.name';
const SCOPE_NAME = 'com.grafana.alloy/pyroscope.scrape';

interface ScrapeSettings extends TargetSettings {
    readonly headers: ReadonlyMap<string, readonly string[]>;
    readonly auth: HttpAuth;
    readonly followRedirects: boolean;
}

/** The first `n` bytes of the body as text, for error messages. */
const preview = (b: Uint8Array, n: number) => Buffer.from(b.subarray(0, n)).toString('utf8');

/** Alloy's validateProfileData: what a pprof endpoint must answer; undefined when it looks like a profile. */
export function profileDataProblem(data: Uint8Array, contentType: string): string | undefined {
    if (data.byteLength === 0) return 'empty response from profiling endpoint';
    if (contentType === '') return 'missing Content-Type header';
    if (!contentType.startsWith('application/octet-stream')) return `unexpected Content-Type ${contentType}, expected application/octet-stream for pprof data`;
    if (data.byteLength >= 10) {
        const text = Buffer.from(data.subarray(0, 64)).toString('latin1');
        const trimmed = text.replace(/^[ \t\r\n]+/, '');
        const html = trimmed.startsWith('<') && ((trimmed.length >= 9 && trimmed[1] === '!' && /[Dd]/.test(trimmed[2])) || (trimmed.length >= 5 && /[hHbBtT]/.test(trimmed[1])));
        const json = (trimmed[0] === '{' || trimmed[0] === '[') && data.byteLength > 20;
        if (html || json) return `text response instead of pprof: ${JSON.stringify(preview(data, 50))} (server should return HTTP error, not 200)`;
    }
    if (data.byteLength <= 2) return 'data too short for pprof format';
    if (data[0] === 0x1f && data[1] === 0x8b) return undefined;
    if ((data[0] & 0x07) >= 6) return `invalid protobuf data: illegal wireType ${data[0] & 0x07} (expected 0-5), first bytes: ${Buffer.from(data.subarray(0, 16)).toString('hex')}`;
    return undefined;
}

/** Scrapes one profiling target on its own timer. */
class ScrapeLoop {
    private timer: NodeJS.Timeout | undefined;
    private running: Promise<void> | undefined;
    private stopped = false;
    private readonly abort = new AbortController();
    /** Memory, block and mutex profiles: the delta against the previous scrape (undefined: sent as scraped). */
    private readonly delta: DeltaComputer | undefined;
    private seeded = false;
    lastError: string | undefined;
    scraped = false;

    constructor(
        private readonly owner: PyroscopeScrape,
        readonly target: ProfilingTarget,
        private readonly intervalMs: number,
    ) {
        const types = target.godeltaprof ? undefined : DELTA_PROFILE_TYPES[target.labels[NAME_LABEL]];
        this.delta = types === undefined ? undefined : new DeltaComputer(types);
    }

    start(): void {
        const offset = createHash('md5').update(this.target.key).digest().readUInt32BE(0) % Math.min(this.intervalMs, 1000);
        this.schedule(offset);
    }

    private schedule(delayMs: number): void {
        if (!this.stopped) this.timer = setTimeout(() => this.tick(), delayMs);
    }

    private tick(): void {
        if (this.stopped) return;
        if (!this.owner.paused && this.running === undefined) {
            this.running = this.scrapeOnce().finally(() => {
                this.running = undefined;
            });
        }
        this.schedule(this.intervalMs);
    }

    get inFlight(): boolean {
        return this.running !== undefined;
    }

    async stop(): Promise<void> {
        this.stopped = true;
        if (this.timer !== undefined) clearTimeout(this.timer);
        this.abort.abort();
        await this.running?.catch(() => undefined);
    }

    private async scrapeOnce(): Promise<void> {
        const ctx = this.owner.ctx;
        const span = ctx.tracer.startSpan('pyroscope.scrape', { attributes: { 'flowlens.component_id': ctx.globalId, 'url.full': this.target.url } });
        let error: string | undefined;
        try {
            const profile = await this.fetchProfile();
            await this.forward(profile);
        } catch (e) {
            error = errorMessage(e);
        }
        if (this.stopped) return span.end();
        this.scraped = true;
        this.lastError = error;
        if (error !== undefined) {
            span.setStatus({ code: 2, message: error });
            this.owner.scrapeFailed(this.target, error);
        }
        span.end();
        this.owner.refreshHealth();
    }

    private async fetchProfile(): Promise<Uint8Array> {
        const s = this.owner.settings;
        const headers = new Headers({ 'User-Agent': USER_AGENT });
        for (const [name, values] of s.headers) for (const v of values) headers.append(name, v);
        const authorization = await authorizationHeader(s.auth);
        if (authorization !== undefined) headers.set('Authorization', authorization);
        const signal = AbortSignal.any([this.abort.signal, AbortSignal.timeout(this.target.timeoutMs)]);
        let res: Response;
        let body: Uint8Array;
        try {
            res = await fetch(this.target.url, { headers, signal, redirect: s.followRedirects ? 'follow' : 'manual' });
            body = new Uint8Array(await res.arrayBuffer());
        } catch (e) {
            const err = e as Error & { cause?: unknown };
            if (err.name === 'TimeoutError') throw new Error(`scrape timed out after ${formatDuration(this.target.timeoutMs)}`);
            throw new Error(describeNetworkError(err.cause ?? err));
        }
        if (Math.floor(res.status / 100) !== 2) {
            const text = preview(body, 1024).trim();
            throw new Error(`server returned HTTP status (${res.status}) ${text !== '' ? text : `${res.status} ${res.statusText}`}`);
        }
        if (body.byteLength === 0) throw new Error(`empty ${this.target.labels[NAME_LABEL]} profile`);
        const problem = profileDataProblem(body, res.headers.get('content-type') ?? '');
        if (problem !== undefined) throw new Error(`invalid profile data: ${problem}`);
        return body;
    }

    private async forward(raw: Uint8Array): Promise<void> {
        const labels: Record<string, string> = { ...this.target.labels };
        if (!labels[SCOPE_LABEL]) labels[SCOPE_LABEL] = SCOPE_NAME;
        let profile = raw;
        if (this.delta !== undefined) {
            labels[DELTA_LABEL] = 'false'; // the server must not compute the delta again
            const plain = raw[0] === 0x1f && raw[1] === 0x8b ? zlib.gunzipSync(raw) : raw;
            profile = zlib.gzipSync(this.delta.delta(plain));
            if (!this.seeded) {
                this.seeded = true;
                return;
            }
        }
        await this.owner.forward(labels, profile);
    }
}

export class PyroscopeScrape implements Component {
    settings!: ScrapeSettings;
    private forwardTo: ProfilesReceiver[] = [];
    private loops = new Map<string, ScrapeLoop>();
    private invalidTargets: string[] = [];
    private started = false;
    paused = false;
    private forwarding = 0;
    private lastHealth: string | undefined;
    private readonly metrics: InstanceMetrics;
    private readonly forwarded: CounterHandle;
    private readonly latency: HistogramHandle;

    constructor(readonly ctx: ComponentContext) {
        this.metrics = new InstanceMetrics(ctx.registry, ctx.metricLabels);
        this.forwarded = this.metrics.counter({ name: 'pyroscope_forwarded_entries_total', help: 'Total number of samples sent to downstream components.', type: 'counter' });
        this.latency = this.metrics.histogram({ name: 'pyroscope_fanout_latency', help: 'Write latency for sending to pyroscope profiles', type: 'histogram', buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });
    }

    update(body: ArgumentBody): void | Promise<void> {
        const args = Args.of('pyroscope.scrape', SCHEMA, body, { ignored: IGNORED });
        const forwardTo = args.capsules('forward_to', PROFILES_RECEIVER_TYPE, isProfilesReceiver);
        const targets = args.targets('targets') ?? [];
        const intervalMs = args.duration('scrape_interval', DEFAULT_SCRAPE_INTERVAL_MS, { allowZero: false });
        const timeoutMs = args.duration('scrape_timeout', 10_000);
        if (timeoutMs <= 0) throw new ArgumentError('scrape_timeout must be greater than 0');
        const deltaDurationMs = args.duration('delta_profiling_duration', DEFAULT_DELTA_DURATION_MS);
        const scheme = args.string('scheme', '') || 'http';
        if (scheme !== 'http' && scheme !== 'https') args.fail('scheme', `expected "http" or "https", got ${JSON.stringify(scheme)}`);
        const types = profileTypes(args.block('profiling_config'));
        for (const t of types.values()) {
            if (!t.enabled || !t.delta) continue;
            if (intervalMs < 2000) throw new ArgumentError('scrape_interval must be at least 2 seconds when using delta profiling');
            if (deltaDurationMs <= 1000) throw new ArgumentError('delta_profiling_duration must be larger than 1 second when using delta profiling');
            if (deltaDurationMs > intervalMs - 1000) throw new ArgumentError('delta_profiling_duration must be at least 1 second smaller than scrape_interval when using delta profiling');
        }
        const settings: ScrapeSettings = {
            jobName: args.string('job_name', ''),
            scheme,
            params: args.stringListMap('params') ?? new Map(),
            intervalMs,
            timeoutMs,
            deltaDurationMs,
            profiling: { types, pathPrefix: args.block('profiling_config')?.string('path_prefix', '') ?? '' },
            headers: args.stringListMap('http_headers', true) ?? new Map(),
            auth: decodeAuth(args),
            followRedirects: args.bool('follow_redirects', true),
        };
        const intervalChanged = this.settings !== undefined && (this.settings.intervalMs !== intervalMs || this.settings.timeoutMs !== timeoutMs);
        this.settings = settings;
        this.forwardTo = forwardTo;

        const resolved = new Map<string, ProfilingTarget>();
        const invalid: string[] = [];
        targets.forEach((t, i) => {
            try {
                for (const target of profilingTargets(t, settings)) resolved.set(target.key, target);
            } catch (e) {
                invalid.push(`instance ${i} (${JSON.stringify(t.__address__ ?? '')}): ${errorMessage(e)}`);
            }
        });
        this.invalidTargets = invalid;
        for (const msg of invalid) this.ctx.log('error', `creating targets failed: ${msg}`);
        // Alloy restarts every loop when the interval or timeout changes, and keeps unchanged targets otherwise.
        const removed: ScrapeLoop[] = [];
        for (const [key, loop] of this.loops) {
            if (!resolved.has(key) || intervalChanged) {
                removed.push(loop);
                this.loops.delete(key);
            }
        }
        for (const [key, target] of resolved) {
            if (this.loops.has(key)) continue;
            const loop = new ScrapeLoop(this, target, intervalMs);
            this.loops.set(key, loop);
            if (this.started) loop.start();
        }
        this.refreshHealth();
        if (removed.length > 0) return Promise.all(removed.map((l) => l.stop())).then(() => undefined);
    }

    start(): void {
        if (this.started) return;
        this.started = true;
        for (const loop of this.loops.values()) loop.start();
    }

    /** Sends one profile to every receiver; rejects with what failed. */
    async forward(labels: Record<string, string>, raw: Uint8Array): Promise<void> {
        const t0 = performance.now();
        this.forwarding++;
        this.ctx.countIn(1);
        try {
            await forwardToAll(this.forwardTo, (r) => r.append(labels, [{ raw, id: '' }]));
            this.ctx.countOut(1);
            this.forwarded.inc();
        } catch (e) {
            this.ctx.countError();
            throw new Error(`push failed: ${errorMessage(e)}`);
        } finally {
            this.forwarding--;
            this.latency.observe((performance.now() - t0) / 1000);
        }
    }

    scrapeFailed(target: ProfilingTarget, error: string): void {
        this.ctx.log('warn', `scrape of ${target.url} failed: ${error}`, { target: target.url });
    }

    /** Healthy unless the configuration is invalid (as in Alloy); the message says which targets are down and why. */
    refreshHealth(): void {
        const loops = [...this.loops.values()];
        const down = loops.filter((l) => l.scraped && l.lastError !== undefined);
        const parts = [`${loops.length - down.length} of ${loops.length} profiling target(s) up`];
        if (down.length > 0) parts.push(`down: ${down.slice(0, 3).map((l) => `${l.target.url} (${l.lastError})`).join('; ')}${down.length > 3 ? ` and ${down.length - 3} more` : ''}`);
        if (this.invalidTargets.length > 0) parts.push(`${this.invalidTargets.length} invalid target(s): ${this.invalidTargets[0]}`);
        const message = parts.join('; ');
        if (message === this.lastHealth) return;
        this.lastHealth = message;
        this.ctx.setHealth('healthy', message);
    }

    /** Per-target state, for debug views and tests. */
    targetStatus(): { url: string; labels: Record<string, string>; up: boolean | undefined; error?: string }[] {
        return [...this.loops.values()].map((l) => ({ url: l.target.url, labels: { ...l.target.labels }, up: l.scraped ? l.lastError === undefined : undefined, error: l.lastError }));
    }

    pending(): number {
        let n = this.forwarding;
        for (const l of this.loops.values()) if (l.inFlight) n++;
        return n;
    }

    pauseSource(): void {
        this.paused = true;
    }

    resumeSource(): void {
        this.paused = false;
    }

    async stop(): Promise<void> {
        const loops = [...this.loops.values()];
        this.loops.clear();
        await Promise.all(loops.map((l) => l.stop()));
        this.metrics.close();
    }
}

/** The profile types of a `profiling_config` block over Alloy's defaults (a block sets only what it names). */
function profileTypes(cfg: Args | undefined): Map<string, ProfileTypeConfig> {
    const types = new Map<string, ProfileTypeConfig>(Object.entries(DEFAULT_PROFILE_TYPES));
    if (cfg === undefined) return types;
    for (const [name, def] of Object.entries(DEFAULT_PROFILE_TYPES)) {
        const b = cfg.block(`profile.${name}`);
        if (b !== undefined) types.set(name, { enabled: b.bool('enabled', def.enabled), path: b.string('path', def.path), delta: b.bool('delta', def.delta) });
    }
    const custom = cfg.body.blocks.filter((b) => b.name === 'profile.custom');
    cfg.blocks('profile.custom').forEach((b, i) => {
        const name = custom[i].label;
        if (name === undefined || name === '') return b.fail('enabled', 'a profile.custom block needs a label: the profile name');
        types.set(name, { enabled: b.bool('enabled', false), path: b.string('path', ''), delta: b.bool('delta', false) });
    });
    return types;
}

export const pyroscopeScrape: ComponentDefinition = {
    name: 'pyroscope.scrape',
    schema: SCHEMA,
    source: true,
    create: (ctx) => new PyroscopeScrape(ctx),
};
