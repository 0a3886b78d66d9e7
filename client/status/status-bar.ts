// The status bar item: the runtime state with a codicon, details in the tooltip, click opens
// the runtime panel. Shown while an Alloy file is visible or once something has run.

import { type Disposable, StatusBarAlignment, type StatusBarItem, ThemeColor, window } from 'vscode';
import { LANGUAGE_ID } from '../language-client.js';
import type { RuntimeSession } from '../runtime/runtime-session.js';
import { statusPresentation } from './status-presentation.js';

export class RuntimeStatusBar implements Disposable {
    private readonly item: StatusBarItem;
    private readonly disposables: Disposable[] = [];

    constructor(
        private readonly session: RuntimeSession,
        showPanelCommand: string,
    ) {
        this.item = window.createStatusBarItem('flowlens.runtime', StatusBarAlignment.Left, 10);
        this.item.name = 'flowlens runtime';
        this.item.command = showPanelCommand;
        const unsubscribe = session.onEvent((e) => {
            if (e.kind === 'status' || e.kind === 'metrics') this.render();
        });
        this.disposables.push({ dispose: unsubscribe }, window.onDidChangeVisibleTextEditors(() => this.render()));
        this.render();
    }

    dispose(): void {
        for (const d of this.disposables) d.dispose();
        this.item.dispose();
    }

    private render(): void {
        const model = this.session.model;
        const p = statusPresentation(model.status, { rates: model.rates, metrics: model.metrics, now: Date.now() });
        this.item.text = p.text;
        this.item.tooltip = p.tooltip;
        this.item.accessibilityInformation = { label: `flowlens runtime: ${p.label}` };
        this.item.backgroundColor =
            p.tone === 'error' ? new ThemeColor('statusBarItem.errorBackground') : p.tone === 'warning' ? new ThemeColor('statusBarItem.warningBackground') : undefined;
        const alloyVisible = window.visibleTextEditors.some((e) => e.document.languageId === LANGUAGE_ID);
        if (alloyVisible || model.status.state !== 'idle') this.item.show();
        else this.item.hide();
    }
}
