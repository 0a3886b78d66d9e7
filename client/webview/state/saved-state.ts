// What the panel keeps across webview reloads (VS Code's getState/setState): the view (selection,
// filter, zoom, scroll) and the last session, so a reloaded panel shows the graph at once. Pure.

import { isSessionSnapshot, type SessionSnapshot } from '../messages.js';

export const SAVED_STATE_VERSION = 1;

export interface SavedPanelState {
    readonly version: number;
    readonly selected?: string;
    readonly filter: string;
    readonly zoom: number;
    readonly scrollLeft: number;
    readonly scrollTop: number;
    readonly session?: SessionSnapshot;
}

const finite = (v: unknown, fallback: number) => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);

/** The saved state if it is usable, with defaults for anything missing or malformed. */
export function readSavedState(data: unknown): SavedPanelState {
    const s = (typeof data === 'object' && data !== null ? data : {}) as Record<string, unknown>;
    if (s.version !== SAVED_STATE_VERSION) return { version: SAVED_STATE_VERSION, filter: '', zoom: 1, scrollLeft: 0, scrollTop: 0 };
    return {
        version: SAVED_STATE_VERSION,
        selected: typeof s.selected === 'string' ? s.selected : undefined,
        filter: typeof s.filter === 'string' ? s.filter : '',
        zoom: finite(s.zoom, 1),
        scrollLeft: finite(s.scrollLeft, 0),
        scrollTop: finite(s.scrollTop, 0),
        session: isSessionSnapshot(s.session) ? s.session : undefined,
    };
}
