// Evaluation of one expression to a value, the way Alloy's syntax/vm does,
// with Alloy's error messages: literals, arrays, objects, identifiers from a
// scope, `.field`, `[index]`, calls, unary and binary operators.
//
// Errors are EvalErrors whose `node` is the expression Alloy points at and
// whose message is Alloy's, including the expression text Alloy puts in
// front: `"a" should be number, got string`, `encoding.to_json jsonEncode
// only supports map`. (Alloy prints the node with its formatter; flowlens
// uses the source text of the node.)
//
// Unknown values flow through without errors. Identifiers missing from the
// scope go to `resolveIdentifier`; without one, or when it returns
// undefined, they are errors (`identifier "x" does not exist`).

import type * as ast from '../syntax/ast.js';
import { isFloatText } from '../syntax/ast.js';
import { goQuote } from '../syntax/chars.js';
import { alloyTypeName, binaryOp, knownKind, OperatorError, unaryOp } from './operators.js';
import { ArgumentError, FunctionError } from './stdlib.js';
import { arr, bool, EvalError, NULL, num, obj, str, unknown, type Value } from './value.js';

export interface EvaluateOptions {
    /**
     * Resolves an identifier that is not in the scope (a component namespace,
     * `argument`, …). Return undefined when it does not exist; return
     * `unknown()` for a value that only the running pipeline knows.
     */
    resolveIdentifier?: (name: string, node: ast.IdentifierExpression) => Value | undefined;
}

/** Evaluates an expression; throws EvalError with Alloy's message for errors that are certain. */
export function evaluateExpression(expr: ast.Expression, scope: ReadonlyMap<string, Value>, options: EvaluateOptions = {}): Value {
    return new ExpressionEvaluator(scope, options).evaluate(expr);
}

/** The source text of a node, as Alloy prints it in front of messages. */
export function nodeText(node: ast.Expression): string {
    return node.$cstNode?.text ?? '';
}

class ExpressionEvaluator {
    constructor(
        private readonly scope: ReadonlyMap<string, Value>,
        private readonly options: EvaluateOptions,
    ) {}

    evaluate(expr: ast.Expression): Value {
        switch (expr.$type) {
            case 'NullLiteral': return NULL;
            case 'BooleanLiteral': return bool(expr.value === 'true');
            case 'NumberLiteral': return numberLiteral(expr);
            case 'StringLiteral': return stringLiteral(expr);
            case 'ParenExpression': return this.evaluate(expr.inner);
            case 'ArrayExpression': return arr(expr.elements.map((e) => this.evaluate(e)));
            case 'ObjectExpression': {
                const fields = new Map<string, Value>();
                for (const f of expr.fields) fields.set(f.name, this.evaluate(f.value)); // the last of duplicate keys wins
                return obj(fields);
            }
            case 'IdentifierExpression': return this.identifier(expr);
            case 'AccessExpression': return this.access(expr);
            case 'IndexExpression': return this.index(expr);
            case 'CallExpression': return this.call(expr);
            case 'UnaryExpression': {
                const v = this.evaluate(expr.operand);
                try {
                    return unaryOp(expr.operator, v, () => nodeText(expr.operand));
                } catch (e) {
                    if (e instanceof OperatorError && e.node === undefined) throw new OperatorError(e.detail, e.side, nodeText(expr.operand), expr.operand);
                    throw e;
                }
            }
            case 'BinaryExpression': {
                // Both sides are evaluated: Alloy's && and || do not short-circuit.
                const left = this.evaluate(expr.left);
                const right = this.evaluate(expr.right);
                try {
                    return binaryOp(expr.operator, left, right, (side) => nodeText(side === 'left' ? expr.left : expr.right));
                } catch (e) {
                    if (e instanceof OperatorError && e.node === undefined) {
                        const node = e.side === 'left' ? expr.left : expr.right;
                        throw new OperatorError(e.detail, e.side, nodeText(node), node);
                    }
                    throw e;
                }
            }
        }
    }

    private identifier(expr: ast.IdentifierExpression): Value {
        const v = this.scope.get(expr.name) ?? this.options.resolveIdentifier?.(expr.name, expr);
        if (v === undefined) throw new EvalError(`identifier ${goQuote(expr.name)} does not exist`, expr);
        return v;
    }

