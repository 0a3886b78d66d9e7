// The Outline: blocks nested as Alloy shows them (`prometheus.scrape "default"`),
// with their attributes.

import type { LangiumDocument } from 'langium';
import type { DocumentSymbolProvider } from 'langium/lsp';
import { type DocumentSymbol, SymbolKind } from 'vscode-languageserver';
import type { Block, ConfigFile, Statement } from '../../language/syntax/ast.js';
import { rangeOf } from './convert.js';

export class AlloyDocumentSymbolProvider implements DocumentSymbolProvider {
    getSymbols(document: LangiumDocument): DocumentSymbol[] {
        const file = document.parseResult.value as ConfigFile;
        return file.body.map((s) => this.symbol(document, s));
    }

    private symbol(document: LangiumDocument, s: Statement): DocumentSymbol {
        const cst = s.$cstNode!;
        if (s.$type === 'Attribute') {
            return {
                name: s.name,
                kind: SymbolKind.Property,
                range: rangeOf(document, cst.offset, cst.end),
                selectionRange: rangeOf(document, cst.offset, cst.offset + s.name.length),
            };
        }
        const nameEnd = s.label ? s.$labelOffset + s.label.length + 2 : cst.offset + s.name.length;
        return {
            name: s.label ? `${s.name} "${s.label}"` : s.name,
            kind: blockKind(s),
            range: rangeOf(document, cst.offset, cst.end),
            selectionRange: rangeOf(document, cst.offset, nameEnd),
            children: s.body.map((child) => this.symbol(document, child)),
        };
    }
}

function blockKind(block: Block): SymbolKind {
    const name = block.name;
    if (name === 'declare') return SymbolKind.Class;
    if (name.startsWith('import.')) return SymbolKind.Namespace;
    if (name === 'argument') return SymbolKind.Variable;
    if (name === 'export') return SymbolKind.Constant;
    // Component instances carry a label; settings blocks (`endpoint`, `rule`, `logging`) do not.
    return block.label ? SymbolKind.Object : SymbolKind.Struct;
}
