// The runtime panel's browser entry: builds the page, restores the saved view, applies host
// messages to the model and renders what changed, and measures each update (receive → render).

import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-collapsible/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import 'uplot/dist/uPlot.min.css';
import './panel.css';

import { GraphView } from './graph/graph-view.js';
import { PANEL_PROTOCOL_VERSION, parseHostMessage, type WebviewMessage } from './messages.js';
import { type ModelChange, PanelModel } from './state/panel-model.js';
import { readSavedState, SAVED_STATE_VERSION } from './state/saved-state.js';
import { TimingReporter } from './timing-reporter.js';
import { button, el } from './views/dom.js';
import { FlushView } from './views/flush-view.js';
import { PauseView } from './views/pause-view.js';
import { SelectionView } from './views/selection-view.js';
import { StatusHeader } from './views/status-header.js';
import { vscodeApi } from './vscode-api.js';

/** Saves of the view state are at most this often. */
const SAVE_DELAY_MS = 1000;

const vscode = vscodeApi();
const saved = readSavedState(vscode.getState());
const model = new PanelModel();
let selected = saved.selected;
let filterText = saved.filter;

// ---- page -------------------------------------------------------------------------------------

const app = document.body.appendChild(el('div', 'app'));
const header = new StatusHeader(app.appendChild(el('header', 'toolbar')), (command) => post({ type: 'command', command }));
const main = app.appendChild(el('div', 'main'));
const graphPane = main.appendChild(el('section', 'graph-pane'));
const tools = graphPane.appendChild(el('div', 'graph-tools'));
const filter = document.createElement('vscode-textfield');
filter.setAttribute('placeholder', 'Filter by ID or block name');
filter.setAttribute('aria-label', 'Filter components');
const filterCount = el('span', 'filter-count');
const viewport = el('div', 'graph-viewport');
viewport.tabIndex = 0;
viewport.setAttribute('aria-label', 'Component graph');
const empty = el('div', 'graph-empty');
const graph = new GraphView(viewport, model, { select: onNodeClicked, viewChanged: scheduleSave });
tools.append(
    filter,
    filterCount,
    el('span', 'spacer'),
    button('−', () => graph.zoomBy(1 / 1.25), { secondary: true, title: 'Zoom out (Ctrl+wheel)' }),
    button('+', () => graph.zoomBy(1.25), { secondary: true, title: 'Zoom in (Ctrl+wheel)' }),
    button('Fit', () => graph.fit(), { secondary: true, title: 'Fit the graph into the view' }),
    button('1:1', () => graph.resetZoom(), { secondary: true, title: 'Actual size' }),
);
graphPane.append(viewport, empty, legend());
const side = main.appendChild(el('aside', 'side-pane'));
const selection = new SelectionView(section(side, 'Component'), (globalId) => post({ type: 'reveal', globalId }));
const pause = new PauseView(section(side, 'Pause'));
const flushes = new FlushView(section(side, 'Span flushes'));
const timings = new TimingReporter(app.appendChild(el('footer', 'timings')), post, () => model.components.size);

function section(parent: HTMLElement, heading: string): HTMLElement {
    const collapsible = document.createElement('vscode-collapsible');
    collapsible.setAttribute('heading', heading);
    collapsible.setAttribute('open', '');
    const body = collapsible.appendChild(el('div', 'section-body'));
    parent.appendChild(collapsible);
    return body;
}

function legend(): HTMLElement {
    const box = el('div', 'legend');
    for (const health of ['healthy', 'unhealthy', 'exited', 'unknown', 'skipped']) {
        const item = box.appendChild(el('span', 'legend-item'));
        item.append(el('span', `health-dot health-${health}`), document.createTextNode(health));
    }
    box.append(el('span', 'legend-note', 'data flows left to right along the references · ↓in ↑out samples/s · ✕ errors/s · q queued'));
    return box;
}

// ---- behaviour --------------------------------------------------------------------------------

