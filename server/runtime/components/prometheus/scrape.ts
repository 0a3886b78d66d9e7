// prometheus.scrape: scrapes targets over HTTP (Prometheus text format 0.0.4)
// and forwards each scrape's samples, in one batch, to `forward_to`.
//
// Behaviour follows Prometheus' scrape loop where it matters locally:
// - target labels: `__address__` (required), `__scheme__`, `__metrics_path__`, `__param_<name>`,
//   `__scrape_interval__`, `__scrape_timeout__`; `job` defaults to `job_name` (default: the component's
//   global ID), `instance` to `__address__`; labels starting with `__` are not attached to samples;
// - honor_labels: off → conflicting scraped labels are renamed `exported_<name>`; on → scraped win;
// - report series `up`, `scrape_duration_seconds`, `scrape_samples_scraped`,
//   `scrape_samples_post_metric_relabeling`, `scrape_series_added` (+ `scrape_timeout_seconds`,
//   `scrape_sample_limit`, `scrape_body_size_bytes` with extra_metrics);
// - a failed scrape (unreachable, timeout, HTTP status other than 200, limits) reports `up 0` and
//   staleness markers for the series of the previous successful scrape; series that disappear between
//   scrapes and targets that are removed also get staleness markers.
// The target address SELF_SCRAPE_ADDRESS (prometheus.exporter.self) is read from the runtime's registry
// in process instead of over the network.

import { createHash } from 'node:crypto';
import zlib from 'node:zlib';
import type { ArgumentBody, Component, ComponentContext, ComponentDefinition, MetricsReceiver } from '../../component.js';
import { METRICS_RECEIVER_TYPE } from '../../component.js';
import { ExpositionParser } from '../../protocols/exposition.js';
import { type Label, type Labels, type Sample, METRIC_NAME_LABEL, isValidLabelName, labelsFromRecord, labelsKey } from '../../protocols/labels.js';
import { STALE_NAN } from '../../protocols/staleness.js';
import { Args, attr, formatDuration, isMetricsReceiver, parseDuration, schema } from '../decode.js';
import { errorMessage, forwardSamples } from '../fanout.js';
import { HTTP_CLIENT_ATTRIBUTES, HTTP_CLIENT_BLOCKS, type HttpClientConfig, createHttpClient, decodeHttpClientConfig } from '../http-client-config.js';
import { BodyTooLarge, type HttpClient, type HttpResponse, describeNetworkError } from '../http-client.js';
import { type CounterHandle, FORWARDED_SAMPLES, InstanceMetrics } from '../metrics.js';
import { SELF_SCRAPE_ADDRESS } from './exporter-self.js';
import { USER_AGENT } from '../version.js';

const SCHEMA = schema(
    [
        attr('forward_to', 'list(MetricsReceiver)', true),
        attr('targets', 'list(map(string))', true),
        ...HTTP_CLIENT_ATTRIBUTES,
        attr('body_size_limit', 'int'),
        attr('enable_compression', 'bool'),
        attr('extra_metrics', 'bool'),
        attr('http_headers', 'map(list(secret))'),
        attr('honor_labels', 'bool'),
        attr('honor_timestamps', 'bool'),
        attr('job_name', 'string'),
        attr('label_limit', 'uint'),
        attr('label_name_length_limit', 'uint'),
        attr('label_value_length_limit', 'uint'),
        attr('metrics_path', 'string'),
        attr('params', 'map(list(string))'),
        attr('sample_limit', 'uint'),
        attr('scheme', 'string'),
        attr('scrape_interval', 'duration'),
        attr('scrape_protocols', 'list(string)'),
        attr('scrape_timeout', 'duration'),
        attr('target_limit', 'uint'),
        attr('track_timestamps_staleness', 'bool'),
    ],
    [
        ...HTTP_CLIENT_BLOCKS,
    ],
    [],
);

/**
 * Catalog arguments accepted and ignored because ignoring them is harmless locally: clustering is a no-op
 * when Alloy is not clustered; HTTP/2 is a transport detail; native-histogram and metadata options only
 * matter for protobuf scrapes (flowlens scrapes the text format, which carries no native histograms);
 * the escaping/validation schemes default to Prometheus' legacy names, which is what flowlens uses.
 */
