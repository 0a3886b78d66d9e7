// End to end: a log file appended to and rotated → local.file_match → loki.source.file →
// loki.process (json + labels + timestamp + match drop) → loki.write → a fake Loki decoding
// protobuf+snappy. Every kept line arrives once, in order, with its labels and its own timestamp;
// the runtime is then stopped with lines still being read and started again on the same storage
// path: nothing is lost and nothing repeats.

import { appendFileSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Runtime } from '../../../server/runtime/runtime.js';
import { type FakeLoki, startFakeLoki } from '../components/loki/fake-loki.js';
import { startRuntime, waitFor } from '../helpers.js';

let dir: string;
let loki: FakeLoki;
let rt: Runtime | undefined;
beforeEach(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'flowlens-e2e-logs-'));
    mkdirSync(path.join(dir, 'logs'));
    loki = await startFakeLoki();
});
afterEach(async () => {
    await rt?.stop('test done');
    rt = undefined;
    await loki.close();
    rmSync(dir, { recursive: true, force: true });
});

function config(): string {
    return `
local.file_match "logs" {
	path_targets = [{"__path__" = "${path.join(dir, 'logs', '*.log')}", "job" = "e2e"}]
	sync_period  = "100ms"
}

loki.source.file "logs" {
	targets    = local.file_match.logs.targets
	forward_to = [loki.process.parse.receiver]

	file_watch {
		min_poll_frequency = "20ms"
		max_poll_frequency = "20ms"
	}
}

loki.process "parse" {
	forward_to = [loki.write.out.receiver]

	stage.json {
		expressions = { level = "", ts = "", msg = "" }
	}

	stage.labels {
		values = { level = "" }
	}

	stage.timestamp {
		source = "ts"
		format = "RFC3339Nano"
	}

	stage.match {
		selector = "{level=\\"debug\\"}"
		action   = "drop"
	}
}

loki.write "out" {
	endpoint {
		url        = "${loki.pushUrl}"
		batch_wait = "50ms"
	}
	external_labels = { cluster = "local" }
}
`;
}

const BASE_NS = 1_704_067_200_000_000_000n; // 2024-01-01T00:00:00Z
let written = 0;
const expected: { line: string; ts: bigint }[] = [];

/** Appends n JSON lines; every 4th is a debug line that the pipeline drops. */
function writeLines(file: string, n: number): void {
    let text = '';
    for (let k = 0; k < n; k++) {
        const i = written++;
        const level = i % 4 === 3 ? 'debug' : 'info';
        const ns = BASE_NS + BigInt(i) * 1_000_000_001n;
        const ts = `2024-01-01T00:${String(Math.floor(Number((ns - BASE_NS) / 1_000_000_000n) / 60)).padStart(2, '0')}:${String(Number((ns - BASE_NS) / 1_000_000_000n) % 60).padStart(2, '0')}.${String(ns % 1_000_000_000n).padStart(9, '0')}Z`;
        const line = JSON.stringify({ ts, level, msg: `message ${i}` });
        text += line + '\n';
        if (level !== 'debug') expected.push({ line, ts: ns });
    }
    appendFileSync(file, text);
}

it('file appended and rotated → file_match → source.file → process → write → Loki: every line once, in order; stop and restart mid-stream lose and repeat nothing', async () => {
    const storagePath = path.join(dir, 'storage');
    const file = path.join(dir, 'logs', 'app.log');
    written = 0;
    expected.length = 0;
    writeLines(file, 40);
    ({ rt } = await startRuntime({ 'main.alloy': config() }, { storagePath }));
    await waitFor(() => loki.entries.length === expected.length, 10_000, 'the first 40 lines');

    // Rotation by rename: lines written just before it and into the new file all arrive.
    writeLines(file, 10);
    renameSync(file, `${file}.1`);
    writeLines(file, 30);
    await waitFor(() => loki.entries.length === expected.length, 10_000, 'the lines around the rotation');

    // Stop while lines are still being read (some have reached Loki, most not), write more while
    // stopped, start again.
    const before = loki.entries.length;
    writeLines(file, 3000);
    await waitFor(() => loki.entries.length > before, 10_000, 'the first of 3000 lines');
    expect(loki.entries.length).toBeLessThan(expected.length);
    await rt.stop('restart');
    rt = undefined;
    writeLines(file, 25);
    ({ rt } = await startRuntime({ 'main.alloy': config() }, { storagePath }));
    writeLines(file, 25);
    await waitFor(() => loki.entries.length >= expected.length, 15_000, 'every line after the restart');
    // Stopping sends what loki.write still holds: a repeated line would have arrived by then.
    await rt.stop('done');
    rt = undefined;

    expect(loki.entries.map((e) => e.line)).toEqual(expected.map((e) => e.line));
    expect(loki.entries.map((e) => e.ts)).toEqual(expected.map((e) => e.ts));
    for (const e of loki.entries) expect(e.labels).toEqual({ cluster: 'local', filename: file, job: 'e2e', level: 'info' });
}, 60_000);
