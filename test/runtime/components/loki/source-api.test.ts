// loki.source.api (Alloy's loki/source/api/routes.go): push bodies (protobuf+snappy, JSON) and raw
// lines in, `labels` added, `__` labels removed, tenant as __tenant_id__, 204 or 400.

import { afterEach, expect, it } from 'vitest';
import { encodePushRequest } from '../../../../server/runtime/components/loki/push-protocol.js';
import { lokiSourceApi } from '../../../../server/runtime/components/loki/source-api.js';
import { body, entrySink, startComponent, stopAll } from '../harness.js';

afterEach(stopAll);

it('accepts protobuf+snappy, JSON and raw pushes; adds labels, drops __ labels, keeps the tenant; 400 on bad labels', async () => {
    const sink = entrySink();
    const r = await startComponent(lokiSourceApi, body({ forward_to: [sink.value], labels: { source: 'api' }, use_incoming_timestamp: true }, { http: body({ listen_address: '127.0.0.1', listen_port: 0 }) }));
    const url = (r.component as unknown as { url: string }).url;
    const proto = encodePushRequest([{ labels: '{app="a", __hidden="x"}', entries: [{ timestamp: 5n, line: 'p1', structuredMetadata: [] }] }]);
    let res = await fetch(`${url}/loki/api/v1/push`, { method: 'POST', body: proto, headers: { 'Content-Type': 'application/x-protobuf', 'X-Scope-OrgID': 't1' } });
    expect(res.status).toBe(204);
    res = await fetch(`${url}/loki/api/v1/push`, { method: 'POST', body: JSON.stringify({ streams: [{ stream: { app: 'j' }, values: [['7', 'j1']] }] }), headers: { 'Content-Type': 'application/json' } });
    expect(res.status).toBe(204);
    res = await fetch(`${url}/loki/api/v1/raw`, { method: 'POST', body: 'r1\r\n\nr2' });
    expect(res.status).toBe(204);
    expect(sink.entries.map((e) => [e.line, e.labels])).toEqual([
        ['p1', { app: 'a', source: 'api', __tenant_id__: 't1' }],
        ['j1', { app: 'j', source: 'api' }],
        ['r1', { source: 'api' }],
        ['r2', { source: 'api' }],
    ]);
    expect(sink.entries.slice(0, 2).map((e) => e.timestamp)).toEqual([5n, 7n]);
    res = await fetch(`${url}/loki/api/v1/push`, { method: 'POST', body: encodePushRequest([{ labels: 'not labels', entries: [] }]), headers: { 'Content-Type': 'application/x-protobuf' } });
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/invalid stream labels/);
    expect((await fetch(`${url}/ready`)).status).toBe(200);
});