export const IGNORED: readonly string[] = [
    'clustering',
    'enable_http2',
    'enable_protobuf_negotiation',
    'honor_metadata',
    'scrape_classic_histograms',
    'scrape_native_histograms',
    'native_histogram_bucket_limit',
    'native_histogram_min_bucket_factor',
    'convert_classic_histograms_to_nhcb',
    'metric_name_validation_scheme',
    'metric_name_escaping_scheme',
    'scrape_fallback_protocol',
];

const TEXT_PROTOCOL = 'PrometheusText0.0.4';
const ACCEPT_HEADER = 'text/plain;version=0.0.4;q=1,*/*;q=0.1';

interface ScrapeConfig {
    jobName: string;
    intervalMs: number;
    timeoutMs: number;
    metricsPath: string;
    scheme: string;
    params: Map<string, string[]>;
    honorLabels: boolean;
    honorTimestamps: boolean;
    trackTimestampsStaleness: boolean;
    extraMetrics: boolean;
    sampleLimit: number;
    bodySizeLimit: number;
    labelLimit: number;
    labelNameLengthLimit: number;
    labelValueLengthLimit: number;
    targetLimit: number;
    enableCompression: boolean;
    headers: Map<string, string[]>;
    client: HttpClientConfig;
}

/** A resolved target: where to scrape and the labels attached to its samples. */
interface ResolvedTarget {
    key: string;
    url: string;
    address: string;
    labels: Labels;
    intervalMs: number;
    timeoutMs: number;
}

class ScrapeError extends Error {}

