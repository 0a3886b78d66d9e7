// Whether each node of an evaluated configuration can run in the embedded runtime, and why not:
// what `flowlens run --dry-run` prints, what `run` refuses with, and what a partial run skips.
// The reasons come from the analysis (a component without implementation, foreach, an unresolved
// module, an error inside the block) and from evaluating the configuration exactly as a run does
// (an argument the implementation does not honour, a value it rejects).

import type { NodeReadiness } from '../../../protocol/runtime.js';
import type { ArgumentBody } from '../component.js';
import { IGNORED_ARGUMENTS } from '../components/index.js';
import type { RuntimeNode } from './nodes.js';

/** Services whose settings change what runs: ignoring them would run another pipeline than Alloy's. */
const UNSUPPORTED_SERVICES: Readonly<Record<string, string>> = {
    remotecfg: 'remotecfg loads pipeline configuration from a remote server, which flowlens never contacts',
};

export interface ReadinessGraph {
    /** Global IDs a node reads. */
    references(globalId: string): Iterable<string>;
    node(globalId: string): RuntimeNode | undefined;
}

/** The readiness of every node, in the order given (evaluation order). */
export function assessNodes(nodes: readonly RuntimeNode[], graph: ReadinessGraph): NodeReadiness[] {
    const reasons = new Map<string, string>();
    for (const n of nodes) {
        const own = ownReason(n);
        if (own) reasons.set(n.globalId, own);
    }
    // A node whose evaluation failed because it reads a node that cannot run says so (in evaluation
    // order, so this follows chains), and nodes inside a module instance that cannot run do not run either.
    for (const n of nodes) {
        if (n.evaluationError && !n.skipReason) {
            const dep = [...graph.references(n.globalId)].find((id) => reasons.has(id));
            if (dep) reasons.set(n.globalId, `depends on ${dep}, which cannot run`);
        }
    }
    for (const n of nodes) {
        if (reasons.has(n.globalId)) continue;
        for (let owner = graph.node(n.modulePath); owner; owner = graph.node(owner.modulePath)) {
            if (reasons.has(owner.globalId)) {
                reasons.set(n.globalId, `inside ${owner.globalId}, which cannot run`);
                break;
            }
            if (!owner.modulePath) break;
        }
    }
    return nodes.map((n) => {
        const reason = reasons.get(n.globalId);
        const notes = notesOf(n);
        return { id: n.globalId, component: n.name, runnable: reason === undefined, ...(reason ? { reason } : {}), ...(notes.length ? { notes } : {}) };
    });
}

function ownReason(n: RuntimeNode): string | undefined {
    if (n.skipReason) return n.skipReason;
    if (n.evaluationError) return n.evaluationError;
    if (n.instance.kind === 'service' && UNSUPPORTED_SERVICES[n.name]) return UNSUPPORTED_SERVICES[n.name];
    return undefined;
}

function notesOf(n: RuntimeNode): string[] {
    if (n.instance.kind === 'service' && !UNSUPPORTED_SERVICES[n.name]) return [`the ${n.name} block configures an Alloy service; the embedded runtime ignores it (nothing the pipeline receives or sends depends on it)`];
    const ignored = IGNORED_ARGUMENTS[n.name];
    if (!ignored || !n.lastArgs) return [];
    return presentPaths(n.lastArgs, new Set(ignored)).map((p) => `${p.replace(/\./g, ' > ')} is ignored (harmless when run locally)`);
}

/** The dotted paths of `body` (attributes and blocks, nested) that are in `wanted`. */
function presentPaths(body: ArgumentBody, wanted: ReadonlySet<string>, prefix = ''): string[] {
    const out: string[] = [];
    for (const name of body.attributes.keys()) if (wanted.has(prefix + name)) out.push(prefix + name);
    for (const b of body.blocks) {
        if (wanted.has(prefix + b.name)) out.push(prefix + b.name);
        else out.push(...presentPaths(b.body, wanted, `${prefix}${b.name}.`));
    }
    return [...new Set(out)];
}
