// Runs loki.process with given stages over entries and returns what it forwards, for the stage table
// tests (each cites the Alloy Go file its expectations come from).

import type { ArgumentBody, LogsReceiver } from '../../../../server/runtime/component.js';
import { lokiProcess } from '../../../../server/runtime/components/loki/process.js';
import type { LogEntry } from '../../../../server/runtime/protocols/log-entry.js';
import { type EntrySink, type Running, body, entrySink, startComponent } from '../harness.js';

/** One stage block: `['json', { expressions: {...} }]`, or with nested blocks (match, metrics). */
export type StageSpec = [name: string, attrs?: Record<string, unknown>, blocks?: Record<string, ArgumentBody | ArgumentBody[]>];

export function stageBlocks(stages: readonly StageSpec[]): { name: string; body: ArgumentBody }[] {
    return stages.map(([name, attrs, blocks]) => ({ name: name.startsWith('metric.') ? name : `stage.${name}`, body: body(attrs ?? {}, blocks ?? {}) }));
}

export function processBody(stages: readonly StageSpec[], sink: EntrySink): ArgumentBody {
    const b = body({ forward_to: [sink.value] });
    return { attributes: b.attributes, blocks: stageBlocks(stages) };
}

/** A nested stage list as a block body (for stage.match). */
export function withStages(attrs: Record<string, unknown>, stages: readonly StageSpec[]): ArgumentBody {
    const b = body(attrs);
    return { attributes: b.attributes, blocks: stageBlocks(stages) };
}

export async function startProcess(stages: readonly StageSpec[], label = 'test'): Promise<{ running: Running; sink: EntrySink; receiver: LogsReceiver }> {
    const sink = entrySink();
    const running = await startComponent(lokiProcess, processBody(stages, sink), { label });
    return { running, sink, receiver: running.ctx.exportPayload<LogsReceiver>('receiver') };
}

export function entry(line: string, labels: Record<string, string> = {}, timestamp = 1_700_000_000_000_000_000n): LogEntry {
    return { labels, timestamp, line, structuredMetadata: [] };
}

/** Runs lines through the stages and returns what comes out. */
export async function run(stages: readonly StageSpec[], input: readonly (LogEntry | string)[]): Promise<LogEntry[]> {
    const { running, sink, receiver } = await startProcess(stages);
    await receiver.appendEntries(input.map((e) => (typeof e === 'string' ? entry(e) : e)));
    await running.stop();
    return sink.entries;
}

/** The error building loki.process with these stages gives (the test fails if it builds). */
export async function buildError(stages: readonly StageSpec[]): Promise<string> {
    try {
        const { running } = await startProcess(stages);
        await running.stop();
    } catch (e) {
        return (e as Error).message;
    }
    throw new Error('expected the stages to be refused');
}
