import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Component } from '../../../server/runtime/component.js';
import { prometheusReceiveHttp } from '../../../server/runtime/components/prometheus/receive-http.js';
import { body, sampleSink, startComponent, stopAll, waitFor } from './harness.js';

afterEach(stopAll);

async function receiver(http: Record<string, unknown>): Promise<number> {
    const sink = sampleSink();
    const r = await startComponent<Component & { url?: string }>(prometheusReceiveHttp, body({ forward_to: [sink.value] }, { http: body({ listen_address: '127.0.0.1', listen_port: 0, ...http }) }));
    return Number(new URL(r.component.url!).port);
}

function connect(port: number): Promise<net.Socket & { closedAt?: number }> {
    return new Promise((resolve, reject) => {
        const s = net.connect(port, '127.0.0.1', () => resolve(s)) as net.Socket & { closedAt?: number };
        s.on('close', () => (s.closedAt = Date.now()));
        s.resume(); // 'close' follows 'end', which needs the data read
        s.on('error', () => undefined);
        s.once('error', reject);
    });
}

describe('receiver limits on the runtime HTTP servers', () => {
    it('closes a slowloris socket that never finishes its headers after server_read_timeout', async () => {
        const port = await receiver({ server_read_timeout: '1s' });
        const s = await connect(port);
        const t0 = Date.now();
        s.write('POST /api/v1/push HTTP/1.1\r\nHost: x\r\nX-Slow: ');
        await waitFor(() => s.closedAt !== undefined, 10_000, 'the server to close the slow socket');
        // 1 s header deadline, checked every 250 ms: well under Node's default 60 s.
        expect(s.closedAt! - t0).toBeLessThan(5000);
        expect(s.closedAt! - t0).toBeGreaterThanOrEqual(900);
    });

    it('refuses connections beyond conn_limit and keeps serving the ones it holds', async () => {
        const port = await receiver({ conn_limit: 2 });
        const held = [await connect(port), await connect(port)];
        const extra = await connect(port);
        await waitFor(() => extra.closedAt !== undefined, 5000, 'the over-limit connection to be closed');
        expect(held.every((s) => s.closedAt === undefined)).toBe(true);
        held[0].write('GET /-/ready HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
        let reply = '';
        held[0].on('data', (c: Buffer) => (reply += c.toString()));
        await waitFor(() => reply.startsWith('HTTP/1.1 '), 5000, 'a reply on a held connection');
        held.forEach((s) => s.destroy());
    });
});
