// Measures the runtime panel in headless Chromium without VS Code: serves out/webview with the
// real HTML shell and CSP, stubs acquireVsCodeApi, sends a 2,000-component session and a stream
// of metrics/health/flush/pause messages, and prints the panel's own timings
// (window.__flowlensTimings: receive → render, and receive → next paint) plus any CSP violation.
//
//   node scripts/build.mjs && bash test/e2e/setup.sh
//   npm run bench:panel -- [--components 2000] [--updates 60] [--interval 200] [--screenshot out/panel-bench.png]
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { panelHtml } from '../../client/panel/panel-html.js';
import type { HostMessage, SessionSnapshot, TimingSummary } from '../../client/webview/messages.js';
import { PANEL_PROTOCOL_VERSION } from '../../client/webview/messages.js';
import type { ComponentInfo, MetricsSnapshot } from '../../protocol/runtime.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const { values: args } = parseArgs({
    options: {
        components: { type: 'string', default: '2000' },
        updates: { type: 'string', default: '60' },
        interval: { type: 'string', default: '200' },
        screenshot: { type: 'string' },
    },
});
const COMPONENTS = Number(args.components);
const UPDATES = Number(args.updates);
/** Milliseconds between metrics messages (the runtime sends one a second; this is faster on purpose). */
const INTERVAL = Number(args.interval);

/** Module instances of five nodes each (the instance and a chain of four relabels), reading targets from discovery and writing to one remote_write. */
function generateComponents(count: number): ComponentInfo[] {
    const info = (globalId: string, references: string[], kind: ComponentInfo['kind'] = 'component'): ComponentInfo => {
        const slash = globalId.lastIndexOf('/');
        const localId = globalId.slice(slash + 1);
        return {
            globalId,
            localId,
            modulePath: slash < 0 ? '' : globalId.slice(0, slash),
            kind,
            name: localId.split('.').slice(0, -1).join('.'),
            health: { state: 'healthy', message: '', updatedAt: Date.now() },
            file: '/work/bench/main.alloy',
            line: 1,
            column: 1,
            references,
            referencedBy: [],
        };
    };
    const list = [info('discovery.static.targets', []), info('prometheus.remote_write.default', [])];
    for (let m = 0; list.length < count; m++) {
        const mod = `module.file.tenant_${m}`;
        list.push(info(mod, ['discovery.static.targets'], 'module'));
        for (let c = 0; c < 4 && list.length < count; c++) {
            // forward_to the next step; the last one to the writer.
            const next = c < 3 ? `${mod}/prometheus.relabel.step_${c + 1}` : 'prometheus.remote_write.default';
            list.push(info(`${mod}/prometheus.relabel.step_${c}`, [next]));
        }
    }
    return list;
}

function metricsSnapshot(components: ComponentInfo[], tick: number): MetricsSnapshot {
    const metrics = components.map((c, i) => ({
        globalId: c.globalId,
        samplesIn: tick * (100 + (i % 50)),
        samplesOut: tick * (98 + (i % 50)),
        errors: i % 97 === 0 ? tick : 0,
        queueDepth: i % 5 === 0 ? (tick * 7 + i) % 40 : null,
        evaluations: tick,
        evaluationSeconds: 0.001 * tick,
        lastEvaluationSeconds: 0.001,
        dropped: 0,
        health: (i + tick) % 211 === 0 ? ('unhealthy' as const) : ('healthy' as const),
    }));
    const sum = (k: 'samplesIn' | 'samplesOut' | 'errors') => metrics.reduce((n, m) => n + m[k], 0);
    return {
        time: Date.now(),
        state: 'running',
        uptimeSeconds: tick,
        components: metrics,
        totals: { samplesIn: sum('samplesIn'), samplesOut: sum('samplesOut'), errors: sum('errors'), dropped: 0 },
        evaluationQueue: 0,
        spans: { exported: tick * 10, dropped: 0 },
    };
}

