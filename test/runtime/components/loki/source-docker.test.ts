// loki.source.docker against the fake Docker daemon, as Alloy's loki/source/docker (docker.go,
// tailer.go) behaves: entries per stream with the target's labels and the log stream through
// relabel_rules, timestamps from the daemon's RFC3339Nano prefix, 16 KiB frames joined, TTY streams,
// positions under cursor-<id> so a restart asks for logs since the last second read.

import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { discoveryRelabel } from '../../../../server/runtime/components/discovery/relabel.js';
import { readPositionsFile } from '../../../../server/runtime/components/loki/positions.js';
import { lokiSourceDocker } from '../../../../server/runtime/components/loki/source-docker.js';
import { FakeDockerEngine } from '../../fakes/docker-engine.js';
import { body, entrySink, metricValue, startComponent, stopAll, waitFor } from '../harness.js';

let docker: FakeDockerEngine;
let data: string;
beforeEach(async () => {
    docker = await FakeDockerEngine.start();
    docker.addNetwork({ id: 'n1', name: 'bridge' });
    data = mkdtempSync(path.join(os.tmpdir(), 'flowlens-docker-data-'));
});
afterEach(async () => {
    await stopAll();
    await docker.close();
    rmSync(data, { recursive: true, force: true });
});

const target = (id: string, name: string) => ({ __meta_docker_container_id: id, __meta_docker_container_name: `/${name}`, __address__: '172.17.0.2:80' });

/** The `rules` export of a discovery.relabel with these rule blocks. */
async function rules(...rule: ReturnType<typeof body>[]) {
    const r = await startComponent(discoveryRelabel, body({ targets: [] }, { rule }), { label: `rules${Math.random()}` });
    return r.ctx.exports!.rules;
}

