// The panel's graph layout: module instances nest as boxes, layers follow the edges, cycles and
// odd module paths are survived, and 2,000 components lay out. And which way data flows
// along references.
import { describe, expect, it } from 'vitest';
import { dataFlowEdges, isValueSource } from '../../client/webview/graph/data-flow.js';
import { edgePath, GROUP_HEADER, type LayoutEdge, type LayoutInput, type LayoutItem, layoutGraph, NODE_HEIGHT, NODE_WIDTH } from '../../client/webview/graph/layout.js';
import { component } from './fixtures.js';

const node = (globalId: string): LayoutInput => {
    const slash = globalId.lastIndexOf('/');
    return { globalId, localId: globalId.slice(slash + 1), modulePath: slash < 0 ? '' : globalId.slice(0, slash) };
};
const edge = (from: string, to: string): LayoutEdge => ({ from, to });

const inside = (inner: LayoutItem, outer: LayoutItem) =>
    inner.x >= outer.x && inner.y >= outer.y + GROUP_HEADER && inner.x + inner.width <= outer.x + outer.width && inner.y + inner.height <= outer.y + outer.height;

const overlap = (a: LayoutItem, b: LayoutItem) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/** A generated configuration: `modules` instances of a module with `perModule` chained components, feeding a root writer. */
function generated(modules: number, perModule: number): { nodes: LayoutInput[]; edges: LayoutEdge[] } {
    const nodes = [node('prometheus.remote_write.default'), node('discovery.static.targets')];
    const edges: LayoutEdge[] = [];
    for (let m = 0; m < modules; m++) {
        const mod = `module.file.m${m}`;
        nodes.push(node(mod));
        edges.push(edge('discovery.static.targets', mod));
        for (let c = 0; c < perModule; c++) {
            const id = `${mod}/prometheus.relabel.r${c}`;
            nodes.push(node(id));
            if (c > 0) edges.push(edge(`${mod}/prometheus.relabel.r${c - 1}`, id));
            if (c === perModule - 1) edges.push(edge(id, 'prometheus.remote_write.default'));
        }
    }
    return { nodes, edges };
}

