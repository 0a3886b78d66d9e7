// Evaluates a block's body into the ArgumentBody a component decodes:
// attributes by name (in source order) and nested blocks in source order.

import { evaluateExpression, type EvaluateOptions } from '../../../language/eval/evaluate-expression.js';
import type { Value } from '../../../language/eval/value.js';
import type { Attribute, Block, Expression, Statement } from '../../../language/syntax/ast.js';
import type { ArgumentBody } from '../component.js';

export interface BodyScope {
    readonly scope: ReadonlyMap<string, Value>;
    readonly options: EvaluateOptions;
}

export function evaluateBody(body: readonly Statement[], scope: BodyScope): ArgumentBody {
    const attributes = new Map<string, Value>();
    const blocks: Array<{ name: string; label?: string; body: ArgumentBody }> = [];
    for (const s of body) {
        if (s.$type === 'Attribute') attributes.set(s.name, evaluate(s.value, scope));
        else blocks.push({ name: s.name, ...(s.label !== undefined ? { label: s.label } : {}), body: evaluateBody(s.body, scope) });
    }
    return { attributes, blocks };
}

export function evaluate(expr: Expression, scope: BodyScope): Value {
    return evaluateExpression(expr, scope.scope, scope.options);
}

export function attributeExpr(block: Block, name: string): Expression | undefined {
    return (block.body.find((s): s is Attribute => s.$type === 'Attribute' && s.name === name))?.value;
}

export function childBlock(block: Block, name: string): Block | undefined {
    return block.body.find((s): s is Block => s.$type === 'Block' && s.name === name);
}

/** Deep equality of argument bodies, so an unchanged body does not call update() again. */
export function bodiesEqual(a: ArgumentBody, b: ArgumentBody, valuesEqual: (x: Value, y: Value) => boolean): boolean {
    if (a.attributes.size !== b.attributes.size || a.blocks.length !== b.blocks.length) return false;
    for (const [k, v] of a.attributes) {
        const w = b.attributes.get(k);
        if (w === undefined || !valuesEqual(v, w)) return false;
    }
    return a.blocks.every((x, i) => {
        const y = b.blocks[i];
        return x.name === y.name && x.label === y.label && bodiesEqual(x.body, y.body, valuesEqual);
    });
}
