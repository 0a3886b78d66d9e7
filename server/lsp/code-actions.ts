// Quick fixes: each diagnostic's fixes (computed by the analysis, the same the
// CLI offers under `fixes`), and "make all labels in this module unique".

import type { LangiumDocument } from 'langium';
import type { CodeActionProvider } from 'langium/lsp';
import { type CodeAction, CodeActionKind, type CodeActionParams, type Diagnostic as LspDiagnostic } from 'vscode-languageserver';
import { uniqueLabelsFix } from '../../language/analysis/fixes.js';
import type { Fix } from '../../language/diagnostic.js';
import type { AlloyWorkspace } from './alloy-workspace.js';
import { contextAt, workspaceEdit } from './editor-context.js';

export class AlloyCodeActionProvider implements CodeActionProvider {
    constructor(private readonly workspace: () => AlloyWorkspace) {}

    getCodeActions(document: LangiumDocument, params: CodeActionParams): CodeAction[] {
        const analyses = this.workspace().analysesFor(document.uri);
        const analysis = analyses[0];
        if (!analysis) return [];
        const actions: CodeAction[] = [];
        for (const diagnostic of params.context.diagnostics) {
            const fixes = (diagnostic.data as { fixes?: Fix[] } | undefined)?.fixes ?? [];
            for (const fix of fixes) {
                actions.push({
                    title: fix.title,
                    kind: CodeActionKind.QuickFix,
                    diagnostics: [diagnostic],
                    isPreferred: fix.preferred ?? fixes.length === 1,
                    edit: workspaceEdit(analysis, fix.edits),
                });
            }
        }
        const collisions = params.context.diagnostics.filter((d: LspDiagnostic) => d.code === 'key-collision');
        if (collisions.length) {
            const ctx = contextAt(this.workspace(), document, params.range.start);
            const module = ctx?.located && 'node' in ctx.located ? ctx.located.node.module : undefined;
            if (module && ctx) {
                const ids = new Set(collisions.map((d) => /local ID (\S+)/.exec(typeof d.message === 'string' ? d.message : d.message.value)?.[1]).filter((x): x is string => !!x));
                const fix = uniqueLabelsFix(module, ctx.analysis.modules, ids);
                if (fix) actions.push({ title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: collisions, edit: workspaceEdit(ctx.analysis, fix.edits) });
            }
        }
        return actions;
    }
}
