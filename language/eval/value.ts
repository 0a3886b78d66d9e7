// Values of the Alloy expression language, as flowlens evaluates them
// statically. Alloy's types: null, number, string, bool, array, object,
// function, capsule (opaque values such as receivers) and secret. `unknown`
// is flowlens' own: a value only the running pipeline knows (a component's
// exports, an unset environment variable). Unknown values propagate through
// operators and calls without raising errors.

export type Value =
    | NullValue
    | NumberValue
    | StringValue
    | BoolValue
    | ArrayValue
    | ObjectValue
    | FunctionValue
    | CapsuleValue
    | SecretValue
    | UnknownValue;

export interface NullValue {
    readonly kind: 'null';
}

export interface NumberValue {
    readonly kind: 'number';
    readonly value: number;
    /** Alloy keeps integers and floats apart: `5 / 2` is 2, `5.0 / 2` is 2.5. */
    readonly float: boolean;
}

export interface StringValue {
    readonly kind: 'string';
    readonly value: string;
}

export interface BoolValue {
    readonly kind: 'bool';
    readonly value: boolean;
}

export interface ArrayValue {
    readonly kind: 'array';
    readonly items: readonly Value[];
}

export interface ObjectValue {
    readonly kind: 'object';
    /** Keys in the order they were written (Alloy prints them sorted). */
    readonly fields: ReadonlyMap<string, Value>;
}

export interface FunctionValue {
    readonly kind: 'function';
    /** Full stdlib name, e.g. `string.format`. */
    readonly name: string;
    readonly call: (args: readonly Value[]) => Value;
}

/** An opaque runtime value, e.g. a `prometheus.Receiver`. */
export interface CapsuleValue {
    readonly kind: 'capsule';
    readonly type: string;
    /** The runtime object behind it (a receiver, a consumer); absent in static analysis. */
    readonly payload?: unknown;
}

/** A string Alloy keeps out of sight; shown as (secret). */
export interface SecretValue {
    readonly kind: 'secret';
    readonly value: string;
}

export interface UnknownValue {
    readonly kind: 'unknown';
    /** The type when it is known even though the value is not, in Alloy's type words (`list(map(string))`). */
    readonly type?: string;
}

export type ValueKind = Value['kind'];

export const NULL: NullValue = { kind: 'null' };
export const TRUE: BoolValue = { kind: 'bool', value: true };
export const FALSE: BoolValue = { kind: 'bool', value: false };
export const UNKNOWN: UnknownValue = { kind: 'unknown' };

export function num(value: number, float = !Number.isInteger(value)): NumberValue {
    return { kind: 'number', value, float };
}

export function str(value: string): StringValue {
    return { kind: 'string', value };
}

export function bool(value: boolean): BoolValue {
    return value ? TRUE : FALSE;
}

export function arr(items: readonly Value[]): ArrayValue {
    return { kind: 'array', items };
}

export function obj(fields: ReadonlyMap<string, Value> | Record<string, Value>): ObjectValue {
    return { kind: 'object', fields: fields instanceof Map ? fields : new Map(Object.entries(fields)) };
}

export function unknown(type?: string): UnknownValue {
    return type ? { kind: 'unknown', type } : UNKNOWN;
}

/** An error of evaluation, with Alloy's message; `node` is the expression it is about, when known. */
export class EvalError extends Error {
    constructor(message: string, readonly node?: unknown) {
        super(message);
    }
}

/** Alloy's name for a value's type in messages ("should be number, got string"). */
export function typeName(v: Value): string {
    switch (v.kind) {
        case 'array': return 'array';
        case 'object': return 'object';
        case 'capsule': return 'capsule';
        case 'secret': return 'capsule';
        case 'unknown': return v.type ?? 'unknown';
        default: return v.kind;
    }
}

/** Whether a value (or anything inside it) is unknown. */
export function isUnknown(v: Value): boolean {
    if (v.kind === 'unknown') return true;
    if (v.kind === 'array') return v.items.some(isUnknown);
    if (v.kind === 'object') {
        for (const f of v.fields.values()) if (isUnknown(f)) return true;
    }
    return false;
}

/** Converts a JavaScript value (from JSON or YAML) into an Alloy value. */
export function fromJs(x: unknown): Value {
    if (x === null || x === undefined) return NULL;
    if (typeof x === 'number') return num(x);
    if (typeof x === 'bigint') return num(Number(x), false);
    if (typeof x === 'string') return str(x);
    if (typeof x === 'boolean') return bool(x);
    if (Array.isArray(x)) return arr(x.map(fromJs));
    if (x instanceof Date) return str(x.toISOString());
    if (typeof x === 'object') return obj(new Map(Object.entries(x as Record<string, unknown>).map(([k, v]) => [k, fromJs(v)])));
    return UNKNOWN;
}

/** Converts a known Alloy value into a JavaScript value (for JSON encoding and display). */
export function toJs(v: Value): unknown {
    switch (v.kind) {
        case 'null': return null;
        case 'number': case 'string': case 'bool': return v.value;
        case 'secret': return '(secret)';
        case 'array': return v.items.map(toJs);
        case 'object': return Object.fromEntries([...v.fields].map(([k, f]) => [k, toJs(f)]));
        case 'function': return `<function ${v.name}>`;
        case 'capsule': return `capsule("${v.type}")`;
        case 'unknown': return undefined;
    }
}