function resolveTarget(target: Readonly<Record<string, string>>, cfg: ScrapeConfig): ResolvedTarget {
    const lset = new Map<string, string>();
    for (const k of Object.keys(target)) lset.set(k, target[k]);
    const setDefault = (name: string, value: string) => {
        if (!lset.get(name)) lset.set(name, value);
    };
    setDefault('job', cfg.jobName);
    setDefault('__scheme__', cfg.scheme);
    setDefault('__metrics_path__', cfg.metricsPath);
    setDefault('__scrape_interval__', formatDuration(cfg.intervalMs));
    setDefault('__scrape_timeout__', formatDuration(cfg.timeoutMs));
    for (const [name, values] of cfg.params) if (values.length > 0) setDefault(`__param_${name}`, values[0]);
    const address = lset.get('__address__') ?? '';
    if (address === '') throw new ScrapeError('target has no __address__ label');
    if (/[/?#]/.test(address)) throw new ScrapeError(`invalid __address__ ${JSON.stringify(address)}: expected host:port`);
    const scheme = lset.get('__scheme__')!;
    if (scheme !== 'http' && scheme !== 'https') throw new ScrapeError(`unsupported scheme ${JSON.stringify(scheme)} (expected http or https)`);
    let intervalMs: number;
    let timeoutMs: number;
    try {
        intervalMs = parseDuration(lset.get('__scrape_interval__')!);
        timeoutMs = parseDuration(lset.get('__scrape_timeout__')!);
    } catch (e) {
        throw new ScrapeError(`invalid __scrape_interval__ or __scrape_timeout__: ${errorMessage(e)}`);
    }
    if (intervalMs <= 0) throw new ScrapeError('scrape interval must be greater than zero');
    if (timeoutMs <= 0) throw new ScrapeError('scrape timeout must be greater than zero');
    if (timeoutMs > intervalMs) timeoutMs = intervalMs;
    setDefault('instance', address);
    // Query: all configured params, with __param_<name> overriding the first value.
    const query = new URLSearchParams();
    const overridden = new Set<string>();
    for (const [k, v] of lset) {
        if (k.startsWith('__param_')) {
            const name = k.slice('__param_'.length);
            const rest = cfg.params.get(name)?.slice(1) ?? [];
            query.append(name, v);
            for (const r of rest) query.append(name, r);
            overridden.add(name);
        }
    }
    for (const [name, values] of cfg.params) if (!overridden.has(name)) for (const v of values) query.append(name, v);
    let path = lset.get('__metrics_path__')!;
    if (!path.startsWith('/')) path = '/' + path;
    const qs = query.toString();
    const url = `${scheme}://${address}${path}${qs ? (path.includes('?') ? '&' : '?') + qs : ''}`;
    const labels: Record<string, string> = {};
    for (const [k, v] of lset) {
        if (k.startsWith('__')) continue;
        if (!isValidLabelName(k)) throw new ScrapeError(`invalid target label name ${JSON.stringify(k)}`);
        labels[k] = v;
    }
    const finalLabels = labelsFromRecord(labels);
    return { key: `${url}\u0000${intervalMs}\u0000${timeoutMs}\u0000${labelsKey(finalLabels)}`, url, address, labels: finalLabels, intervalMs, timeoutMs };
}

/** Adds target labels to scraped labels (Prometheus' mutateSampleLabels without relabel rules). */
function mergeTargetLabels(scraped: Labels, target: Labels, honorLabels: boolean): Labels {
    const out: Label[] = scraped.slice();
    const get = (name: string) => out.find((l) => l.name === name)?.value ?? '';
    const set = (name: string, value: string) => {
        const i = out.findIndex((l) => l.name === name);
        if (value === '') {
            if (i >= 0) out.splice(i, 1);
        } else if (i >= 0) out[i] = { name, value };
        else out.push({ name, value });
    };
    if (honorLabels) {
        for (const l of target) if (get(l.name) === '') set(l.name, l.value);
    } else {
        const conflicts: Label[] = [];
        for (const l of target) {
            const existing = get(l.name);
            if (existing !== '') conflicts.push({ name: l.name, value: existing });
            set(l.name, l.value);
        }
        conflicts.sort((a, b) => a.name.length - b.name.length); // stable, as Prometheus does
        for (const c of conflicts) {
            let name = 'exported_' + c.name;
            while (get(name) !== '') name = 'exported_' + name;
            set(name, c.value);
        }
    }
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function withName(labels: Labels, name: string): Labels {
    return labelsFromRecord({ ...Object.fromEntries(labels.map((l) => [l.name, l.value])), [METRIC_NAME_LABEL]: name });
}

const REPORT_NAMES = [
    'up',
    'scrape_duration_seconds',
    'scrape_samples_scraped',
    'scrape_samples_post_metric_relabeling',
    'scrape_series_added',
    'scrape_timeout_seconds',
    'scrape_sample_limit',
    'scrape_body_size_bytes',
] as const;
type ReportName = (typeof REPORT_NAMES)[number];

interface ScrapeOutcome {
    ok: boolean;
    error?: string;
}

/** Scrapes one target on its own timer. */
class ScrapeLoop {
    private parser: ExpositionParser;
    private honorTimestamps: boolean;
    /** Parsed labels (identity, from the parser's series cache) → labels with target labels merged. */
    private merged = new WeakMap<Labels, { labels: Labels; key: string }>();
    /** Series of the last successful scrape, for staleness markers. */
    private previous = new Map<string, Labels>();
    private readonly reportLabels: Record<ReportName, Labels>;
    private timer: NodeJS.Timeout | undefined;
    private running: Promise<void> | undefined;
    private stopped = false;
    lastOutcome: ScrapeOutcome | undefined;
    lastScrapeMs = 0;

    constructor(
        private readonly owner: PrometheusScrape,
        readonly target: ResolvedTarget,
        cfg: ScrapeConfig,
    ) {
        this.honorTimestamps = cfg.honorTimestamps;
        this.parser = new ExpositionParser({ honorTimestamps: cfg.honorTimestamps });
        this.reportLabels = Object.fromEntries(REPORT_NAMES.map((n) => [n, withName(target.labels, n)])) as Record<ReportName, Labels>;
    }

    /** Called when non-target configuration changed (labels handling, limits, timestamps). */
    configChanged(cfg: ScrapeConfig): void {
        this.merged = new WeakMap();
        if (cfg.honorTimestamps !== this.honorTimestamps) {
            this.honorTimestamps = cfg.honorTimestamps;
            this.parser = new ExpositionParser({ honorTimestamps: cfg.honorTimestamps });
        }
    }

    start(): void {
        // Spread targets over the first interval (capped at 1 s so a local run shows data quickly).
        const spread = Math.min(this.target.intervalMs, 1000);
        const offset = createHash('md5').update(this.target.key).digest().readUInt32BE(0) % Math.max(1, spread);
        this.schedule(offset);
    }

    private schedule(delayMs: number): void {
        if (this.stopped) return;
        this.timer = setTimeout(() => this.tick(), delayMs);
    }

    private tick(): void {
        if (this.stopped) return;
        const started = Date.now();
        if (!this.owner.paused && this.running === undefined) {
            this.running = this.scrapeOnce().finally(() => {
                this.running = undefined;
            });
        }
        const next = this.target.intervalMs - ((Date.now() - started) % this.target.intervalMs);
        this.schedule(next);
    }

    get inFlight(): boolean {
        return this.running !== undefined;
    }

    /** Stops the timer; with `stale`, forwards staleness markers for every series this target had. */
    async stop(stale: boolean): Promise<void> {
        this.stopped = true;
        if (this.timer !== undefined) clearTimeout(this.timer);
        await this.running?.catch(() => undefined);
        if (stale && this.lastOutcome !== undefined) {
            const now = Date.now();
            const markers: Sample[] = [];
            for (const labels of this.previous.values()) markers.push({ labels, value: STALE_NAN, timestampMs: now });
            for (const n of this.reportNames()) markers.push({ labels: this.reportLabels[n], value: STALE_NAN, timestampMs: now });
            this.previous.clear();
            await this.owner.forward(markers);
        }
    }

    private reportNames(): ReportName[] {
        return this.owner.config.extraMetrics ? [...REPORT_NAMES] : REPORT_NAMES.slice(0, 5);
    }

    async scrapeOnce(): Promise<void> {
        const cfg = this.owner.config;
        const startMs = Date.now();
        const t0 = performance.now();
        const span = this.owner.ctx.tracer.startSpan('prometheus.scrape', { attributes: { 'flowlens.component_id': this.owner.ctx.globalId, 'url.full': this.target.url } });
        let text: string | undefined;
        let bodySize = 0;
        let error: string | undefined;
        try {
            text = await this.fetchText(cfg);
            bodySize = Buffer.byteLength(text);
        } catch (e) {
            error = errorMessage(e);
            if (e instanceof BodyTooLarge) bodySize = -1;
        }
        const samples: Sample[] = [];
        const current = new Map<string, Labels>();
        let scraped = 0;
        let added = 0;
        if (text !== undefined) {
            const result = this.parser.parse(text, startMs);
            scraped = result.samples.length;
            if (result.errors.length > 0) {
                const first = result.errors[0];
                this.owner.ctx.log('debug', `skipped ${result.errors.length} malformed line(s) from ${this.target.url}`, { line: first.line, error: first.message });
            }
            if (cfg.sampleLimit > 0 && scraped > cfg.sampleLimit) {
                error = `sample_limit exceeded: ${scraped} samples > ${cfg.sampleLimit}`;
            } else {
                for (const s of result.samples) {
                    let m = this.merged.get(s.labels);
                    if (m === undefined) {
                        const labels = mergeTargetLabels(s.labels, this.target.labels, cfg.honorLabels);
                        m = { labels, key: labelsKey(labels) };
                        this.merged.set(s.labels, m);
                    }
                    const limitError = checkLabelLimits(m.labels, cfg);
                    if (limitError !== undefined) {
                        error = limitError;
                        break;
                    }
                    samples.push(m.labels === s.labels ? s : { labels: m.labels, value: s.value, timestampMs: s.timestampMs });
                    const explicitTs = s.timestampMs !== startMs;
                    if (!explicitTs || cfg.trackTimestampsStaleness) {
                        if (!this.previous.has(m.key)) added++;
                        current.set(m.key, m.labels);
                    }
                }
            }
        }
        const ok = error === undefined;
        const kept = ok ? samples.length : 0;
        if (!ok) {
            samples.length = 0;
            current.clear();
            added = 0;
        }
        // Staleness markers for series that disappeared (all of them when the scrape failed).
        for (const [key, labels] of this.previous) {
            if (!current.has(key)) samples.push({ labels, value: STALE_NAN, timestampMs: startMs });
        }
        this.previous = current;
        const durationS = (performance.now() - t0) / 1000;
        const report = (name: ReportName, value: number) => samples.push({ labels: this.reportLabels[name], value, timestampMs: startMs });
        report('up', ok ? 1 : 0);
        report('scrape_duration_seconds', durationS);
        report('scrape_samples_scraped', ok ? scraped : 0);
        report('scrape_samples_post_metric_relabeling', kept);
        report('scrape_series_added', added);
        if (cfg.extraMetrics) {
            report('scrape_timeout_seconds', this.target.timeoutMs / 1000);
            report('scrape_sample_limit', cfg.sampleLimit);
            report('scrape_body_size_bytes', ok ? bodySize : bodySize < 0 ? -1 : 0);
        }
        this.lastOutcome = { ok, error };
        this.lastScrapeMs = startMs;
        if (!ok) {
            span.setStatus({ code: 2, message: error });
            this.owner.scrapeFailed(this.target, error!);
        }
        span.setAttribute('flowlens.samples', samples.length);
        span.end();
        this.owner.ctx.countIn(ok ? scraped : 0);
        await this.owner.forward(samples);
        this.owner.refreshHealth();
    }

    private async fetchText(cfg: ScrapeConfig): Promise<string> {
        if (this.target.address === SELF_SCRAPE_ADDRESS) {
            return withTimeout(this.owner.ctx.registry.metrics(), this.target.timeoutMs);
        }
        const headers: Record<string, string> = {
            Accept: ACCEPT_HEADER,
            'Accept-Encoding': cfg.enableCompression ? 'gzip' : 'identity',
            'User-Agent': USER_AGENT,
            'X-Prometheus-Scrape-Timeout-Seconds': String(this.target.timeoutMs / 1000),
        };
        for (const [name, values] of cfg.headers) headers[name] = values.join(', ');
        const limit = cfg.bodySizeLimit > 0 ? cfg.bodySizeLimit : Infinity;
        let res: HttpResponse;
        try {
            res = await this.owner.client.request({ method: 'GET', url: this.target.url, headers, timeoutMs: this.target.timeoutMs, signal: this.owner.ctx.signal, maxBodyBytes: limit });
        } catch (e) {
            if (e instanceof BodyTooLarge) throw e;
            const message = describeNetworkError(e);
            if (message.startsWith('request timed out')) throw new Error(`scrape timed out after ${formatDuration(this.target.timeoutMs)}`);
            throw new Error(message === 'request aborted' ? 'scrape aborted' : message);
        }
        if (res.status !== 200) throw new Error(`server returned HTTP status ${res.status}${res.statusText ? ' ' + res.statusText : ''}`);
        const encoding = String(res.headers['content-encoding'] ?? '').toLowerCase();
        if (encoding !== 'gzip') return res.body.toString('utf8');
        try {
            return zlib.gunzipSync(res.body, Number.isFinite(limit) ? { maxOutputLength: limit } : {}).toString('utf8');
        } catch (e) {
            if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw new BodyTooLarge(`body size limit exceeded: more than ${limit} bytes`);
            throw new Error(`invalid gzip body: ${(e as Error).message}`);
        }
    }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
    return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`scrape timed out after ${formatDuration(ms)}`)), ms);
        p.then(
            (v) => {
                clearTimeout(t);
                resolve(v);
            },
            (e: unknown) => {
                clearTimeout(t);
                reject(e instanceof Error ? e : new Error(String(e)));
            },
        );
    });
}

