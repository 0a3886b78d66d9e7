// Semantic highlighting: block names, labels, attribute names, object keys,
// references, function calls, strings, numbers, comments and operators.

import type { AstNode, LangiumDocument } from 'langium';
import type { SemanticTokenProvider } from 'langium/lsp';
import { type SemanticTokens, SemanticTokensBuilder, type SemanticTokensOptions } from 'vscode-languageserver';
import type * as ast from '../../language/syntax/ast.js';
import { forEachNode } from '../../language/syntax/walk.js';
import { parsedFileOf } from './alloy-parser.js';

// Standard LSP token types and modifiers, so every theme colours them.
const TYPES = ['namespace', 'type', 'keyword', 'property', 'variable', 'function', 'string', 'number', 'comment', 'operator'] as const;
const MODIFIERS = ['declaration', 'defaultLibrary'] as const;

type TokenType = (typeof TYPES)[number];
type Modifier = (typeof MODIFIERS)[number];

/** Block names that configure Alloy itself rather than name a component. */
const KEYWORD_BLOCKS = new Set(['declare', 'argument', 'export', 'import.file', 'import.string', 'import.git', 'import.http', 'foreach', 'template']);

interface Token {
    offset: number;
    length: number;
    type: TokenType;
    modifiers: Modifier[];
}

export class AlloySemanticTokenProvider implements SemanticTokenProvider {
    readonly tokenTypes = Object.fromEntries(TYPES.map((t, i) => [t, i]));
    readonly tokenModifiers = Object.fromEntries(MODIFIERS.map((m, i) => [m, 1 << i]));
    readonly semanticTokensOptions: SemanticTokensOptions = {
        legend: { tokenTypes: [...TYPES], tokenModifiers: [...MODIFIERS] },
        full: { delta: false },
        range: true,
    };

    semanticHighlight(document: LangiumDocument): SemanticTokens {
        return this.build(document);
    }

    semanticHighlightRange(document: LangiumDocument, params: { range: { start: { line: number }; end: { line: number } } }): SemanticTokens {
        return this.build(document, params.range.start.line, params.range.end.line);
    }

    semanticHighlightDelta(document: LangiumDocument): SemanticTokens {
        return this.build(document);
    }

    private build(document: LangiumDocument, fromLine = 0, toLine = Number.MAX_SAFE_INTEGER): SemanticTokens {
        const tokens = collectTokens(document);
        const text = document.textDocument;
        const builder = new SemanticTokensBuilder();
        for (const t of tokens) {
            // Tokens may not span lines: split multi-line strings and comments.
            let offset = t.offset;
            const end = t.offset + t.length;
            while (offset < end) {
                const pos = text.positionAt(offset);
                if (pos.line > toLine) return builder.build();
                const lineEnd = Math.min(end, text.offsetAt({ line: pos.line + 1, character: 0 }));
                const visible = text.getText({ start: pos, end: text.positionAt(lineEnd) }).replace(/\r?\n$/, '');
                if (pos.line >= fromLine && visible.length > 0) {
                    builder.push(pos.line, pos.character, visible.length, this.tokenTypes[t.type], modifierBits(t.modifiers, this.tokenModifiers));
                }
                if (lineEnd <= offset) break;
                offset = lineEnd;
            }
        }
        return builder.build();
    }
}

function modifierBits(modifiers: Modifier[], table: Record<string, number>): number {
    return modifiers.reduce((bits, m) => bits | table[m], 0);
}

function collectTokens(document: LangiumDocument): Token[] {
    const tokens: Token[] = [];
    const push = (offset: number, length: number, type: TokenType, ...modifiers: Modifier[]) => {
        if (length > 0) tokens.push({ offset, length, type, modifiers });
    };
    forEachNode(document.parseResult.value as ast.ConfigFile, (node: AstNode) => {
        const start = node.$cstNode!.offset;
        switch (node.$type) {
            case 'Block': {
                const block = node as ast.Block;
                if (KEYWORD_BLOCKS.has(block.name)) {
                    push(start, block.name.length, 'keyword');
                } else {
                    // `prometheus.scrape`: namespace fragments, then the component type.
                    let offset = start;
                    block.$fragments.forEach((fragment, i) => {
                        push(offset, fragment.length, i === block.$fragments.length - 1 ? 'type' : 'namespace');
                        offset += fragment.length + 1;
                    });
                }
                if (block.label) push(block.$labelOffset, block.label.length + 2, 'string', 'declaration');
                break;
            }
            case 'Attribute':
                push(start, (node as ast.Attribute | ast.IdentifierExpression).name.length, 'property', 'declaration');
                break;
            case 'ObjectField': {
                const field = node as ast.ObjectField;
                push(start, field.$quoted ? field.name.length + 2 : field.name.length, 'property');
                break;
            }
            case 'IdentifierExpression': {
                const role = calleeRole(node);
                const name = (node as ast.Attribute | ast.IdentifierExpression).name;
                if (role === 'function') push(start, name.length, 'function');
                else if (role === 'namespace') push(start, name.length, 'namespace', 'defaultLibrary');
                else push(start, name.length, 'variable');
                break;
            }
            case 'AccessExpression': {
                const access = node as ast.AccessExpression;
                const role = calleeRole(node);
                if (role === 'function') push(access.$memberOffset, access.member.length, 'function');
                else if (role === 'namespace') push(access.$memberOffset, access.member.length, 'namespace', 'defaultLibrary');
                else push(access.$memberOffset, access.member.length, 'property');
                break;
            }
            case 'StringLiteral':
                push(start, node.$cstNode!.length, 'string');
                break;
            case 'NumberLiteral':
                push(start, node.$cstNode!.length, 'number');
                break;
            case 'BooleanLiteral':
            case 'NullLiteral':
                push(start, node.$cstNode!.length, 'keyword');
                break;
            case 'BinaryExpression': {
                const binary = node as ast.BinaryExpression;
                push(binary.$operatorOffset, binary.operator.length, 'operator');
                break;
            }
            case 'UnaryExpression':
                push(start, 1, 'operator');
                break;
        }
    });
    for (const group of parsedFileOf(document).ast.$comments) {
        for (const c of group) push(c.offset, c.text.length, 'comment');
    }
    return tokens.sort((a, b) => a.offset - b.offset);
}

/**
 * In `string.format(...)` the called name is a function and the fragments
 * before it are stdlib namespaces; elsewhere identifiers are references.
 */
function calleeRole(node: AstNode): 'function' | 'namespace' | undefined {
    let current = node;
    let depth = 0;
    while (current.$container?.$type === 'AccessExpression' && current.$containerProperty === 'receiver') {
        current = current.$container;
        depth++;
    }
    if (current.$container?.$type !== 'CallExpression' || current.$containerProperty !== 'callee') return undefined;
    return depth === 0 ? 'function' : 'namespace';
}
