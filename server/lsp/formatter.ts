// Document and range formatting with `alloy fmt`'s output. A document with
// syntax errors is left alone, as `alloy fmt` refuses it.

import type { LangiumDocument } from 'langium';
import type { Formatter } from 'langium/lsp';
import type { DocumentFormattingParams, DocumentRangeFormattingParams, TextEdit } from 'vscode-languageserver';
import { formatParsed } from '../../language/format/format.js';
import { lineEdits } from '../../language/format/text-diff.js';
import { parsedFileOf } from './alloy-parser.js';
import { rangeOf } from './convert.js';

export class AlloyFormatter implements Formatter {
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
        if (parsed.errors.length > 0) return [];
        return lineEdits(parsed.source.text, formatParsed(parsed))
            .filter((e) => keep(e.offset, e.end))
            .map((e) => ({ range: rangeOf(document, e.offset, e.end), newText: e.newText }));
    }
}
