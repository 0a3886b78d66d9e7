// The panel's top bar: the runtime state, what runs, uptime and throughput, and the Run, Pause,
// Resume, Stop and Open-metrics actions (executed by the extension host).

import { formatCompact, formatDuration } from '../format.js';
import type { PanelCommand } from '../messages.js';
import type { PanelModel } from '../state/panel-model.js';
import { isLive, statusLabel } from '../state/status-label.js';
import { baseName, button, el, setDisabled } from './dom.js';

export class StatusHeader {
    private readonly state = el('span', 'state');
    private readonly target = el('span', 'target');
    private readonly summary = el('span', 'summary');
    private readonly reason = el('div', 'reason');
    private readonly buttons: Record<PanelCommand, HTMLElement>;

    constructor(container: HTMLElement, command: (c: PanelCommand) => void) {
        const line = container.appendChild(el('div', 'status-line'));
        this.state.setAttribute('role', 'status');
        line.append(this.state, this.target, this.summary, el('span', 'spacer'));
        this.buttons = {
            run: button('Run again', () => command('run'), { secondary: true, title: 'Run the configuration again' }),
            pause: button('Pause', () => command('pause'), { secondary: true, title: 'Pause the sources and drain what is in flight' }),
            resume: button('Resume', () => command('resume'), { secondary: true }),
            stop: button('Stop', () => command('stop'), { secondary: true, title: 'Stop in order and flush the spans' }),
            openMetrics: button('Open /metrics', () => command('openMetrics'), { secondary: true }),
        };
        line.append(...Object.values(this.buttons));
        container.appendChild(this.reason);
    }

    render(model: PanelModel): void {
        const status = model.status ?? { state: 'idle' as const, since: 0, metricsAvailable: false };
        const { label, tone } = statusLabel(status);
        this.state.textContent = model.stale ? `${label} (last run)` : label;
        this.state.className = `state tone-${tone}`;
        this.target.textContent = status.target ? baseName(status.target) : '';
        this.target.title = status.target ?? '';
        this.reason.textContent = status.reason ? status.reason : '';
        this.reason.className = `reason tone-${tone}`;
        this.renderSummary(model);
        const s = status.state;
        setDisabled(this.buttons.run, !status.target || s === 'starting' || s === 'stopping');
        setDisabled(this.buttons.pause, s !== 'running');
        setDisabled(this.buttons.resume, s !== 'paused' && s !== 'pausing');
        setDisabled(this.buttons.stop, !['starting', 'running', 'pausing', 'paused'].includes(s));
        setDisabled(this.buttons.openMetrics, !status.metricsAvailable);
    }

    /** Uptime, component count and throughput (every metrics tick). */
    renderSummary(model: PanelModel): void {
        const parts = [`${model.components.size} components`];
        if (model.status && isLive(model.status) && !model.stale) {
            if (model.uptimeSeconds !== null) parts.unshift(`up ${formatDuration(model.uptimeSeconds)}`);
            if (model.totals) {
                parts.push(`${formatCompact(model.totals.samplesInPerSecond)} in/s · ${formatCompact(model.totals.samplesOutPerSecond)} out/s`);
                if (model.totals.errorsPerSecond > 0) parts.push(`${formatCompact(model.totals.errorsPerSecond)} errors/s`);
            }
        }
        this.summary.textContent = parts.join(' · ');
    }
}
