// A layered layout of the component graph with module instances as nested boxes, computed once
// per topology change (metrics and health never move anything). Pure and DOM-free.
//
// Each module instance (a node whose global ID is the `modulePath` of others) becomes a group
// box holding its children; every other node is a fixed-size box. Inside each group, members
// are put in layers along the edges between them — a member sits to the right of everything
// upstream of it, so edges run left to right — then ordered by the barycenter of their
// neighbours to cut crossings. An edge between nodes in different groups constrains the two
// ancestors that share a parent. Tall layers wrap into several columns so thousands of
// components make a roughly square canvas instead of one endless column.

export interface LayoutInput {
    readonly globalId: string;
    readonly localId: string;
    readonly modulePath: string;
}

export interface LayoutBox {
    readonly x: number;
    readonly y: number;
    readonly width: number;
    readonly height: number;
}

export interface LayoutItem extends LayoutBox {
    readonly id: string;
    readonly label: string;
    readonly kind: 'node' | 'group';
    /** The enclosing group's id ('' at the root). */
    readonly parent: string;
    /** 0 for members of the root. */
    readonly depth: number;
    /** A group made up for a module path no listed node has (it has no block of its own). */
    readonly synthetic: boolean;
}

/** `from` is upstream of `to`: drawn from the right of `from` to the left of `to`. */
export interface LayoutEdge {
    readonly from: string;
    readonly to: string;
}

export interface GraphLayout {
    readonly width: number;
    readonly height: number;
    readonly items: ReadonlyMap<string, LayoutItem>;
    /** Paint order: outer groups first, nodes last. */
    readonly order: readonly string[];
    readonly edges: readonly LayoutEdge[];
}

export const NODE_WIDTH = 220;
export const NODE_HEIGHT = 40;
export const LAYER_GAP = 56;
export const WRAP_GAP = 24;
export const ROW_GAP = 10;
export const GROUP_PADDING = 10;
export const GROUP_HEADER = 24;
export const MARGIN = 16;
/** Columns never wrap below this height (small graphs stay one column per layer). */
const MIN_COLUMN_HEIGHT = 720;
/** Target height/width of a group's content when its layers wrap. */
const WRAP_ASPECT = 0.6;
const BARYCENTER_ROUNDS = 2;

interface Member {
    readonly id: string;
    readonly index: number;
    width: number;
    height: number;
    x: number;
    y: number;
    layer: number;
    /** Members upstream (left of it) and downstream (right of it) of this one. */
    readonly upstream: number[];
    readonly downstream: number[];
}

interface Group {
    readonly id: string;
    readonly members: string[];
    readonly edges: Array<[from: string, to: string]>;
    width: number;
    height: number;
}

/** Module paths are global IDs of instances: `a/b` is instance `b` inside instance `a`. */
function parentPath(modulePath: string): string {
    const slash = modulePath.lastIndexOf('/');
    return slash < 0 ? '' : modulePath.slice(0, slash);
}

function lastSegment(modulePath: string): string {
    return modulePath.slice(modulePath.lastIndexOf('/') + 1);
}

