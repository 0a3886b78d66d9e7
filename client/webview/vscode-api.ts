// The webview side of VS Code's webview API (injected as a global by VS Code).

import type { WebviewMessage } from './messages.js';
import type { SavedPanelState } from './state/saved-state.js';

export interface VsCodeApi {
    postMessage(message: WebviewMessage): void;
    getState(): unknown;
    setState(state: SavedPanelState): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** May be called only once per page load. */
export function vscodeApi(): VsCodeApi {
    return acquireVsCodeApi();
}
