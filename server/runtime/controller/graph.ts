// The runtime graph of one applied configuration: nodes by global ID, who
// reads whom (within a controller, from the instance tree's edges), the
// owner of each module's nodes, the index that resolves references, and the
// order in which a full evaluation visits the nodes.

import type { InstanceTree } from '../../../language/analysis/instances.js';
import { obj, type Value } from '../../../language/eval/value.js';
import type { RuntimeNode } from './nodes.js';

export class Graph {
    readonly nodes = new Map<string, RuntimeNode>();
    /** Global ID → global IDs of the nodes that read it. */
    readonly dependants = new Map<string, Set<string>>();
    /** Global ID → global IDs of the nodes it reads. */
    readonly references = new Map<string, Set<string>>();
    /** Controller (module path) → first name fragment → nodes, for resolving references. */
    private readonly index = new Map<string, Map<string, RuntimeNode[]>>();

    constructor(tree: InstanceTree, nodeFor: (globalId: string) => RuntimeNode) {
        for (const inst of tree.nodes) {
            const node = nodeFor(inst.globalId);
            this.nodes.set(node.globalId, node);
            let heads = this.index.get(node.modulePath);
            if (!heads) this.index.set(node.modulePath, (heads = new Map()));
            const head = node.localId.split('.')[0];
            heads.set(head, [...(heads.get(head) ?? []), node]);
        }
        for (const [from, to] of tree.edges) {
            add(this.dependants, to, from);
            add(this.references, from, to);
        }
    }

    /** The module instance a node runs in. */
    owner(node: RuntimeNode): RuntimeNode | undefined {
        return node.modulePath ? this.nodes.get(node.modulePath) : undefined;
    }

    /** The nodes of the module an instance runs. */
    children(node: RuntimeNode): RuntimeNode[] {
        return node.instance.children.flatMap((c) => this.nodes.get(c.globalId) ?? []);
    }

    /**
     * The value of a name that is not in the stdlib scope, seen from a
     * controller: the nodes whose local ID starts with it, as nested objects
     * (`testcomponents` → { count: { inc: <exports> } }). Undefined when no
     * node starts with it.
     */
    resolve(modulePath: string, head: string): Value | undefined {
        const nodes = this.index.get(modulePath)?.get(head);
        if (!nodes) return undefined;
        const root: Tree = new Map();
        for (const n of nodes) {
            const parts = n.localId.split('.').slice(1);
            if (parts.length === 0) return n.exportsValue;
            let t = root;
            for (const p of parts.slice(0, -1)) {
                let next = t.get(p);
                if (!(next instanceof Map)) t.set(p, (next = new Map()));
                t = next;
            }
            t.set(parts[parts.length - 1], n.exportsValue);
        }
        return toValue(root);
    }

    /**
     * Every node, each after what it reads: a node's references (and, for a
     * module instance it reads, the export blocks inside it), and for an
     * argument block the instance that passes its value.
     */
    evaluationOrder(): RuntimeNode[] {
        const out: RuntimeNode[] = [];
        const done = new Set<RuntimeNode>();
        const visiting = new Set<RuntimeNode>();
        const visit = (n: RuntimeNode) => {
            if (done.has(n) || visiting.has(n)) return; // a cycle was reported by the analysis
            visiting.add(n);
            if (n.role === 'argument') {
                const owner = this.owner(n);
                if (owner) visit(owner);
            }
            for (const id of this.references.get(n.globalId) ?? []) {
                const target = this.nodes.get(id);
                if (!target) continue;
                visit(target);
                if (target.role === 'instance') for (const c of this.children(target)) if (c.role === 'export') visit(c);
            }
            visiting.delete(n);
            done.add(n);
            out.push(n);
        };
        for (const n of this.nodes.values()) visit(n);
        return out;
    }
}

type Tree = Map<string, Tree | Value>;

function toValue(t: Tree): Value {
    const fields = new Map<string, Value>();
    for (const [k, v] of t) fields.set(k, v instanceof Map ? toValue(v) : v);
    return obj(fields);
}

function add(map: Map<string, Set<string>>, key: string, value: string): void {
    let set = map.get(key);
    if (!set) map.set(key, (set = new Set()));
    set.add(value);
}