function checkLabelLimits(labels: Labels, cfg: ScrapeConfig): string | undefined {
    if (cfg.labelLimit > 0 && labels.length > cfg.labelLimit) return `label_limit exceeded: ${labels.length} labels > ${cfg.labelLimit}`;
    if (cfg.labelNameLengthLimit > 0 || cfg.labelValueLengthLimit > 0) {
        for (const l of labels) {
            if (cfg.labelNameLengthLimit > 0 && l.name.length > cfg.labelNameLengthLimit) return `label_name_length_limit exceeded: label name ${JSON.stringify(l.name)}`;
            if (cfg.labelValueLengthLimit > 0 && l.value.length > cfg.labelValueLengthLimit) return `label_value_length_limit exceeded: value of label ${JSON.stringify(l.name)}`;
        }
    }
    return undefined;
}

export class PrometheusScrape implements Component {
    config!: ScrapeConfig;
    client!: HttpClient;
    private forwardTo: MetricsReceiver[] = [];
    private loops = new Map<string, ScrapeLoop>();
    private invalidTargets: string[] = [];
    private started = false;
    paused = false;
    private readonly metrics: InstanceMetrics;
    private readonly forwarded: CounterHandle;
    private readonly failures: CounterHandle;
    private forwarding = 0;
    private lastHealth: string | undefined;

