// Hosts the runtime panel (webview `flowlens.runtime`): creates or revives it, forwards the
// session's events as panel messages, and acts on the panel's requests. The panel is not kept
// alive while hidden (retainContextWhenHidden costs memory): a re-shown or revived panel sends
// `ready` and gets the whole session again, and restores its view from getState().

import * as vscode from 'vscode';
import type { HealthEvent } from '../../protocol/runtime.js';
import type { RuntimeSession, SessionEvent } from '../runtime/runtime-session.js';
import {
    type HostMessage,
    PANEL_PROTOCOL_VERSION,
    type PanelCommand,
    parseWebviewMessage,
    type TimingSummary,
} from '../webview/messages.js';
import { Batcher } from './batcher.js';
import { createNonce, panelHtml } from './panel-html.js';

export const RUNTIME_PANEL_VIEW_TYPE = 'flowlens.runtime';
const TITLE = 'flowlens runtime';
/** Health notifications are coalesced for this long before they go to the panel. */
const HEALTH_BATCH_MS = 50;

export interface PanelActions {
    command(command: PanelCommand): void;
    reveal(globalId: string, panelColumn: vscode.ViewColumn | undefined): void;
    warn(message: string): void;
}

function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
    return {
        enableScripts: true,
        enableCommandUris: false,
        localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'out', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')],
    };
}

export class RuntimePanelHost implements vscode.Disposable {
    private panel: vscode.WebviewPanel | undefined;
    /** Whether the page in the panel has said `ready` (it cannot receive messages before, or while hidden). */
    private ready = false;
    private lastTimings: TimingSummary | undefined;
    private readonly health = new Batcher<HealthEvent>(HEALTH_BATCH_MS, (events) => this.post({ type: 'health', events }));
    private readonly disposables: vscode.Disposable[] = [];

    constructor(
        private readonly extensionUri: vscode.Uri,
        private readonly session: RuntimeSession,
        private readonly actions: PanelActions,
    ) {
        this.disposables.push(
            vscode.window.registerWebviewPanelSerializer(RUNTIME_PANEL_VIEW_TYPE, {
                deserializeWebviewPanel: async (panel) => this.attach(panel),
            }),
        );
        const unsubscribe = session.onEvent((e) => this.forward(e));
        this.disposables.push({ dispose: unsubscribe });
    }

    /** The panel's latest update timings (for tests and diagnostics). */
    get timings(): TimingSummary | undefined {
        return this.lastTimings;
    }

    show(preserveFocus = false): void {
        if (this.panel) {
            this.panel.reveal(undefined, preserveFocus);
            return;
        }
        const panel = vscode.window.createWebviewPanel(
            RUNTIME_PANEL_VIEW_TYPE,
            TITLE,
            { viewColumn: vscode.ViewColumn.Beside, preserveFocus },
            { ...webviewOptions(this.extensionUri), retainContextWhenHidden: false },
        );
        this.attach(panel);
    }

    dispose(): void {
        this.health.clear();
        this.panel?.dispose();
        for (const d of this.disposables) d.dispose();
    }

    private attach(panel: vscode.WebviewPanel): void {
        this.panel = panel;
        this.ready = false;
        // A revived panel keeps the options of the session that saved it: set the current ones.
        panel.webview.options = webviewOptions(this.extensionUri);
        panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'icon.png');
        const asset = (name: string) => panel.webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'out', 'webview', name)).toString();
        panel.webview.html = panelHtml({ cspSource: panel.webview.cspSource, nonce: createNonce(), scriptUri: asset('panel.js'), styleUri: asset('panel.css') });
        const subscriptions = [
            panel.webview.onDidReceiveMessage((data: unknown) => this.receive(panel, data)),
            panel.onDidChangeViewState(() => {
                // A hidden panel's page is discarded; it says `ready` again when shown.
                if (!panel.visible && this.panel === panel) this.ready = false;
            }),
        ];
        panel.onDidDispose(() => {
            subscriptions.forEach((s) => s.dispose());
            if (this.panel !== panel) return;
            this.panel = undefined;
            this.ready = false;
            this.health.clear();
        });
    }

    private receive(panel: vscode.WebviewPanel, data: unknown): void {
        const message = parseWebviewMessage(data);
        if (!message) {
            this.actions.warn('the runtime panel sent a malformed message; ignored');
            return;
        }
        switch (message.type) {
            case 'ready':
                if (message.version !== PANEL_PROTOCOL_VERSION) this.actions.warn(`the runtime panel speaks protocol ${message.version}, expected ${PANEL_PROTOCOL_VERSION}`);
                this.ready = this.panel === panel;
                this.sendInit();
                break;
            case 'reveal':
                this.actions.reveal(message.globalId, panel.viewColumn);
                break;
            case 'command':
                this.actions.command(message.command);
                break;
            case 'timings':
                this.lastTimings = message.summary;
                break;
        }
    }

    private sendInit(): void {
        this.health.clear();
        const model = this.session.model;
        const session = model.status.state === 'idle' ? null : model.snapshot();
        this.post({ type: 'init', version: PANEL_PROTOCOL_VERSION, session });
    }

    private forward(event: SessionEvent): void {
        if (!this.ready) return;
        switch (event.kind) {
            case 'status':
                this.post({ type: 'status', status: event.status });
                break;
            case 'topology':
                this.health.flush();
                this.post({ type: 'topology', components: event.components });
                break;
            case 'metrics':
                this.health.flush();
                this.post({ type: 'metrics', snapshot: event.snapshot });
                break;
            case 'health':
                this.health.add(event.event);
                break;
            case 'pause':
                this.post({ type: 'pause', event: event.event });
                break;
            case 'flush':
                this.post({ type: 'flush', event: event.event, totals: event.totals });
                break;
        }
    }

    private post(message: HostMessage): void {
        if (this.panel && this.ready) void this.panel.webview.postMessage(message);
    }
}