    private access(expr: ast.AccessExpression): Value {
        const recv = this.evaluate(expr.receiver);
        const name = expr.member;
        if (recv.kind === 'object') {
            const v = recv.fields.get(name);
            if (v === undefined) throw new EvalError(`field ${goQuote(name)} does not exist`, expr);
            return v;
        }
        const kind = knownKind(recv);
        if (kind === undefined || kind === 'object') return unknown();
        if (kind === 'capsule') return unknown(); // may convert to an object at run time
        if (kind === 'secret') {
            throw new EvalError(`${nodeText(expr.receiver)} expected object or array or a capsule convertible to an object, got capsule`, expr.receiver);
        }
        throw new EvalError(`${nodeText(expr.receiver)} cannot access field ${goQuote(name)} on value of type ${alloyTypeName(kind)}`, expr.receiver);
    }

    private index(expr: ast.IndexExpression): Value {
        const recv = this.evaluate(expr.receiver);
        const idx = this.evaluate(expr.index);
        const kind = knownKind(recv);
        const idxKind = knownKind(idx);
        const wrongIndex = (expected: 'number' | 'string'): never => {
            throw new EvalError(`${nodeText(expr.index)} should be ${expected}, got ${alloyTypeName(idxKind!)}`, expr.index);
        };
        switch (kind) {
            case 'array': {
                if (idxKind !== undefined && idxKind !== 'number') wrongIndex('number');
                if (recv.kind !== 'array' || idx.kind !== 'number') return unknown();
                const i = Math.trunc(idx.value);
                if (!(i >= 0 && i < recv.items.length)) {
                    const shown = Number.isFinite(i) ? String(i) : '-9223372036854775808';
                    throw new EvalError(`${nodeText(expr.index)} index ${shown} is out of range of array with length ${recv.items.length}`, expr.index);
                }
                return recv.items[i];
            }
            case 'object': {
                if (idxKind !== undefined && idxKind !== 'string') wrongIndex('string');
                if (recv.kind !== 'object' || idx.kind !== 'string') return unknown();
                return recv.fields.get(idx.value) ?? NULL; // a missing key is null with [ ]
            }
            case 'capsule': // may convert to an object at run time
            case undefined:
                return unknown();
            case 'secret':
                throw new EvalError(`${nodeText(expr.receiver)} expected object or array or a capsule convertible to an object, got capsule`, expr.receiver);
            default:
                throw new EvalError(`${nodeText(expr.receiver)} expected object or array, got ${alloyTypeName(kind)}`, expr.receiver);
        }
    }

    private call(expr: ast.CallExpression): Value {
        const callee = this.evaluate(expr.callee);
        const kind = knownKind(callee);
        if (kind !== undefined && kind !== 'function') {
            throw new EvalError(`${nodeText(expr.callee)} should be function, got ${alloyTypeName(kind)}`, expr.callee);
        }
        const args = expr.args.map((a) => this.evaluate(a));
        if (callee.kind !== 'function') return unknown();
        try {
            return callee.call(args);
        } catch (e) {
            if (!(e instanceof EvalError) || e.node !== undefined) throw e;
            if (e instanceof ArgumentError) throw argumentError(e, expr);
            if (e instanceof FunctionError) throw new FunctionError(`${nodeText(expr.callee)} ${e.message}`, expr.callee);
            throw new EvalError(e.message, expr);
        }
    }
}

/** Puts the text of the argument (or of the element inside it) in front of an argument error. */
function argumentError(e: ArgumentError, call: ast.CallExpression): ArgumentError {
    let target: ast.Expression | undefined = call.args[e.index];
    if (!target) return new ArgumentError(e.message, e.index, e.path, call);
    let suffix = '';
    for (const step of e.path) {
        while (target.$type === 'ParenExpression') target = target.inner;
        if (suffix === '' && typeof step === 'number' && target.$type === 'ArrayExpression' && step < target.elements.length) {
            target = target.elements[step];
            continue;
        }
        if (suffix === '' && typeof step === 'string' && target.$type === 'ObjectExpression') {
            const field: ast.ObjectField | undefined = target.fields.filter((f) => f.name === step).pop();
            if (field) {
                target = field.value;
                continue;
            }
        }
        suffix += typeof step === 'number' ? `[${step}]` : `.${step}`;
    }
    return new ArgumentError(`${nodeText(target)}${suffix} ${e.message}`, e.index, e.path, target);
}

