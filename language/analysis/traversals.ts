// References in expressions. Alloy resolves a dotted chain of names
// (`prometheus.remote_write.default.receiver`) against the components of the
// module; flowlens collects every maximal chain that starts with an identifier.

import type { AccessExpression, Expression, IdentifierExpression, Statement } from '../syntax/ast.js';

export interface Traversal {
    /** The identifier the chain starts with. */
    readonly head: IdentifierExpression;
    /** The outermost node of the chain (an AccessExpression, or the identifier itself). */
    readonly node: Expression;
    /** The names in order: identifier, then each accessed member. */
    readonly names: readonly string[];
    /** Offsets of each name, parallel to `names`. */
    readonly offsets: readonly number[];
}

/** All traversals in an expression, in source order. */
export function traversalsIn(root: Expression, out: Traversal[] = []): Traversal[] {
    const stack: Expression[] = [root];
    while (stack.length) {
        const e = stack.pop()!;
        switch (e.$type) {
            case 'AccessExpression':
            case 'IdentifierExpression': {
                const t = chainOf(e);
                if (t) {
                    out.push(t);
                } else if (e.$type === 'AccessExpression') {
                    stack.push(e.receiver); // a chain on something else, e.g. f(x).y
                }
                break;
            }
            case 'IndexExpression': stack.push(e.index, e.receiver); break;
            case 'CallExpression': for (let i = e.args.length - 1; i >= 0; i--) stack.push(e.args[i]); stack.push(e.callee); break;
            case 'BinaryExpression': stack.push(e.right, e.left); break;
            case 'UnaryExpression': stack.push(e.operand); break;
            case 'ParenExpression': stack.push(e.inner); break;
            case 'ArrayExpression': for (let i = e.elements.length - 1; i >= 0; i--) stack.push(e.elements[i]); break;
            case 'ObjectExpression': for (let i = e.fields.length - 1; i >= 0; i--) stack.push(e.fields[i].value); break;
        }
    }
    return out;
}

/** The names of a chain `a.b.c`, or undefined when it does not start with an identifier. */
function chainOf(e: AccessExpression | IdentifierExpression): Traversal | undefined {
    const names: string[] = [];
    const offsets: number[] = [];
    let cur: Expression = e;
    while (cur.$type === 'AccessExpression') {
        names.push(cur.member);
        offsets.push(cur.$memberOffset);
        cur = cur.receiver;
    }
    if (cur.$type !== 'IdentifierExpression') return undefined;
    names.push(cur.name);
    offsets.push(cur.$cstNode!.offset);
    return { head: cur, node: e, names: names.reverse(), offsets: offsets.reverse() };
}

/** The attribute values of a block body, including nested blocks. */
export function expressionsOf(body: readonly Statement[]): Expression[] {
    const out: Expression[] = [];
    const stack = [...body];
    while (stack.length) {
        const s = stack.pop()!;
        if (s.$type === 'Attribute') out.push(s.value);
        else stack.push(...s.body);
    }
    return out;
}
