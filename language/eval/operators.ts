// Alloy's unary and binary operators over flowlens values, with Alloy's
// messages (syntax/internal/transform/{binary,unary}.go, syntax/vm/error.go).
//
// Alloy reports an operand's error prefixed by the operand's expression text:
// `true + 1` fails with `true should be one of [number string capsule] for
// binop +, got bool`. The evaluator passes the text through `describe`; the
// thrown OperatorError also says which operand it is about (`side`) and keeps
// the bare message (`detail`).
//
// Unknown operands give unknown results (typed when the result type is
// certain). An error is still reported when it is certain from what is
// known: `true + x` fails whatever x is, since bool never supports `+`.

import type { BinaryOperator, UnaryOperator } from '../syntax/token.js';
import { compareGoStrings } from './go-format.js';
import { EvalError, type NumberValue, type Value, bool, num, unknown } from './value.js';

/** Which operand an operator error is about. */
export type OperandSide = 'left' | 'right' | 'operand';

/** Returns the source text of an operand, which Alloy puts in front of the message. */
export type OperandDescriber = (side: OperandSide) => string | undefined;

/** An operator error: `message` is `<operand text> <detail>` (just `detail` without a describer). */
export class OperatorError extends EvalError {
    constructor(
        readonly detail: string,
        readonly side: OperandSide,
        text?: string,
        node?: unknown,
    ) {
        super(text ? `${text} ${detail}` : detail, node);
    }
}

/**
 * The base kind of a value, also for an unknown value whose type is known;
 * undefined when nothing is known. Secrets are their own kind here (Alloy
 * calls their type `capsule`: see `alloyTypeName`).
 */
export type Kind = 'null' | 'number' | 'string' | 'bool' | 'array' | 'object' | 'function' | 'capsule' | 'secret';

export function knownKind(v: Value): Kind | undefined {
    if (v.kind !== 'unknown') return v.kind;
    return kindOfType(v.type);
}

/** The kind of an Alloy type word (`number`, `list(string)`, `map(any)`, `capsule("x")`, `secret`…). */
export function kindOfType(type: string | undefined): Kind | undefined {
    if (!type) return undefined;
    const t = type.trim();
    switch (t) {
        case 'null': case 'number': case 'string': case 'bool': case 'function': case 'secret':
            return t;
        case 'array': case 'list': return 'array';
        case 'object': case 'map': return 'object';
        case 'duration': return 'string';
        case 'capsule': return 'capsule';
    }
    if (t.startsWith('list(')) return 'array';
    if (t.startsWith('map(')) return 'object';
    if (t.startsWith('capsule(')) return 'capsule';
    if (t.startsWith('function(')) return 'function';
    return undefined;
}

/** Alloy's name of a kind in messages (`should be number, got string`). */
export function alloyTypeName(kind: Kind): string {
    return kind === 'secret' ? 'capsule' : kind;
}

const ALLOWED: Record<Exclude<BinaryOperator, '==' | '!='>, readonly string[]> = {
    '||': ['bool'],
    '&&': ['bool'],
    '+': ['number', 'string', 'capsule'],
    '-': ['number'],
    '*': ['number'],
    '/': ['number'],
    '%': ['number'],
    '^': ['number'],
    '<': ['number', 'string'],
    '>': ['number', 'string'],
    '<=': ['number', 'string'],
    '>=': ['number', 'string'],
};

function fail(detail: string, side: OperandSide, describe: OperandDescriber | undefined): never {
    throw new OperatorError(detail, side, describe?.(side));
}

