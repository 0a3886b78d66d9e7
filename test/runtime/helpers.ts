// Shared helpers of the runtime tests: start a runtime on in-memory files with
// the test components, wait for conditions, read exports.

import { ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { MemoryHost, ROOT } from '../analysis/memory-host.js';
import type { Value } from '../../language/eval/value.js';
import { Runtime, type RuntimeStartOptions } from '../../server/runtime/runtime.js';
import { TEST_COMPONENTS } from './test-components.js';

export { ROOT };

/** Starts a runtime on `files` (main file first) with the test components registered. */
export async function startRuntime(files: Record<string, string>, opts: Partial<RuntimeStartOptions> = {}): Promise<{ rt: Runtime; host: MemoryHost }> {
    const host = new MemoryHost(files);
    const main = Object.keys(files)[0];
    const rt = await Runtime.start({ path: `${ROOT}/${main}`, host, registryDefinitions: TEST_COMPONENTS, ...opts });
    return { rt, host };
}

export async function waitFor(condition: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<number> {
    const start = performance.now();
    while (!condition()) {
        if (performance.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 5));
    }
    return performance.now() - start;
}

/** A number export of a node (by global ID), or undefined. */
export function exportNumber(rt: Runtime, globalId: string, field: string): number | undefined {
    const v: Value | undefined = rt.exportsOf(globalId)?.get(field);
    return v?.kind === 'number' ? v.value : undefined;
}

export function sleep(ms: number): Promise<void> {
    return new Promise((r) => setTimeout(r, ms));
}

/** Keeps every span it is given (the SDK's InMemorySpanExporter forgets them on shutdown). */
export class CollectingExporter implements SpanExporter {
    readonly spans: ReadableSpan[] = [];

    export(spans: ReadableSpan[], done: (r: { code: ExportResultCode }) => void): void {
        this.spans.push(...spans);
        done({ code: ExportResultCode.SUCCESS });
    }

    async shutdown(): Promise<void> {}
}
