// Document and range formatting with `alloy fmt`'s output. A document with
// syntax errors is left alone, as `alloy fmt` refuses it, and the user is told
// why nothing changed: one window message per document and set of errors, not
// one per format-on-save.

import type { LangiumDocument } from 'langium';
import type { Formatter } from 'langium/lsp';
import type { DocumentFormattingParams, DocumentRangeFormattingParams, TextEdit } from 'vscode-languageserver';
import { formatParsed } from '../../language/format/format.js';
import { lineEdits } from '../../language/format/text-diff.js';
import type { SyntaxError } from '../../language/syntax/parser.js';
import { parsedFileOf } from './alloy-parser.js';
import { rangeOf } from './convert.js';

export class AlloyFormatter implements Formatter {
    /** The errors each document was last refused for (uri → signature). */
    private readonly refused = new Map<string, string>();

    /** `notify` shows a message to the user (a window message when there is a client). */
    constructor(private readonly notify: (message: string) => void = () => {}) {}

    formatDocument(document: LangiumDocument, _params: DocumentFormattingParams): TextEdit[] {
        return this.edits(document);
    }

    formatDocumentRange(document: LangiumDocument, params: DocumentRangeFormattingParams): TextEdit[] {
        const text = document.textDocument;
        const from = text.offsetAt(params.range.start);
        const to = text.offsetAt(params.range.end);
        return this.edits(document, (offset, end) => end >= from && offset <= to);
    }

    formatDocumentOnType(): TextEdit[] {
        return [];
    }

    get formatOnTypeOptions(): undefined {
        return undefined;
    }

    private edits(document: LangiumDocument, keep: (offset: number, end: number) => boolean = () => true): TextEdit[] {
        const parsed = parsedFileOf(document);
        if (parsed.errors.length > 0) {
            this.explainRefusal(document, parsed.errors);
            return [];
        }
        this.refused.delete(document.uri.toString());
        return lineEdits(parsed.source.text, formatParsed(parsed))
            .filter((e) => keep(e.offset, e.end))
            .map((e) => ({ range: rangeOf(document, e.offset, e.end), newText: e.newText }));
    }

    private explainRefusal(document: LangiumDocument, errors: readonly SyntaxError[]): void {
        const uri = document.uri.toString();
        const first = errors[0];
        const signature = errors.map((e) => `${e.offset}:${e.message}`).join('\n');
        if (this.refused.get(uri) === signature) return;
        this.refused.set(uri, signature);
        const at = document.textDocument.positionAt(first.offset);
        const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
        const name = document.uri.path.split('/').pop();
        this.notify(`${name} was not formatted: it has a syntax error at line ${at.line + 1}, column ${at.character + 1}: ${first.message}${more}. Like alloy fmt, flowlens formats only files without syntax errors.`);
    }
}
