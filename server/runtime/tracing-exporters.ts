// Where the runtime's spans go: a JSONL file of OTLP JSON requests, an
// OTLP/HTTP JSON endpoint, and the otelcol consumers a `tracing` block names
// in write_to. The BatchSpanProcessor's forceFlush() does not wait for an
// export already in flight, so each exporter either completes its export()
// synchronously (the file) or tracks what is in flight and waits for it in
// forceFlush() and shutdown().

import fs from 'node:fs';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { TracesConsumer } from './component.js';
import { encodeExportTraceRequest } from './protocols/otlp-json.js';
import { spansToBatch } from './tracing-otlp.js';

/** One OTLP JSON ExportTraceServiceRequest per export() call, one per line; appends to the file. */
export class JsonlFileExporter implements SpanExporter {
    private fd: number | undefined;
    private closed = false;

    constructor(readonly file: string) {
        this.fd = fs.openSync(file, 'a');
    }

    export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
        if (this.closed || this.fd === undefined) {
            done({ code: ExportResultCode.FAILED, error: new Error(`${this.file} is closed`) });
            return;
        }
        try {
            const line = JSON.stringify(encodeExportTraceRequest(spansToBatch(spans))) + '\n';
            writeFully(this.fd, Buffer.from(line, 'utf8'));
            done({ code: ExportResultCode.SUCCESS });
        } catch (e) {
            done({ code: ExportResultCode.FAILED, error: e instanceof Error ? e : new Error(String(e)) });
        }
    }

    async forceFlush(): Promise<void> {
        if (this.fd !== undefined && !this.closed) fs.fsyncSync(this.fd);
    }

    async shutdown(): Promise<void> {
        if (this.closed) return;
        this.closed = true;
        if (this.fd !== undefined) {
            fs.closeSync(this.fd);
            this.fd = undefined;
        }
    }
}

function writeFully(fd: number, buf: Buffer): void {
    let off = 0;
    while (off < buf.length) off += fs.writeSync(fd, buf, off, buf.length - off);
}

/** Tracks promises so flush and shutdown can wait for exports in flight. */
class InFlight {
    private readonly pending = new Set<Promise<unknown>>();

    track<T>(p: Promise<T>): Promise<T> {
        this.pending.add(p);
        const forget = () => this.pending.delete(p);
        p.then(forget, forget);
        return p;
    }

    async settle(): Promise<void> {
        while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
    }
}

const RETRYABLE = new Set([429, 502, 503, 504]);

/** OTLP/HTTP with the JSON encoding (`POST .../v1/traces`); retries 429/502/503/504 twice. */
export class OtlpHttpJsonExporter implements SpanExporter {
    private readonly inFlight = new InFlight();
    private closed = false;

    constructor(
        readonly url: string,
        private readonly timeoutMs = 10_000,
    ) {}

    export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
        if (this.closed) {
            done({ code: ExportResultCode.FAILED, error: new Error('the OTLP exporter is shut down') });
            return;
        }
        const body = JSON.stringify(encodeExportTraceRequest(spansToBatch(spans)));
        void this.inFlight.track(this.send(body)).then(
            () => done({ code: ExportResultCode.SUCCESS }),
            (e: unknown) => done({ code: ExportResultCode.FAILED, error: e instanceof Error ? e : new Error(String(e)) }),
        );
    }

    private async send(body: string): Promise<void> {
        for (let attempt = 0; ; attempt++) {
            const res = await fetch(this.url, {
                method: 'POST',
                headers: { 'Content-Type': 'application/json' },
                body,
                signal: AbortSignal.timeout(this.timeoutMs),
            });
            await res.arrayBuffer().catch(() => undefined);
            if (res.ok) return;
            if (!RETRYABLE.has(res.status) || attempt >= 2) throw new Error(`${this.url} answered ${res.status} ${res.statusText}`);
            await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
        }
    }

    forceFlush(): Promise<void> {
        return this.inFlight.settle();
    }

    async shutdown(): Promise<void> {
        await this.inFlight.settle();
        this.closed = true;
    }
}

/** Hands spans to otelcol consumers (a `tracing` block's write_to). */
export class ConsumerExporter implements SpanExporter {
    private readonly inFlight = new InFlight();

    constructor(private readonly consumers: () => readonly TracesConsumer[]) {}

    export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
        const targets = this.consumers();
        if (targets.length === 0) {
            done({ code: ExportResultCode.SUCCESS });
            return;
        }
        const batch = spansToBatch(spans);
        const sends = targets.map((c) => {
            try {
                return Promise.resolve(c.consumeTraces(batch));
            } catch (e) {
                return Promise.reject(e);
            }
        });
        void this.inFlight.track(Promise.all(sends)).then(
            () => done({ code: ExportResultCode.SUCCESS }),
            (e: unknown) => done({ code: ExportResultCode.FAILED, error: e instanceof Error ? e : new Error(String(e)) }),
        );
    }

    forceFlush(): Promise<void> {
        return this.inFlight.settle();
    }

    shutdown(): Promise<void> {
        return this.inFlight.settle();
    }
}
