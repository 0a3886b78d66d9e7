// The component graph in the DOM: absolutely positioned boxes for nodes and module groups, all
// edges in one SVG path. Built once per topology change from the layout. After that, an update
// touches only the class, text and title of the components that changed, only where they differ
// from what is shown, and only for boxes in (or near) the viewport: off-screen boxes are marked
// stale and refreshed when scrolling brings them into view. With thousands of components a
// metrics tick then costs about as much as the few hundred visible boxes.
// Scrolls, pans by dragging the background, zooms with Ctrl+wheel or the buttons.

import type { GraphLayout, LayoutBox, LayoutItem } from './layout.js';
import { dataFlowEdges } from './data-flow.js';
import { anchorBox, edgePath, layoutGraph } from './layout.js';
import { nodeDetail, nodeTooltip } from './node-text.js';
import type { ComponentView, PanelModel } from '../state/panel-model.js';

const SVG_NS = 'http://www.w3.org/2000/svg';
const MIN_ZOOM = 0.1;
const MAX_ZOOM = 2;

export interface GraphViewState {
    readonly zoom: number;
    readonly scrollLeft: number;
    readonly scrollTop: number;
}

export interface GraphViewEvents {
    /** A node or module header was clicked. */
    select(globalId: string): void;
    /** Zoom or scroll changed (to save the view state). */
    viewChanged(): void;
}

/** What a component's element shows now, to skip DOM writes that change nothing. */
interface Shown {
    readonly element: HTMLElement;
    /** `node` or `group-header`: the classes before health and state. */
    readonly base: string;
    /** Where it is, in graph coordinates (a group's header strip). */
    readonly box: LayoutBox;
    readonly detail: Text;
    className: string;
    detailText: string;
    title: string;
}

export class GraphView {
    private readonly sizer: HTMLElement;
    private readonly canvas: HTMLElement;
    private layout: GraphLayout | null = null;
    private shown = new Map<string, Shown>();
    /** Components whose box was off-screen when they changed. */
    private stale = new Set<string>();
    private selectedEdges: SVGGElement | null = null;
    private selected: string | undefined;
    private dimmed = new Set<string>();
    private zoom = 1;
    /** The viewport (plus a margin) in graph coordinates; kept current on scroll, zoom and resize. */
    private visible: LayoutBox = { x: 0, y: 0, width: 0, height: 0 };
    private refreshScheduled = false;

    constructor(
        private readonly viewport: HTMLElement,
        private readonly model: PanelModel,
        private readonly events: GraphViewEvents,
    ) {
        this.sizer = viewport.appendChild(document.createElement('div'));
        this.sizer.className = 'graph-sizer';
        this.canvas = this.sizer.appendChild(document.createElement('div'));
        this.canvas.className = 'graph-canvas';
        this.canvas.addEventListener('click', (e) => {
            const target = (e.target as Element).closest<HTMLElement>('[data-id]');
            if (target?.dataset.id) this.events.select(target.dataset.id);
        });
        this.enablePanAndZoom();
        new ResizeObserver(() => this.viewMoved()).observe(viewport);
    }

    /** Lays the graph out again and rebuilds the DOM (topology changes only). */
    setTopology(): void {
        const model = this.model;
        const infos = [...model.components.values()].map((v) => v.info);
        this.layout = layoutGraph(infos, dataFlowEdges(infos));
        const layout = this.layout;
        this.shown = new Map();
        this.stale = new Set();
        const fragment = document.createDocumentFragment();
        const nodes: LayoutItem[] = [];
        for (const id of layout.order) {
            const item = layout.items.get(id)!;
            if (item.kind === 'group') fragment.appendChild(this.createGroup(item, model.components.get(id)));
            else nodes.push(item);
        }
        fragment.appendChild(this.createEdges(layout));
        for (const item of nodes) fragment.appendChild(this.createNode(item, model.components.get(item.id)));
        this.canvas.replaceChildren(fragment);
        this.canvas.style.width = `${layout.width}px`;
        this.canvas.style.height = `${layout.height}px`;
        this.applyZoom(this.zoom);
        this.updateSelectedEdges();
    }

