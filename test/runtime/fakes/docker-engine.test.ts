// Contract test of the fake Docker daemon against the Engine API reference: routes, JSON shapes,
// error bodies and the multiplexed log stream framing, read with plain node:http over its socket.

import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_VERSION, FakeDockerEngine, rfc3339Nano } from './docker-engine.js';

let docker: FakeDockerEngine;
beforeAll(async () => {
    docker = await FakeDockerEngine.start();
    docker.addNetwork({ id: 'net1', name: 'bridge' });
    docker.addContainer({ id: 'c1', name: 'web', labels: { app: 'web' }, ports: [{ PrivatePort: 80, Type: 'tcp' }], networks: { bridge: { IPAddress: '172.17.0.2' } } });
    docker.addContainer({ id: 'c2', name: 'tty', tty: true, networks: { bridge: { IPAddress: '172.17.0.3' } } });
});
afterAll(() => docker.close());

function get(path: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
    return new Promise((resolve, reject) => {
        http.get({ socketPath: docker.socketPath, path }, (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        }).on('error', reject);
    });
}

/** Reads stdcopy frames: [stream, 0, 0, 0, size (uint32 BE)] + payload. */
function frames(b: Buffer): { stream: number; text: string }[] {
    const out: { stream: number; text: string }[] = [];
    for (let i = 0; i < b.length; ) {
        expect(b.subarray(i + 1, i + 4)).toEqual(Buffer.from([0, 0, 0]));
        const size = b.readUInt32BE(i + 4);
        out.push({ stream: b[i], text: b.subarray(i + 8, i + 8 + size).toString() });
        i += 8 + size;
    }
    return out;
}

describe('fake Docker Engine API', () => {
    it('answers _ping with the API version, lists containers and networks in the documented shapes, versioned paths too', async () => {
        const ping = await get('/_ping');
        expect([ping.status, ping.body.toString(), ping.headers['api-version']]).toEqual([200, 'OK', API_VERSION]);
        const list = await get(`/v${API_VERSION}/containers/json`);
        const containers = JSON.parse(list.body.toString());
        expect(containers.map((c: { Id: string }) => c.Id).sort()).toEqual(['c1', 'c2']);
        const web = containers.find((c: { Id: string }) => c.Id === 'c1');
        expect(web).toMatchObject({ Names: ['/web'], Labels: { app: 'web' }, Ports: [{ PrivatePort: 80, Type: 'tcp' }], HostConfig: { NetworkMode: 'bridge' } });
        expect(web.NetworkSettings.Networks.bridge).toMatchObject({ NetworkID: 'net1', IPAddress: '172.17.0.2' });
        const nets = JSON.parse((await get('/networks')).body.toString());
        expect(nets[0]).toMatchObject({ Id: 'net1', Name: 'bridge', Scope: 'local', Internal: false, Ingress: false, Labels: {} });
    });

    it('filters in both JSON forms; an unknown filter is a 400 with a message', async () => {
        const byLabel = await get(`/containers/json?filters=${encodeURIComponent('{"label":{"app=web":true}}')}`);
        expect(JSON.parse(byLabel.body.toString()).map((c: { Id: string }) => c.Id)).toEqual(['c1']);
        const byName = await get(`/containers/json?filters=${encodeURIComponent('{"name":["tty"]}')}`);
        expect(JSON.parse(byName.body.toString()).map((c: { Id: string }) => c.Id)).toEqual(['c2']);
        const bad = await get(`/containers/json?filters=${encodeURIComponent('{"nope":["x"]}')}`);
        expect(bad.status).toBe(400);
        expect(JSON.parse(bad.body.toString())).toEqual({ message: "invalid filter 'nope'" });
    });

    it('inspects containers; an unknown one is a 404 {"message": "No such container: ..."}', async () => {
        const c = JSON.parse((await get('/containers/c2/json')).body.toString());
        expect(c).toMatchObject({ Id: 'c2', Config: { Tty: true }, State: { Running: true } });
        const missing = await get('/containers/zzz/json');
        expect([missing.status, JSON.parse(missing.body.toString())]).toEqual([404, { message: 'No such container: zzz' }]);
    });

    it('streams logs as stdcopy frames with RFC3339Nano timestamps, since in Unix seconds, long messages split at 16 KiB', async () => {
        const t1 = docker.log('c1', 'stdout', 'hello', 1_767_225_600_000_000_001n);
        docker.log('c1', 'stderr', 'oops', 1_767_225_601_500_000_000n);
        docker.log('c1', 'stdout', 'x'.repeat(20_000), 1_767_225_602_000_000_000n);
        const res = await get('/containers/c1/logs?stdout=1&stderr=1&timestamps=1&since=0');
        expect(res.headers['content-type']).toBe('application/vnd.docker.multiplexed-stream');
        const f = frames(res.body);
        expect(f[0]).toEqual({ stream: 1, text: `${rfc3339Nano(t1)} hello\n` });
        expect(f[0].text.startsWith('2026-01-01T00:00:00.000000001Z ')).toBe(true);
        expect(f[1]).toEqual({ stream: 2, text: '2026-01-01T00:00:01.5Z oops\n' });
        expect(f.slice(2).map((x) => x.text.length)).toEqual(['2026-01-01T00:00:02Z '.length + 16_384, '2026-01-01T00:00:02Z '.length + 20_001 - 16_384]);
        const since = frames((await get('/containers/c1/logs?stdout=1&stderr=1&since=1767225601.5')).body);
        expect(since.map((x) => x.text.slice(0, 4))).toEqual(['oops', 'xxxx', 'xxxx']);
        const stderrOnly = frames((await get('/containers/c1/logs?stderr=1')).body);
        expect(stderrOnly).toEqual([{ stream: 2, text: 'oops\n' }]);
        expect((await get('/containers/c1/logs')).status).toBe(400);
    });

    it('a TTY container streams raw bytes; follow keeps the stream open until the container stops', async () => {
        const chunks: string[] = [];
        const ended = new Promise<string>((resolve) => {
            http.get({ socketPath: docker.socketPath, path: '/containers/c2/logs?stdout=1&stderr=1&follow=1' }, (res) => {
                res.on('data', (c: Buffer) => chunks.push(c.toString()));
                res.on('end', () => resolve(String(res.headers['content-type'])));
            });
        });
        for (let t0 = Date.now(); docker.followers('c2') === 0; await new Promise((r) => setImmediate(r))) if (Date.now() - t0 > 5000) throw new Error('no follower');
        docker.log('c2', 'stdout', 'live');
        docker.stopContainer('c2');
        expect(await ended).toBe('application/vnd.docker.raw-stream');
        expect(chunks.join('')).toBe('live\n');
    });
});
