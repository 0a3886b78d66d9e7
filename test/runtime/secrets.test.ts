// Secrets never leave the runtime: a run whose configuration carries every kind of
// credential (URL userinfo, basic_auth password, bearer_token, authorization
// credentials, a secret export of local.file is_secret) against a receiver that
// rejects each request and echoes the credentials it saw, with every output
// channel captured — log events, spans, /metrics, health messages and the
// components JSON the RPC client and the panel get — grepped for each secret's bytes.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HealthEvent } from '../../protocol/runtime.js';
import type { MetricsReceiver } from '../../server/runtime/component.js';
import { labelsFromRecord } from '../../server/runtime/protocols/labels.js';
import { redactUrlUserinfo } from '../../server/runtime/redact.js';
import type { Runtime } from '../../server/runtime/runtime.js';
import { startServer, type TestServer } from './components/harness.js';
import { CollectingExporter, startRuntime, waitFor } from './helpers.js';

const SECRETS = {
    'URL userinfo': 'urlpass-7f3a9c',
    'basic_auth password': 'basicpass-2b8d41',
    bearer_token: 'bearertok-9e1c07',
    'authorization credentials': 'authzcred-5a6f22',
    'local.file is_secret export': 'filesecret-3d0b88',
    // What a Basic Authorization header carries, echoed back by the receiver.
    'URL userinfo as a Basic header': Buffer.from('alice:urlpass-7f3a9c').toString('base64'),
    'basic_auth as a Basic header': Buffer.from('bob:basicpass-2b8d41').toString('base64'),
} as const;

let rt: Runtime;
let server: TestServer;
let dir: string;
const exporter = new CollectingExporter();
const healthEvents: HealthEvent[] = [];
const channels: Record<string, string> = {};

beforeAll(async () => {
    // A hostile receiver: rejects (400, not retried) and echoes the credentials and the URL it was sent.
    server = await startServer((req, res) => {
        res.writeHead(400, { 'Content-Type': 'text/plain' });
        res.end(`rejected ${req.headers.authorization ?? ''} at ${req.url}`);
    });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowlens-secrets-'));
    const tokenFile = path.join(dir, 'token');
    fs.writeFileSync(tokenFile, SECRETS['local.file is_secret export']);
    const host = `127.0.0.1:${server.port}`;
    const config = `
local.file "token" {
	filename  = ${JSON.stringify(tokenFile)}
	is_secret = true
}

prometheus.relabel "in" {
	forward_to = [prometheus.remote_write.out.receiver]
}

prometheus.remote_write "out" {
	endpoint {
		name = "userinfo"
		url  = "http://alice:${SECRETS['URL userinfo']}@${host}/userinfo"
		queue_config { batch_send_deadline = "10ms" }
	}
	endpoint {
		name = "basic"
		url  = "http://${host}/basic"
		basic_auth {
			username = "bob"
			password = "${SECRETS['basic_auth password']}"
		}
		queue_config { batch_send_deadline = "10ms" }
	}
	endpoint {
		name         = "bearer"
		url          = "http://${host}/bearer"
		bearer_token = "${SECRETS.bearer_token}"
		queue_config { batch_send_deadline = "10ms" }
	}
	endpoint {
		name = "authorization"
		url  = "http://${host}/authorization"
		authorization {
			type        = "Token"
			credentials = "${SECRETS['authorization credentials']}"
		}
		queue_config { batch_send_deadline = "10ms" }
	}
	endpoint {
		name         = "file"
		url          = "http://${host}/file"
		bearer_token = local.file.token.content
		queue_config { batch_send_deadline = "10ms" }
	}
}
`;
    ({ rt } = await startRuntime({ 'main.alloy': config }, { spanExporters: [exporter], metricsAddress: '127.0.0.1:0' }));
    rt.on('health', (e: HealthEvent) => healthEvents.push(e));
    const receiver = (rt.exportsOf('prometheus.relabel.in')!.get('receiver') as { payload: MetricsReceiver }).payload;
    await receiver.appendSamples([{ labels: labelsFromRecord({ __name__: 'secret_probe_total' }), value: 1, timestampMs: Date.now() }]);
    // Every endpoint reported its rejection (each logs a non-recoverable error).
    await waitFor(() => rt.logHistory.filter((e) => e.level === 'error' && /non-recoverable/.test(e.message)).length >= 5, 10_000, 'five rejections');
    channels['/metrics'] = await (await fetch(rt.metricsUrl!)).text();
    channels['components JSON (RPC, panel)'] = JSON.stringify(rt.components());
    channels['metrics snapshot JSON'] = JSON.stringify(rt.metricsSnapshot());
    await rt.stop('test done');
    channels['log events'] = JSON.stringify(rt.logHistory);
    channels['health events'] = JSON.stringify(healthEvents);
    channels.spans = JSON.stringify(exporter.spans.map((s) => ({ name: s.name, attributes: s.attributes, events: s.events, status: s.status })));
}, 30_000);

afterAll(async () => {
    await server?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('no secret in any output channel of a run', () => {
    it('the channels carry what the run did (so the greps below can fail)', () => {
        expect(channels['log events']).toContain('http://***@127.0.0.1');
        expect(channels['log events']).toContain('rejected');
        expect(channels['/metrics']).toContain('url="http://***@127.0.0.1');
        expect(channels.spans).toContain('http://***@127.0.0.1');
        expect(channels['components JSON (RPC, panel)']).toContain('rejected');
    });
    for (const channel of ['log events', 'spans', '/metrics', 'health events', 'components JSON (RPC, panel)', 'metrics snapshot JSON']) {
        for (const [kind, secret] of Object.entries(SECRETS)) {
            it(`${kind} is not in the ${channel}`, () => {
                expect(channels[channel]).toBeDefined();
                expect(channels[channel]).not.toContain(secret);
            });
        }
    }
});

describe('redactUrlUserinfo', () => {
    it('hides user and password, keeps scheme, host and path', () => {
        expect(redactUrlUserinfo('to https://u:p@host:9/x?y=1 failed')).toBe('to https://***@host:9/x?y=1 failed');
        expect(redactUrlUserinfo('"http://token@h/a" and http://h/b')).toBe('"http://***@h/a" and http://h/b');
    });
    it('leaves an @ outside a URL authority alone', () => {
        expect(redactUrlUserinfo('mail bob@example.com at http://h/p@q')).toBe('mail bob@example.com at http://h/p@q');
    });
});