/** Applies a binary operator; throws OperatorError (an EvalError) with Alloy's message. */
export function binaryOp(op: BinaryOperator, left: Value, right: Value, describe?: OperandDescriber): Value {
    // Secrets absorb strings: secret + string, string == secret…
    if (left.kind === 'secret' && right.kind === 'string') right = { kind: 'secret', value: right.value };
    else if (left.kind === 'string' && right.kind === 'secret') left = { kind: 'secret', value: left.value };

    if (op === '==' || op === '!=') {
        const eq = valuesEqual(left, right);
        if (eq === undefined) return unknown('bool');
        return bool(op === '==' ? eq : !eq);
    }

    let lk = knownKind(left);
    let rk = knownKind(right);
    // The same absorption for unknown operands whose kind is known.
    if (lk === 'secret' && rk === 'string') rk = 'secret';
    else if (lk === 'string' && rk === 'secret') lk = 'secret';

    const allowed = ALLOWED[op];
    const check = (kind: Kind | undefined, side: OperandSide): void => {
        if (kind !== undefined && !allowed.includes(alloyTypeName(kind))) {
            fail(`should be one of [${allowed.join(' ')}] for binop ${op}, got ${alloyTypeName(kind)}`, side, describe);
        }
    };
    check(lk, 'left');
    check(rk, 'right');
    if (lk !== undefined && rk !== undefined && alloyTypeName(lk) !== alloyTypeName(rk)) {
        fail(`should be ${alloyTypeName(lk)}, got ${alloyTypeName(rk)}`, 'right', describe);
    }

    if (left.kind === 'unknown' || right.kind === 'unknown') {
        // The divisor may already be known to be zero.
        if ((op === '/' || op === '%') && right.kind === 'number' && right.value === 0) fail('divide by zero error', 'right', describe);
        return unknown(resultType(op, lk ?? rk));
    }

    switch (op) {
        case '||': return bool((left as { value: boolean }).value || (right as { value: boolean }).value);
        case '&&': return bool((left as { value: boolean }).value && (right as { value: boolean }).value);
        case '+':
            if (left.kind === 'string' && right.kind === 'string') return { kind: 'string', value: left.value + right.value };
            if (left.kind === 'secret') {
                // Alloy adds the right operand's secret text; another capsule adds nothing.
                return { kind: 'secret', value: left.value + (right.kind === 'secret' ? right.value : '') };
            }
            if (left.kind === 'capsule') {
                fail(`could not perform binop + for unknown types lhs capsule rhs ${right.kind === 'secret' ? 'capsule' : right.kind}`, 'left', describe);
            }
            return arithmetic(op, left as NumberValue, right as NumberValue, describe);
        case '-': case '*': case '/': case '%': case '^':
            return arithmetic(op, left as NumberValue, right as NumberValue, describe);
        case '<': case '>': case '<=': case '>=': {
            let c: number;
            if (left.kind === 'string' && right.kind === 'string') {
                c = compareGoStrings(left.value, right.value);
            } else {
                const a = (left as NumberValue).value;
                const b = (right as NumberValue).value;
                if (Number.isNaN(a) || Number.isNaN(b)) return bool(false);
                c = a < b ? -1 : a > b ? 1 : 0;
            }
            switch (op) {
                case '<': return bool(c < 0);
                case '>': return bool(c > 0);
                case '<=': return bool(c <= 0);
                default: return bool(c >= 0);
            }
        }
    }
}

function resultType(op: BinaryOperator, kind: Kind | undefined): string | undefined {
    switch (op) {
        case '||': case '&&': case '==': case '!=': case '<': case '>': case '<=': case '>=':
            return 'bool';
        case '+':
            return kind === 'number' || kind === 'string' || kind === 'secret' ? kind : undefined;
        default:
            return 'number';
    }
}

const INT64_MIN = -(2n ** 63n);

function toBig(n: NumberValue): bigint {
    return BigInt.asIntN(64, BigInt(Math.trunc(n.value)));
}

function intResult(v: bigint): NumberValue {
    return num(Number(BigInt.asIntN(64, v)), false);
}

/** Go's intPow over wrapping int64s (a negative exponent gives the base back). */
function intPow(n: bigint, m: bigint): bigint {
    if (m === 0n || n === 1n) return 1n;
    if (n === 0n && m > 0n) return 0n;
    if (m < 1n) return n;
    // n^m by squaring, wrapped to 64 bits at each step (the same as Go's loop).
    let result = 1n;
    let base = n;
    let e = m;
    while (e > 0n) {
        if (e & 1n) result = BigInt.asIntN(64, result * base);
        base = BigInt.asIntN(64, base * base);
        e >>= 1n;
    }
    return result;
}

