// loki.echo: writes every entry it receives to the runtime's log at info level ("received log
// entry", with the stream's labels, the line, its timestamp and structured metadata), as Alloy's
// internal/component/loki/echo does. Useful to see what a pipeline produces.

import type { ArgumentBody, Component, ComponentContext, ComponentDefinition, LogsReceiver } from '../../component.js';
import { LOGS_RECEIVER_TYPE } from '../../component.js';
import type { LogEntry } from '../../protocols/log-entry.js';
import { Args, schema } from '../decode.js';

const SCHEMA = schema([], [], [{ name: 'receiver', type: 'LogsReceiver' }]);

/** RFC 3339 with nanoseconds, from nanoseconds since the epoch. */
export function formatNanos(ns: bigint): string {
    const frac = ((ns % 1_000_000_000n) + 1_000_000_000n) % 1_000_000_000n;
    // Whole seconds rounded down (BigInt division truncates toward zero, wrong before 1970).
    const ms = Number((ns - frac) / 1_000_000n);
    return new Date(ms).toISOString().replace(/\.\d{3}Z$/, `.${String(frac).padStart(9, '0')}Z`);
}

class LokiEcho implements Component {
    private readonly receiver: LogsReceiver;

    constructor(private readonly ctx: ComponentContext) {
        this.receiver = { appendEntries: (entries) => this.echo(entries) };
    }

    update(body: ArgumentBody): void {
        Args.of('loki.echo', SCHEMA, body);
        this.ctx.setExports({ receiver: { kind: 'capsule', type: LOGS_RECEIVER_TYPE, payload: this.receiver } });
        this.ctx.setHealth('healthy', 'echoing received entries to the log');
    }

    private echo(entries: readonly LogEntry[]): void {
        this.ctx.countIn(entries.length);
        for (const e of entries) {
            this.ctx.log('info', 'received log entry', {
                // All labels, internal ones included: this is a debugging view of the stream.
                labels: '{' + Object.keys(e.labels).sort().map((k) => `${k}=${JSON.stringify(e.labels[k])}`).join(', ') + '}',
                entry: e.line,
                entry_timestamp: formatNanos(e.timestamp),
                structured_metadata: JSON.stringify(Object.fromEntries(e.structuredMetadata.map((l) => [l.name, l.value]))),
            });
        }
    }

    async stop(): Promise<void> {}
}

export const lokiEcho: ComponentDefinition = {
    name: 'loki.echo',
    schema: SCHEMA,
    create: (ctx) => new LokiEcho(ctx),
};
