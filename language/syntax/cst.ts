// A lightweight concrete syntax tree for Langium. flowlens parses with its own
// parser (see parser.ts), so instead of Chevrotain's token-level CST every AST
// node gets one node that spans it; ranges are computed only when asked for.

import type { AstNode, CompositeCstNode, CstNode, RootCstNode } from 'langium';
import type { Range } from 'vscode-languageserver-types';

/** Maps UTF-16 offsets to LSP positions (lines end at \n, \r\n or \r, like VS Code's). */
export class LspLineMap {
    private starts?: number[];

    constructor(private readonly text: string) {}

    private lineStarts(): number[] {
        if (!this.starts) {
            const starts = [0];
            const text = this.text;
            for (let i = 0; i < text.length; i++) {
                const c = text.charCodeAt(i);
                if (c === 0x0d) {
                    if (text.charCodeAt(i + 1) === 0x0a) i++;
                    starts.push(i + 1);
                } else if (c === 0x0a) {
                    starts.push(i + 1);
                }
            }
            this.starts = starts;
        }
        return this.starts;
    }

    position(offset: number): { line: number; character: number } {
        const starts = this.lineStarts();
        let lo = 0;
        let hi = starts.length - 1;
        while (lo < hi) {
            const mid = (lo + hi + 1) >> 1;
            if (starts[mid] <= offset) lo = mid;
            else hi = mid - 1;
        }
        return { line: lo, character: offset - starts[lo] };
    }

    offset(position: { line: number; character: number }): number {
        const starts = this.lineStarts();
        if (position.line >= starts.length) return this.text.length;
        if (position.line < 0) return 0;
        const lineEnd = position.line + 1 < starts.length ? starts[position.line + 1] : this.text.length;
        return Math.min(starts[position.line] + position.character, lineEnd);
    }

    range(start: number, end: number): Range {
        return { start: this.position(start), end: this.position(end) };
    }
}

export class SyntaxNode implements CompositeCstNode {
    container?: CompositeCstNode;
    readonly hidden = false;

    constructor(
        readonly root: SyntaxRoot,
        readonly offset: number,
        readonly end: number,
        readonly astNode: AstNode,
    ) {}

    get length(): number {
        return this.end - this.offset;
    }

    get text(): string {
        return this.root.fullText.slice(this.offset, this.end);
    }

    get range(): Range {
        return this.root.lines.range(this.offset, this.end);
    }

    /** The CST nodes of the AST children, in source order. */
    get content(): CstNode[] {
        const nodes: CstNode[] = [];
        for (const [key, value] of Object.entries(this.astNode)) {
            if (key.startsWith('$')) continue;
            const children = Array.isArray(value) ? value : [value];
            for (const child of children) {
                const cst = (child as AstNode | undefined)?.$cstNode;
                if (cst) nodes.push(cst);
            }
        }
        return nodes.sort((a, b) => a.offset - b.offset);
    }
}

export class SyntaxRoot extends SyntaxNode implements RootCstNode {
    readonly lines: LspLineMap;

    constructor(readonly fullText: string, astNode: AstNode) {
        super(undefined as unknown as SyntaxRoot, 0, fullText.length, astNode);
        (this as { root: SyntaxRoot }).root = this;
        this.lines = new LspLineMap(fullText);
    }
}
