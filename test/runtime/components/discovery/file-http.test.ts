// discovery.file and discovery.http, as Prometheus' file SD (discovery/file/file.go) and HTTP SD
// (discovery/http/http.go) behave under Alloy (internal/component/discovery: groups merged, own
// labels over group labels).

import { mkdtempSync, rmSync, writeFileSync, renameSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { discoveryFile, goGlob } from '../../../../server/runtime/components/discovery/file.js';
import { discoveryHttp } from '../../../../server/runtime/components/discovery/http.js';
import { MAX_UPDATE_FREQUENCY } from '../../../../server/runtime/components/discovery/refresh.js';
import { body, metricValue, startComponent, startServer, stopAll, waitFor } from '../harness.js';
import { exportedTargets } from './helpers.js';

let dir: string;
const savedFrequency = MAX_UPDATE_FREQUENCY.ms;
beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'flowlens-sd-'));
    MAX_UPDATE_FREQUENCY.ms = 0;
});
afterEach(async () => {
    MAX_UPDATE_FREQUENCY.ms = savedFrequency;
    await stopAll();
    rmSync(dir, { recursive: true, force: true });
});

/** Writes a file by rename, as configuration tools replace target files. */
function replace(file: string, text: string): void {
    writeFileSync(`${file}.tmp`, text);
    renameSync(`${file}.tmp`, file);
}

describe('discovery.file', () => {
    it('reads JSON and YAML target groups (targets become __address__, group labels and __meta_filepath); a rewrite is picked up by the watch', async () => {
        const json = path.join(dir, 'a.json');
        const yml = path.join(dir, 'b.yml');
        writeFileSync(json, JSON.stringify([{ targets: ['10.0.0.1:9100', '10.0.0.2:9100'], labels: { env: 'prod' } }]));
        writeFileSync(yml, '- targets: [db:5432]\n  labels:\n    port: 5432\n');
        const r = await startComponent(discoveryFile, body({ files: [path.join(dir, '*.json'), yml] }));
        await waitFor(() => exportedTargets(r.ctx).length === 3, 5000, 'three targets');
        expect(exportedTargets(r.ctx)).toEqual([
            { __address__: '10.0.0.1:9100', env: 'prod', __meta_filepath: json },
            { __address__: '10.0.0.2:9100', env: 'prod', __meta_filepath: json },
            { __address__: 'db:5432', port: '5432', __meta_filepath: yml },
        ]);
        expect(r.ctx.health.state).toBe('healthy');

        replace(json, JSON.stringify([{ targets: ['10.0.0.3:9100'] }]));
        await waitFor(() => exportedTargets(r.ctx).some((t) => t.__address__ === '10.0.0.3:9100') && exportedTargets(r.ctx).length === 2, 5000, 'the rewritten file');
        expect(exportedTargets(r.ctx)[0]).toEqual({ __address__: '10.0.0.3:9100', __meta_filepath: json });

        // A new file matching the glob appears; then one goes away.
        writeFileSync(path.join(dir, 'c.json'), JSON.stringify([{ targets: ['c:1'] }]));
        await waitFor(() => exportedTargets(r.ctx).length === 3, 5000, 'the new file');
        rmSync(json);
        await waitFor(() => exportedTargets(r.ctx).length === 2, 5000, 'the removed file');
        expect(exportedTargets(r.ctx).map((t) => t.__address__)).toEqual(['db:5432', 'c:1']); // ordered by group source (file:index)
    });

    it('a file that does not parse keeps its previous targets and makes the component unhealthy', async () => {
        const json = path.join(dir, 't.json');
        writeFileSync(json, JSON.stringify([{ targets: ['x:1'] }]));
        const r = await startComponent(discoveryFile, body({ files: [json] }));
        await waitFor(() => exportedTargets(r.ctx).length === 1);
        replace(json, '[{"targets": ["y:1"], "lables": {}}]');
        await waitFor(() => r.ctx.health.state === 'unhealthy', 5000, 'unhealthy');
        expect(r.ctx.health.message).toContain('unknown field "lables"');
        expect(exportedTargets(r.ctx)).toEqual([{ __address__: 'x:1', __meta_filepath: json }]);
        replace(json, '[null]');
        await waitFor(() => r.ctx.health.message.includes('nil target group item found'), 5000, 'a null group');
    });

    it('refuses names Prometheus refuses', async () => {
        await expect(startComponent(discoveryFile, body({ files: ['targets.txt'] }))).rejects.toThrow('files[0]: path name "targets.txt" is not valid for file discovery');
        await expect(startComponent(discoveryFile, body({ files: [] }))).rejects.toThrow('at least one path name');
    });

    it('globs like Go filepath.Glob: * stays in one directory, relative patterns stay relative', async () => {
        for (const f of ['x.json', 'y.json', '.hidden.json']) writeFileSync(path.join(dir, f), '[]');
        expect(await goGlob(path.join(dir, '*.json'))).toEqual(['.hidden.json', 'x.json', 'y.json'].map((f) => path.join(dir, f)));
        expect(await goGlob(path.join(dir, '[xz].json'))).toEqual([path.join(dir, 'x.json')]);
        expect(await goGlob(path.join(dir, '**.json'))).toHaveLength(3);
        expect(await goGlob(path.join(path.dirname(dir), '*', 'y.json'))).toContain(path.join(dir, 'y.json'));
        const rel = path.relative(process.cwd(), path.join(dir, 'x.json'));
        expect(await goGlob(rel)).toEqual([rel]);
    });
});

