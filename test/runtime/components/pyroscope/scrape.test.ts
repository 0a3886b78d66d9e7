// pyroscope.scrape: targets as Alloy builds them (scrape.go defaults, target.go), and a Node pprof
// server scraped → forwarded → written by pyroscope.write → arriving at the fake Pyroscope with the
// labels Alloy sends, memory profiles as deltas.

import { afterEach, describe, expect, it } from 'vitest';
import { pyroscopeScrape, type PyroscopeScrape } from '../../../../server/runtime/components/pyroscope/scrape.js';
import { DEFAULT_PROFILE_TYPES, profilingTargets, type TargetSettings } from '../../../../server/runtime/components/pyroscope/scrape-targets.js';
import { pyroscopeWrite } from '../../../../server/runtime/components/pyroscope/write.js';
import { PROFILES_RECEIVER_TYPE, type ProfilesReceiver } from '../../../../server/runtime/components/pyroscope/receiver.js';
import { body, capsule, startComponent, startServer, stopAll, waitFor } from '../harness.js';
import { startFakePyroscope } from './fake-pyroscope.js';
import { type PprofServer, startPprofServer } from './pprof-server.js';

let closers: { close(): Promise<void> }[] = [];
afterEach(async () => {
    await stopAll();
    await Promise.all(closers.map((c) => c.close()));
    closers = [];
});

const settings = (over: Partial<TargetSettings> = {}): TargetSettings => ({
    jobName: '',
    scheme: 'http',
    params: new Map(),
    intervalMs: 15_000,
    timeoutMs: 10_000,
    deltaDurationMs: 14_000,
    profiling: { types: new Map(Object.entries(DEFAULT_PROFILE_TYPES)), pathPrefix: '' },
    ...over,
});

describe('pyroscope.scrape targets', () => {
    it("Alloy's default profile types, paths and seconds; no job label unless job_name is set", () => {
        const targets = profilingTargets({ __address__: 'app:6060' }, settings());
        expect(targets.map((t) => [t.labels.__name__, t.url, t.timeoutMs])).toEqual([
            ['memory', 'http://app:6060/debug/pprof/allocs', 10_000],
            ['block', 'http://app:6060/debug/pprof/block', 10_000],
            ['goroutine', 'http://app:6060/debug/pprof/goroutine', 10_000],
            ['mutex', 'http://app:6060/debug/pprof/mutex', 10_000],
            ['process_cpu', 'http://app:6060/debug/pprof/profile?seconds=14', 24_000],
        ]);
        expect(targets[0].labels).toEqual({ __address__: 'app:6060', __name__: 'memory', __profile_path__: '/debug/pprof/allocs', __scheme__: 'http', instance: 'app:6060', service_name: 'unspecified' });
        expect(profilingTargets({ __address__: 'app:6060' }, settings({ jobName: 'pprof' }))[0].labels.job).toBe('pprof');
    });

    it('service_name from the pyroscope.io annotation, namespace/container, Docker or Swarm metadata; an explicit one wins', () => {
        const name = (l: Record<string, string>) => profilingTargets({ __address__: 'a:1', ...l }, settings())[0].labels.service_name;
        expect(name({ __meta_kubernetes_pod_annotation_pyroscope_io_service_name: 'ann', __meta_kubernetes_namespace: 'ns', __meta_kubernetes_pod_container_name: 'c' })).toBe('ann');
        expect(name({ __meta_kubernetes_namespace: 'ns', __meta_kubernetes_pod_container_name: 'c' })).toBe('ns/c');
        expect(name({ __meta_docker_container_name: '/web' })).toBe('/web');
        expect(name({ __meta_dockerswarm_service_name: 'swarm' })).toBe('swarm');
        expect(name({ service_name: 'mine', __meta_docker_container_name: '/web' })).toBe('mine');
    });

    it('default ports, path_prefix, delta_profiling_duration, godeltaprof and custom profiles', () => {
        const types = new Map([
            ['godeltaprof_memory', { ...DEFAULT_PROFILE_TYPES.godeltaprof_memory, enabled: true }],
            ['fgprof', { ...DEFAULT_PROFILE_TYPES.fgprof, enabled: true }],
            ['jfr', { enabled: true, path: 'custom/jfr', delta: false }],
        ]);
        const targets = profilingTargets({ __address__: 'app' }, settings({ scheme: 'https', deltaDurationMs: 5000, profiling: { types, pathPrefix: '/mount/' } }));
        expect(targets.map((t) => [t.labels.__name__, t.url, t.godeltaprof])).toEqual([
            ['memory', 'https://app:443/mount/debug/pprof/delta_heap', true],
            ['fgprof', 'https://app:443/mount/debug/fgprof?seconds=5', false],
            ['jfr', 'https://app:443/mount/custom/jfr', false],
        ]);
        expect(() => profilingTargets({}, settings())).toThrow('no address');
    });
});

async function pipeline(args: Record<string, unknown>, profilingConfig: ReturnType<typeof body>) {
    const py = await startFakePyroscope();
    closers.push(py);
    const write = await startComponent(pyroscopeWrite, body({ external_labels: { cluster: 'local' } }, { endpoint: body({ url: py.url }) }));
    const receiver = write.ctx.exportPayload<ProfilesReceiver>('receiver');
    const scrape = await startComponent<PyroscopeScrape>(pyroscopeScrape, body({ forward_to: [capsule(PROFILES_RECEIVER_TYPE, receiver)], ...args }, { profiling_config: profilingConfig }));
    return { py, scrape };
}

