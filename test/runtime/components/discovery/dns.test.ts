// discovery.dns against a local DNS responder, as Prometheus' DNS SD (discovery/dns/dns.go) labels
// targets: SRV target:port, A/AAAA/MX/NS with `port`, every record label present (empty when unused).

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DNS_SETTINGS, discoveryDns } from '../../../../server/runtime/components/discovery/dns.js';
import { MAX_UPDATE_FREQUENCY } from '../../../../server/runtime/components/discovery/refresh.js';
import { body, metricValue, startComponent, stopAll, waitFor } from '../harness.js';
import { type FakeDns, startFakeDns } from './fake-dns.js';
import { exportedTargets } from './helpers.js';

let dns: FakeDns;
let dir: string;
const saved = { ...DNS_SETTINGS, frequency: MAX_UPDATE_FREQUENCY.ms };
beforeAll(async () => {
    dns = await startFakeDns();
    dir = mkdtempSync(path.join(os.tmpdir(), 'flowlens-dns-'));
    const resolvConf = path.join(dir, 'resolv.conf');
    writeFileSync(resolvConf, 'nameserver 127.0.0.1\nsearch svc.test\noptions ndots:2\n');
    DNS_SETTINGS.servers = [dns.server];
    DNS_SETTINGS.resolvConf = resolvConf;
    MAX_UPDATE_FREQUENCY.ms = 0;
});
afterEach(stopAll);
afterAll(async () => {
    Object.assign(DNS_SETTINGS, { resolvConf: saved.resolvConf, servers: saved.servers });
    MAX_UPDATE_FREQUENCY.ms = saved.frequency;
    await dns.close();
    rmSync(dir, { recursive: true, force: true });
});

const EMPTY = { __meta_dns_srv_record_target: '', __meta_dns_srv_record_port: '', __meta_dns_mx_record_target: '', __meta_dns_ns_record_target: '' };

describe('discovery.dns', () => {
    it('SRV records become target:port with the record labels; a change in the zone shows at the next refresh', async () => {
        dns.zone.set('_http._tcp.example.test', [
            { type: 'SRV', priority: 10, weight: 5, port: 8080, target: 'web1.example.test' },
            { type: 'SRV', priority: 10, weight: 5, port: 8081, target: 'web2.example.test' },
        ]);
        const r = await startComponent(discoveryDns, body({ names: ['_http._tcp.example.test'], refresh_interval: '50ms' }));
        await waitFor(() => exportedTargets(r.ctx).length === 2, 5000, 'two SRV targets');
        expect(exportedTargets(r.ctx)).toEqual([
            { ...EMPTY, __address__: 'web1.example.test:8080', __meta_dns_name: '_http._tcp.example.test', __meta_dns_srv_record_target: 'web1.example.test.', __meta_dns_srv_record_port: '8080' },
            { ...EMPTY, __address__: 'web2.example.test:8081', __meta_dns_name: '_http._tcp.example.test', __meta_dns_srv_record_target: 'web2.example.test.', __meta_dns_srv_record_port: '8081' },
        ]);
        dns.zone.set('_http._tcp.example.test', [{ type: 'SRV', priority: 10, weight: 5, port: 9000, target: 'web3.example.test' }]);
        await waitFor(() => exportedTargets(r.ctx).length === 1, 5000, 'the changed zone');
        expect(exportedTargets(r.ctx)[0].__address__).toBe('web3.example.test:9000');
        expect(await metricValue(r.ctx.registry, 'prometheus_sd_dns_lookups_total')).toBeGreaterThanOrEqual(2);
    });

    it('A, AAAA, MX and NS records use `port`; a short name is tried with the search domain first (ndots)', async () => {
        dns.zone.set('db.svc.test', [{ type: 'A', address: '10.1.2.3' }, { type: 'A', address: '10.1.2.4' }]);
        dns.zone.set('v6.example.test', [{ type: 'AAAA', address: '2001:db8::1' }]);
        dns.zone.set('example.test', [{ type: 'MX', preference: 10, exchange: 'mail.example.test' }, { type: 'NS', host: 'ns1.example.test' }]);
        const a = await startComponent(discoveryDns, body({ names: ['db'], type: 'A', port: 5432 }), { label: 'a' });
        await waitFor(() => exportedTargets(a.ctx).length === 2, 5000, 'A targets');
        expect(exportedTargets(a.ctx)[0]).toEqual({ ...EMPTY, __address__: '10.1.2.3:5432', __meta_dns_name: 'db' });
        expect(dns.queries).toContain('db.svc.test');
        const aaaa = await startComponent(discoveryDns, body({ names: ['v6.example.test'], type: 'aaaa', port: 80 }), { label: 'aaaa' });
        await waitFor(() => exportedTargets(aaaa.ctx).length === 1, 5000, 'AAAA target');
        expect(exportedTargets(aaaa.ctx)[0].__address__).toBe('[2001:db8::1]:80');
        const mx = await startComponent(discoveryDns, body({ names: ['example.test'], type: 'MX', port: 25 }), { label: 'mx' });
        await waitFor(() => exportedTargets(mx.ctx).length === 1, 5000, 'MX target');
        expect(exportedTargets(mx.ctx)[0]).toEqual({ ...EMPTY, __address__: 'mail.example.test:25', __meta_dns_name: 'example.test', __meta_dns_mx_record_target: 'mail.example.test.' });
        const ns = await startComponent(discoveryDns, body({ names: ['example.test'], type: 'NS', port: 53 }), { label: 'ns' });
        await waitFor(() => exportedTargets(ns.ctx).length === 1, 5000, 'NS target');
        expect(exportedTargets(ns.ctx)[0].__meta_dns_ns_record_target).toBe('ns1.example.test.');
    });

    it('NXDOMAIN everywhere means no targets; SERVFAIL keeps the previous ones and counts a failure', async () => {
        dns.zone.set('flaky.example.test', [{ type: 'A', address: '10.9.9.9' }]);
        const r = await startComponent(discoveryDns, body({ names: ['flaky.example.test', 'missing.example.test'], type: 'A', port: 1, refresh_interval: '50ms' }));
        await waitFor(() => exportedTargets(r.ctx).length === 1, 5000, 'one target');
        dns.servfail.add('flaky.example.test');
        await waitFor(() => r.ctx.logs.some((l) => l.message === 'Error refreshing DNS targets'), 5000, 'the SERVFAIL');
        expect(exportedTargets(r.ctx)).toHaveLength(1);
        expect(await metricValue(r.ctx.registry, 'prometheus_sd_dns_lookup_failures_total')).toBeGreaterThanOrEqual(1);
        dns.servfail.delete('flaky.example.test');
        dns.zone.delete('flaky.example.test');
        await waitFor(() => exportedTargets(r.ctx).length === 0, 5000, 'the name gone');
    });

    it('refuses what Alloy refuses', async () => {
        await expect(startComponent(discoveryDns, body({ names: ['x'], type: 'A' }))).rejects.toThrow('a port is required in DNS-SD configs for all record types except SRV');
        await expect(startComponent(discoveryDns, body({ names: ['x'], type: 'TXT' }))).rejects.toThrow('invalid DNS-SD records type TXT');
    });
});
