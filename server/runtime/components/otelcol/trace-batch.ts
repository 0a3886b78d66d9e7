// Splitting and concatenating TraceBatch values (otelcol.processor.batch).
// Resource and scope wrappers are shallow-copied; spans are shared, never mutated.

import type { ResourceSpans, ScopeSpans, TraceBatch } from '../../protocols/otlp-json.js';

export const EMPTY_BATCH: TraceBatch = Object.freeze({ resourceSpans: [] }) as TraceBatch;

export function concatBatches(batches: readonly TraceBatch[]): TraceBatch {
    if (batches.length === 1) return batches[0];
    const resourceSpans: ResourceSpans[] = [];
    for (const b of batches) for (const rs of b.resourceSpans) resourceSpans.push(rs);
    return { resourceSpans };
}

/** Splits off the first `n` spans: returns [head, rest]; either may be empty. */
export function takeSpans(batch: TraceBatch, n: number): [TraceBatch, TraceBatch] {
    const head: ResourceSpans[] = [];
    const rest: ResourceSpans[] = [];
    let left = n;
    for (const rs of batch.resourceSpans) {
        if (left <= 0) {
            rest.push(rs);
            continue;
        }
        let count = 0;
        for (const ss of rs.scopeSpans) count += ss.spans.length;
        if (count <= left) {
            head.push(rs);
            left -= count;
            continue;
        }
        // Split inside this resource.
        const headScopes: ScopeSpans[] = [];
        const restScopes: ScopeSpans[] = [];
        for (const ss of rs.scopeSpans) {
            if (left <= 0) restScopes.push(ss);
            else if (ss.spans.length <= left) {
                headScopes.push(ss);
                left -= ss.spans.length;
            } else {
                headScopes.push({ ...ss, spans: ss.spans.slice(0, left) });
                restScopes.push({ ...ss, spans: ss.spans.slice(left) });
                left = 0;
            }
        }
        head.push({ ...rs, scopeSpans: headScopes });
        rest.push({ ...rs, scopeSpans: restScopes });
    }
    return [{ resourceSpans: head }, { resourceSpans: rest }];
}