function goPow(x: number, y: number): number {
    // Go's math.Pow differs from ** where JavaScript says NaN.
    if (x === 1) return 1;
    if (x === -1 && !Number.isFinite(y) && !Number.isNaN(y)) return 1;
    return x ** y;
}

function arithmetic(op: '+' | '-' | '*' | '/' | '%' | '^', a: NumberValue, b: NumberValue, describe: OperandDescriber | undefined): NumberValue {
    if ((op === '/' || op === '%') && b.value === 0) fail('divide by zero error', 'right', describe);
    const float = a.float || b.float || !Number.isFinite(a.value) || !Number.isFinite(b.value);
    if (float) {
        const x = a.value;
        const y = b.value;
        switch (op) {
            case '+': return num(x + y, true);
            case '-': return num(x - y, true);
            case '*': return num(x * y, true);
            case '/': return num(x / y, true);
            case '%': return num(x % y, true);
            case '^': return num(goPow(x, y), true);
        }
    }
    const x = toBig(a);
    const y = toBig(b);
    switch (op) {
        case '+': return intResult(x + y);
        case '-': return intResult(x - y);
        case '*': return intResult(x * y);
        case '/': return intResult(x === INT64_MIN && y === -1n ? x : x / y);
        case '%': return intResult(x % y);
        case '^': return intResult(intPow(x, y));
    }
}

/** Applies a unary operator; throws OperatorError with Alloy's message. */
export function unaryOp(op: UnaryOperator, v: Value, describe?: () => string | undefined): Value {
    const expected = op === '!' ? 'bool' : 'number';
    const kind = knownKind(v);
    if (kind !== undefined && kind !== expected) {
        throw new OperatorError(`should be ${expected}, got ${alloyTypeName(kind)}`, 'operand', describe?.());
    }
    if (v.kind === 'unknown') return unknown(expected);
    if (v.kind === 'bool') return bool(!v.value);
    const n = v as NumberValue;
    if (n.float || !Number.isFinite(n.value)) return num(-n.value, true);
    return intResult(-toBig(n));
}

/**
 * Alloy's `==` on two values: deep, numbers compared by value (3 == 3.0),
 * functions never equal. Undefined when unknown parts decide the answer.
 * A secret and a string compare by text only at the top level, as in Alloy.
 */
export function valuesEqual(a: Value, b: Value): boolean | undefined {
    if (a.kind === 'secret' && b.kind === 'string') b = { kind: 'secret', value: b.value };
    else if (a.kind === 'string' && b.kind === 'secret') a = { kind: 'secret', value: a.value };

    let undecided = false;
    const stack: [Value, Value][] = [[a, b]];
    while (stack.length > 0) {
        const [x, y] = stack.pop()!;
        if (x.kind === 'unknown' || y.kind === 'unknown') {
            const xk = knownKind(x);
            const yk = knownKind(y);
            if (xk !== undefined && yk !== undefined && alloyTypeName(xk) !== alloyTypeName(yk)) return false;
            undecided = true;
            continue;
        }
        if (alloyTypeName(x.kind) !== alloyTypeName(y.kind)) return false;
        switch (x.kind) {
            case 'null':
                break;
            case 'number': {
                const yv = (y as NumberValue).value;
                if (x.value !== yv) return false;
                break;
            }
            case 'string':
            case 'bool':
                if (x.value !== (y as typeof x).value) return false;
                break;
            case 'array': {
                const yi = (y as typeof x).items;
                if (x.items.length !== yi.length) return false;
                for (let i = x.items.length - 1; i >= 0; i--) stack.push([x.items[i], yi[i]]);
                break;
            }
            case 'object': {
                const yf = (y as typeof x).fields;
                if (x.fields.size !== yf.size) return false;
                for (const [k, v] of x.fields) {
                    const w = yf.get(k);
                    if (w === undefined) return false;
                    stack.push([v, w]);
                }
                break;
            }
            case 'function':
                return false;
            case 'secret':
                if (y.kind !== 'secret') return false; // a different Go type
                if (x.value !== y.value) return false;
                break;
            case 'capsule':
                if (y.kind !== 'capsule' || x.type !== y.type) return false;
                undecided = true; // the contents are only known at run time
                break;
        }
    }
    return undecided ? undefined : true;
}