describe('discovery.http', () => {
    it('fetches the HTTP SD format with the refresh interval header and auth; groups get __meta_url; fewer groups remove the rest', async () => {
        let groups: unknown[] = [
            { targets: ['a:1', 'b:1'], labels: { team: 'x' } },
            { targets: ['c:1'], labels: {} },
        ];
        const seen: Record<string, string | string[] | undefined>[] = [];
        const server = await startServer((req, res) => {
            seen.push(req.headers);
            res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8' });
            res.end(JSON.stringify(groups));
        });
        const url = `${server.url}/sd`;
        const r = await startComponent(discoveryHttp, body({ url, refresh_interval: '100ms', bearer_token: 'tok' }));
        await waitFor(() => exportedTargets(r.ctx).length === 3, 5000, 'three targets');
        expect(exportedTargets(r.ctx)).toEqual([
            { __address__: 'a:1', team: 'x', __meta_url: url },
            { __address__: 'b:1', team: 'x', __meta_url: url },
            { __address__: 'c:1', __meta_url: url },
        ]);
        expect(seen[0]['x-prometheus-refresh-interval-seconds']).toBe('0.1');
        expect(seen[0].accept).toBe('application/json');
        expect(seen[0].authorization).toBe('Bearer tok');
        groups = [{ targets: ['a:1'] }];
        await waitFor(() => exportedTargets(r.ctx).length === 1, 5000, 'one target');
        expect(exportedTargets(r.ctx)).toEqual([{ __address__: 'a:1', __meta_url: url }]);
    });

    it('a non-200 answer or another content type is a failed refresh: targets kept, counted, unhealthy', async () => {
        let mode = 'ok';
        const server = await startServer((_req, res) => {
            if (mode === 'ok') {
                res.writeHead(200, { 'Content-Type': 'application/json' });
                res.end('[{"targets": ["a:1"]}]');
            } else if (mode === 'text') {
                res.writeHead(200, { 'Content-Type': 'text/plain' });
                res.end('a:1');
            } else {
                res.writeHead(503);
                res.end();
            }
        });
        const r = await startComponent(discoveryHttp, body({ url: server.url, refresh_interval: '50ms' }));
        await waitFor(() => exportedTargets(r.ctx).length === 1);
        mode = 'text';
        await waitFor(() => r.ctx.health.state === 'unhealthy', 5000, 'unhealthy');
        expect(r.ctx.health.message).toContain('unsupported content type "text/plain"');
        mode = '503';
        await waitFor(() => r.ctx.health.message.includes('server returned HTTP status 503'), 5000, 'the 503');
        expect(exportedTargets(r.ctx)).toHaveLength(1);
        expect(await metricValue(r.ctx.registry, 'prometheus_sd_refresh_failures_total', { mechanism: 'http' })).toBeGreaterThanOrEqual(2);
    });

    it('publishes new targets at most once per MAX_UPDATE_FREQUENCY (Alloy throttles discovery updates), the first at once', async () => {
        MAX_UPDATE_FREQUENCY.ms = 400;
        let n = 0;
        const server = await startServer((_req, res) => {
            res.writeHead(200, { 'Content-Type': 'application/json' });
            res.end(JSON.stringify([{ targets: [`t${n++}:1`] }]));
        });
        const r = await startComponent(discoveryHttp, body({ url: server.url, refresh_interval: '20ms' }));
        const initial = r.ctx.exportsCount; // the empty list set at creation
        await waitFor(() => r.ctx.exportsCount === initial + 1, 5000, 'the first targets');
        const first = performance.now();
        await waitFor(() => r.ctx.exportsCount === initial + 2, 5000, 'the next targets');
        // Refreshes every 20 ms changed the targets all along; the second export waited for the throttle.
        expect(performance.now() - first).toBeGreaterThanOrEqual(300);
        expect(n).toBeGreaterThan(5);
    });

    it('refuses a URL that is not http(s), and TLS settings it cannot honour', async () => {
        await expect(startComponent(discoveryHttp, body({ url: 'ftp://x/' }))).rejects.toThrow("URL scheme must be 'http' or 'https'");
        await expect(startComponent(discoveryHttp, body({ url: 'https://x/' }, { tls_config: body({ insecure_skip_verify: true }) }))).rejects.toThrow(/block "tls_config" is not supported by flowlens' embedded runtime/);
    });
});
