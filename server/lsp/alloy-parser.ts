// Langium's parser service, backed by flowlens' Alloy-exact parser (see
// language/syntax/parser.ts for why it is hand-written). The parse result
// keeps the full ParsedFile next to the AST for the other services.

import type { LangiumDocument, ParseResult } from 'langium';
import type { ConfigFile } from '../../language/syntax/ast.js';
import { parse, type ParsedFile } from '../../language/syntax/parser.js';

export interface AlloyParseResult extends ParseResult<ConfigFile> {
    readonly file: ParsedFile;
}

export class AlloyParser {
    parse(text: string): AlloyParseResult {
        const file = parse(text);
        return { value: file.ast, parserErrors: [], lexerErrors: [], file };
    }
}

/** The ParsedFile behind a Langium document. */
export function parsedFileOf(document: LangiumDocument): ParsedFile {
    return (document.parseResult as AlloyParseResult).file;
}

/** The ParsedFile behind a Langium document, if it was parsed yet (a document just created was not). */
export function parsedFileIfAny(document: LangiumDocument): ParsedFile | undefined {
    return (document.parseResult as AlloyParseResult | undefined)?.file;
}