function serve(): Promise<{ origin: string; close: () => void }> {
    const nonce = 'benchnonce0123456789';
    return new Promise((resolve) => {
        const server = createServer((req, res) => {
            const origin = `http://${req.headers.host}`;
            if (req.url === '/') {
                // The real shell, plus a nonce'd stub of VS Code's webview API before the panel script.
                const stub = `<script nonce="${nonce}">
window.__posted = []; window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__posted.push(m), getState: () => undefined, setState: () => {} });
</script>\n`;
                const html = panelHtml({ cspSource: origin, nonce, scriptUri: `${origin}/out/webview/panel.js`, styleUri: `${origin}/out/webview/panel.css` });
                res.writeHead(200, { 'content-type': 'text/html' }).end(html.replace('<script nonce', `${stub}<script nonce`));
                return;
            }
            const file = path.join(ROOT, path.normalize(req.url ?? '').replace(/^(\.\.[/\\])+/, ''));
            if (!file.startsWith(path.join(ROOT, 'out', 'webview'))) return void res.writeHead(404).end();
            try {
                res.writeHead(200, { 'content-type': file.endsWith('.css') ? 'text/css' : 'text/javascript' }).end(readFileSync(file));
            } catch {
                res.writeHead(404).end();
            }
        });
        server.listen(0, '127.0.0.1', () => {
            const address = server.address();
            const port = typeof address === 'object' && address ? address.port : 0;
            resolve({ origin: `http://127.0.0.1:${port}`, close: () => server.close() });
        });
    });
}

async function main(): Promise<void> {
    const requireE2E = createRequire(path.join(ROOT, 'test/e2e/package.json'));
    const { chromium } = requireE2E('playwright-core');
    const { origin, close } = await serve();
    const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu'] });
    try {
        const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
        const errors: string[] = [];
        page.on('pageerror', (e: Error) => errors.push(String(e)));
        await page.goto(origin);
        // The page's code is written as strings: this file is type-checked without the DOM library.
        await page.waitForFunction('window.__posted.length > 0');
        const send = (message: HostMessage) =>
            page.evaluate((m: HostMessage) => (globalThis as unknown as { postMessage(m: unknown, target: string): void }).postMessage(m, '*'), message);

        const components = generateComponents(COMPONENTS);
        const session: SessionSnapshot = {
            status: { state: 'running', since: Date.now(), startedAt: Date.now(), target: '/work/bench/main.alloy', metricsAvailable: true },
            components,
            metrics: null,
            pauseEvents: [],
            flushEvents: [],
            flushTotals: { flushes: 0, exported: 0, dropped: 0 },
        };
        await send({ type: 'init', version: PANEL_PROTOCOL_VERSION, session });
        await page.locator('.node').first().waitFor();
        await page.locator(`[data-id="module.file.tenant_3/prometheus.relabel.step_2"]`).click();
        let totals = { flushes: 0, exported: 0, dropped: 0 };
        for (let tick = 1; tick <= UPDATES; tick++) {
            await send({ type: 'metrics', snapshot: metricsSnapshot(components, tick) });
            if (tick % 5 === 0) {
                const events = components.slice(tick, tick + 50).map((c) => ({ time: Date.now(), globalId: c.globalId, health: { state: 'unhealthy' as const, message: 'bench', updatedAt: Date.now() } }));
                await send({ type: 'health', events });
                const event = { time: Date.now(), exported: 10, dropped: tick % 20 === 0 ? 1 : 0, reason: 'scheduled' };
                totals = { flushes: totals.flushes + 1, exported: totals.exported + event.exported, dropped: totals.dropped + event.dropped };
                await send({ type: 'flush', event, totals });
            }
            if (tick === Math.floor(UPDATES / 2)) {
                await send({ type: 'pause', event: { time: Date.now(), state: 'pausing' } });
                await send({ type: 'pause', event: { time: Date.now(), state: 'paused', drainedOnPause: true } });
                await send({ type: 'status', status: { ...session.status, state: 'paused', drainedOnPause: true } });
            }
            await page.waitForTimeout(INTERVAL);
        }
        await page.waitForTimeout(300);
        const result = (await page.evaluate(`({
            timings: window.__flowlensTimings,
            csp: window.__csp,
            posted: window.__posted.length,
            nodes: document.querySelectorAll('.node').length,
            groups: document.querySelectorAll('.group').length,
        })`)) as { timings: TimingSummary; csp: string[]; posted: number; nodes: number; groups: number };
        if (args.screenshot) await page.screenshot({ path: path.resolve(args.screenshot) });
        console.log(JSON.stringify({ components: COMPONENTS, updates: UPDATES, ...result, pageErrors: errors }, null, 2));
        const { render, frame } = result.timings;
        const ok = errors.length === 0 && result.csp.length === 0 && render.metrics.medianMs <= 50;
        console.log(
            `panel-bench: ${COMPONENTS} components, metrics update (receive → render) median ${render.metrics.medianMs} ms, ` +
                `p95 ${render.metrics.p95Ms} ms; to next paint median ${frame.metrics.medianMs} ms — ${ok ? 'OK' : 'FAILED'}`,
        );
        process.exitCode = ok ? 0 : 1;
    } finally {
        await browser.close();
        close();
    }
}

void main();
