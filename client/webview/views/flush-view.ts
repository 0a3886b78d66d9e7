// The span flush log (time, exported, dropped, reason), newest first, with totals.

import type { FlushEvent } from '../../../protocol/runtime.js';
import { formatClock, formatCount } from '../format.js';
import type { FlushTotals } from '../messages.js';
import { el } from './dom.js';

/** Rows in the table; the model keeps more, the output channel all of them. */
const ROWS_SHOWN = 200;

export class FlushView {
    private readonly totals = el('div', 'flush-totals');
    private readonly rows = el('tbody');

    constructor(container: HTMLElement) {
        const table = el('table', 'flush-log');
        const head = table.appendChild(el('thead')).appendChild(el('tr'));
        for (const h of ['Time', 'Exported', 'Dropped', 'Reason']) head.appendChild(el('th', undefined, h));
        table.appendChild(this.rows);
        container.append(this.totals, table);
    }

    reset(events: readonly FlushEvent[], totals: FlushTotals): void {
        this.rows.replaceChildren(...events.slice(-ROWS_SHOWN).reverse().map(row));
        this.renderTotals(totals);
    }

    add(event: FlushEvent, totals: FlushTotals): void {
        this.rows.prepend(row(event));
        while (this.rows.childElementCount > ROWS_SHOWN) this.rows.lastElementChild!.remove();
        this.renderTotals(totals);
    }

    private renderTotals(t: FlushTotals): void {
        this.totals.textContent = `${formatCount(t.flushes)} flushes · ${formatCount(t.exported)} spans exported · ${formatCount(t.dropped)} dropped`;
        this.totals.classList.toggle('has-drops', t.dropped > 0);
    }
}

function row(e: FlushEvent): HTMLTableRowElement {
    const tr = el('tr', e.dropped > 0 ? 'dropped' : undefined);
    tr.append(
        el('td', 'time', formatClock(e.time)),
        el('td', 'num', formatCount(e.exported)),
        el('td', 'num', formatCount(e.dropped)),
        el('td', undefined, e.reason),
    );
    return tr;
}
