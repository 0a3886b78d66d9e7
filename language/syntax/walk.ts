// Iterates an AST without recursion (deeply nested input must not overflow the stack).

import type { AstNode } from 'langium';

/** Calls `visit` for every node below and including `root`, parents before children. */
export function forEachNode(root: AstNode, visit: (node: AstNode) => void): void {
    const stack: AstNode[] = [root];
    while (stack.length > 0) {
        const node = stack.pop()!;
        visit(node);
        const children = childrenOf(node);
        for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
    }
}

/** The AST children of a node in source order. */
export function childrenOf(node: AstNode): AstNode[] {
    const out: AstNode[] = [];
    for (const key in node) {
        if (key.charCodeAt(0) === 0x24) continue; // '$' properties are metadata
        const value = (node as unknown as Record<string, unknown>)[key];
        if (Array.isArray(value)) {
            for (const v of value) if (v && typeof v === 'object' && '$type' in v) out.push(v as AstNode);
        } else if (value && typeof value === 'object' && '$type' in value) {
            out.push(value as AstNode);
        }
    }
    return out.sort((a, b) => a.$cstNode!.offset - b.$cstNode!.offset);
}
