// The health of an exporter with several endpoints (prometheus.remote_write, loki.write): unhealthy
// while some endpoint's last request failed (the message says which and why), healthy again after its
// next successful request. Called per request, so only state changes reach setHealth.

import type { ComponentContext } from '../component.js';

export class EndpointHealth {
    private readonly failing = new Map<string, string>();
    private base = '';

    constructor(private readonly ctx: ComponentContext) {}

    /** Sets the healthy message and forgets endpoints that no longer exist. */
    configure(base: string, endpointNames: ReadonlySet<string>): void {
        this.base = base;
        for (const name of [...this.failing.keys()]) if (!endpointNames.has(name)) this.failing.delete(name);
        this.refresh();
    }

    failed(name: string, problem: string): void {
        if (this.failing.get(name) === problem) return;
        this.failing.set(name, problem);
        this.refresh();
    }

    ok(name: string): void {
        if (this.failing.size === 0 || !this.failing.delete(name)) return;
        this.refresh();
    }

    private refresh(): void {
        if (this.failing.size === 0) this.ctx.setHealth('healthy', this.base);
        else this.ctx.setHealth('unhealthy', `sending failed: ${[...this.failing.values()].join('; ')}`);
    }
}
