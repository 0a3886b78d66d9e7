// discovery.docker against the fake Docker daemon, with the targets Prometheus' Docker SD
// (discovery/moby/docker.go, network.go) builds: one per TCP port per network, the fallback port,
// host networking, shared network namespaces, match_first_network, filters.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { discoveryDocker } from '../../../../server/runtime/components/discovery/docker.js';
import { MAX_UPDATE_FREQUENCY } from '../../../../server/runtime/components/discovery/refresh.js';
import { FakeDockerEngine } from '../../fakes/docker-engine.js';
import { body, startComponent, stopAll, waitFor } from '../harness.js';
import { exportedTargets } from './helpers.js';

let docker: FakeDockerEngine;
const savedFrequency = MAX_UPDATE_FREQUENCY.ms;
beforeEach(async () => {
    MAX_UPDATE_FREQUENCY.ms = 0;
    docker = await FakeDockerEngine.start();
    docker.addNetwork({ id: 'n-bridge', name: 'bridge', labels: { 'com.example.tier': 'front' } });
    docker.addNetwork({ id: 'n-back', name: 'backend', internal: true });
    docker.addNetwork({ id: 'n-host', name: 'host' });
});
afterEach(async () => {
    MAX_UPDATE_FREQUENCY.ms = savedFrequency;
    await stopAll();
    await docker.close();
});

const NET_BRIDGE = {
    __meta_docker_network_id: 'n-bridge',
    __meta_docker_network_name: 'bridge',
    __meta_docker_network_scope: 'local',
    __meta_docker_network_internal: 'false',
    __meta_docker_network_ingress: 'false',
    __meta_docker_network_label_com_example_tier: 'front',
};