describe('loki.source.docker', () => {
    it('sends stdout and stderr lines with the daemon timestamps and relabeled stream labels (__ labels dropped)', async () => {
        docker.addContainer({ id: 'c1', name: 'web', networks: { bridge: { IPAddress: '172.17.0.2' } } });
        const t1 = docker.log('c1', 'stdout', 'GET / 200', 1_767_225_600_123_456_789n);
        const t2 = docker.log('c1', 'stderr', 'warning: slow', 1_767_225_601_000_000_000n);
        docker.log('c1', 'stdout', '');
        const sink = entrySink();
        const relabel = await rules(
            body({ source_labels: ['__meta_docker_container_name'], regex: '/(.*)', target_label: 'container' }),
            body({ source_labels: ['__meta_docker_container_log_stream'], target_label: 'stream' }),
        );
        const r = await startComponent(lokiSourceDocker, body({ host: docker.host, targets: [target('c1', 'web')], forward_to: [sink.value], labels: { job: 'docker' }, relabel_rules: relabel }), { dataPath: data });
        await waitFor(() => sink.entries.length === 2, 5000, 'two entries');
        const byLine = Object.fromEntries(sink.entries.map((e) => [e.line, e]));
        expect(byLine['GET / 200']).toEqual({ labels: { job: 'docker', container: 'web', stream: 'stdout' }, timestamp: t1, line: 'GET / 200', structuredMetadata: [] });
        expect(byLine['warning: slow'].labels).toEqual({ job: 'docker', container: 'web', stream: 'stderr' });
        expect(byLine['warning: slow'].timestamp).toBe(t2);
        // Lines written while following arrive too; a line over 16 KiB arrives whole.
        docker.log('c1', 'stdout', 'live line');
        const long = 'y'.repeat(40_000);
        docker.log('c1', 'stdout', long);
        await waitFor(() => sink.entries.length === 4, 5000, 'the followed lines');
        expect(sink.entries.slice(2).map((e) => e.line)).toEqual(['live line', long]);
        expect(await metricValue(r.ctx.registry, 'loki_source_docker_target_entries_total')).toBe(4);
        expect(r.ctx.health).toMatchObject({ state: 'healthy', message: 'following 1 container(s)' });
        expect(docker.requests.some((q) => /^GET \/containers\/c1\/logs\?stdout=1&stderr=1&follow=1&timestamps=1&since=0$/.test(q))).toBe(true);
    });

    it('keeps the position (Unix seconds) under cursor-<id> with the label set; a restart asks since that second', async () => {
        docker.addContainer({ id: 'c2', name: 'api', networks: { bridge: { IPAddress: '172.17.0.3' } } });
        docker.log('c2', 'stdout', 'one', 1_767_225_600_500_000_000n);
        docker.log('c2', 'stdout', 'two', 1_767_225_602_250_000_000n);
        const a = entrySink();
        const first = await startComponent(lokiSourceDocker, body({ host: docker.host, targets: [target('c2', 'api')], forward_to: [a.value] }), { dataPath: data });
        await waitFor(() => a.entries.length === 2, 5000, 'two entries');
        await first.stop();
        expect([...readPositionsFile(path.join(data, 'positions.yml')).values()]).toEqual([
            { key: { path: 'cursor-c2', labels: '{__address__="172.17.0.2:80", __meta_docker_container_id="c2", __meta_docker_container_name="/api"}' }, value: '1767225602' },
        ]);

        docker.log('c2', 'stdout', 'three', 1_767_225_603_000_000_000n);
        const b = entrySink();
        await startComponent(lokiSourceDocker, body({ host: docker.host, targets: [target('c2', 'api')], forward_to: [b.value] }), { dataPath: data });
        await waitFor(() => b.entries.some((e) => e.line === 'three'), 5000, 'the line written while stopped');
        expect(docker.requests.filter((q) => q.includes('/containers/c2/logs')).at(-1)).toContain('since=1767225602');
        // Alloy keeps whole seconds: the line of that second is read again, the one before is not.
        expect(b.entries.map((e) => e.line)).toEqual(['two', 'three']);
    });

    it('reads a TTY container raw; a target that goes away stops its tailer and forgets its position', async () => {
        docker.addContainer({ id: 'c3', name: 'shell', tty: true, networks: { bridge: { IPAddress: '172.17.0.4' } } });
        docker.log('c3', 'stdout', 'prompt$ ls\r');
        const sink = entrySink();
        const r = await startComponent(lokiSourceDocker, body({ host: docker.host, targets: [target('c3', 'shell')], forward_to: [sink.value] }), { dataPath: data });
        await waitFor(() => sink.entries.length === 1, 5000, 'the TTY line');
        expect(sink.entries[0].line).toBe('prompt$ ls');
        expect(sink.entries[0].labels).toEqual({});
        await waitFor(() => docker.followers('c3') === 1, 5000, 'following');
        await r.component.update(body({ host: docker.host, targets: [], forward_to: [sink.value] }));
        await waitFor(() => docker.followers('c3') === 0, 5000, 'the stream closed');
        expect(r.ctx.health.message).toBe('following 0 container(s)');
        await r.stop();
        expect(readPositionsFile(path.join(data, 'positions.yml')).size).toBe(0);
    });

    it('a target without a container ID is skipped; a container the daemon does not know makes it unhealthy', async () => {
        const sink = entrySink();
        const r = await startComponent(lokiSourceDocker, body({ host: docker.host, targets: [{ __address__: 'x:1' }, target('nope', 'ghost')], forward_to: [sink.value] }), { dataPath: data });
        await waitFor(() => r.ctx.health.state === 'unhealthy', 5000, 'unhealthy');
        expect(r.ctx.health.message).toContain('container nope: Error response from daemon: No such container: nope');
    });

    it('refuses what it cannot honour', async () => {
        const sink = entrySink();
        await expect(startComponent(lokiSourceDocker, body({ host: 'ssh://me@box', targets: [], forward_to: [sink.value] }))).rejects.toThrow("the ssh scheme is not supported by flowlens' embedded runtime");
        await expect(
            startComponent(lokiSourceDocker, body({ host: docker.host, targets: [], forward_to: [sink.value] }, { http_client_config: body({}, { tls_config: body({ ca_file: '/x' }) }) })),
        ).rejects.toThrow(/block "http_client_config > tls_config" is not supported/);
    });
});
