// Diagnostics of a document: everything the analysis of its configuration(s)
// finds in it, from syntax errors to module collisions.

import type { DocumentValidator, LangiumDocument } from 'langium';
import type { Diagnostic as LspDiagnostic } from 'vscode-languageserver';
import type { AlloyWorkspace } from './alloy-workspace.js';
import { toLspDiagnostic } from './convert.js';

export class AlloyDocumentValidator implements DocumentValidator {
    constructor(private readonly workspace: () => AlloyWorkspace) {}

    async validateDocument(document: LangiumDocument): Promise<LspDiagnostic[]> {
        return this.workspace()
            .diagnosticsFor(document.uri)
            .map((d) => toLspDiagnostic(document, d));
    }
}
