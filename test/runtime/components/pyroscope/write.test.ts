// pyroscope.write against the fake Pyroscope. Expected behaviour from Alloy's
// internal/component/pyroscope/write (write.go: Append, AppendIngest, shouldRetry; metrics.go).

import { afterEach, describe, expect, it } from 'vitest';
import { type PyroscopeWrite, pyroscopeWrite } from '../../../../server/runtime/components/pyroscope/write.js';
import type { ProfilesReceiver } from '../../../../server/runtime/components/pyroscope/receiver.js';
import { body, metricValue, startComponent, stopAll, waitFor } from '../harness.js';
import { type Answer, type FakePyroscope, startFakePyroscope } from './fake-pyroscope.js';
import { buildPprof } from './pprof-fixture.js';

let fakes: FakePyroscope[] = [];
afterEach(async () => {
    await stopAll();
    await Promise.all(fakes.map((f) => f.close()));
    fakes = [];
});

async function fake(respond?: (i: number, path: string) => Answer | undefined): Promise<FakePyroscope> {
    const f = await startFakePyroscope({ respond });
    fakes.push(f);
    return f;
}

/** An endpoint block: ArgumentBody values (basic_auth) become nested blocks. */
function endpoint(e: Record<string, unknown>) {
    const isBody = (v: unknown) => typeof v === 'object' && v !== null && (v as { attributes?: unknown }).attributes instanceof Map;
    const attrs = Object.fromEntries(Object.entries(e).filter(([, v]) => !isBody(v)));
    const blocks = Object.fromEntries(Object.entries(e).filter(([, v]) => isBody(v))) as Record<string, ReturnType<typeof body>>;
    return body({ min_backoff_period: '5ms', max_backoff_period: '20ms', ...attrs }, blocks);
}

async function start(endpoints: Record<string, unknown>[], top: Record<string, unknown> = {}) {
    const r = await startComponent<PyroscopeWrite>(pyroscopeWrite, body(top, { endpoint: endpoints.map(endpoint) }));
    return { ...r, receiver: r.ctx.exportPayload<ProfilesReceiver>('receiver') };
}

const profile = () => buildPprof({ sampleTypes: [['cpu', 'nanoseconds']], samples: [{ stack: ['work', 'main'], values: [20_000_000] }], periodType: ['cpu', 'nanoseconds'], period: 10_000_000 });
const connectError = (status: number, code: string): Answer => ({ status, body: JSON.stringify({ code, message: 'no' }), headers: { 'Content-Type': 'application/json' } });
const m = (r: { ctx: { registry: import('prom-client').Registry } }, name: string, url: string) => metricValue(r.ctx.registry, name, { endpoint: url });