    constructor(readonly ctx: ComponentContext) {
        this.metrics = new InstanceMetrics(ctx.registry, ctx.metricLabels);
        this.forwarded = this.metrics.counter(FORWARDED_SAMPLES);
        this.failures = this.metrics.counter({ name: 'prometheus_scrape_failures_total', help: 'Total number of failed scrapes (target down, timeout, bad response or limits).', type: 'counter' });
        this.metrics.gaugeFn({ name: 'prometheus_scrape_targets_gauge', help: 'Number of targets this component is configured to scrape.', type: 'gauge' }, undefined, () => this.loops.size);
    }

    update(body: ArgumentBody): void | Promise<void> {
        const args = Args.of('prometheus.scrape', SCHEMA, body, { ignored: IGNORED });
        const forwardTo = args.capsules('forward_to', METRICS_RECEIVER_TYPE, isMetricsReceiver);
        const targets = args.targets('targets') ?? [];
        const intervalMs = args.duration('scrape_interval', 60_000, { allowZero: false });
        const timeoutSet = args.has('scrape_timeout');
        let timeoutMs = args.duration('scrape_timeout', 10_000, { allowZero: false });
        if (timeoutMs > intervalMs) {
            if (timeoutSet) args.fail('scrape_timeout', `scrape_timeout (${formatDuration(timeoutMs)}) is greater than scrape_interval (${formatDuration(intervalMs)})`);
            timeoutMs = intervalMs;
        }
        const protocols = args.stringList('scrape_protocols');
        if (protocols !== undefined && !protocols.includes(TEXT_PROTOCOL)) {
            args.fail('scrape_protocols', `flowlens' embedded runtime scrapes only ${TEXT_PROTOCOL}; include it in the list (other protocols run on Grafana Alloy)`);
        }
        const scheme = args.string('scheme', '') || 'http';
        if (scheme !== 'http' && scheme !== 'https') args.fail('scheme', `expected "http" or "https", got ${JSON.stringify(scheme)}`);
        const cfg: ScrapeConfig = {
            jobName: args.string('job_name', '') || this.ctx.globalId,
            intervalMs,
            timeoutMs,
            metricsPath: args.string('metrics_path', '/metrics'),
            scheme,
            params: args.stringListMap('params') ?? new Map(),
            honorLabels: args.bool('honor_labels', false),
            honorTimestamps: args.bool('honor_timestamps', true),
            trackTimestampsStaleness: args.bool('track_timestamps_staleness', false),
            extraMetrics: args.bool('extra_metrics', false),
            sampleLimit: args.int('sample_limit', 0, 0),
            bodySizeLimit: args.int('body_size_limit', 0, 0),
            labelLimit: args.int('label_limit', 0, 0),
            labelNameLengthLimit: args.int('label_name_length_limit', 0, 0),
            labelValueLengthLimit: args.int('label_value_length_limit', 0, 0),
            targetLimit: args.int('target_limit', 0, 0),
            enableCompression: args.bool('enable_compression', true),
            headers: args.stringListMap('http_headers', true) ?? new Map(),
            client: decodeHttpClientConfig(args),
        };
        if (this.config?.client.key !== cfg.client.key) {
            this.client?.close();
            this.client = createHttpClient(`${scheme}://scrape.invalid/`, cfg.client);
        }
        this.config = cfg;
        this.forwardTo = forwardTo;

        const resolved = new Map<string, ResolvedTarget>();
        const invalid: string[] = [];
        for (const t of targets) {
            try {
                const r = resolveTarget(t, cfg);
                resolved.set(r.key, r);
            } catch (e) {
                invalid.push(`${JSON.stringify(t.__address__ ?? t)}: ${errorMessage(e)}`);
            }
        }
        if (cfg.targetLimit > 0 && resolved.size > cfg.targetLimit) {
            invalid.push(`target_limit exceeded: ${resolved.size} targets > ${cfg.targetLimit}; nothing is scraped`);
            resolved.clear();
        }
        this.invalidTargets = invalid;
        for (const msg of invalid) this.ctx.log('warn', `dropping target: ${msg}`);

        const removed: ScrapeLoop[] = [];
        for (const [key, loop] of this.loops) {
            if (!resolved.has(key)) {
                removed.push(loop);
                this.loops.delete(key);
            } else {
                loop.configChanged(cfg);
            }
        }
        for (const [key, target] of resolved) {
            if (this.loops.has(key)) continue;
            const loop = new ScrapeLoop(this, target, cfg);
            this.loops.set(key, loop);
            if (this.started) loop.start();
        }
        this.refreshHealth();
        if (removed.length > 0) return Promise.all(removed.map((l) => l.stop(true))).then(() => undefined);
    }

