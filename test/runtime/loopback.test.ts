// A pipeline that sends to itself (remote_write → receive_http on loopback, as examples/pipeline
// does): pausing and stopping must let what remote_write buffered reach the receiver before the
// receiver stops accepting, so nothing is lost and stopping does not wait on retries.

import { afterEach, expect, it } from 'vitest';
import type { MetricsReceiver } from '../../server/runtime/component.js';
import { labelsFromRecord, type Sample } from '../../server/runtime/protocols/labels.js';
import type { Runtime } from '../../server/runtime/runtime.js';
import { freePort } from './components/harness.js';
import { startRuntime } from './helpers.js';

let rt: Runtime | undefined;
afterEach(async () => {
    await rt?.stop('test done');
    rt = undefined;
});

/** remote_write holds its samples for up to 30 s, so only a flush on pause or stop sends them. */
function loopback(port: number): string {
    return `
prometheus.relabel "in" {
	forward_to = [prometheus.remote_write.out.receiver]
}

prometheus.remote_write "out" {
	endpoint {
		url = "http://127.0.0.1:${port}/api/v1/metrics/write"

		queue_config {
			max_samples_per_send = 10000
			batch_send_deadline  = "30s"
		}
	}
}

prometheus.receive_http "back" {
	http {
		listen_address = "127.0.0.1"
		listen_port    = ${port}
	}
	forward_to = [prometheus.relabel.sink.receiver]
}

prometheus.relabel "sink" {
	forward_to = []
}
`;
}

async function push(runtime: Runtime, n: number): Promise<void> {
    const receiver = (runtime.exportsOf('prometheus.relabel.in')!.get('receiver') as { payload: MetricsReceiver }).payload;
    const samples: Sample[] = Array.from({ length: n }, (_, i) => ({ labels: labelsFromRecord({ __name__: 'loop_total', i: String(i) }), value: i, timestampMs: Date.now() }));
    await receiver.appendSamples(samples);
}

const samplesIn = (runtime: Runtime, globalId: string) => runtime.metricsSnapshot().components.find((c) => c.globalId === globalId)?.samplesIn ?? 0;

it('stop sends what remote_write buffered to its own receive_http before that stops', async () => {
    ({ rt } = await startRuntime({ 'main.alloy': loopback(await freePort()) }));
    await push(rt, 300);
    expect(samplesIn(rt, 'prometheus.relabel.sink')).toBe(0);
    const summary = await rt.stop('test');
    expect(summary.problems).toEqual([]);
    expect(samplesIn(rt, 'prometheus.relabel.sink')).toBe(300);
});

it('pause drains the loop and reports drainedOnPause=true; resume accepts again', async () => {
    ({ rt } = await startRuntime({ 'main.alloy': loopback(await freePort()) }));
    await push(rt, 200);
    const paused = await rt.pause(10);
    expect(paused).toMatchObject({ state: 'paused', drainedOnPause: true });
    expect(samplesIn(rt, 'prometheus.relabel.sink')).toBe(200);
    await rt.resume();
    await push(rt, 100);
    expect((await rt.stop('test')).problems).toEqual([]);
    expect(samplesIn(rt, 'prometheus.relabel.sink')).toBe(300);
});
