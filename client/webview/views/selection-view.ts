// The selected component: its IDs, block, health and location, and its metrics charts.

import { MetricCharts } from '../charts/metric-charts.js';
import { kindLabel } from '../graph/node-text.js';
import type { ComponentView, PanelModel } from '../state/panel-model.js';
import { baseName, button, el } from './dom.js';

function healthText(view: ComponentView): string {
    return view.healthMessage ? `${view.health}: ${view.healthMessage}` : view.health;
}

export class SelectionView {
    private readonly details = el('div', 'details');
    private readonly charts: MetricCharts;
    private shown: { id: string; dot: HTMLElement; health: HTMLElement } | undefined;

    constructor(
        container: HTMLElement,
        private readonly reveal: (globalId: string) => void,
    ) {
        container.appendChild(this.details);
        this.charts = new MetricCharts(container.appendChild(el('div', 'charts')));
    }

    /** Shows a component (or a hint when none is selected). */
    render(model: PanelModel, id: string | undefined): void {
        const view = id ? model.components.get(id) : undefined;
        if (!view) {
            this.shown = undefined;
            this.details.replaceChildren(el('p', 'hint', 'Select a component in the graph to see its metrics.'));
            this.charts.show(undefined);
            return;
        }
        const info = view.info;
        const dot = el('span', `health-dot health-${view.health}`);
        const title = el('div', 'selection-title');
        title.append(dot, el('strong', undefined, info.localId));
        const health = el('dd', undefined, healthText(view));
        const location = el('dd', undefined, `${baseName(info.file)}:${info.line}:${info.column}`);
        location.title = info.file;
        const list = el('dl');
        list.append(
            el('dt', undefined, 'Global ID'),
            el('dd', 'global-id', info.globalId),
            el('dt', undefined, 'Block'),
            el('dd', undefined, kindLabel(info)),
            el('dt', undefined, 'Health'),
            health,
            el('dt', undefined, 'Defined at'),
            location,
        );
        this.details.replaceChildren(title, list, button('Reveal in editor', () => this.reveal(info.globalId), { secondary: true }));
        this.shown = { id: info.globalId, dot, health };
        this.charts.show(model.history.series(info.globalId));
    }

    /** New metrics or health: the charts move, the health line follows. */
    update(model: PanelModel): void {
        if (!this.shown) return;
        const view = model.components.get(this.shown.id);
        if (!view) return this.render(model, undefined);
        const text = healthText(view);
        if (this.shown.health.textContent !== text) {
            this.shown.health.textContent = text;
            this.shown.dot.className = `health-dot health-${view.health}`;
        }
        this.charts.show(model.history.series(this.shown.id));
    }
}