describe('discovery.docker', () => {
    it('one target per TCP port per network with Prometheus labels; the fallback port without TCP ports; host networking', async () => {
        docker.addContainer({
            id: 'aaa',
            name: 'web',
            labels: { 'com.docker.compose.service': 'web' },
            ports: [
                { PrivatePort: 8080, PublicPort: 80, IP: '0.0.0.0', Type: 'tcp' },
                { PrivatePort: 9090, Type: 'tcp' },
                { PrivatePort: 53, Type: 'udp' },
            ],
            networks: { bridge: { IPAddress: '172.17.0.2' } },
        });
        docker.addContainer({ id: 'bbb', name: 'worker', networks: { bridge: { IPAddress: '172.17.0.3' } } });
        docker.addContainer({ id: 'ccc', name: 'agent', networkMode: 'host', networks: { host: { IPAddress: '' } } });
        const r = await startComponent(discoveryDocker, body({ host: docker.host, refresh_interval: '50ms', port: 8000 }));
        await waitFor(() => exportedTargets(r.ctx).length === 4, 5000, 'four targets');
        const byAddress = Object.fromEntries(exportedTargets(r.ctx).map((t) => [t.__address__, t]));
        expect(byAddress['172.17.0.2:8080']).toEqual({
            __address__: '172.17.0.2:8080',
            __meta_docker_container_id: 'aaa',
            __meta_docker_container_name: '/web',
            __meta_docker_container_network_mode: 'bridge',
            __meta_docker_container_label_com_docker_compose_service: 'web',
            __meta_docker_network_ip: '172.17.0.2',
            __meta_docker_port_private: '8080',
            __meta_docker_port_public: '80',
            __meta_docker_port_public_ip: '0.0.0.0',
            ...NET_BRIDGE,
        });
        expect(byAddress['172.17.0.2:9090'].__meta_docker_port_public).toBeUndefined();
        expect(byAddress['172.17.0.3:8000']).toMatchObject({ __meta_docker_container_name: '/worker', __meta_docker_network_ip: '172.17.0.3' });
        expect(byAddress['172.17.0.3:8000'].__meta_docker_port_private).toBeUndefined();
        expect(byAddress.localhost).toMatchObject({ __meta_docker_container_name: '/agent', __meta_docker_container_network_mode: 'host', __meta_docker_network_name: 'host' });
        expect(r.ctx.health.state).toBe('healthy');
    });

    it('containers appearing and disappearing update the targets at the next refresh', async () => {
        docker.addContainer({ id: 'a1', name: 'one', ports: [{ PrivatePort: 80, Type: 'tcp' }], networks: { bridge: { IPAddress: '172.17.0.5' } } });
        const r = await startComponent(discoveryDocker, body({ host: docker.host, refresh_interval: '50ms' }));
        await waitFor(() => exportedTargets(r.ctx).length === 1, 5000, 'one target');
        docker.addContainer({ id: 'a2', name: 'two', ports: [{ PrivatePort: 81, Type: 'tcp' }], networks: { bridge: { IPAddress: '172.17.0.6' } } });
        await waitFor(() => exportedTargets(r.ctx).length === 2, 5000, 'the new container');
        docker.stopContainer('a1');
        await waitFor(() => exportedTargets(r.ctx).length === 1, 5000, 'the stopped container gone');
        expect(exportedTargets(r.ctx)[0].__address__).toBe('172.17.0.6:81');
        docker.removeContainer('a2');
        await waitFor(() => exportedTargets(r.ctx).length === 0, 5000, 'no targets');
    });

    it('match_first_network picks the first network by name; false keeps all; a shared network namespace borrows the networks', async () => {
        docker.addContainer({ id: 'm1', name: 'multi', ports: [{ PrivatePort: 80, Type: 'tcp' }], networks: { bridge: { IPAddress: '172.17.0.7' }, backend: { IPAddress: '10.0.0.7' } } });
        docker.addContainer({ id: 's1', name: 'sidecar', networkMode: 'container:m1', ports: [] });
        const first = await startComponent(discoveryDocker, body({ host: docker.host, refresh_interval: '50ms' }), { label: 'first' });
        await waitFor(() => exportedTargets(first.ctx).length === 2, 5000, 'first network only');
        expect(exportedTargets(first.ctx).map((t) => `${t.__meta_docker_container_name} ${t.__address__} ${t.__meta_docker_network_name}`).sort()).toEqual([
            '/multi 10.0.0.7:80 backend',
            '/sidecar 10.0.0.7:80 backend',
        ]);
        const all = await startComponent(discoveryDocker, body({ host: docker.host, refresh_interval: '50ms', match_first_network: false }), { label: 'all' });
        await waitFor(() => exportedTargets(all.ctx).length === 4, 5000, 'every network');
        expect(exportedTargets(all.ctx).find((t) => t.__address__ === '10.0.0.7:80')?.__meta_docker_network_internal).toBe('true');
    });

    it('filter blocks reach the daemon; an unreachable daemon is a failed refresh with the reason', async () => {
        docker.addContainer({ id: 'f1', name: 'keep', labels: { scrape: 'yes' }, networks: { bridge: { IPAddress: '172.17.0.8' } } });
        docker.addContainer({ id: 'f2', name: 'skip', networks: { bridge: { IPAddress: '172.17.0.9' } } });
        const r = await startComponent(discoveryDocker, body({ host: docker.host, refresh_interval: '50ms' }, { filter: body({ name: 'label', values: ['scrape=yes'] }) }));
        await waitFor(() => exportedTargets(r.ctx).length === 1, 5000, 'the filtered container');
        expect(exportedTargets(r.ctx)[0].__meta_docker_container_id).toBe('f1');
        expect(docker.requests.some((q) => q.includes('filters=') && decodeURIComponent(q).includes('{"label":{"scrape=yes":true}}'))).toBe(true);
        const down = await startComponent(discoveryDocker, body({ host: `unix://${docker.dir}/nothing.sock`, refresh_interval: '50ms' }), { label: 'down' });
        await waitFor(() => down.ctx.health.state === 'unhealthy', 5000, 'unhealthy');
        expect(down.ctx.health.message).toMatch(/error while listing containers: .*ENOENT/);
    });

    it('refuses hosts it cannot reach and TLS it cannot honour', async () => {
        await expect(startComponent(discoveryDocker, body({ host: 'npipe:////./pipe/docker_engine' }))).rejects.toThrow("host: the npipe scheme is not supported by flowlens' embedded runtime");
        await expect(startComponent(discoveryDocker, body({ host: 'tcp://127.0.0.1:2376' }, { tls_config: body({ ca_file: '/x' }) }))).rejects.toThrow(/block "tls_config" is not supported/);
    });
});