// ---- literals ---------------------------------------------------------------------------------

const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** The value of a NUMBER or FLOAT literal, as Alloy's ValueFromLiteral computes it. */
export function numberLiteral(node: ast.NumberLiteral): Value {
    const text = node.value;
    if (!isFloatText(text)) {
        // strconv.ParseInt(text, 0, 64): a leading 0 means octal.
        let digits = text;
        let radix = 10;
        if (/^0[0-9]/.test(text)) {
            digits = text.slice(1);
            radix = 8;
        }
        const valid = radix === 8 ? /^[0-7]+$/.test(digits) : /^[0-9]+$/.test(digits);
        if (valid) {
            const n = radix === 8 ? BigInt('0o' + digits) : BigInt(digits);
            if (n <= INT64_MAX || n <= UINT64_MAX) return num(Number(n), false);
        }
    }
    const f = Number(text);
    if (Number.isNaN(f)) throw new EvalError(`strconv.ParseFloat: parsing ${goQuote(text)}: invalid syntax`, node);
    if (!Number.isFinite(f)) throw new EvalError(`strconv.ParseFloat: parsing ${goQuote(text)}: value out of range`, node);
    return num(f, true);
}

function stringLiteral(node: ast.StringLiteral): Value {
    const s = unquoteString(node.value);
    if (s === undefined) throw new EvalError('invalid syntax', node);
    return str(s);
}

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { ignoreBOM: true });

/**
 * Go's strconv.Unquote of a string literal: Go escapes in double quotes,
 * raw text (carriage returns removed) in backquotes; undefined when invalid.
 */
export function unquoteString(raw: string): string | undefined {
    if (raw.length < 2) return undefined;
    const quote = raw[0];
    if (raw[raw.length - 1] !== quote) return undefined;
    const body = raw.slice(1, -1);
    if (quote === '`') return body.includes('`') ? undefined : body.replace(/\r/g, '');
    if (quote !== '"') return undefined;
    if (!body.includes('\\')) return body.includes('"') || body.includes('\n') ? undefined : body;

    const bytes: number[] = [];
    const pushRune = (cp: number) => {
        for (const b of utf8.encode(String.fromCodePoint(cp))) bytes.push(b);
    };
    const hexAt = (i: number, n: number): number | undefined => {
        const h = body.slice(i, i + n);
        return h.length === n && /^[0-9A-Fa-f]+$/.test(h) ? parseInt(h, 16) : undefined;
    };
    for (let i = 0; i < body.length; ) {
        const cp = body.codePointAt(i)!;
        const ch = String.fromCodePoint(cp);
        if (ch === '"' || ch === '\n') return undefined;
        if (ch !== '\\') {
            for (const b of utf8.encode(ch)) bytes.push(b);
            i += ch.length;
            continue;
        }
        const e = body[i + 1];
        i += 2;
        switch (e) {
            case 'a': bytes.push(7); break;
            case 'b': bytes.push(8); break;
            case 'f': bytes.push(12); break;
            case 'n': bytes.push(10); break;
            case 'r': bytes.push(13); break;
            case 't': bytes.push(9); break;
            case 'v': bytes.push(11); break;
            case '\\': bytes.push(0x5c); break;
            case '"': bytes.push(0x22); break;
            case 'x': {
                const v = hexAt(i, 2);
                if (v === undefined) return undefined;
                bytes.push(v);
                i += 2;
                break;
            }
            case 'u':
            case 'U': {
                const n = e === 'u' ? 4 : 8;
                const v = hexAt(i, n);
                if (v === undefined || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) return undefined;
                pushRune(v);
                i += n;
                break;
            }
            default: {
                if (e !== undefined && e >= '0' && e <= '7') {
                    const o = body.slice(i - 1, i + 2);
                    if (!/^[0-7]{3}$/.test(o)) return undefined;
                    const v = parseInt(o, 8);
                    if (v > 255) return undefined;
                    bytes.push(v);
                    i += 2;
                    break;
                }
                return undefined; // includes \' (only valid in rune literals)
            }
        }
    }
    return utf8Decoder.decode(new Uint8Array(bytes));
}
