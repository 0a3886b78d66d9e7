// The name of each runtime state as the status bar and the panel show it. Pure.

import type { RuntimeStatus } from '../messages.js';

export type StatusTone = 'normal' | 'busy' | 'warning' | 'error';

export interface StatusLabel {
    /** Running, Pausing, Paused (drained), Paused (not drained), Stopped, Failed, … */
    readonly label: string;
    /** A codicon name for the status bar. */
    readonly icon: string;
    readonly tone: StatusTone;
}

export function statusLabel(status: RuntimeStatus): StatusLabel {
    switch (status.state) {
        case 'starting':
            return { icon: 'loading~spin', label: 'Starting', tone: 'busy' };
        case 'running':
            return { icon: 'play-circle', label: 'Running', tone: 'normal' };
        case 'pausing':
            return { icon: 'loading~spin', label: 'Pausing', tone: 'busy' };
        case 'paused':
            if (status.drainedOnPause === false) return { icon: 'warning', label: 'Paused (not drained)', tone: 'warning' };
            return { icon: 'debug-pause', label: status.drainedOnPause ? 'Paused (drained)' : 'Paused', tone: 'normal' };
        case 'stopping':
            return { icon: 'loading~spin', label: 'Stopping', tone: 'busy' };
        case 'failed':
            return { icon: 'error', label: 'Failed', tone: 'error' };
        case 'stopped':
        case 'idle':
            return { icon: 'debug-stop', label: 'Stopped', tone: 'normal' };
    }
}

/** Whether a pipeline is up (its metrics and health are current). */
export function isLive(status: RuntimeStatus): boolean {
    return status.state === 'running' || status.state === 'pausing' || status.state === 'paused';
}
