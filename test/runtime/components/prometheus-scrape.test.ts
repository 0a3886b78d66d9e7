import { Gauge } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import type { Component } from '../../../server/runtime/component.js';
import { prometheusExporterSelf } from '../../../server/runtime/components/prometheus/exporter-self.js';
import { type PrometheusScrape, prometheusScrape } from '../../../server/runtime/components/prometheus/scrape.js';
import { isStaleNaN } from '../../../server/runtime/protocols/staleness.js';
import { type SampleSink, body, freePort, labelsOf, metricValue, sampleSink, sleep, startComponent, startServer, stopAll, waitFor } from './harness.js';

afterEach(stopAll);

const PAGE = `# HELP http_requests_total Requests.
# TYPE http_requests_total counter
http_requests_total{code="200",method="get"} 1027
http_requests_total{code="500",method="get"} 3
# TYPE temperature gauge
temperature 21.5
`;

function find(sink: SampleSink, name: string, extra: Record<string, string> = {}) {
    return sink.samples.filter((s) => {
        const l = labelsOf(s);
        return l.__name__ === name && Object.entries(extra).every(([k, v]) => l[k] === v);
    });
}

// Scrapes that must succeed use a 1 s interval: the timeout defaults to the interval, and a 100 ms
// timeout fails a scrape on a loaded machine.
describe('prometheus.scrape', () => {
    it('scrapes a loopback target and forwards one batch per scrape with job/instance/target labels', async () => {
        const paths: string[] = [];
        const headers: Record<string, string | string[] | undefined>[] = [];
        const server = await startServer((req, res) => {
            paths.push(req.url ?? '');
            headers.push(req.headers);
            res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' });
            res.end(PAGE);
        });
        const sink = sampleSink();
        const address = `127.0.0.1:${server.port}`;
        const r = await startComponent(prometheusScrape, body({ targets: [{ __address__: address, team: 'a' }], forward_to: [sink.value], scrape_interval: '1s' }));
        await waitFor(() => sink.batches.length >= 2, 5000, 'two scrapes');
        expect(paths[0]).toBe('/metrics');
        expect(String(headers[0].accept)).toContain('text/plain;version=0.0.4');
        expect(headers[0]['user-agent']).toMatch(/^flowlens\/\d+\.\d+\.\d+/);
        expect(headers[0]['x-prometheus-scrape-timeout-seconds']).toBe('1');
        // One batch per scrape: 3 samples + 5 report series.
        expect(sink.batches[0]).toBe(8);
        const [req200] = find(sink, 'http_requests_total', { code: '200' });
        expect(labelsOf(req200)).toEqual({ __name__: 'http_requests_total', code: '200', method: 'get', job: 'prometheus.scrape.test', instance: address, team: 'a' });
        expect(req200.value).toBe(1027);
        const up = find(sink, 'up');
        expect(up[0].value).toBe(1);
        expect(labelsOf(up[0])).toEqual({ __name__: 'up', job: 'prometheus.scrape.test', instance: address, team: 'a' });
        expect(find(sink, 'scrape_samples_scraped')[0].value).toBe(3);
        expect(find(sink, 'scrape_series_added')[0].value).toBe(3);
        expect(find(sink, 'scrape_series_added')[1].value).toBe(0);
        expect(find(sink, 'scrape_duration_seconds')[0].value).toBeGreaterThan(0);
        expect(r.ctx.health.state).toBe('healthy');
        expect(r.ctx.health.message).toContain('1 of 1 target(s) up');
        expect(r.ctx.counts.out).toBeGreaterThanOrEqual(16);
        expect(await metricValue(r.ctx.registry, 'prometheus_scrape_targets_gauge', { component_id: 'prometheus.scrape.test' })).toBe(1);
    });

    it('applies job_name, metrics_path, scheme, params and __param_ overrides', async () => {
        const urls: string[] = [];
        const server = await startServer((req, res) => {
            urls.push(req.url ?? '');
            res.end('x 1\n');
        });
        const sink = sampleSink();
        await startComponent(
            prometheusScrape,
            body({
                targets: [{ __address__: `127.0.0.1:${server.port}`, __param_module: 'http_2xx' }, { __address__: `127.0.0.1:${server.port}`, __metrics_path__: '/other', instance: 'custom' }],
                forward_to: [sink.value],
                scrape_interval: '1s',
                job_name: 'blackbox',
                metrics_path: '/probe',
                scheme: 'http',
                params: { target: ['grafana.com'], module: ['icmp', 'second'] },
            }),
        );
        await waitFor(() => urls.some((u) => u.startsWith('/probe')) && urls.some((u) => u.startsWith('/other')), 5000, 'both targets scraped');
        await waitFor(() => find(sink, 'x').some((s) => labelsOf(s).instance === 'custom') && find(sink, 'x').some((s) => labelsOf(s).instance !== 'custom'), 5000, 'both scrapes forwarded');
        expect(urls).toContain('/probe?module=http_2xx&module=second&target=grafana.com');
        expect(urls).toContain('/other?target=grafana.com&module=icmp&module=second');
        const xs = find(sink, 'x');
        expect(new Set(xs.map((s) => labelsOf(s).job))).toEqual(new Set(['blackbox']));
        expect(xs.some((s) => labelsOf(s).instance === 'custom')).toBe(true);
    });

    it('renames conflicting scraped labels to exported_* unless honor_labels', async () => {
        const server = await startServer((_req, res) => {
            res.end('m{job="from_target",instance="i",exported_job="e"} 1\n');
        });
        const address = `127.0.0.1:${server.port}`;
        const plain = sampleSink();
        await startComponent(prometheusScrape, body({ targets: [{ __address__: address }], forward_to: [plain.value], scrape_interval: '1s' }), { label: 'plain' });
        const honor = sampleSink();
        await startComponent(prometheusScrape, body({ targets: [{ __address__: address }], forward_to: [honor.value], scrape_interval: '1s', honor_labels: true }), { label: 'honor' });
        await waitFor(() => plain.batches.length >= 1 && honor.batches.length >= 1, 5000, 'both scrapes');
        expect(labelsOf(find(plain, 'm')[0])).toEqual({
            __name__: 'm',
            job: 'prometheus.scrape.plain',
            instance: address,
            exported_job: 'e',
            exported_exported_job: 'from_target',
            exported_instance: 'i',
        });
        expect(labelsOf(find(honor, 'm')[0])).toEqual({ __name__: 'm', job: 'from_target', instance: 'i', exported_job: 'e' });
    });

    it('reports up 0 for an unreachable target, says so in the health message, and keeps running', async () => {
        const port = await freePort();
        const sink = sampleSink();
        const r = await startComponent(prometheusScrape, body({ targets: [{ __address__: `127.0.0.1:${port}` }], forward_to: [sink.value], scrape_interval: '100ms' }));
        await waitFor(() => sink.batches.length >= 3, 5000, 'three failed scrapes');
        const up = find(sink, 'up');
        expect(up.every((s) => s.value === 0)).toBe(true);
        expect(find(sink, 'scrape_samples_scraped')[0].value).toBe(0);
        expect(r.ctx.health.state).toBe('healthy');
        expect(r.ctx.health.message).toMatch(/0 of 1 target\(s\) up; down: http:\/\/127\.0\.0\.1:\d+\/metrics \(.*ECONNREFUSED/);
        expect(r.ctx.logs.some((l) => l.level === 'warn' && l.message.includes('ECONNREFUSED'))).toBe(true);
        expect(await metricValue(r.ctx.registry, 'prometheus_scrape_failures_total')).toBeGreaterThanOrEqual(3);
        const status = (r.component as PrometheusScrape).targetStatus();
        expect(status[0].up).toBe(false);
    });

    it('honours scrape_timeout', async () => {
        const server = await startServer(async (_req, res) => {
            await sleep(2000);
            res.end('late 1\n');
        });
        const sink = sampleSink();
        const t0 = Date.now();
        const r = await startComponent(prometheusScrape, body({ targets: [{ __address__: `127.0.0.1:${server.port}` }], forward_to: [sink.value], scrape_interval: '1s', scrape_timeout: '200ms' }));
        await waitFor(() => sink.batches.length >= 1, 3000, 'a timed-out scrape');
        expect(Date.now() - t0).toBeLessThan(1500);
        expect(find(sink, 'up')[0].value).toBe(0);
        expect(find(sink, 'scrape_duration_seconds')[0].value).toBeLessThan(1);
        expect(r.ctx.health.message).toContain('scrape timed out after 200ms');
    });

    it('fails scrapes over sample_limit and for non-200 responses', async () => {
        let status = 200;
        const server = await startServer((_req, res) => {
            res.writeHead(status);
            res.end(PAGE);
        });
        const sink = sampleSink();
        const r = await startComponent(prometheusScrape, body({ targets: [{ __address__: `127.0.0.1:${server.port}` }], forward_to: [sink.value], scrape_interval: '1s', sample_limit: 2, extra_metrics: true }));
        await waitFor(() => sink.batches.length >= 1, 5000, 'a scrape');
        expect(find(sink, 'up')[0].value).toBe(0);
        expect(find(sink, 'scrape_sample_limit')[0].value).toBe(2);
        expect(find(sink, 'scrape_timeout_seconds')[0].value).toBe(1);
        expect(r.ctx.health.message).toContain('sample_limit exceeded: 3 samples > 2');
        status = 503;
        await r.component.update(body({ targets: [{ __address__: `127.0.0.1:${server.port}` }], forward_to: [sink.value], scrape_interval: '1s' }));
        await waitFor(() => r.ctx.health.message.includes('HTTP status 503'), 5000, 'a 503 scrape');
    });

    it('sends staleness markers for series that disappear and when a scrape fails', async () => {
        let page = 'a 1\nb 2\n';
        let fail = false;
        const server = await startServer((_req, res) => {
            if (fail) {
                res.writeHead(500);
                res.end();
            } else res.end(page);
        });
        const sink = sampleSink();
        await startComponent(prometheusScrape, body({ targets: [{ __address__: `127.0.0.1:${server.port}` }], forward_to: [sink.value], scrape_interval: '1s' }));
        await waitFor(() => find(sink, 'b').length >= 1, 5000, 'first scrape');
        page = 'a 1\n';
        await waitFor(() => find(sink, 'b').some((s) => isStaleNaN(s.value)), 5000, 'stale marker for b');
        fail = true;
        await waitFor(() => find(sink, 'a').some((s) => isStaleNaN(s.value)), 5000, 'stale marker for a after a failed scrape');
    });

    it('marks the series of a removed target stale', async () => {
        const server = await startServer((_req, res) => {
            res.end('gone 1\n');
        });
        const sink = sampleSink();
        const r = await startComponent(prometheusScrape, body({ targets: [{ __address__: `127.0.0.1:${server.port}` }], forward_to: [sink.value], scrape_interval: '1s' }));
        await waitFor(() => find(sink, 'gone').length >= 1, 5000, 'a scrape');
        await r.component.update(body({ targets: [], forward_to: [sink.value], scrape_interval: '1s' }));
        expect(find(sink, 'gone').some((s) => isStaleNaN(s.value))).toBe(true);
        expect(find(sink, 'up').some((s) => isStaleNaN(s.value))).toBe(true);
    });

    it('scrapes prometheus.exporter.self in process from the runtime registry', async () => {
        const self = await startComponent(prometheusExporterSelf, body(), { label: 'self' });
        const registry = self.ctx.registry;
        const g = new Gauge({ name: 'flowlens_test_self_gauge', help: 'x', registers: [registry] });
        g.set(42);
        const targets = self.ctx.exports!.targets;
        const sink = sampleSink();
        await startComponent(prometheusScrape, body({ targets, forward_to: [sink.value], scrape_interval: '1s' }), { registry });
        await waitFor(() => sink.batches.length >= 1, 5000, 'a self scrape');
        const [s] = find(sink, 'flowlens_test_self_gauge');
        expect(s.value).toBe(42);
        expect(labelsOf(s)).toEqual({ __name__: 'flowlens_test_self_gauge', job: 'integrations/self', instance: 'flowlens.internal:12345' });
        expect(find(sink, 'up')[0].value).toBe(1);
        // The scrape component's own metrics are in the same registry, so they come back too.
        await waitFor(() => find(sink, 'prometheus_scrape_targets_gauge').length > 0, 5000, 'own metrics in a later scrape');
    });

    it('stops scraping while paused and resumes after', async () => {
        let hits = 0;
        const server = await startServer((_req, res) => {
            hits++;
            res.end('x 1\n');
        });
        const sink = sampleSink();
        const r = await startComponent(prometheusScrape, body({ targets: [{ __address__: `127.0.0.1:${server.port}` }], forward_to: [sink.value], scrape_interval: '50ms' }));
        await waitFor(() => hits >= 1, 5000, 'a scrape');
        await r.component.pauseSource!();
        await waitFor(() => (r.component as Component).pending!() === 0, 2000, 'in-flight scrape done');
        const during = hits;
        await sleep(250);
        expect(hits).toBe(during);
        await r.component.resumeSource!();
        await waitFor(() => hits > during, 2000, 'scrapes after resume');
    });

    it('validates arguments with clear errors', async () => {
        const sink = sampleSink();
        await expect(startComponent(prometheusScrape, body({ targets: [], forward_to: [sink.value], scrape_interval: '1s', scrape_timeout: '5s' }))).rejects.toThrow(
            'scrape_timeout: scrape_timeout (5s) is greater than scrape_interval (1s)',
        );
        await expect(startComponent(prometheusScrape, body({ targets: [], forward_to: [sink.value], scrape_failure_log_file: '/tmp/x.log' }))).rejects.toThrow(
            `argument "scrape_failure_log_file" is not supported by flowlens' embedded runtime; it runs on Grafana Alloy`,
        );
        await expect(startComponent(prometheusScrape, body({ targets: [], forward_to: [sink.value], scrape_protocols: ['PrometheusProto'] }))).rejects.toThrow(/scrapes only PrometheusText0.0.4/);
        await expect(startComponent(prometheusScrape, body({ targets: [], forward_to: [sink.value], scheme: 'ftp' }))).rejects.toThrow('scheme: expected "http" or "https", got "ftp"');
        // A target without __address__ is dropped with a message, not an error.
        const r = await startComponent(prometheusScrape, body({ targets: [{ job: 'x' }], forward_to: [sink.value] }));
        expect(r.ctx.health.message).toContain('target has no __address__ label');
        // Harmless arguments are accepted.
        await expect(startComponent(prometheusScrape, body({ targets: [], forward_to: [sink.value], enable_http2: false }, { clustering: body({ enabled: true }) }), { label: 'ok' })).resolves.toBeDefined();
    });

    it('sends basic auth and custom headers', async () => {
        const seen: Record<string, string | string[] | undefined>[] = [];
        const server = await startServer((req, res) => {
            seen.push(req.headers);
            res.end('x 1\n');
        });
        const sink = sampleSink();
        await startComponent(
            prometheusScrape,
            body({ targets: [{ __address__: `127.0.0.1:${server.port}` }], forward_to: [sink.value], scrape_interval: '1s', http_headers: { 'X-Team': ['a'] } }, { basic_auth: body({ username: 'u', password: { kind: 'secret', value: 'p' } }) }),
        );
        await waitFor(() => seen.length >= 1, 5000, 'a scrape');
        expect(seen[0].authorization).toBe('Basic ' + Buffer.from('u:p').toString('base64'));
        expect(seen[0]['x-team']).toBe('a');
    });

    it('stop() stops the loops and removes the metrics', async () => {
        let hits = 0;
        const server = await startServer((_req, res) => {
            hits++;
            res.end('x 1\n');
        });
        const sink = sampleSink();
        const r = await startComponent(prometheusScrape, body({ targets: [{ __address__: `127.0.0.1:${server.port}` }], forward_to: [sink.value], scrape_interval: '50ms' }));
        await waitFor(() => hits >= 1, 5000, 'a scrape');
        await r.stop();
        const after = hits;
        await sleep(200);
        expect(hits).toBe(after);
        const text = await r.ctx.registry.metrics();
        expect(text).not.toContain('prometheus.scrape.test');
    });
});
