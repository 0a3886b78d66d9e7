import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Value } from '../../../language/eval/value.js';
import { discoveryKubernetes } from '../../../server/runtime/components/discovery/kubernetes.js';
import { connect, decodeClient } from '../../../server/runtime/components/kubernetes-client.js';
import { Args } from '../../../server/runtime/components/decode.js';
import { FakeKubeApiServer, type KubeObject } from '../fakes/kube-api-server.js';
import { body, secret, startComponent, stopAll, waitFor } from './harness.js';

const TOKEN = 'sd-token-7f3a9';
let api: FakeKubeApiServer;
const dir = mkdtempSync(path.join(tmpdir(), 'flowlens-kube-sd-'));

afterEach(async () => {
    await stopAll();
    await api?.stop();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function startApi(): Promise<string> {
    api = new FakeKubeApiServer({ token: TOKEN });
    return api.start();
}

type Target = Record<string, string>;
function targets(r: { ctx: { exports?: Readonly<Record<string, Value>> } }): Target[] {
    const v = r.ctx.exports?.targets;
    if (v?.kind !== 'array') return [];
    return v.items.map((item) => (item.kind === 'object' ? Object.fromEntries([...item.fields].map(([k, x]) => [k, x.kind === 'string' ? x.value : '?'])) : {}));
}
const addresses = (r: Parameters<typeof targets>[0]) => targets(r).map((t) => t.__address__).sort();

function pod(name: string, ip: string, extra: Partial<{ node: string; labels: Record<string, string>; ports: number[]; namespace: string }> = {}): KubeObject {
    return {
        metadata: {
            name,
            namespace: extra.namespace ?? 'default',
            labels: extra.labels ?? { app: 'web' },
            annotations: { 'prometheus.io/scrape': 'true' },
            ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-6d4b', uid: 'u', controller: true }],
        },
        spec: {
            nodeName: extra.node ?? 'node-1',
            containers: [{ name: 'app', image: 'nginx:1.27', ports: (extra.ports ?? [8080]).map((p) => ({ name: `p${p}`, containerPort: p, protocol: 'TCP' })) }],
            initContainers: [{ name: 'init', image: 'busybox' }],
        },
        status: {
            phase: 'Running',
            podIP: ip,
            hostIP: '192.168.1.10',
            conditions: [{ type: 'Ready', status: 'True' }],
            containerStatuses: [{ name: 'app', containerID: 'containerd://abc123' }],
        },
    };
}

const node = (name: string, ip: string): KubeObject => ({
    metadata: { name, labels: { 'kubernetes.io/os': 'linux' }, annotations: { zone: 'a' } },
    spec: { providerID: `kind://docker/kind/${name}` },
    status: { addresses: [{ type: 'Hostname', address: name }, { type: 'InternalIP', address: ip }], daemonEndpoints: { kubeletEndpoint: { Port: 10250 } } },
});

describe('discovery.kubernetes', () => {
    it('role pod: exports the targets with Prometheus labels, follows watch events and re-lists after 410 Gone', async () => {
        const url = await startApi();
        api.apply('pods', pod('web-1', '10.0.0.1'));
        api.apply('pods', { ...pod('pending', ''), status: { phase: 'Pending' } });
        const r = await startComponent(discoveryKubernetes, body({ role: 'pod', api_server: url, bearer_token: secret(TOKEN) }));
        await waitFor(() => targets(r).length === 2, 5000, 'initial targets');
        const web = targets(r).find((t) => t.__meta_kubernetes_pod_container_name === 'app')!;
        expect(web).toEqual({
            __address__: '10.0.0.1:8080',
            __meta_kubernetes_namespace: 'default',
            __meta_kubernetes_pod_name: 'web-1',
            __meta_kubernetes_pod_ip: '10.0.0.1',
            __meta_kubernetes_pod_ready: 'true',
            __meta_kubernetes_pod_phase: 'Running',
            __meta_kubernetes_pod_node_name: 'node-1',
            __meta_kubernetes_pod_host_ip: '192.168.1.10',
            __meta_kubernetes_pod_uid: expect.stringMatching(/^00000000-/),
            __meta_kubernetes_pod_label_app: 'web',
            __meta_kubernetes_pod_labelpresent_app: 'true',
            __meta_kubernetes_pod_annotation_prometheus_io_scrape: 'true',
            __meta_kubernetes_pod_annotationpresent_prometheus_io_scrape: 'true',
            __meta_kubernetes_pod_controller_kind: 'ReplicaSet',
            __meta_kubernetes_pod_controller_name: 'web-6d4b',
            __meta_kubernetes_pod_container_name: 'app',
            __meta_kubernetes_pod_container_id: 'containerd://abc123',
            __meta_kubernetes_pod_container_image: 'nginx:1.27',
            __meta_kubernetes_pod_container_init: 'false',
            __meta_kubernetes_pod_container_port_name: 'p8080',
            __meta_kubernetes_pod_container_port_number: '8080',
            __meta_kubernetes_pod_container_port_protocol: 'TCP',
        });
        // The init container has no port: a target at the pod IP. The pending pod (no IP) has none.
        expect(addresses(r)).toEqual(['10.0.0.1', '10.0.0.1:8080']);
        expect(targets(r).find((t) => t.__address__ === '10.0.0.1')?.__meta_kubernetes_pod_container_init).toBe('true');
        expect(r.ctx.health.state).toBe('healthy');

        // One watch event each: a pod appears, gets an IP, disappears.
        await api.until(() => api.watchCount('pods') === 1, 5000, 'watch open');
        let exports = r.ctx.exportsCount;
        api.apply('pods', pod('web-2', '10.0.0.2', { ports: [9090] }));
        await waitFor(() => addresses(r).includes('10.0.0.2:9090'), 5000, 'added pod');
        expect(r.ctx.exportsCount).toBe(exports + 1);
        exports = r.ctx.exportsCount;
        api.apply('pods', pod('pending', '10.0.0.3'));
        await waitFor(() => addresses(r).includes('10.0.0.3:8080'), 5000, 'pod got an IP');
        expect(r.ctx.exportsCount).toBe(exports + 1);
        api.delete('pods', 'web-1', 'default');
        await waitFor(() => !addresses(r).includes('10.0.0.1:8080'), 5000, 'deleted pod');
        expect(addresses(r)).toEqual(['10.0.0.2', '10.0.0.2:9090', '10.0.0.3', '10.0.0.3:8080']);
        expect(api.count('list', 'pods')).toBe(1);

        // Compaction: the watch gets 410 Gone; the informer lists again and sees what changed meanwhile.
        api.expireWatches();
        api.delete('pods', 'web-2', 'default');
        api.apply('pods', pod('web-4', '10.0.0.4'));
        await waitFor(() => addresses(r).includes('10.0.0.4:8080') && !addresses(r).includes('10.0.0.2:9090'), 5000, 'state after re-list');
        expect(api.count('list', 'pods')).toBe(2);
        expect(api.requests.every((q) => q.authorization === `Bearer ${TOKEN}`)).toBe(true);
        expect(r.ctx.health.state).toBe('healthy');
        expect(JSON.stringify(r.ctx.logs) + r.ctx.health.message).not.toContain(TOKEN);
    });

    it('role pod with attach_metadata.node, namespaces, and label/field selectors sent to the API server', async () => {
        const url = await startApi();
        api.apply('nodes', node('node-1', '192.168.1.10'));
        api.apply('pods', pod('a', '10.0.0.1', { namespace: 'team-a' }));
        api.apply('pods', pod('b', '10.0.0.2', { namespace: 'team-b' }));
        api.apply('pods', pod('c', '10.0.0.3', { namespace: 'team-a', labels: { app: 'db' } }));
        api.apply('pods', pod('d', '10.0.0.4', { namespace: 'team-a', node: 'node-2' }));
        const r = await startComponent(
            discoveryKubernetes,
            body(
                { role: 'pod', api_server: url, bearer_token: TOKEN },
                {
                    namespaces: body({ names: ['team-a'] }),
                    selectors: [body({ role: 'pod', label: 'app=web', field: 'status.phase=Running' }), body({ role: 'node', label: 'kubernetes.io/os=linux' })],
                    attach_metadata: body({ node: true }),
                },
            ),
        );
        // d runs on a node the node informer does not know: left out, as in Prometheus.
        await waitFor(() => addresses(r).includes('10.0.0.1:8080'), 5000, 'targets');
        expect(addresses(r)).toEqual(['10.0.0.1', '10.0.0.1:8080']);
        const t = targets(r)[0];
        expect(t.__meta_kubernetes_node_name).toBe('node-1');
        expect(t.__meta_kubernetes_node_label_kubernetes_io_os).toBe('linux');
        expect(t.__meta_kubernetes_node_annotation_zone).toBe('a');
        const podList = api.requests.find((q) => q.verb === 'list' && q.resource === 'pods')!;
        expect(podList.namespace).toBe('team-a');
        expect(podList.query).toMatchObject({ labelSelector: 'app=web', fieldSelector: 'status.phase=Running' });
        expect(api.requests.find((q) => q.verb === 'list' && q.resource === 'nodes')!.query.labelSelector).toBe('kubernetes.io/os=linux');
        // The node appears: its pods are rebuilt with its labels.
        api.apply('nodes', node('node-2', '192.168.1.11'));
        await waitFor(() => addresses(r).includes('10.0.0.4:8080'), 5000, 'pod on new node');
        expect(targets(r).find((x) => x.__address__ === '10.0.0.4:8080')?.__meta_kubernetes_node_name).toBe('node-2');
    });

    it('role endpoints: service and pod labels, container ports, not-ready addresses', async () => {
        const url = await startApi();
        api.apply('services', { metadata: { name: 'web', namespace: 'default', labels: { tier: 'front' } }, spec: { type: 'ClusterIP', clusterIP: '10.96.0.5', ports: [{ name: 'http', port: 80, protocol: 'TCP' }] } });
        api.apply('pods', pod('web-1', '10.0.0.1', { ports: [8080, 9100] }));
        api.apply('endpoints', {
            metadata: { name: 'web', namespace: 'default', labels: { 'endpoints-label': 'x' } },
            subsets: [
                {
                    addresses: [{ ip: '10.0.0.1', nodeName: 'node-1', targetRef: { kind: 'Pod', name: 'web-1', namespace: 'default' } }],
                    notReadyAddresses: [{ ip: '10.0.0.9', hostname: 'h9' }],
                    ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
                },
            ],
        });
        const r = await startComponent(discoveryKubernetes, body({ role: 'endpoints', api_server: url, bearer_token: TOKEN }));
        await waitFor(() => targets(r).length === 3, 5000, 'targets');
        expect(addresses(r)).toEqual(['10.0.0.1:8080', '10.0.0.1:9100', '10.0.0.9:8080']);
        const ready = targets(r).find((t) => t.__address__ === '10.0.0.1:8080')!;
        expect(ready).toMatchObject({
            __meta_kubernetes_namespace: 'default',
            __meta_kubernetes_endpoints_name: 'web',
            __meta_kubernetes_endpoints_label_endpoints_label: 'x',
            __meta_kubernetes_service_name: 'web',
            __meta_kubernetes_service_label_tier: 'front',
            __meta_kubernetes_endpoint_port_name: 'http',
            __meta_kubernetes_endpoint_port_protocol: 'TCP',
            __meta_kubernetes_endpoint_ready: 'true',
            __meta_kubernetes_endpoint_node_name: 'node-1',
            __meta_kubernetes_endpoint_address_target_kind: 'Pod',
            __meta_kubernetes_endpoint_address_target_name: 'web-1',
            __meta_kubernetes_pod_name: 'web-1',
            __meta_kubernetes_pod_container_name: 'app',
            __meta_kubernetes_pod_container_port_number: '8080',
            __meta_kubernetes_pod_container_port_name: 'p8080',
        });
        expect(ready.__meta_kubernetes_pod_container_id).toBeUndefined();
        expect(targets(r).find((t) => t.__address__ === '10.0.0.9:8080')).toMatchObject({ __meta_kubernetes_endpoint_ready: 'false', __meta_kubernetes_endpoint_hostname: 'h9' });
        // The uncovered container port gets a target with the pod's labels but no endpoint labels.
        const extra = targets(r).find((t) => t.__address__ === '10.0.0.1:9100')!;
        expect(extra.__meta_kubernetes_pod_container_port_name).toBe('p9100');
        expect(extra.__meta_kubernetes_endpoint_ready).toBeUndefined();
        // A change to the service is a change to its endpoints' targets.
        api.apply('services', { metadata: { name: 'web', namespace: 'default', labels: { tier: 'back' } }, spec: { type: 'ClusterIP', clusterIP: '10.96.0.5', ports: [] } });
        await waitFor(() => targets(r).every((t) => t.__meta_kubernetes_service_label_tier === 'back'), 5000, 'service relabeled');
    });

    it('roles endpointslice, service, node and ingress', async () => {
        const url = await startApi();
        api.apply('services', { metadata: { name: 'web', namespace: 'default' }, spec: { type: 'ClusterIP', clusterIP: '10.96.0.5', ports: [{ name: 'http', port: 80, protocol: 'TCP' }] } });
        api.apply('services', { metadata: { name: 'ext', namespace: 'default' }, spec: { type: 'ExternalName', externalName: 'example.com', ports: [{ port: 443, protocol: 'TCP' }] } });
        api.apply('endpointslices', {
            metadata: { name: 'web-abc', namespace: 'default', labels: { 'kubernetes.io/service-name': 'web' } },
            addressType: 'IPv4',
            endpoints: [{ addresses: ['10.0.0.7'], conditions: { ready: true, serving: true, terminating: false }, nodeName: 'node-1', zone: 'z1', targetRef: { kind: 'Pod', name: 'gone', namespace: 'default' } }],
            ports: [{ name: 'http', port: 8080, protocol: 'TCP', appProtocol: 'http' }],
        });
        api.apply('nodes', node('node-1', '192.168.1.10'));
        api.apply('ingresses', {
            metadata: { name: 'site', namespace: 'default' },
            spec: { ingressClassName: 'nginx', tls: [{ hosts: ['*.example.com'] }], rules: [{ host: 'www.example.com', http: { paths: [{ path: '/app' }, { path: '' }] } }, { host: 'plain.org' }] },
        });
        const run = async (role: string) => {
            const r = await startComponent(discoveryKubernetes, body({ role, api_server: url, bearer_token: TOKEN }), { label: role });
            await waitFor(() => targets(r).length > 0, 5000, `${role} targets`);
            return Object.assign(targets(r), { running: r });
        };
        const [slice] = await run('endpointslice');
        expect(slice).toEqual({
            __address__: '10.0.0.7:8080',
            __meta_kubernetes_namespace: 'default',
            __meta_kubernetes_endpointslice_name: 'web-abc',
            __meta_kubernetes_endpointslice_label_kubernetes_io_service_name: 'web',
            __meta_kubernetes_endpointslice_labelpresent_kubernetes_io_service_name: 'true',
            __meta_kubernetes_endpointslice_address_type: 'IPv4',
            __meta_kubernetes_service_name: 'web',
            __meta_kubernetes_endpointslice_port: '8080',
            __meta_kubernetes_endpointslice_port_name: 'http',
            __meta_kubernetes_endpointslice_port_protocol: 'TCP',
            __meta_kubernetes_endpointslice_port_app_protocol: 'http',
            __meta_kubernetes_endpointslice_endpoint_conditions_ready: 'true',
            __meta_kubernetes_endpointslice_endpoint_conditions_serving: 'true',
            __meta_kubernetes_endpointslice_endpoint_conditions_terminating: 'false',
            __meta_kubernetes_endpointslice_endpoint_node_name: 'node-1',
            __meta_kubernetes_endpointslice_endpoint_zone: 'z1',
            __meta_kubernetes_endpointslice_address_target_kind: 'Pod',
            __meta_kubernetes_endpointslice_address_target_name: 'gone',
        });
        const services = await run('service');
        expect(services.map((t) => t.__address__).sort()).toEqual(['ext.default.svc:443', 'web.default.svc:80']);
        expect(services.find((t) => t.__meta_kubernetes_service_name === 'ext')).toMatchObject({ __meta_kubernetes_service_type: 'ExternalName', __meta_kubernetes_service_external_name: 'example.com', __meta_kubernetes_service_port_name: '' });
        expect(services.find((t) => t.__meta_kubernetes_service_name === 'web')).toMatchObject({ __meta_kubernetes_service_cluster_ip: '10.96.0.5', __meta_kubernetes_service_port_number: '80', __meta_kubernetes_service_port_protocol: 'TCP' });
        const nodes = await run('node');
        const [n] = nodes;
        expect(n).toEqual({
            __address__: '192.168.1.10:10250',
            instance: 'node-1',
            __meta_kubernetes_node_name: 'node-1',
            __meta_kubernetes_node_provider_id: 'kind://docker/kind/node-1',
            __meta_kubernetes_node_label_kubernetes_io_os: 'linux',
            __meta_kubernetes_node_labelpresent_kubernetes_io_os: 'true',
            __meta_kubernetes_node_annotation_zone: 'a',
            __meta_kubernetes_node_annotationpresent_zone: 'true',
            __meta_kubernetes_node_address_InternalIP: '192.168.1.10',
            __meta_kubernetes_node_address_Hostname: 'node-1',
        });
        // A node from a watch event (raw JSON, where the kubelet port is `Port`) is addressed the same way.
        api.apply('nodes', node('node-2', '192.168.1.11'));
        await waitFor(() => addresses(nodes.running).includes('192.168.1.11:10250'), 5000, 'watched node');
        const ingress = await run('ingress');
        expect(ingress.map((t) => [t.__address__, t.__meta_kubernetes_ingress_scheme, t.__meta_kubernetes_ingress_path])).toEqual([
            ['www.example.com', 'https', '/app'],
            ['www.example.com', 'https', '/'],
            ['plain.org', 'http', '/'],
        ]);
        expect(ingress[0]).toMatchObject({ __meta_kubernetes_ingress_name: 'site', __meta_kubernetes_ingress_class_name: 'nginx', __meta_kubernetes_ingress_host: 'www.example.com', __meta_kubernetes_namespace: 'default' });
    });

    it('sends the HTTP client options: bearer_token_file (re-read on every request), basic_auth', async () => {
        const url = await startApi();
        api.apply('pods', pod('t', '10.2.0.1'));
        const tokenFile = path.join(dir, 'token');
        writeFileSync(tokenFile, `${TOKEN}\n`);
        const r = await startComponent(discoveryKubernetes, body({ role: 'pod', api_server: url, bearer_token_file: tokenFile }), { label: 'file' });
        await waitFor(() => addresses(r).includes('10.2.0.1:8080'), 5000, 'targets with the token file');
        // Targets come from the list; the first watch follows it. Rotate only once that watch is open,
        // so the next watch is one the informer opens after the rotation.
        await api.until(() => api.requests.some((q) => q.verb === 'watch'), 5000, 'first watch');
        // The token is rotated in the file: the next request (a watch resumed after the server ended it) carries the new one.
        writeFileSync(tokenFile, 'rotated-token');
        const before = api.requests.length;
        api.closeWatches();
        await api.until(() => api.requests.slice(before).some((q) => q.verb === 'watch'), 5000, 'resumed watch');
        expect(api.requests.slice(before).find((q) => q.verb === 'watch')?.authorization).toBe('Bearer rotated-token');
        await waitFor(() => r.ctx.health.state === 'unhealthy', 5000, 'the fake refuses the rotated token');

        const open = new FakeKubeApiServer();
        const openUrl = await open.start();
        try {
            open.apply('pods', pod('u', '10.2.0.2'));
            const b = await startComponent(discoveryKubernetes, body({ role: 'pod', api_server: openUrl }, { basic_auth: body({ username: 'admin', password: secret('pa55word') }) }), { label: 'basic' });
            await waitFor(() => addresses(b).includes('10.2.0.2:8080'), 5000, 'targets with basic auth');
            expect(open.requests[0].authorization).toBe(`Basic ${Buffer.from('admin:pa55word').toString('base64')}`);
        } finally {
            await stopAll();
            await open.stop();
        }
    });

    it('connects with a kubeconfig file in the real format (current context, token user)', async () => {
        const url = await startApi();
        api.apply('pods', pod('k', '10.1.0.1'));
        const kubeconfig = path.join(dir, 'kubeconfig.yaml');
        writeFileSync(
            kubeconfig,
            `apiVersion: v1
kind: Config
clusters:
- cluster:
    server: https://192.0.2.1:6443
    certificate-authority-data: ${Buffer.from('not a real CA').toString('base64')}
  name: prod
- cluster:
    server: ${url}
  name: local
contexts:
- context:
    cluster: prod
    user: prod-admin
  name: prod
- context:
    cluster: local
    user: local-user
    namespace: default
  name: local
current-context: local
preferences: {}
users:
- name: prod-admin
  user:
    token: wrong
- name: local-user
  user:
    token: ${TOKEN}
`,
        );
        const r = await startComponent(discoveryKubernetes, body({ role: 'pod', kubeconfig_file: kubeconfig }));
        await waitFor(() => addresses(r).includes('10.1.0.1:8080'), 5000, 'targets via kubeconfig');
        expect(r.ctx.health.message).toContain('context local');
        await expect(startComponent(discoveryKubernetes, body({ role: 'pod', kubeconfig_file: path.join(dir, 'missing.yaml') }), { label: 'missing' })).rejects.toThrow(/kubeconfig_file: cannot load .*missing\.yaml.*ENOENT/);
    });

    it('builds the in-cluster configuration from the service account (token re-read, CA, own namespace)', async () => {
        const root = path.join(dir, 'pod-root');
        const sa = path.join(root, 'var/run/secrets/kubernetes.io/serviceaccount');
        mkdirSync(sa, { recursive: true });
        writeFileSync(path.join(sa, 'token'), 'sa-token-1');
        writeFileSync(path.join(sa, 'ca.crt'), '-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n');
        writeFileSync(path.join(sa, 'namespace'), 'monitoring');
        const saved = { host: process.env.KUBERNETES_SERVICE_HOST, port: process.env.KUBERNETES_SERVICE_PORT };
        const none = decodeClient(Args.of('discovery.kubernetes', discoveryKubernetes.schema, body({ role: 'pod' })));
        try {
            delete process.env.KUBERNETES_SERVICE_HOST;
            expect(() => connect(none, { root })).toThrow(/KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be defined/);
            process.env.KUBERNETES_SERVICE_HOST = '10.96.0.1';
            process.env.KUBERNETES_SERVICE_PORT = '443';
            const conn = connect(none, { root, readOwnNamespace: true });
            expect(conn.ownNamespace).toBe('monitoring');
            expect(conn.config.getCurrentCluster()?.server).toBe('https://10.96.0.1:443');
            const opts = await conn.config.applyToFetchOptions({});
            expect((opts.headers as unknown as Headers).get('Authorization')).toBe('Bearer sa-token-1');
        } finally {
            for (const [k, v] of [['KUBERNETES_SERVICE_HOST', saved.host], ['KUBERNETES_SERVICE_PORT', saved.port]] as const) {
                if (v === undefined) delete process.env[k];
                else process.env[k] = v;
            }
        }
    });

    it('refuses what it cannot do and reports API errors without the token', async () => {
        const url = await startApi();
        await expect(startComponent(discoveryKubernetes, body({ role: 'pods', api_server: url }), { label: 'role' })).rejects.toThrow('role: unknown Kubernetes SD role "pods"');
        await expect(startComponent(discoveryKubernetes, body({ role: 'service', api_server: url }, { selectors: body({ role: 'pod', label: 'a=b' }) }), { label: 'sel' })).rejects.toThrow('service role supports only service selectors');
        await expect(startComponent(discoveryKubernetes, body({ role: 'pod', api_server: url }, { oauth2: body({ client_id: 'x' }) }), { label: 'oauth2' })).rejects.toThrow(/block "oauth2" is not supported by flowlens' embedded runtime/);
        const r = await startComponent(discoveryKubernetes, body({ role: 'pod', api_server: url, bearer_token: secret('not-the-token') }), { label: 'denied' });
        await waitFor(() => r.ctx.health.state === 'unhealthy', 5000, 'unhealthy');
        expect(r.ctx.health.message).toMatch(/watching pods from http:\/\/127\.0\.0\.1:\d+ failed \(retrying\): HTTP 401: Unauthorized/);
        expect(JSON.stringify(r.ctx.logs)).not.toContain('not-the-token');
    });
});
