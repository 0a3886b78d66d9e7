// A lightweight concrete syntax tree for Langium. flowlens parses with its own
// parser (see parser.ts), so instead of Chevrotain's token-level CST every AST
// node gets one node that spans it; ranges are computed only when asked for.

import type { AstNode, CompositeCstNode, CstNode, RootCstNode } from 'langium';
import type { Range } from 'vscode-languageserver-types';
import { LspLineMap } from './source.js';

// One SyntaxNode exists per AST node, so it keeps only what cannot be derived
// (a large file has hundreds of thousands): the container and `hidden` are getters.
export class SyntaxNode implements CompositeCstNode {
    constructor(
        readonly root: SyntaxRoot,
        readonly offset: number,
        readonly end: number,
        readonly astNode: AstNode,
    ) {}

    get container(): CompositeCstNode | undefined {
        return this.astNode.$container?.$cstNode as CompositeCstNode | undefined;
    }

    get hidden(): boolean {
        return false;
    }

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
