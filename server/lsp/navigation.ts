// Go to definition and find references, from the symbols of the
// analysis (language/analysis/symbols.ts), across every file of the configuration.

import type { LangiumDocument } from 'langium';
import type { DefinitionProvider, ReferencesProvider } from 'langium/lsp';
import type { DeclarationParams, DefinitionParams, Location, LocationLink, ReferenceParams, TextDocumentPositionParams } from 'vscode-languageserver';
import { URI } from 'vscode-uri';
import { occurrencesOf, type Span, symbolAt } from '../../language/analysis/symbols.js';
import type { AlloyWorkspace } from './alloy-workspace.js';
import { contextAt, locationOf } from './editor-context.js';

function symbolContext(workspace: AlloyWorkspace, document: LangiumDocument, position: TextDocumentPositionParams['position']) {
    const ctx = contextAt(workspace, document, position);
    if (!ctx?.located) return undefined;
    const symbol = symbolAt(ctx.located, ctx.index);
    return symbol ? { ctx, symbol, occurrences: occurrencesOf(symbol, ctx.index) } : undefined;
}

const toLocation = (s: Span): Location => locationOf(s.file, s.offset, s.end);

/**
 * Go to declaration: Alloy declares a name where it defines it (a block's label, a
 * `declare`, an `argument`, an import), so the declaration is the definition.
 */
export class AlloyDeclarationProvider {
    constructor(private readonly definitions: AlloyDefinitionProvider) {}

    getDeclaration(document: LangiumDocument, params: DeclarationParams): LocationLink[] | undefined {
        return this.definitions.getDefinition(document, params);
    }
}

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
