// Syntax errors as diagnostics.

import type { Diagnostic } from '../diagnostic.js';
import type { ParsedFile } from '../syntax/parser.js';

export function syntaxDiagnostics(file: string, parsed: ParsedFile): Diagnostic[] {
    return parsed.errors.map((e) => ({
        file,
        severity: 'error',
        code: 'syntax',
        message: e.message,
        offset: e.offset,
        end: Math.max(e.end, e.offset),
    }));
}