function post(message: WebviewMessage): void {
    vscode.postMessage(message);
}

function onNodeClicked(id: string): void {
    select(id);
    post({ type: 'reveal', globalId: id });
}

function select(id: string | undefined): void {
    selected = id && model.components.has(id) ? id : undefined;
    graph.select(selected);
    selection.render(model, selected);
    scheduleSave();
}

function applyFilter(): void {
    const matches = graph.filter(filterText);
    filterCount.textContent = filterText.trim() ? `${matches.length} of ${model.components.size}` : '';
}

filter.addEventListener('input', () => {
    filterText = filter.value;
    applyFilter();
    scheduleSave();
});
filter.addEventListener('keydown', (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
        filter.value = filterText = '';
        applyFilter();
    } else if (e.key === 'Enter') {
        const first = graph.filter(filterText)[0];
        if (first) {
            select(first);
            graph.reveal(first);
        }
    }
});

function renderEmpty(): void {
    const status = model.status;
    let text = '';
    if (model.components.size === 0) {
        if (!status || status.state === 'idle') text = 'No pipeline has run yet. Open an .alloy or .river file and use “Run Pipeline”.';
        else if (status.state === 'starting') text = 'Starting…';
        else if (status.state === 'failed') text = `The run failed${status.reason ? `: ${status.reason}` : '.'}`;
        else text = 'No components.';
    }
    empty.textContent = text;
    empty.hidden = text === '';
}

function renderTopology(): void {
    graph.setTopology();
    applyFilter();
    if (selected && !model.components.has(selected)) selected = undefined;
    graph.select(selected);
    selection.render(model, selected);
    renderEmpty();
}

function render(change: ModelChange): void {
    switch (change.kind) {
        case 'reset':
            renderTopology();
            header.render(model);
            pause.render(model);
            flushes.reset(model.flushEvents, model.flushTotals);
            break;
        case 'topology':
            renderTopology();
            header.renderSummary(model);
            break;
        case 'status':
            header.render(model);
            pause.render(model);
            renderEmpty();
            break;
        case 'components':
            graph.update(change.ids);
            header.renderSummary(model);
            selection.update(model);
            break;
        case 'pause':
            pause.render(model);
            break;
        case 'flush':
            flushes.add(change.event, model.flushTotals);
            break;
    }
}

// ---- persistence ------------------------------------------------------------------------------

let saveTimer: ReturnType<typeof setTimeout> | undefined;
/** Saves the view and the session soon (throttled: a steady stream of changes still gets saved). */
function scheduleSave(): void {
    if (saveTimer !== undefined) return;
    saveTimer = setTimeout(() => {
        saveTimer = undefined;
        vscode.setState({
            version: SAVED_STATE_VERSION,
            selected,
            filter: filterText,
            ...graph.viewState,
            session: model.toSnapshot() ?? undefined,
        });
    }, SAVE_DELAY_MS);
}

// ---- messages ---------------------------------------------------------------------------------

/** `queuedAt`: the message event's timeStamp, so the time spent waiting and deserialising counts too. */
function receive(data: unknown, queuedAt: number): void {
    const now = performance.now();
    const start = queuedAt > 0 && queuedAt <= now ? queuedAt : now;
    const message = parseHostMessage(data);
    if (!message) {
        console.warn('flowlens panel: ignoring a malformed message', data);
        return;
    }
    render(model.apply(message));
    timings.rendered(message.type, start);
    // Metrics are not worth saving (stale after a reload); everything else is.
    if (message.type !== 'metrics') scheduleSave();
}

window.addEventListener('message', (event: MessageEvent) => receive(event.data, event.timeStamp));

// Show the saved session at once; the host's init replaces it with what runs now.
filter.value = filterText;
if (saved.session) {
    model.restore(saved.session);
    render({ kind: 'reset' });
    graph.viewState = saved;
} else render({ kind: 'reset' });
post({ type: 'ready', version: PANEL_PROTOCOL_VERSION });