    start(): void {
        if (this.started) return;
        this.started = true;
        for (const loop of this.loops.values()) loop.start();
    }

    /** Forwards one scrape's samples (one batch) to every receiver. */
    async forward(samples: Sample[]): Promise<void> {
        if (samples.length === 0 || this.forwardTo.length === 0) return;
        this.forwarding += samples.length;
        try {
            await forwardSamples(this.forwardTo, samples);
            this.ctx.countOut(samples.length);
            this.forwarded.inc(samples.length);
        } catch (e) {
            this.ctx.countError();
            this.ctx.log('warn', `forwarding ${samples.length} scraped samples failed: ${errorMessage(e)}`);
        } finally {
            this.forwarding -= samples.length;
        }
    }

    scrapeFailed(target: ResolvedTarget, error: string): void {
        this.failures.inc();
        this.ctx.log('warn', `scrape of ${target.url} failed: ${error}`, { target: target.url });
    }

    /**
     * Alloy reports prometheus.scrape unhealthy only for invalid configuration; flowlens keeps that state
     * rule but says in the message which targets are down and why.
     */
    refreshHealth(): void {
        const loops = [...this.loops.values()];
        const down = loops.filter((l) => l.lastOutcome !== undefined && !l.lastOutcome.ok);
        const parts: string[] = [];
        parts.push(`${loops.length - down.length} of ${loops.length} target(s) up`);
        if (down.length > 0) parts.push(`down: ${down.slice(0, 3).map((l) => `${l.target.url} (${l.lastOutcome!.error})`).join('; ')}${down.length > 3 ? ` and ${down.length - 3} more` : ''}`);
        if (this.invalidTargets.length > 0) parts.push(`${this.invalidTargets.length} invalid target(s): ${this.invalidTargets[0]}`);
        const message = parts.join('; ');
        if (message === this.lastHealth) return; // report changes only (this runs after every scrape)
        this.lastHealth = message;
        this.ctx.setHealth('healthy', message);
    }

    /** Per-target state, for debug views and tests. */
    targetStatus(): { url: string; labels: Record<string, string>; up: boolean | undefined; error?: string; lastScrapeMs: number }[] {
        return [...this.loops.values()].map((l) => ({
            url: l.target.url,
            labels: Object.fromEntries(l.target.labels.map((x) => [x.name, x.value])),
            up: l.lastOutcome?.ok,
            error: l.lastOutcome?.error,
            lastScrapeMs: l.lastScrapeMs,
        }));
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
        await Promise.all(loops.map((l) => l.stop(false)));
        this.client?.close();
        this.metrics.close();
    }
}

export const prometheusScrape: ComponentDefinition = {
    name: 'prometheus.scrape',
    schema: SCHEMA,
    source: true,
    create: (ctx) => new PrometheusScrape(ctx),
};
