// End to end: a Docker daemon (the fake Engine API on a unix socket) → discovery.docker →
// discovery.relabel (container name) → loki.source.docker → loki.write → a fake Loki. Containers
// that appear are followed, their stdout and stderr lines arrive with the daemon's timestamps and
// the relabeled labels; a container that goes away leaves the targets.

import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { MAX_UPDATE_FREQUENCY } from '../../../server/runtime/components/discovery/refresh.js';
import type { Runtime } from '../../../server/runtime/runtime.js';
import { type FakeLoki, startFakeLoki } from '../components/loki/fake-loki.js';
import { FakeDockerEngine } from '../fakes/docker-engine.js';
import { startRuntime, waitFor } from '../helpers.js';

let dir: string;
let loki: FakeLoki;
let docker: FakeDockerEngine;
let rt: Runtime | undefined;
const savedFrequency = MAX_UPDATE_FREQUENCY.ms;
beforeEach(async () => {
    MAX_UPDATE_FREQUENCY.ms = 0;
    dir = mkdtempSync(path.join(os.tmpdir(), 'flowlens-e2e-docker-'));
    loki = await startFakeLoki();
    docker = await FakeDockerEngine.start();
    docker.addNetwork({ id: 'n1', name: 'bridge' });
});
afterEach(async () => {
    await rt?.stop('test done');
    rt = undefined;
    MAX_UPDATE_FREQUENCY.ms = savedFrequency;
    await docker.close();
    await loki.close();
    rmSync(dir, { recursive: true, force: true });
});

const config = () => `
discovery.docker "containers" {
	host             = "${docker.host}"
	refresh_interval = "100ms"
}

discovery.relabel "logs" {
	targets = []

	rule {
		source_labels = ["__meta_docker_container_name"]
		regex         = "/(.*)"
		target_label  = "container"
	}

	rule {
		source_labels = ["__meta_docker_container_log_stream"]
		target_label  = "stream"
	}
}

loki.source.docker "containers" {
	host          = "${docker.host}"
	targets       = discovery.docker.containers.targets
	labels        = { job = "docker" }
	relabel_rules = discovery.relabel.logs.rules
	forward_to    = [loki.write.out.receiver]
}

loki.write "out" {
	endpoint {
		url        = "${loki.pushUrl}"
		batch_wait = "50ms"
	}
}
`;

it('containers discovered on the daemon are followed; their lines reach Loki with timestamps and relabeled labels', async () => {
    docker.addContainer({ id: 'c1', name: 'web', ports: [{ PrivatePort: 80, Type: 'tcp' }], networks: { bridge: { IPAddress: '172.17.0.2' } } });
    const t1 = docker.log('c1', 'stdout', 'GET /index.html 200');
    ({ rt } = await startRuntime({ 'main.alloy': config() }, { storagePath: path.join(dir, 'storage') }));
    await waitFor(() => loki.entries.length === 1, 10_000, 'the first line');
    expect(loki.entries[0]).toMatchObject({ labels: { job: 'docker', container: 'web', stream: 'stdout' }, ts: t1, line: 'GET /index.html 200' });

    docker.addContainer({ id: 'c2', name: 'worker', networks: { bridge: { IPAddress: '172.17.0.3' } } });
    const t2 = docker.log('c2', 'stderr', 'job failed');
    await waitFor(() => loki.entries.length === 2, 10_000, "the new container's line");
    expect(loki.entries[1]).toMatchObject({ labels: { job: 'docker', container: 'worker', stream: 'stderr' }, ts: t2, line: 'job failed' });

    docker.removeContainer('c1');
    const targets = () => rt!.exportsOf('discovery.docker.containers')?.get('targets');
    await waitFor(() => { const t = targets(); return t?.kind === 'array' && t.items.length === 1; }, 10_000, 'c1 no longer discovered');
    docker.log('c2', 'stdout', 'still here');
    await waitFor(() => loki.entries.length === 3, 10_000, 'a line of the remaining container');
});
