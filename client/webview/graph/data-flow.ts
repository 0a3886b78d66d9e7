// Which way data flows along each reference, for drawing. The runtime's graph is a dependency
// graph: a node references what it uses. Mostly that is a receiver it sends to
// (`forward_to = [prometheus.remote_write.x.receiver]`), so data flows from the referencing node
// to the referenced one. Some components are read instead: they produce values such as targets
// (discovery, exporters), file or HTTP contents, auth handlers or module arguments, and data flows
// from them to the node that references them. Alloy's own UI orients its graph the same way.
// Pure.

import type { ComponentInfo } from '../../../protocol/runtime.js';
import type { LayoutEdge } from './layout.js';

const VALUE_SOURCE = /^(discovery|prometheus\.exporter|local|remote|import|otelcol\.auth)\./;

/** Whether references to this node read a value from it (rather than send data to it). */
export function isValueSource(info: Pick<ComponentInfo, 'name'>): boolean {
    return VALUE_SOURCE.test(info.name) || info.name === 'argument';
}

/** One edge per reference between listed nodes, upstream → downstream. */
export function dataFlowEdges(components: readonly Pick<ComponentInfo, 'globalId' | 'name' | 'references'>[]): LayoutEdge[] {
    const byId = new Map(components.map((c) => [c.globalId, c]));
    const edges: LayoutEdge[] = [];
    for (const c of components) {
        for (const ref of c.references) {
            const target = byId.get(ref);
            if (!target || ref === c.globalId) continue;
            edges.push(isValueSource(target) ? { from: ref, to: c.globalId } : { from: c.globalId, to: ref });
        }
    }
    return edges;
}