    /** Shows the new state of these components (now if on screen, else when scrolled to). */
    update(ids: Iterable<string>): void {
        for (const id of ids) {
            const shown = this.shown.get(id);
            if (!shown) continue;
            if (intersects(shown.box, this.visible)) this.refresh(shown, id);
            else this.stale.add(id);
        }
    }

    select(id: string | undefined): void {
        const previous = this.selected;
        this.selected = id;
        this.update([previous, id].filter((x): x is string => x !== undefined));
        this.updateSelectedEdges();
    }

    /** Dims what does not match (local ID, global ID or block name); returns the matching components in graph order. */
    filter(text: string): string[] {
        const needle = text.trim().toLowerCase();
        const matches: string[] = [];
        const dimmed = new Set<string>();
        if (needle) {
            const keep = new Set<string>();
            for (const view of this.model.components.values()) {
                const { globalId, localId, name } = view.info;
                if (globalId.toLowerCase().includes(needle) || localId.toLowerCase().includes(needle) || name.toLowerCase().includes(needle)) {
                    matches.push(globalId);
                    // A module box stays lit while anything inside it matches.
                    for (let p: string | undefined = globalId; p; p = this.layout?.items.get(p)?.parent) keep.add(p);
                }
            }
            for (const id of this.shown.keys()) if (!keep.has(id)) dimmed.add(id);
        }
        const changed = new Set([...this.dimmed, ...dimmed]);
        this.dimmed = dimmed;
        this.update(changed);
        return matches;
    }

    /** Scrolls so that the component is in the middle of the viewport. */
    reveal(id: string): void {
        const item = this.layout?.items.get(id);
        if (!item) return;
        const box = anchorBox(item);
        const z = this.zoom;
        this.viewport.scrollLeft = (box.x + box.width / 2) * z - this.viewport.clientWidth / 2;
        this.viewport.scrollTop = (box.y + box.height / 2) * z - this.viewport.clientHeight / 2;
    }

    zoomBy(factor: number): void {
        this.zoomAround(this.zoom * factor, this.viewport.clientWidth / 2, this.viewport.clientHeight / 2);
    }

    /** Fits the whole graph into the viewport (never enlarging beyond 1:1). */
    fit(): void {
        if (!this.layout) return;
        const z = Math.min(1, this.viewport.clientWidth / this.layout.width, this.viewport.clientHeight / this.layout.height);
        this.applyZoom(z);
        this.viewport.scrollLeft = 0;
        this.viewport.scrollTop = 0;
        this.viewMoved();
    }

    resetZoom(): void {
        this.zoomAround(1, this.viewport.clientWidth / 2, this.viewport.clientHeight / 2);
    }

    get viewState(): GraphViewState {
        return { zoom: this.zoom, scrollLeft: this.viewport.scrollLeft, scrollTop: this.viewport.scrollTop };
    }

    set viewState(state: GraphViewState) {
        this.applyZoom(state.zoom);
        this.viewport.scrollLeft = state.scrollLeft;
        this.viewport.scrollTop = state.scrollTop;
        this.viewMoved();
    }

    private createNode(item: LayoutItem, view: ComponentView | undefined): HTMLElement {
        const el = document.createElement('div');
        el.dataset.id = item.id;
        place(el, item);
        const label = el.appendChild(document.createElement('span'));
        label.className = 'label';
        label.textContent = item.label;
        const detail = el.appendChild(document.createElement('span'));
        detail.className = 'detail';
        this.track(item, el, detail.appendChild(document.createTextNode('')), 'node', view);
        return el;
    }