describe('pyroscope.write', () => {
    it('pushes with connect-go headers; __ labels dropped except __name__ and __delta__; external labels win', async () => {
        const py = await fake();
        const r = await start([{ url: py.url, headers: { 'X-Scope-OrgID': 'team-a' }, basic_auth: body({ username: 'u', password: 'p' }) }], { external_labels: { cluster: 'dev', env: 'never-mind' } });
        const raw = profile();
        await r.receiver.append({ __name__: 'process_cpu', __address__: 'app:6060', __delta__: 'false', service_name: 'api', env: 'prod', 'otel.scope.name': 'x' }, [{ raw, id: '' }]);
        expect(py.profiles).toHaveLength(1);
        expect(py.profiles[0].labels).toEqual({ __name__: 'process_cpu', __delta__: 'false', service_name: 'api', env: 'never-mind', cluster: 'dev', 'otel.scope.name': 'x' });
        expect(py.profiles[0].raw.equals(raw)).toBe(true);
        const h = py.requests[0].headers;
        expect(py.requests[0].path).toBe('/push.v1.PusherService/Push');
        expect(h['content-type']).toBe('application/proto');
        expect(h['connect-protocol-version']).toBe('1');
        expect(h['connect-timeout-ms']).toBe('10000');
        expect(h['x-scope-orgid']).toBe('team-a');
        expect(h.authorization).toBe('Basic ' + Buffer.from('u:p').toString('base64'));
        expect(h['user-agent']).toMatch(/^flowlens\//);
        expect(await m(r, 'pyroscope_write_sent_profiles_total', py.url)).toBe(1);
        expect(await m(r, 'pyroscope_write_sent_bytes_total', py.url)).toBe(raw.byteLength);
        expect(r.ctx.health.state).toBe('healthy');
    });

    it('sends labels sorted by name, as Prometheus label sets are', async () => {
        const py = await fake();
        const r = await start([{ url: py.url }]);
        await r.receiver.append({ zeta: '1', alpha: '2', service_name: 'api' }, [{ raw: profile(), id: '' }]);
        expect(Object.keys(py.profiles[0].labels)).toEqual(['alpha', 'service_name', 'zeta']);
    });

    it('retries unavailable (503, and 429 without an error body) and internal errors, then delivers', async () => {
        const py = await fake((i) => (i === 0 ? { status: 503 } : i === 1 ? { status: 429 } : i === 2 ? connectError(500, 'internal') : undefined));
        const r = await start([{ url: py.url }]);
        await r.receiver.append({ service_name: 'api' }, [{ raw: profile(), id: '' }]);
        expect(py.requests.map((x) => x.status)).toEqual([503, 429, 500, 200]);
        expect(py.profiles).toHaveLength(1);
        expect(await m(r, 'pyroscope_write_retries_total', py.url)).toBe(3);
        expect(r.ctx.health.state).toBe('healthy');
    });

    it('does not retry invalid_argument, nor resource_exhausted with retry_on_http_429 = false; the caller gets the error', async () => {
        const py = await fake((i) => (i === 0 ? connectError(400, 'invalid_argument') : connectError(429, 'resource_exhausted')));
        const r = await start([{ url: py.url, retry_on_http_429: false }]);
        await expect(r.receiver.append({ service_name: 'api' }, [{ raw: profile(), id: '' }])).rejects.toThrow(/failed to push to endpoint .* \(0 retries\): invalid_argument: no/);
        await expect(r.receiver.append({ service_name: 'api' }, [{ raw: profile(), id: '' }])).rejects.toThrow(/resource_exhausted/);
        expect(py.requests).toHaveLength(2);
        expect(await m(r, 'pyroscope_write_dropped_profiles_total', py.url)).toBe(2);
        expect(r.ctx.health.state).toBe('unhealthy');
        expect(r.ctx.health.message).toContain('resource_exhausted');
    });

    it('gives up after max_backoff_retries attempts in all', async () => {
        const py = await fake(() => ({ status: 502 }));
        const r = await start([{ url: py.url, max_backoff_retries: 3 }]);
        await expect(r.receiver.append({ service_name: 'api' }, [{ raw: profile(), id: '' }])).rejects.toThrow(/\(3 retries\): unavailable/);
        expect(py.requests).toHaveLength(3);
        expect(await m(r, 'pyroscope_write_retries_total', py.url)).toBe(2);
        expect(r.ctx.counts.dropped).toBe(1);
    });

    it('sends to every endpoint; one failing endpoint does not stop the other', async () => {
        const good = await fake();
        const bad = await fake(() => connectError(403, 'permission_denied'));
        const r = await start([{ url: good.url }, { url: bad.url }]);
        await expect(r.receiver.append({ service_name: 'api' }, [{ raw: profile(), id: '' }])).rejects.toThrow(/permission_denied/);
        expect(good.profiles).toHaveLength(1);
        expect(r.ctx.health.message).toContain(bad.url);
    });

    it('refuses a profile without labels, as Alloy does', async () => {
        const py = await fake();
        const r = await start([{ url: py.url }]);
        await expect(r.receiver.append({}, [{ raw: profile(), id: '' }])).rejects.toThrow('invalid labels in profile: service name is required');
        await expect(r.receiver.append({ 'bad-name': 'x' }, [{ raw: profile(), id: '' }])).rejects.toThrow(/invalid label name: bad-name/);
        expect(py.requests).toHaveLength(0);
    });

    it('forwards /ingest bodies untouched to {url}/ingest with the name rewritten from labels and external labels', async () => {
        const py = await fake();
        const r = await start([{ url: `${py.url}/` }], { external_labels: { cluster: 'dev' } });
        const raw = profile();
        await r.receiver.appendIngest({ body: raw, contentTypes: ['application/octet-stream'], path: '/ingest', query: 'name=old&from=1&format=pprof', labels: { __name__: 'old', service_name: 'api', env: 'prod' } });
        expect(py.ingests).toHaveLength(1);
        const got = py.ingests[0];
        expect(got.query.get('name')).toBe('api{cluster=dev,env=prod,service_name=api}');
        expect(got.query.get('from')).toBe('1');
        expect(got.query.get('format')).toBe('pprof');
        expect(got.contentType).toBe('application/octet-stream');
        expect(got.body.equals(raw)).toBe(true);
    });

    it('an /ingest answered 400 is not retried and carries the status', async () => {
        const py = await fake(() => ({ status: 400, body: 'bad profile' }));
        const r = await start([{ url: py.url }]);
        const err = await r.receiver.appendIngest({ body: profile(), contentTypes: [], path: '/ingest', query: '', labels: { service_name: 'api' } }).catch((e: unknown) => e);
        expect(err).toMatchObject({ name: 'PyroscopeWriteError', status: 400 });
        expect((err as Error).message).toContain('status=400 msg=bad profile');
        expect(py.requests).toHaveLength(1);
    });

    it('stops retrying at once when stopped', async () => {
        const py = await fake(() => ({ status: 503 }));
        const r = await start([{ url: py.url, min_backoff_period: '10s', max_backoff_period: '10s' }]);
        const pending = r.receiver.append({ service_name: 'api' }, [{ raw: profile(), id: '' }]).catch((e: unknown) => e);
        await waitFor(() => py.requests.length === 1);
        const t0 = performance.now();
        await r.stop();
        expect(await pending).toBeInstanceOf(Error);
        expect(performance.now() - t0).toBeLessThan(2000);
    });

    it('registers its metrics once per instance and removes them on stop', async () => {
        const py = await fake();
        const a = await start([{ url: py.url }]);
        const b = await start([{ url: py.url }]);
        await a.receiver.append({ service_name: 'api' }, [{ raw: profile(), id: '' }]);
        expect(await metricValue(a.ctx.registry, 'pyroscope_write_sent_profiles_total', { endpoint: py.url, component_id: a.ctx.localId })).toBe(1);
        await a.stop();
        expect(await metricValue(b.ctx.registry, 'pyroscope_write_sent_profiles_total', { endpoint: py.url, component_id: a.ctx.localId })).toBeUndefined();
    });
});
