// Conversions between the core's offset-based model and LSP types.

import type { LangiumDocument } from 'langium';
import { type Diagnostic as LspDiagnostic, DiagnosticSeverity, type Range } from 'vscode-languageserver';
import type { Diagnostic, Severity } from '../../language/diagnostic.js';

const SEVERITIES: Record<Severity, DiagnosticSeverity> = {
    error: DiagnosticSeverity.Error,
    warning: DiagnosticSeverity.Warning,
    information: DiagnosticSeverity.Information,
    hint: DiagnosticSeverity.Hint,
};

export function rangeOf(document: LangiumDocument, offset: number, end: number): Range {
    const text = document.textDocument;
    return { start: text.positionAt(offset), end: text.positionAt(Math.max(offset, end)) };
}

export function toLspDiagnostic(document: LangiumDocument, d: Diagnostic): LspDiagnostic {
    return {
        range: rangeOf(document, d.offset, d.end),
        severity: SEVERITIES[d.severity],
        code: d.code,
        source: 'flowlens',
        message: d.message,
        data: d.fixes?.length ? { fixes: d.fixes } : undefined,
    };
}