    private createGroup(item: LayoutItem, view: ComponentView | undefined): HTMLElement {
        const box = document.createElement('div');
        box.className = `group depth-${item.depth % 4}`;
        place(box, item);
        const header = box.appendChild(document.createElement('div'));
        header.dataset.id = item.id;
        const label = header.appendChild(document.createElement('span'));
        label.className = 'label';
        label.textContent = item.label;
        const detail = header.appendChild(document.createElement('span'));
        detail.className = 'detail';
        const text = detail.appendChild(document.createTextNode(''));
        if (item.synthetic) {
            header.className = 'group-header synthetic';
            header.title = item.id;
        } else this.track(item, header, text, 'group-header', view);
        return box;
    }

    private track(item: LayoutItem, element: HTMLElement, detail: Text, base: string, view: ComponentView | undefined): void {
        const shown: Shown = { element, base, box: anchorBox(item), detail, className: '', detailText: '', title: '' };
        this.shown.set(item.id, shown);
        if (view) this.refresh(shown, item.id);
        else element.className = base;
    }

    private refresh(shown: Shown, id: string): void {
        const view = this.model.components.get(id);
        if (!view) return;
        this.stale.delete(id);
        let className = `${shown.base} health-${view.health}`;
        if (id === this.selected) className += ' selected';
        if (this.dimmed.has(id)) className += ' dimmed';
        if (className !== shown.className) shown.element.className = shown.className = className;
        const detailText = nodeDetail(view);
        if (detailText !== shown.detailText) shown.detail.data = shown.detailText = detailText;
        const title = nodeTooltip(view);
        if (title !== shown.title) shown.element.title = shown.title = title;
    }

    /** Brings stale boxes that are now on screen up to date. */
    private refreshVisible(): void {
        for (const id of this.stale) {
            const shown = this.shown.get(id);
            if (!shown) this.stale.delete(id);
            else if (intersects(shown.box, this.visible)) this.refresh(shown, id);
        }
    }

    /** Scroll, zoom or resize: recompute the visible area (once per frame) and refresh what came into view. */
    private viewMoved(): void {
        if (this.refreshScheduled) return;
        this.refreshScheduled = true;
        requestAnimationFrame(() => {
            this.refreshScheduled = false;
            const z = this.zoom;
            const width = this.viewport.clientWidth / z;
            const height = this.viewport.clientHeight / z;
            // Half a viewport of margin: short scrolls show boxes that are already current.
            this.visible = { x: this.viewport.scrollLeft / z - width / 2, y: this.viewport.scrollTop / z - height / 2, width: width * 2, height: height * 2 };
            this.refreshVisible();
        });
    }

    private createEdges(layout: GraphLayout): SVGSVGElement {
        const svg = document.createElementNS(SVG_NS, 'svg');
        svg.setAttribute('class', 'edges');
        svg.setAttribute('width', String(layout.width));
        svg.setAttribute('height', String(layout.height));
        svg.appendChild(document.createElementNS(SVG_NS, 'defs')).appendChild(arrowMarker('arrow'));
        const parts: string[] = [];
        for (const e of layout.edges) parts.push(edgePath(layout.items.get(e.from)!, layout.items.get(e.to)!));
        // All edges in one path: thousands of elements would cost more than the whole graph. One path
        // cannot carry an arrow per edge; the layout shows the direction (data flows left to right),
        // and the selection's edges get arrows.
        const all = svg.appendChild(document.createElementNS(SVG_NS, 'path'));
        all.setAttribute('class', 'edge');
        all.setAttribute('d', parts.join(''));
        this.selectedEdges = svg.appendChild(document.createElementNS(SVG_NS, 'g'));
        return svg;
    }

    /** Draws the selected component's edges on top, each with an arrow head. */
    private updateSelectedEdges(): void {
        if (!this.selectedEdges || !this.layout) return;
        const layout = this.layout;
        const paths: SVGPathElement[] = [];
        if (this.selected) {
            for (const e of layout.edges) {
                if (e.from !== this.selected && e.to !== this.selected) continue;
                const path = document.createElementNS(SVG_NS, 'path');
                path.setAttribute('class', 'edge selected');
                path.setAttribute('marker-end', 'url(#arrow)');
                path.setAttribute('d', edgePath(layout.items.get(e.from)!, layout.items.get(e.to)!));
                paths.push(path);
            }
        }
        this.selectedEdges.replaceChildren(...paths);
    }

