import { afterEach, describe, expect, it } from 'vitest';
import type { Value } from '../../../language/eval/value.js';
import { remoteKubernetesConfigMap } from '../../../server/runtime/components/remote/kubernetes-configmap.js';
import { remoteKubernetesSecret } from '../../../server/runtime/components/remote/kubernetes-secret.js';
import type { Runtime } from '../../../server/runtime/runtime.js';
import { FakeKubeApiServer } from '../fakes/kube-api-server.js';
import { startRuntime } from '../helpers.js';
import { body, startComponent, stopAll, waitFor } from './harness.js';

const TOKEN = 'remote-token-51c2';
let api: FakeKubeApiServer;
let rt: Runtime | undefined;

afterEach(async () => {
    await rt?.stop('test done');
    rt = undefined;
    await stopAll();
    await api?.stop();
});

const b64 = (s: string) => Buffer.from(s).toString('base64');
const client = (url: string, token = TOKEN) => ({ client: body({ api_server: url, bearer_token: token }) });
const data = (r: { ctx: { exports?: Readonly<Record<string, Value>> } }) => {
    const v = r.ctx.exports?.data;
    return v?.kind === 'object' ? Object.fromEntries([...v.fields].map(([k, x]) => [k, x])) : undefined;
};

describe('remote.kubernetes.secret / remote.kubernetes.configmap', () => {
    it('exports a Secret as secrets; rotation reaches the arguments of a downstream component', async () => {
        api = new FakeKubeApiServer({ token: TOKEN });
        const url = await api.start();
        api.apply('secrets', { metadata: { name: 'db', namespace: 'monitoring' }, type: 'Opaque', data: { password: b64('hunter2-v1'), user: b64('alloy') } });
        ({ rt } = await startRuntime({
            'main.alloy': `remote.kubernetes.secret "creds" {
	namespace      = "monitoring"
	name           = "db"
	poll_frequency = "50ms"
	client {
		api_server   = "${url}"
		bearer_token = "${TOKEN}"
	}
}

testcomponents.passthrough "pw" {
	input = remote.kubernetes.secret.creds.data["password"]
}
`,
        }));
        const output = () => rt!.exportsOf('testcomponents.passthrough.pw')?.get('output');
        expect(output()).toEqual({ kind: 'secret', value: 'hunter2-v1' });
        expect(rt.exportsOf('remote.kubernetes.secret.creds')?.get('data')).toEqual({
            kind: 'object',
            fields: new Map<string, Value>([
                ['password', { kind: 'secret', value: 'hunter2-v1' }],
                ['user', { kind: 'secret', value: 'alloy' }],
            ]),
        });
        api.apply('secrets', { metadata: { name: 'db', namespace: 'monitoring' }, type: 'Opaque', data: { password: b64('hunter2-v2'), user: b64('alloy') } });
        await waitFor(() => (output() as { value?: string } | undefined)?.value === 'hunter2-v2', 5000, 'rotated secret downstream');
        expect(output()?.kind).toBe('secret');
        expect(api.requests.filter((q) => q.verb === 'get').every((q) => q.authorization === `Bearer ${TOKEN}` && q.resource === 'secrets' && q.namespace === 'monitoring')).toBe(true);
    });

    it('exports a ConfigMap as strings, publishes only changes, keeps the data when the object goes', async () => {
        api = new FakeKubeApiServer({ token: TOKEN });
        const url = await api.start();
        api.apply('configmaps', { metadata: { name: 'cfg', namespace: 'default' }, data: { 'targets.json': '[]', mode: 'fast' } });
        const r = await startComponent(remoteKubernetesConfigMap, body({ namespace: 'default', name: 'cfg', poll_frequency: '20ms' }, client(url)));
        expect(data(r)).toEqual({ 'targets.json': { kind: 'string', value: '[]' }, mode: { kind: 'string', value: 'fast' } });
        expect(r.ctx.health).toMatchObject({ state: 'healthy', message: 'got configmap' });
        const exports = r.ctx.exportsCount;
        const gets = api.count('get', 'configmaps');
        await api.until(() => api.count('get', 'configmaps') >= gets + 3, 5000, 'three more polls');
        expect(r.ctx.exportsCount).toBe(exports);
        api.delete('configmaps', 'cfg', 'default');
        await waitFor(() => r.ctx.health.state === 'unhealthy', 5000, 'unhealthy after delete');
        expect(r.ctx.health.message).toBe('polling failed: HTTP 404: configmaps "cfg" not found');
        expect(data(r)?.mode).toEqual({ kind: 'string', value: 'fast' });
    });

    it('fails the first poll at update, validates its arguments and keeps the token out of messages', async () => {
        api = new FakeKubeApiServer({ token: TOKEN });
        const url = await api.start();
        await expect(startComponent(remoteKubernetesSecret, body({ namespace: 'x', name: 'missing' }, client(url)), { label: 'missing' })).rejects.toThrow('polling failed: HTTP 404: secrets "missing" not found');
        await expect(startComponent(remoteKubernetesSecret, body({ namespace: 'x', name: 'y' }, client(url, 'wrong-token')), { label: 'denied' })).rejects.toThrow(/^polling failed: HTTP 401: Unauthorized$/);
        await expect(startComponent(remoteKubernetesSecret, body({ namespace: 'x', name: 'y', poll_frequency: '0s' }, client(url)), { label: 'freq' })).rejects.toThrow('poll_frequency must be greater than 0');
        await expect(startComponent(remoteKubernetesSecret, body({ namespace: 'x', name: 'y' }, { client: body({ api_server: url, kubeconfig_file: '/k' }) }), { label: 'both' })).rejects.toThrow('client > api_server: only one of api_server and kubeconfig_file can be set');
        await expect(startComponent(remoteKubernetesSecret, body({ namespace: 'x', name: 'y' }, { client: body({ bearer_token: TOKEN }) }), { label: 'nohost' })).rejects.toThrow('api_server must be set when custom HTTP client configuration is provided');
        await expect(startComponent(remoteKubernetesSecret, body({ namespace: 'x', name: 'y' }, { client: body({ api_server: url }, { oauth2: body({ client_id: 'c' }) }) }), { label: 'oauth2' })).rejects.toThrow(/block "client > oauth2" is not supported by flowlens' embedded runtime/);
    });
});