const only = (...enabled: string[]) => body({}, Object.fromEntries(['memory', 'block', 'goroutine', 'mutex', 'process_cpu'].map((t) => [`profile.${t}`, body({ enabled: enabled.includes(t) })])));

describe('pyroscope.scrape → pyroscope.write → Pyroscope', () => {
    let app: PprofServer;

    it('forwards goroutine profiles as scraped and memory profiles as deltas from the second scrape, with the labels Alloy sends', async () => {
        app = await startPprofServer({ allocStep: 10 });
        closers.push(app);
        const { py } = await pipeline({ targets: [{ __address__: app.address, service_name: 'shop', team: 'a' }], scrape_interval: '100ms', job_name: 'pprof' }, only('goroutine', 'memory'));
        await waitFor(() => py.profiles.filter((p) => p.labels.__name__ === 'memory').length >= 2 && py.profiles.some((p) => p.labels.__name__ === 'goroutine'), 10_000, 'memory deltas and a goroutine profile');
        const goroutine = py.profiles.find((p) => p.labels.__name__ === 'goroutine')!;
        expect(goroutine.labels).toEqual({ __name__: 'goroutine', cluster: 'local', instance: app.address, job: 'pprof', 'otel.scope.name': 'com.grafana.alloy/pyroscope.scrape', service_name: 'shop', team: 'a' });
        expect(goroutine.profile.samples).toEqual([{ stack: ['runtime.gopark', 'main.worker'], values: [4] }]);

        const memory = py.profiles.filter((p) => p.labels.__name__ === 'memory');
        expect(memory[0].labels.__delta__).toBe('false');
        // The first scrape only seeded the delta; each forwarded profile has the allocations since the previous one.
        const allocsRequests = app.requests.filter((r) => r.path === '/debug/pprof/allocs').length;
        expect(allocsRequests).toBeGreaterThan(memory.length);
        for (const m of memory) {
            expect(m.profile.sampleTypes.map((t) => t[0])).toEqual(['alloc_objects', 'alloc_space', 'inuse_objects', 'inuse_space']);
            // main.cache's allocations did not change: only in-use values are left, so the sample stays.
            expect(m.profile.samples).toEqual([
                { stack: ['bytes.growSlice', 'main.handler'], values: [10, 10 * 1024, 2, 2048] },
                { stack: ['main.cache', 'main.main'], values: [0, 0, 5, 5 * 512] },
            ]);
        }
    });

    it("scrapes a real CPU profile for `seconds` (scrape_interval − 1 s, or delta_profiling_duration) and sends it as process_cpu", async () => {
        app = await startPprofServer();
        closers.push(app);
        const { py } = await pipeline({ targets: [{ __address__: app.address }], scrape_interval: '3s', delta_profiling_duration: '2s' }, only('process_cpu'));
        await waitFor(() => py.profiles.length >= 1, 10_000, 'a CPU profile');
        expect(app.requests[0]).toMatchObject({ path: '/debug/pprof/profile' });
        expect(app.requests[0].query.get('seconds')).toBe('2');
        const cpu = py.profiles[0];
        expect(cpu.labels).toMatchObject({ __name__: 'process_cpu', service_name: 'unspecified', instance: app.address });
        expect(cpu.labels.__delta__).toBeUndefined();
        expect(cpu.profile.sampleTypes).toEqual([
            ['samples', 'count'],
            ['cpu', 'nanoseconds'],
        ]);
        // V8 saw the busy work the server did while profiling.
        expect(cpu.profile.samples.some((s) => s.stack.some((f) => f.startsWith('fibonacci ')))).toBe(true);
    });

    it('a target answering with text is down with the reason; nothing is forwarded', async () => {
        const html = await startServer((_req, res) => {
            res.writeHead(200, { 'Content-Type': 'text/html' });
            res.end('<html><body>login</body></html>');
        });
        const { py, scrape } = await pipeline({ targets: [{ __address__: `127.0.0.1:${html.port}` }], scrape_interval: '100ms' }, only('goroutine'));
        await waitFor(() => scrape.component.targetStatus()[0]?.up === false, 5000, 'the target down');
        expect(scrape.component.targetStatus()[0].error).toBe('invalid profile data: unexpected Content-Type text/html, expected application/octet-stream for pprof data');
        expect(scrape.ctx.health.message).toContain('0 of 1 profiling target(s) up');
        expect(py.requests).toHaveLength(0);
    });

    it("refuses arguments as Alloy's validation does", async () => {
        const py = await startFakePyroscope();
        closers.push(py);
        const write = await startComponent(pyroscopeWrite, body({}, { endpoint: body({ url: py.url }) }));
        const fwd = [capsule(PROFILES_RECEIVER_TYPE, write.ctx.exportPayload<ProfilesReceiver>('receiver'))];
        await expect(startComponent(pyroscopeScrape, body({ forward_to: fwd, targets: [], scrape_interval: '1s' }))).rejects.toThrow('scrape_interval must be at least 2 seconds when using delta profiling');
        await expect(startComponent(pyroscopeScrape, body({ forward_to: fwd, targets: [], scrape_interval: '5s' }))).rejects.toThrow('delta_profiling_duration must be at least 1 second smaller than scrape_interval when using delta profiling');
        await expect(startComponent(pyroscopeScrape, body({ forward_to: fwd, targets: [], scrape_interval: '5s', delta_profiling_duration: '1s' }))).rejects.toThrow('delta_profiling_duration must be larger than 1 second when using delta profiling');
        await expect(startComponent(pyroscopeScrape, body({ forward_to: fwd, targets: [], scrape_interval: '1s' }, { profiling_config: only('goroutine') }))).resolves.toBeDefined();
    });
});