    private applyZoom(z: number): void {
        this.zoom = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, z));
        const width = this.layout?.width ?? 0;
        const height = this.layout?.height ?? 0;
        this.canvas.style.transform = `scale(${this.zoom})`;
        this.sizer.style.width = `${width * this.zoom}px`;
        this.sizer.style.height = `${height * this.zoom}px`;
    }

    /** Zooms keeping the graph point under (x, y) of the viewport in place. */
    private zoomAround(z: number, x: number, y: number): void {
        const before = this.zoom;
        const gx = (this.viewport.scrollLeft + x) / before;
        const gy = (this.viewport.scrollTop + y) / before;
        this.applyZoom(z);
        this.viewport.scrollLeft = gx * this.zoom - x;
        this.viewport.scrollTop = gy * this.zoom - y;
        this.viewMoved();
        this.events.viewChanged();
    }

    private enablePanAndZoom(): void {
        this.viewport.addEventListener(
            'wheel',
            (e) => {
                if (!e.ctrlKey && !e.metaKey) return;
                e.preventDefault();
                const rect = this.viewport.getBoundingClientRect();
                this.zoomAround(this.zoom * Math.exp(-e.deltaY * 0.002), e.clientX - rect.left, e.clientY - rect.top);
            },
            { passive: false },
        );
        let drag: { x: number; y: number; left: number; top: number; pointer: number } | undefined;
        this.viewport.addEventListener('pointerdown', (e) => {
            if (e.button !== 0 || (e.target as Element).closest('[data-id]')) return;
            drag = { x: e.clientX, y: e.clientY, left: this.viewport.scrollLeft, top: this.viewport.scrollTop, pointer: e.pointerId };
            this.viewport.setPointerCapture(e.pointerId);
            this.viewport.classList.add('panning');
        });
        this.viewport.addEventListener('pointermove', (e) => {
            if (!drag || e.pointerId !== drag.pointer) return;
            this.viewport.scrollLeft = drag.left - (e.clientX - drag.x);
            this.viewport.scrollTop = drag.top - (e.clientY - drag.y);
        });
        const end = (e: PointerEvent) => {
            if (!drag || e.pointerId !== drag.pointer) return;
            drag = undefined;
            this.viewport.classList.remove('panning');
        };
        this.viewport.addEventListener('pointerup', end);
        this.viewport.addEventListener('pointercancel', end);
        this.viewport.addEventListener(
            'scroll',
            () => {
                this.viewMoved();
                this.events.viewChanged();
            },
            { passive: true },
        );
    }
}

function intersects(a: LayoutBox, b: LayoutBox): boolean {
    return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

function place(el: HTMLElement, box: LayoutBox): void {
    el.style.left = `${box.x}px`;
    el.style.top = `${box.y}px`;
    el.style.width = `${box.width}px`;
    el.style.height = `${box.height}px`;
}

function arrowMarker(id: string): SVGMarkerElement {
    const marker = document.createElementNS(SVG_NS, 'marker');
    marker.setAttribute('id', id);
    marker.setAttribute('viewBox', '0 0 10 10');
    marker.setAttribute('refX', '10');
    marker.setAttribute('refY', '5');
    marker.setAttribute('markerWidth', '6');
    marker.setAttribute('markerHeight', '6');
    marker.setAttribute('orient', 'auto-start-reverse');
    const path = marker.appendChild(document.createElementNS(SVG_NS, 'path'));
    path.setAttribute('d', 'M0 0L10 5L0 10z');
    path.setAttribute('class', 'edge-arrow');
    return marker;
}