/** Lays out the nodes; `links` (upstream → downstream) between unknown or equal nodes are ignored. */
export function layoutGraph(components: readonly LayoutInput[], links: readonly LayoutEdge[]): GraphLayout {
    const byId = new Map<string, LayoutInput>();
    for (const c of components) if (!byId.has(c.globalId)) byId.set(c.globalId, c);

    // 1. Items: every node, plus a group for every module path (made up when no node owns it).
    const parentOf = new Map<string, string>();
    const isGroup = new Set<string>();
    const synthetic = new Set<string>();
    const addGroup = (path: string): void => {
        // Walk up iteratively: deeply nested module paths must not overflow the stack.
        const pending: string[] = [];
        for (let p = path; p !== '' && !isGroup.has(p); p = byId.has(p) ? byId.get(p)!.modulePath : parentPath(p)) {
            if (pending.includes(p)) break;
            pending.push(p);
        }
        for (const p of pending) {
            isGroup.add(p);
            if (!byId.has(p)) {
                synthetic.add(p);
                parentOf.set(p, parentPath(p));
            }
        }
    };
    for (const c of byId.values()) {
        parentOf.set(c.globalId, c.modulePath);
        addGroup(c.modulePath);
    }
    breakParentCycles(parentOf);

    // Children in input order; a made-up group takes the place of its first child.
    const groups = new Map<string, Group>();
    const group = (id: string): Group => {
        let g = groups.get(id);
        if (!g) groups.set(id, (g = { id, members: [], edges: [], width: 0, height: 0 }));
        return g;
    };
    group('');
    const placed = new Set<string>();
    const place = (id: string): void => {
        if (placed.has(id)) return;
        const parent = parentOf.get(id) ?? '';
        if (synthetic.has(parent)) place(parent);
        placed.add(id);
        group(parent).members.push(id);
    };
    for (const c of byId.values()) place(c.globalId);
    for (const id of isGroup) {
        group(id);
        place(id);
    }

    // 2. Ancestor chains (root member first), for depth and for lifting edges to a common group.
    const chains = new Map<string, string[]>();
    const chainOf = (id: string): string[] => {
        const cached = chains.get(id);
        if (cached) return cached;
        const chain: string[] = [];
        for (let p: string | undefined = id; p; p = parentOf.get(p)) chain.push(p);
        chain.reverse();
        chains.set(id, chain);
        return chain;
    };

    // 3. Edges: drawn between the real endpoints, laid out between the ancestors that are siblings.
    const edges: LayoutEdge[] = [];
    const seen = new Set<string>();
    for (const { from, to } of links) {
        if (from === to || !parentOf.has(from) || !parentOf.has(to)) continue;
        const key = `${from}\n${to}`;
        if (seen.has(key)) continue;
        seen.add(key);
        edges.push({ from, to });
        const a = chainOf(from);
        const b = chainOf(to);
        let i = 0;
        while (i < a.length && i < b.length && a[i] === b[i]) i++;
        // One endpoint contains the other (an instance and its own child): no layering constraint.
        if (i === a.length || i === b.length) continue;
        group(i === 0 ? '' : a[i - 1]).edges.push([a[i], b[i]]);
    }

    // 4. Sizes and relative positions, innermost groups first.
    const relative = new Map<string, { x: number; y: number; width: number; height: number }>();
    const groupIds = [...groups.keys()].sort((p, q) => chainOf(q).length - chainOf(p).length);
    for (const id of groupIds) {
        const g = groups.get(id)!;
        const size = (m: string) => {
            const inner = isGroup.has(m) ? groups.get(m) : undefined;
            return inner ? { width: inner.width, height: inner.height } : { width: NODE_WIDTH, height: NODE_HEIGHT };
        };
        const content = arrangeMembers(g, size, relative);
        g.width = content.width + 2 * GROUP_PADDING;
        g.height = content.height + 2 * GROUP_PADDING + (id === '' ? 0 : GROUP_HEADER);
    }

    // 5. Absolute positions, outermost first.
    const items = new Map<string, LayoutItem>();
    const order: string[] = [];
    const root = groups.get('')!;
    const visit = (g: Group, originX: number, originY: number, depth: number): void => {
        for (const m of g.members) {
            const r = relative.get(m)!;
            const x = originX + r.x;
            const y = originY + r.y;
            const inner = isGroup.has(m) ? groups.get(m) : undefined;
            const node = byId.get(m);
            items.set(m, {
                id: m,
                label: node ? node.localId : lastSegment(m),
                kind: inner ? 'group' : 'node',
                parent: g.id,
                depth,
                synthetic: synthetic.has(m),
                x,
                y,
                width: r.width,
                height: r.height,
            });
            if (inner) visit(inner, x + GROUP_PADDING, y + GROUP_HEADER + GROUP_PADDING, depth + 1);
        }
    };
    visit(root, MARGIN, MARGIN, 0);
    const all = [...items.values()];
    for (const item of all) if (item.kind === 'group') order.push(item.id);
    order.sort((p, q) => items.get(p)!.depth - items.get(q)!.depth);
    for (const item of all) if (item.kind === 'node') order.push(item.id);

    return {
        width: Math.max(root.width - 2 * GROUP_PADDING, 0) + 2 * MARGIN,
        height: Math.max(root.height - 2 * GROUP_PADDING, 0) + 2 * MARGIN,
        items,
        order,
        edges,
    };
}

/** A node listed as inside its own descendant would loop forever: re-home it at the root. */
function breakParentCycles(parentOf: Map<string, string>): void {
    const done = new Set<string>(['']);
    for (const start of parentOf.keys()) {
        const path = new Set<string>();
        let p: string | undefined = start;
        while (p !== undefined && !done.has(p)) {
            if (path.has(p)) {
                parentOf.set(p, '');
                break;
            }
            path.add(p);
            p = parentOf.get(p);
        }
        for (const q of path) done.add(q);
    }
}

/** Lays out one group's members; writes their positions relative to its content box. */
function arrangeMembers(
    g: Group,
    size: (id: string) => { width: number; height: number },
    out: Map<string, { x: number; y: number; width: number; height: number }>,
): { width: number; height: number } {
    if (g.members.length === 0) return { width: NODE_WIDTH, height: 0 };
    const index = new Map(g.members.map((id, i) => [id, i]));
    const members: Member[] = g.members.map((id, i) => ({ id, index: i, ...size(id), x: 0, y: 0, layer: 0, upstream: [], downstream: [] }));
    for (const [from, to] of g.edges) {
        const f = index.get(from);
        const t = index.get(to);
        if (f === undefined || t === undefined || f === t) continue;
        members[t].upstream.push(f);
        members[f].downstream.push(t);
    }
    assignLayers(members);
    const layers = orderLayers(members);
    return placeColumns(layers, members, out);
}

/**
 * Longest-path layering on the member graph with cycles broken: edges that close a cycle
 * (found by an iterative DFS, so long chains cannot overflow the stack) are ignored.
 */
