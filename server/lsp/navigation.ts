// Go to definition, find references and rename, all from the symbols of the
// analysis (language/analysis/symbols.ts), across every file of the configuration.

import type { LangiumDocument } from 'langium';
import type { DefinitionProvider, ReferencesProvider, RenameProvider } from 'langium/lsp';
import { type DefinitionParams, type Location, type LocationLink, type Range, type ReferenceParams, type RenameParams, ResponseError, type TextDocumentPositionParams, type WorkspaceEdit } from 'vscode-languageserver';
import { URI } from 'vscode-uri';
import { occurrencesOf, type Span, symbolAt } from '../../language/analysis/symbols.js';
import { isValidIdentifier } from '../../language/syntax/chars.js';
import type { AlloyWorkspace } from './alloy-workspace.js';
import { contextAt, locationOf, rangeIn, workspaceEdit } from './editor-context.js';

function symbolContext(workspace: AlloyWorkspace, document: LangiumDocument, position: TextDocumentPositionParams['position']) {
    const ctx = contextAt(workspace, document, position);
    if (!ctx?.located) return undefined;
    const symbol = symbolAt(ctx.located, ctx.index);
    return symbol ? { ctx, symbol, occurrences: occurrencesOf(symbol, ctx.index) } : undefined;
}

const toLocation = (s: Span): Location => locationOf(s.file, s.offset, s.end);

export class AlloyDefinitionProvider implements DefinitionProvider {
    constructor(private readonly workspace: () => AlloyWorkspace) {}

    getDefinition(document: LangiumDocument, params: DefinitionParams): LocationLink[] | undefined {
        const found = symbolContext(this.workspace(), document, params.position);
        if (!found) return undefined;
        const { symbol, occurrences } = found;
        // An import namespace leads to the imported file when it was loaded.
        if (symbol.kind === 'import' && symbol.import.module) {
            const file = symbol.import.module.files[0];
            if (file && !file.host) {
                const start = { line: 0, character: 0 };
                return [{ targetUri: URI.file(file.path).toString(), targetRange: { start, end: start }, targetSelectionRange: { start, end: start } }];
            }
        }
        const def = occurrences.definition;
        if (!def) return undefined;
        const location = toLocation(def);
        return [{ targetUri: location.uri, targetRange: location.range, targetSelectionRange: location.range }];
    }
}

export class AlloyReferencesProvider implements ReferencesProvider {
    constructor(private readonly workspace: () => AlloyWorkspace) {}

    findReferences(document: LangiumDocument, params: ReferenceParams): Location[] {
        const found = symbolContext(this.workspace(), document, params.position);
        if (!found) return [];
        const { occurrences } = found;
        const spans = [...(params.context.includeDeclaration && occurrences.definition ? [occurrences.definition] : []), ...occurrences.uses];
        return spans.map(toLocation);
    }
}

export class AlloyRenameProvider implements RenameProvider {
    constructor(private readonly workspace: () => AlloyWorkspace) {}

    prepareRename(document: LangiumDocument, params: TextDocumentPositionParams): Range | undefined {
        const found = symbolContext(this.workspace(), document, params.position);
        if (!found) return undefined;
        const { occurrences, ctx } = found;
        // The span under the cursor, so the editor selects exactly the name.
        const spans = [occurrences.definition, ...occurrences.uses].filter((s): s is Span => !!s);
        const here = spans.find((s) => s.file.path === ctx.path && ctx.offset >= s.offset && ctx.offset <= s.end);
        return here ? rangeIn(here.file, here.offset, here.end) : undefined;
    }

    rename(document: LangiumDocument, params: RenameParams): WorkspaceEdit | undefined {
        const found = symbolContext(this.workspace(), document, params.position);
        if (!found) return undefined;
        if (!isValidIdentifier(params.newName)) throw new ResponseError(0, `"${params.newName}" is not a valid Alloy identifier`);
        const { occurrences, ctx } = found;
        const spans = [occurrences.definition, ...occurrences.uses].filter((s): s is Span => !!s && !s.file.host);
        return workspaceEdit(ctx.analysis, spans.map((s) => ({ file: s.file.path, offset: s.offset, end: s.end, newText: params.newName })));
    }
}
