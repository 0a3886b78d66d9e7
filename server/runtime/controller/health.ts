// A node's health, Alloy's way: the least healthy of its evaluation health,
// its run health and (when the component reports one) its own health; ties
// go to the newest.

import type { Health, HealthState } from '../component.js';

const PRIORITY: Record<HealthState, number> = { healthy: 0, unknown: 1, unhealthy: 2, exited: 3, skipped: 4 };

export class NodeHealth {
    private evaluation: Health;
    private run: Health;
    private component?: Health;

    constructor(now = Date.now()) {
        this.evaluation = { state: 'unknown', message: 'not evaluated yet', updatedAt: now };
        this.run = { state: 'unknown', message: 'not started yet', updatedAt: now };
    }

    setEvaluation(state: HealthState, message: string): void {
        this.evaluation = { state, message, updatedAt: Date.now() };
    }

    setRun(state: HealthState, message: string): void {
        this.run = { state, message, updatedAt: Date.now() };
    }

    setComponent(state: HealthState, message: string): void {
        this.component = { state, message, updatedAt: Date.now() };
    }

    current(): Health {
        let worst = this.evaluation;
        for (const h of [this.run, this.component]) {
            if (!h) continue;
            const d = PRIORITY[h.state] - PRIORITY[worst.state];
            if (d > 0 || (d === 0 && h.updatedAt > worst.updatedAt)) worst = h;
        }
        return worst;
    }
}
