// Contract test of the fake Kubernetes API server: @kubernetes/client-node, the client the runtime
// uses, lists, watches, re-lists after 410 Gone and gets objects against it as against a cluster.

import { CoreV1Api, KubeConfig, ListWatch, type V1Pod, Watch } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers.js';
import { FakeKubeApiServer } from './kube-api-server.js';

const TOKEN = 'fake-token-123';
let api: FakeKubeApiServer | undefined;
let informer: ListWatch<V1Pod> | undefined;

afterEach(async () => {
    await informer?.stop();
    informer = undefined;
    await api?.stop();
    api = undefined;
});

function kubeConfig(server: string, token: string): KubeConfig {
    const kc = new KubeConfig();
    // The client refuses http:// servers unless TLS verification is off (there is no TLS to verify).
    kc.loadFromClusterAndUser({ name: 'fake', server, skipTLSVerify: true }, { name: 'fake', token });
    return kc;
}

const pod = (name: string, labels: Record<string, string> = {}) => ({ metadata: { name, namespace: 'default', labels }, spec: { containers: [{ name: 'c', image: 'i' }] }, status: { podIP: '10.0.0.1' } });

async function startInformer(kc: KubeConfig, labelSelector?: string) {
    const core = kc.makeApiClient(CoreV1Api);
    const lw = new ListWatch<V1Pod>('/api/v1/namespaces/default/pods', new Watch(kc), () => core.listNamespacedPod({ namespace: 'default', labelSelector }), false, labelSelector);
    const events: string[] = [];
    lw.on('add', (p) => events.push(`add ${p.metadata?.name}`));
    lw.on('update', (p) => events.push(`update ${p.metadata?.name}`));
    lw.on('delete', (p) => events.push(`delete ${p.metadata?.name}`));
    const errors: unknown[] = [];
    lw.on('error', (e) => errors.push(e));
    informer = lw;
    await lw.start();
    return { lw, events, errors };
}

describe('fake Kubernetes API server', () => {
    it('serves list + watch with resource versions to the client-node informer', async () => {
        api = new FakeKubeApiServer({ token: TOKEN });
        const url = await api.start();
        api.apply('pods', pod('a'));
        const { lw, events } = await startInformer(kubeConfig(url, TOKEN));
        expect(events).toEqual(['add a']);
        await api.until(() => api!.watchCount('pods') === 1, 5000, 'watch');
        const watch = api.requests.find((r) => r.verb === 'watch')!;
        expect(watch.query.resourceVersion).toBe('2');
        expect(watch.authorization).toBe(`Bearer ${TOKEN}`);

        api.apply('pods', pod('b'));
        await waitFor(() => events.length === 2, 5000, 'ADDED');
        api.apply('pods', { ...pod('b'), status: { podIP: '10.0.0.2' } });
        api.delete('pods', 'a', 'default');
        await waitFor(() => events.length === 4, 5000, 'MODIFIED, DELETED');
        expect(events).toEqual(['add a', 'add b', 'update b', 'delete a']);
        expect(lw.list('default').map((p) => [p.metadata?.name, p.status?.podIP])).toEqual([['b', '10.0.0.2']]);
        expect(lw.latestResourceVersion()).toBe(api.resourceVersion);
    });

    it('answers a watch from a compacted resource version with 410 Gone, and the informer lists again', async () => {
        api = new FakeKubeApiServer({ token: TOKEN });
        const url = await api.start();
        api.apply('pods', pod('a'));
        const { lw, events, errors } = await startInformer(kubeConfig(url, TOKEN));
        await api.until(() => api!.watchCount('pods') === 1, 5000, 'watch');
        api.expireWatches();
        api.apply('pods', pod('c'));
        await api.until(() => api!.count('list', 'pods') === 2 && api!.watchCount('pods') === 1, 5000, 're-list and watch');
        await waitFor(() => lw.list().length === 2, 5000, 'pod c listed');
        expect(events).toEqual(['add a', 'add c']);
        expect(errors).toEqual([]);
    });

    it('resumes a watch that the server ended from the last resource version, without listing', async () => {
        api = new FakeKubeApiServer();
        const url = await api.start();
        const { events } = await startInformer(kubeConfig(url, 'any'));
        await api.until(() => api!.watchCount('pods') === 1, 5000, 'watch');
        api.closeWatches();
        api.apply('pods', pod('late'));
        await waitFor(() => events.includes('add late'), 5000, 'event after resume');
        expect(api.count('list', 'pods')).toBe(1);
        expect(api.count('watch', 'pods')).toBe(2);
    });

    it('filters by label and field selector, gets one object, and refuses a wrong token', async () => {
        api = new FakeKubeApiServer({ token: TOKEN });
        const url = await api.start();
        api.apply('pods', pod('web', { app: 'web', tier: 'front' }));
        api.apply('pods', pod('db', { app: 'db' }));
        const core = kubeConfig(url, TOKEN).makeApiClient(CoreV1Api);
        const names = async (labelSelector?: string, fieldSelector?: string) => (await core.listNamespacedPod({ namespace: 'default', labelSelector, fieldSelector })).items.map((p) => p.metadata?.name);
        expect(await names('app=web')).toEqual(['web']);
        expect(await names('app in (web,db),!tier')).toEqual(['db']);
        expect(await names(undefined, 'metadata.name!=web')).toEqual(['db']);
        api.apply('secrets', { metadata: { name: 's', namespace: 'ns1' }, data: { k: Buffer.from('v').toString('base64') } });
        expect((await core.readNamespacedSecret({ name: 's', namespace: 'ns1' })).data).toEqual({ k: 'dg==' });
        await expect(core.readNamespacedSecret({ name: 'missing', namespace: 'ns1' })).rejects.toMatchObject({ code: 404 });
        const wrong = kubeConfig(url, 'wrong').makeApiClient(CoreV1Api);
        await expect(wrong.listNamespacedPod({ namespace: 'default' })).rejects.toMatchObject({ code: 401 });
    });
});
