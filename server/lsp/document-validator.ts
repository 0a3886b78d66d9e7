// Diagnostics of a document: Alloy's syntax errors.

import type { DocumentValidator, LangiumDocument } from 'langium';
import type { Diagnostic as LspDiagnostic } from 'vscode-languageserver';
import { syntaxDiagnostics } from '../../language/analysis/syntax.js';
import { parsedFileOf } from './alloy-parser.js';
import { toLspDiagnostic } from './convert.js';

export class AlloyDocumentValidator implements DocumentValidator {
    async validateDocument(document: LangiumDocument): Promise<LspDiagnostic[]> {
        const file = document.uri.toString();
        return syntaxDiagnostics(file, parsedFileOf(document)).map((d) => toLspDiagnostic(document, d));
    }
}
