// Selection ranges (expand / shrink selection): from the syntax tree, the
// chain of nodes around each position, innermost first — a name, a reference
// chain's growing prefixes (`a.b` → `a.b.c`), a string's text then the string,
// call arguments, an attribute, a block's body, the block, the file.

import type { AstNode, LangiumDocument } from 'langium';
import type { Position, SelectionRange } from 'vscode-languageserver';
import type { Block } from '../../language/syntax/ast.js';
import { childrenOf } from '../../language/syntax/walk.js';
import { parsedFileOf } from './alloy-parser.js';
import { rangeOf } from './convert.js';

export class AlloySelectionRangeProvider {
    getSelectionRanges(document: LangiumDocument, positions: readonly Position[]): SelectionRange[] {
        const text = document.textDocument;
        const ast = parsedFileOf(document).ast;
        return positions.map((position) => {
            const offset = text.offsetAt(position);
            const spans: Array<[number, number]> = [[0, text.getText().length]];
            let node: AstNode | undefined = ast;
            while (node) {
                const next: AstNode | undefined = childrenOf(node).find((c) => c.$cstNode!.offset <= offset && offset <= c.$cstNode!.end);
                if (!next) break;
                const cst = next.$cstNode!;
                if (next.$type === 'Block') {
                    const block = next as Block;
                    spans.push([cst.offset, cst.end]);
                    // The body between the braces, when the cursor is inside it.
                    if (block.$lcurly < offset && offset <= block.$rcurly) spans.push([block.$lcurly + 1, block.$rcurly]);
                } else {
                    spans.push([cst.offset, cst.end]);
                    if (next.$type === 'StringLiteral' && cst.end - cst.offset >= 2 && offset > cst.offset && offset < cst.end) spans.push([cst.offset + 1, cst.end - 1]);
                }
                node = next;
            }
            // The word under the cursor, when it is part of a larger node.
            const word = wordAt(text.getText(), offset);
            if (word) spans.push(word);
            let range: SelectionRange | undefined;
            let last: [number, number] | undefined;
            for (const span of spans) {
                // Each range must contain the next; skip repeats and anything not inside the previous one.
                if (last && (span[0] < last[0] || span[1] > last[1] || (span[0] === last[0] && span[1] === last[1]))) continue;
                range = { range: rangeOf(document, span[0], span[1]), parent: range };
                last = span;
            }
            return range ?? { range: rangeOf(document, offset, offset) };
        });
    }
}

function wordAt(text: string, offset: number): [number, number] | undefined {
    let start = offset;
    let end = offset;
    while (start > 0 && /[\w]/.test(text[start - 1])) start--;
    while (end < text.length && /[\w]/.test(text[end])) end++;
    return start < end ? [start, end] : undefined;
}

