// Measures each host message from its arrival to the DOM being updated, and to the next painted
// frame; shows the medians in the panel's footer, keeps the summary in window.__flowlensTimings
// (for the browser test) and posts it to the host every few seconds.

import type { TimingSummary, WebviewMessage } from './messages.js';
import { UpdateTimings } from './timings.js';

declare global {
    interface Window {
        /** The panel's update timings and the number of messages measured (read by the browser test). */
        __flowlensTimings?: TimingSummary & { readonly messages: number };
    }
}

const POST_INTERVAL_MS = 2000;

/** Runs `callback` after the next frame has been painted (rAF runs before paint; a task queued from it runs after). */
function afterNextPaint(callback: () => void): void {
    requestAnimationFrame(() => {
        const channel = new MessageChannel();
        channel.port1.onmessage = callback;
        channel.port2.postMessage(undefined);
    });
}

export class TimingReporter {
    private readonly timings = new UpdateTimings();
    private messages = 0;
    private lastPost = 0;
    private postTimer: ReturnType<typeof setTimeout> | undefined;

    constructor(
        private readonly footer: HTMLElement,
        private readonly post: (message: WebviewMessage) => void,
        private readonly componentCount: () => number,
    ) {}

    /** A message of `type` that arrived at `start` (performance.now() time) has been rendered. */
    rendered(type: string, start: number): void {
        this.messages++;
        this.timings.record('render', type, performance.now() - start);
        this.publish();
        afterNextPaint(() => {
            this.timings.record('frame', type, performance.now() - start);
            this.publish();
        });
    }

    private publish(): void {
        const summary = this.timings.summary(this.componentCount());
        window.__flowlensTimings = { ...summary, messages: this.messages };
        const render = summary.render.all;
        const frame = summary.frame.all;
        this.footer.textContent =
            `update (receive → render): median ${render.medianMs.toFixed(1)} ms, p95 ${render.p95Ms.toFixed(1)} ms` +
            (frame.count ? ` · to next paint: median ${frame.medianMs.toFixed(1)} ms` : '') +
            ` · ${render.count} updates · ${summary.components} components`;
        if (this.postTimer !== undefined) return;
        this.postTimer = setTimeout(
            () => {
                this.postTimer = undefined;
                this.lastPost = Date.now();
                this.post({ type: 'timings', summary: this.timings.summary(this.componentCount()) });
            },
            Math.max(0, this.lastPost + POST_INTERVAL_MS - Date.now()),
        );
    }
}
