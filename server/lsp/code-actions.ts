// Quick fixes: each diagnostic's fixes, computed by the analysis (the same the
// CLI offers under `fixes` and applies with --fix), and the editor's own: a
// path mapping for a module file missing at an absolute path.

import type { LangiumDocument } from 'langium';
import type { CodeActionProvider } from 'langium/lsp';
import { type CodeAction, CodeActionKind, type CodeActionParams } from 'vscode-languageserver';
import type { Fix } from '../../language/diagnostic.js';
import type { AlloyWorkspace } from './alloy-workspace.js';
import { workspaceEdit } from './editor-context.js';
import { pathMappingFixes } from './path-mapping-fix.js';

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
                    edit: workspaceEdit(analyses, fix.edits, fix.creates),
                });
            }
            actions.push(...pathMappingFixes(this.workspace(), analysis, diagnostic));
        }
        return actions;
    }
}