function assignLayers(members: Member[]): void {
    const n = members.length;
    const state = new Uint8Array(n); // 0 new, 1 on the DFS stack, 2 done
    const topo: number[] = [];
    const ignored = new Set<number>(); // t * n + f for an ignored edge f → t
    for (let start = 0; start < n; start++) {
        if (state[start]) continue;
        const stack: Array<[node: number, next: number]> = [[start, 0]];
        state[start] = 1;
        while (stack.length) {
            const top = stack[stack.length - 1];
            const [v, i] = top;
            const next = members[v].downstream;
            if (i < next.length) {
                top[1]++;
                const w = next[i];
                if (state[w] === 1) ignored.add(w * n + v);
                else if (state[w] === 0) {
                    state[w] = 1;
                    stack.push([w, 0]);
                }
            } else {
                state[v] = 2;
                topo.push(v);
                stack.pop();
            }
        }
    }
    // topo is a post-order along the edges: downstream members come first. Walk it backwards.
    for (let k = topo.length - 1; k >= 0; k--) {
        const v = topo[k];
        let layer = 0;
        for (const f of members[v].upstream) if (!ignored.has(v * n + f)) layer = Math.max(layer, members[f].layer + 1);
        members[v].layer = layer;
    }
}

/** Layers as lists of member indices, ordered by the barycenter heuristic (a few sweeps). */
function orderLayers(members: Member[]): number[][] {
    const layers: number[][] = [];
    for (const m of members) (layers[m.layer] ??= []).push(m.index);
    for (let i = 0; i < layers.length; i++) layers[i] ??= [];
    const position = new Float64Array(members.length);
    const record = (layer: number[]) => layer.forEach((m, i) => (position[m] = i / Math.max(1, layer.length - 1)));
    layers.forEach(record);
    const sweep = (layer: number[], neighbours: (m: Member) => number[]) => {
        const key = new Map<number, number>();
        for (const m of layer) {
            const ns = neighbours(members[m]);
            let sum = 0;
            for (const x of ns) sum += position[x];
            key.set(m, ns.length ? sum / ns.length : position[m]);
        }
        layer.sort((a, b) => key.get(a)! - key.get(b)! || a - b);
        record(layer);
    };
    for (let round = 0; round < BARYCENTER_ROUNDS; round++) {
        for (let i = 1; i < layers.length; i++) sweep(layers[i], (m) => m.upstream);
        for (let i = layers.length - 2; i >= 0; i--) sweep(layers[i], (m) => m.downstream);
    }
    return layers;
}

function placeColumns(
    layers: number[][],
    members: Member[],
    out: Map<string, { x: number; y: number; width: number; height: number }>,
): { width: number; height: number } {
    let area = 0;
    let tallest = 0;
    for (const m of members) {
        area += (m.width + LAYER_GAP) * (m.height + ROW_GAP);
        tallest = Math.max(tallest, m.height);
    }
    const limit = Math.max(tallest, MIN_COLUMN_HEIGHT, Math.sqrt(area * WRAP_ASPECT));

    // Cut each layer into columns no taller than the limit.
    const columns: Array<{ members: number[]; width: number; height: number; gapBefore: number }> = [];
    for (const layer of layers) {
        let current: { members: number[]; width: number; height: number; gapBefore: number } | undefined;
        for (const m of layer) {
            const { width, height } = members[m];
            if (!current || (current.members.length > 0 && current.height + ROW_GAP + height > limit)) {
                current = { members: [], width: 0, height: -ROW_GAP, gapBefore: current ? WRAP_GAP : LAYER_GAP };
                columns.push(current);
            }
            current.members.push(m);
            current.width = Math.max(current.width, width);
            current.height += ROW_GAP + height;
        }
    }
    const contentHeight = Math.max(0, ...columns.map((c) => c.height));
    let x = 0;
    columns.forEach((column, i) => {
        if (i > 0) x += column.gapBefore;
        // Centre short columns: a pipeline then reads as a band instead of hugging the top edge.
        let y = (contentHeight - column.height) / 2;
        for (const m of column.members) {
            const member = members[m];
            out.set(member.id, { x, y, width: member.width, height: member.height });
            y += member.height + ROW_GAP;
        }
        x += column.width;
    });
    return { width: x, height: contentHeight };
}

/** Where edges attach: a node's whole box, or a group's header strip. */
export function anchorBox(item: LayoutItem): LayoutBox {
    return item.kind === 'group' ? { x: item.x, y: item.y, width: item.width, height: GROUP_HEADER } : item;
}

/** SVG path data for an edge: a horizontal S-curve from the right of `from` to the left of `to`. */
export function edgePath(from: LayoutItem, to: LayoutItem): string {
    const a = anchorBox(from);
    const b = anchorBox(to);
    const x1 = a.x + a.width;
    const y1 = a.y + a.height / 2;
    const x2 = b.x;
    const y2 = b.y + b.height / 2;
    const dx = Math.max(24, Math.abs(x2 - x1) / 2);
    return `M${x1} ${y1}C${x1 + dx} ${y1} ${x2 - dx} ${y2} ${x2} ${y2}`;
}
