// A stand-in for out/runtime.cjs in the client tests: speaks the runtime's JSON-RPC over stdio
// and misbehaves on request. FAKE_WORKER_MODE:
//   ok              answers like a healthy runtime (run, pause, resume, stop, notifications)
//   refuse          refuses the configuration (RPC error `refused`)
//   crash-after-run runs, then writes to stderr and exits with code 3
//   exit-at-start   exits with code 1 before answering anything
//   hang-on-stop    never answers flowlens/stop and ignores SIGTERM (needs SIGKILL); it sends
//                   `fake/ready` once that handler is installed, so a test signals only then
//   closed-stdin    closes its end of stdin, sends `fake/ready` and stays until killed: every
//                   request written to it fails with EPIPE while it is still alive
// The SIGTERM handler goes in before anything is loaded: under load, loading vscode-jsonrpc alone
// can take longer than a test waits before it signals.
const mode = process.env.FAKE_WORKER_MODE || 'ok';
if (mode === 'hang-on-stop') process.on('SIGTERM', () => undefined);
const { createMessageConnection, StreamMessageReader, StreamMessageWriter, ResponseError } = require('vscode-jsonrpc/node');

if (mode === 'closed-stdin') {
    process.stdin.destroy();
    require('node:fs').closeSync(0);
    process.stdout.write(`Content-Length: 40\r\n\r\n{"jsonrpc":"2.0","method":"fake/ready"}\n`);
    setInterval(() => undefined, 1000);
    return;
}
if (mode === 'exit-at-start') {
    process.stderr.write('fake worker: cannot start\n');
    process.exit(1);
}
const connection = createMessageConnection(new StreamMessageReader(process.stdin), new StreamMessageWriter(process.stdout));
const notify = (method, params) => void connection.sendNotification(method, params);
const health = { state: 'healthy', message: 'started', updatedAt: Date.now() };
const component = (globalId, references) => ({
    globalId,
    localId: globalId.split('/').pop(),
    modulePath: globalId.includes('/') ? globalId.slice(0, globalId.lastIndexOf('/')) : '',
    kind: 'component',
    name: 'prometheus.scrape',
    health,
    file: '/tmp/main.alloy',
    line: 1,
    column: 1,
    references,
    referencedBy: [],
});

connection.onRequest('flowlens/run', (params) => {
    if (mode === 'refuse') throw new ResponseError(-32001, 'main.alloy:3:1: component "foo.bar" does not exist\nmain.alloy:9:1: component "baz.qux" does not exist');
    if (mode === 'crash-after-run') {
        setTimeout(() => {
            process.stderr.write('fatal: out of memory\n    at grow (pipeline.js:1:1)\n');
            process.exit(3);
        }, 50);
    }
    notify('flowlens/state', { time: Date.now(), state: 'running' });
    setTimeout(() => {
        const components = [{ globalId: 'a', samplesIn: 10, samplesOut: 10, errors: 0, queueDepth: 0, evaluations: 1, evaluationSeconds: 0, lastEvaluationSeconds: 0, health: 'healthy' }];
        notify('flowlens/metrics', { time: Date.now(), state: 'running', uptimeSeconds: 1, components, totals: { samplesIn: 10, samplesOut: 10, errors: 0 }, evaluationQueue: 0, spans: { exported: 0, dropped: 0 } });
        notify('flowlens/flush', { time: Date.now(), exported: 5, dropped: 1, reason: 'scheduled' });
    }, 10);
    return { components: [component('a', []), component('b', ['a'])], metricsUrl: `http://127.0.0.1:9999/metrics?path=${encodeURIComponent(params.path)}` };
});
connection.onRequest('flowlens/pause', async ({ graceSeconds }) => {
    const pausing = { time: Date.now(), state: 'pausing', reason: `grace ${graceSeconds}s` };
    notify('flowlens/pause', pausing);
    const paused = { time: Date.now() + 1, state: 'paused', drainedOnPause: true };
    notify('flowlens/pause', paused);
    return paused;
});
connection.onRequest('flowlens/resume', () => {
    const running = { time: Date.now(), state: 'running' };
    notify('flowlens/pause', running);
    return running;
});
connection.onRequest('flowlens/stop', (params) => {
    if (mode === 'hang-on-stop') return new Promise(() => undefined);
    notify('flowlens/state', { time: Date.now(), state: 'stopped', reason: params.reason });
    return { reason: params.reason, uptimeSeconds: 1, components: 2, samplesIn: 10, samplesOut: 10, errors: 0, spansExported: 5, spansDropped: 1, spansDroppedBy: { 'queue full': 1 }, problems: [] };
});

if (mode === 'hang-on-stop') setInterval(() => undefined, 1000);
else connection.onClose(() => process.exit(0));
connection.listen();
if (mode === 'hang-on-stop') notify('fake/ready', {});