describe('layoutGraph', () => {
    it('puts a node to the right of everything upstream of it', () => {
        const layout = layoutGraph([node('c'), node('b'), node('a')], [edge('b', 'c'), edge('a', 'b')]);
        const [a, b, c] = ['a', 'b', 'c'].map((id) => layout.items.get(id)!);
        expect(a.x).toBeLessThan(b.x);
        expect(b.x).toBeLessThan(c.x);
        expect(a.width).toBe(NODE_WIDTH);
        expect(a.height).toBe(NODE_HEIGHT);
        expect(layout.edges).toEqual([edge('b', 'c'), edge('a', 'b')]);
    });

    it('nests module instances as groups, with their children inside and without overlaps', () => {
        const layout = layoutGraph(
            [
                node('module.file.outer'),
                node('module.file.outer/module.file.inner'),
                node('module.file.outer/module.file.inner/prometheus.scrape.s'),
                node('module.file.outer/prometheus.relabel.r'),
                node('prometheus.remote_write.w'),
            ],
            [edge('module.file.outer/module.file.inner/prometheus.scrape.s', 'module.file.outer/prometheus.relabel.r')],
        );
        const outer = layout.items.get('module.file.outer')!;
        const inner = layout.items.get('module.file.outer/module.file.inner')!;
        const scrape = layout.items.get('module.file.outer/module.file.inner/prometheus.scrape.s')!;
        const relabel = layout.items.get('module.file.outer/prometheus.relabel.r')!;
        expect([outer.kind, inner.kind, scrape.kind]).toEqual(['group', 'group', 'node']);
        expect([outer.depth, inner.depth, scrape.depth]).toEqual([0, 1, 2]);
        expect(inner.parent).toBe('module.file.outer');
        expect(scrape.label).toBe('prometheus.scrape.s');
        expect(inside(inner, outer)).toBe(true);
        expect(inside(scrape, inner)).toBe(true);
        expect(inside(relabel, outer)).toBe(true);
        // The edge from inside `inner` to `relabel` is laid out between their ancestors that are siblings.
        expect(inner.x + inner.width).toBeLessThanOrEqual(relabel.x);
        expect(overlap(outer, layout.items.get('prometheus.remote_write.w')!)).toBe(false);
        // Groups are painted before (under) nodes, outer before inner.
        expect(layout.order.indexOf('module.file.outer')).toBeLessThan(layout.order.indexOf('module.file.outer/module.file.inner'));
        expect(layout.order.at(-1)).not.toMatch(/^module\.file\.(outer|inner)$/);
    });

    it('makes up a group for a module path that no node owns', () => {
        const layout = layoutGraph([node('ghost.instance/a'), node('ghost.instance/b')], [edge('ghost.instance/a', 'ghost.instance/b')]);
        const group = layout.items.get('ghost.instance')!;
        expect(group).toMatchObject({ kind: 'group', synthetic: true, label: 'ghost.instance' });
        expect(inside(layout.items.get('ghost.instance/a')!, group)).toBe(true);
    });

    it('survives cycles, self edges, dangling edges and a node inside itself', () => {
        const layout = layoutGraph(
            [node('a'), node('b'), node('c'), { globalId: 'loop', localId: 'loop', modulePath: 'loop' }, node('loop/child')],
            [edge('c', 'a'), edge('a', 'a'), edge('missing', 'a'), edge('a', 'b'), edge('b', 'c')],
        );
        expect(layout.items.size).toBe(5);
        expect(layout.edges).toHaveLength(3);
        const boxes = ['a', 'b', 'c'].map((id) => layout.items.get(id)!);
        for (const box of boxes) for (const other of boxes) if (box !== other) expect(overlap(box, other)).toBe(false);
    });

    it('wraps a tall layer into several columns', () => {
        const layout = layoutGraph(Array.from({ length: 400 }, (_, i) => node(`n${i}`)), []);
        const xs = new Set([...layout.items.values()].map((i) => i.x));
        expect(xs.size).toBeGreaterThan(3);
        expect(layout.height).toBeLessThan(layout.width * 2);
    });

    it('draws an edge from the right of the upstream node to the left of the downstream one', () => {
        const layout = layoutGraph([node('a'), node('b')], [edge('a', 'b')]);
        const a = layout.items.get('a')!;
        const b = layout.items.get('b')!;
        expect(edgePath(a, b)).toMatch(new RegExp(`^M${a.x + a.width} ${a.y + a.height / 2}C.* ${b.x} ${b.y + b.height / 2}$`));
    });

    // Its time is measured by `npm run bench:panel`, not here.
    it('lays out 2,000 components', () => {
        const { nodes, edges } = generated(666, 2);
        expect(nodes.length).toBe(2000);
        const layout = layoutGraph(nodes, edges);
        expect(layout.items.size).toBe(2000);
        const inFirst = [...layout.items.values()].filter((i) => i.parent === 'module.file.m0');
        expect(overlap(inFirst[0], inFirst[1])).toBe(false);
        expect(inFirst[0].x).toBeLessThan(inFirst[1].x);
        // Upstream of every module, the writer downstream of all of them.
        expect(layout.items.get('discovery.static.targets')!.x).toBeLessThan(layout.items.get('module.file.m0')!.x);
        expect(layout.items.get('prometheus.remote_write.default')!.x).toBeGreaterThan(layout.items.get('module.file.m665')!.x);
    });
});

describe('dataFlowEdges', () => {
    it('sends data to referenced receivers and reads values from discovery, exporters, files and arguments', () => {
        const components = [
            component('prometheus.exporter.self.alloy'),
            component('discovery.relabel.d'),
            component('local.file.token'),
            component('argument.input', [], { kind: 'config', name: 'argument' }),
            component('prometheus.scrape.s', ['prometheus.exporter.self.alloy', 'discovery.relabel.d', 'local.file.token', 'prometheus.relabel.r', 'argument.input', 'gone']),
            component('prometheus.relabel.r', ['prometheus.remote_write.w']),
            component('prometheus.remote_write.w'),
        ];
        expect(dataFlowEdges(components)).toEqual([
            edge('prometheus.exporter.self.alloy', 'prometheus.scrape.s'),
            edge('discovery.relabel.d', 'prometheus.scrape.s'),
            edge('local.file.token', 'prometheus.scrape.s'),
            edge('prometheus.scrape.s', 'prometheus.relabel.r'),
            edge('argument.input', 'prometheus.scrape.s'),
            edge('prometheus.relabel.r', 'prometheus.remote_write.w'),
        ]);
        expect(isValueSource({ name: 'otelcol.auth.basic' })).toBe(true);
        expect(isValueSource({ name: 'otelcol.exporter.otlp' })).toBe(false);
    });
});
