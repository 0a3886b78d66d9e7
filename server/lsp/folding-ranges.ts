// Folding: blocks, multi-line arrays, objects and calls, and comment groups.

import type { AstNode, LangiumDocument } from 'langium';
import type { FoldingRangeProvider } from 'langium/lsp';
import { type FoldingRange, FoldingRangeKind } from 'vscode-languageserver';
import type { ConfigFile } from '../../language/syntax/ast.js';
import { parsedFileOf } from './alloy-parser.js';
import { forEachNode } from '../../language/syntax/walk.js';

export class AlloyFoldingRangeProvider implements FoldingRangeProvider {
    getFoldingRanges(document: LangiumDocument): FoldingRange[] {
        const text = document.textDocument;
        const ranges: FoldingRange[] = [];
        const add = (offset: number, end: number, kind?: FoldingRangeKind) => {
            const startLine = text.positionAt(offset).line;
            const endLine = text.positionAt(end).line;
            // Keep the closing line visible: `}` / `]` stays on screen.
            if (endLine - 1 > startLine || (kind === FoldingRangeKind.Comment && endLine > startLine)) {
                ranges.push({ startLine, endLine: kind === FoldingRangeKind.Comment ? endLine : endLine - 1, kind });
            }
        };
        forEachNode(document.parseResult.value as ConfigFile, (node: AstNode) => {
            const cst = node.$cstNode!;
            switch (node.$type) {
                case 'Block':
                case 'ArrayExpression':
                case 'ObjectExpression':
                case 'CallExpression':
                    add(cst.offset, cst.end - 1);
            }
        });
        for (const group of parsedFileOf(document).ast.$comments) {
            if (group.length === 0) continue;
            const last = group[group.length - 1];
            add(group[0].offset, last.offset + last.text.length, FoldingRangeKind.Comment);
        }
        return ranges;
    }
}
