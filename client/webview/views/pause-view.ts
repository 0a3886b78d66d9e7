// The pause state and its event timeline (Running → Pausing → Paused, drainedOnPause, reason).

import { formatClock } from '../format.js';
import type { PanelModel } from '../state/panel-model.js';
import { statusLabel } from '../state/status-label.js';
import { el } from './dom.js';

const PAUSE_STATE_LABEL = { running: 'Running', pausing: 'Pausing', paused: 'Paused' } as const;

export class PauseView {
    private readonly current = el('div', 'pause-current');
    private readonly timeline = el('ol', 'timeline');

    constructor(container: HTMLElement) {
        container.append(this.current, this.timeline);
    }

    render(model: PanelModel): void {
        const status = model.status;
        const paused = status && ['pausing', 'paused'].includes(status.state);
        this.current.textContent = paused && status ? statusLabel(status).label : 'Not paused';
        if (model.pauseEvents.length === 0) {
            this.timeline.replaceChildren(el('li', 'hint', 'No pause yet.'));
            return;
        }
        const items = [...model.pauseEvents].reverse().map((e) => {
            const li = el('li', `pause-${e.state}`);
            li.append(el('span', 'time', formatClock(e.time)), el('span', 'pause-state', PAUSE_STATE_LABEL[e.state]));
            if (e.drainedOnPause !== undefined) li.append(el('span', 'drained', e.drainedOnPause ? 'drained' : 'not drained'));
            if (e.reason) li.append(el('span', 'why', e.reason));
            return li;
        });
        this.timeline.replaceChildren(...items);
    }
}
