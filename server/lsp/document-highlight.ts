// Document highlight: the occurrences in this file of the symbol under the
// cursor, resolved by the analysis (a component label and the references to
// it, a declare and its instances, an argument and the attributes that set it,
// an export and the references to it, an import namespace). Never a text
// match: the same word in a string, a comment or another scope is not lit.

import type { LangiumDocument } from 'langium';
import type { DocumentHighlightProvider } from 'langium/lsp';
import { type DocumentHighlight, DocumentHighlightKind, type DocumentHighlightParams } from 'vscode-languageserver';
import { renameTargetAt } from '../../language/analysis/rename.js';
import { occurrencesOf, type Span } from '../../language/analysis/symbols.js';
import type { AlloyWorkspace } from './alloy-workspace.js';
import { indexOf, locationOf, pathOf } from './editor-context.js';

export class AlloyDocumentHighlightProvider implements DocumentHighlightProvider {
    constructor(private readonly workspace: () => AlloyWorkspace) {}

    getDocumentHighlight(document: LangiumDocument, params: DocumentHighlightParams): DocumentHighlight[] | undefined {
        const offset = document.textDocument.offsetAt(params.position);
        const path = pathOf(document);
        const uri = document.uri.toString();
        for (const analysis of this.workspace().analysesFor(document.uri)) {
            const index = indexOf(analysis);
            // The symbols rename knows, including an attribute that sets an argument in a call.
            const target = renameTargetAt(index, path, offset);
            if (!target || 'refused' in target) continue;
            const { definition, uses } = occurrencesOf(target.symbol, index);
            const here = (s: Span, kind: DocumentHighlightKind): DocumentHighlight[] => {
                const at = locationOf(s.file, s.offset, s.end);
                // Embedded content (import.string) is shown in its host file; only spans of this document count.
                return at.uri === uri ? [{ range: at.range, kind }] : [];
            };
            return [...(definition ? here(definition, DocumentHighlightKind.Write) : []), ...uses.flatMap((s) => here(s, DocumentHighlightKind.Read))];
        }
        return undefined;
    }
}
