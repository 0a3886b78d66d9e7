// Reads a struct type's defaults from its `SetToDefault` method: `*x = DefaultArguments`,
// `*x = NewDefaults()`, `*x = T{Field: ...}`, then `x.Field = ...` assignments. Only literal
// values become catalog defaults (strings, numbers, bools, durations such as
// `30 * time.Second`, lists of literals); anything computed is left out.

import { type Declared, type GoFile, type GoSource, type Node, unquote } from './source.js';
import { formatGoDuration } from '../../../language/values/go-duration.js';

/** A composite literal's keyed fields, with the file its expressions are written in. */
export class StructDefaults {
    constructor(
        private readonly source: GoSource,
        private readonly fields: ReadonlyMap<string, { node: Node; file: GoFile }>,
    ) {}

    /** These defaults with `outer`'s fields taking precedence (a parent literal over a type's own). */
    under(outer: StructDefaults): StructDefaults {
        return new StructDefaults(this.source, new Map([...this.fields, ...outer.fields]));
    }

    /** The defaults a nested struct literal gives (`Endpoint: EndpointOptions{...}`). */
    nested(goName: string): StructDefaults | undefined {
        const value = this.fields.get(goName);
        if (!value) return undefined;
        const fields = literalFields(this.source, value.node, value.file, 0);
        return fields && new StructDefaults(this.source, fields);
    }

    /** The Alloy expression of a field's default when it is a literal of the attribute's type. */
    literal(goName: string, alloyType: string): string | undefined {
        const value = this.fields.get(goName);
        if (!value) return undefined;
        return formatLiteral(this.source, value.node, value.file, alloyType, 0);
    }
}

export class DefaultsReader {
    private readonly cache = new Map<Declared, StructDefaults | undefined>();

    constructor(private readonly source: GoSource) {}

    of(decl: Declared): StructDefaults | undefined {
        if (this.cache.has(decl)) return this.cache.get(decl);
        const name = decl.node.childForFieldName('name')!.text;
        const method = decl.file.pkg.methods.get(name)?.get('SetToDefault');
        let result: StructDefaults | undefined;
        if (method) {
            const fields = new Map<string, { node: Node; file: GoFile }>();
            const receiver = method.node.childForFieldName('receiver')?.descendantsOfType('identifier')[0]?.text;
            const body = method.node.childForFieldName('body');
            const statements = body?.namedChildren.find((n) => n?.type === 'statement_list')?.namedChildren ?? [];
            for (const stmt of statements) {
                if (stmt?.type !== 'assignment_statement') continue;
                const left = stmt.childForFieldName('left')?.namedChildren[0];
                const right = stmt.childForFieldName('right')?.namedChildren[0];
                if (!left || !right) continue;
                if (left.type === 'unary_expression' && left.text === `*${receiver}`) {
                    for (const [k, v] of literalFields(this.source, right, method.file, 0) ?? []) fields.set(k, v);
                } else if (left.type === 'selector_expression' && left.childForFieldName('operand')?.text === receiver) {
                    fields.set(left.childForFieldName('field')!.text, { node: right, file: method.file });
                }
            }
            result = new StructDefaults(this.source, fields);
        }
        this.cache.set(decl, result);
        return result;
    }
}

/** The keyed fields of the composite literal an expression stands for (following vars and one-return functions). */
function literalFields(source: GoSource, node: Node, file: GoFile, depth: number): Map<string, { node: Node; file: GoFile }> | undefined {
    if (depth > 6) return undefined;
    if (node.type === 'unary_expression' && node.text.startsWith('&')) return literalFields(source, node.childForFieldName('operand')!, file, depth + 1);
    if (node.type === 'parenthesized_expression') return literalFields(source, node.namedChildren[0]!, file, depth + 1);
    if (node.type === 'composite_literal') {
        const out = new Map<string, { node: Node; file: GoFile }>();
        for (const element of node.childForFieldName('body')?.namedChildren ?? []) {
            if (element?.type !== 'keyed_element') continue;
            const [key, value] = element.namedChildren.map((n) => (n?.type === 'literal_element' ? n.namedChildren[0] : n));
            if (key && value) out.set(key.text, { node: value, file });
        }
        return out;
    }
    const target = resolveName(source, node, file);
    if (target) return literalFields(source, target.node, target.file, depth + 1);
    if (node.type === 'call_expression') {
        const fn = resolveFunction(source, node.childForFieldName('function')!, file);
        const returned = fn?.node.descendantsOfType('return_statement').filter((r) => r !== null);
        if (returned?.length === 1) {
            const expr = returned[0]!.namedChildren[0]?.namedChildren[0];
            if (expr) return literalFields(source, expr, fn!.file, depth + 1);
        }
    }
    return undefined;
}

/** A package-level var/const an identifier (or `pkg.Name`) refers to. */
function resolveName(source: GoSource, node: Node, file: GoFile): { node: Node; file: GoFile } | undefined {
    if (node.type === 'identifier') return file.pkg.values.get(node.text);
    if (node.type === 'selector_expression') {
        const pkg = source.packageOf(file, node.childForFieldName('operand')!.text);
        return pkg?.values.get(node.childForFieldName('field')!.text);
    }
    return undefined;
}

function resolveFunction(source: GoSource, node: Node, file: GoFile): Declared | undefined {
    if (node.type === 'identifier') return file.pkg.funcs.get(node.text);
    if (node.type === 'selector_expression') {
        const pkg = source.packageOf(file, node.childForFieldName('operand')!.text);
        return pkg?.funcs.get(node.childForFieldName('field')!.text);
    }
    return undefined;
}

const TIME_UNITS: Readonly<Record<string, number>> = {
    Nanosecond: 1,
    Microsecond: 1e3,
    Millisecond: 1e6,
    Second: 1e9,
    Minute: 60e9,
    Hour: 3600e9,
};

/** A numeric constant expression in nanoseconds when it uses time units; plain numbers otherwise. */
function evalNumber(source: GoSource, node: Node, file: GoFile, depth: number): { value: number; duration: boolean } | undefined {
    if (depth > 8) return undefined;
    switch (node.type) {
        case 'int_literal':
        case 'float_literal': {
            const value = Number(node.text.replace(/_/g, ''));
            return Number.isFinite(value) ? { value, duration: false } : undefined;
        }
        case 'parenthesized_expression':
            return evalNumber(source, node.namedChildren[0]!, file, depth + 1);
        case 'unary_expression': {
            const inner = evalNumber(source, node.childForFieldName('operand')!, file, depth + 1);
            if (!inner) return undefined;
            const op = node.childForFieldName('operator')?.text;
            return op === '-' ? { ...inner, value: -inner.value } : op === '+' ? inner : undefined;
        }
        case 'binary_expression': {
            const a = evalNumber(source, node.childForFieldName('left')!, file, depth + 1);
            const b = evalNumber(source, node.childForFieldName('right')!, file, depth + 1);
            if (!a || !b) return undefined;
            const duration = a.duration || b.duration;
            switch (node.childForFieldName('operator')?.text) {
                case '*':
                    return { value: a.value * b.value, duration };
                case '+':
                    return { value: a.value + b.value, duration };
                case '-':
                    return { value: a.value - b.value, duration };
                case '/':
                    return b.value === 0 ? undefined : { value: a.value / b.value, duration };
                case '<<':
                    return { value: a.value * 2 ** b.value, duration };
            }
            return undefined;
        }
        case 'call_expression': {
            // Conversions: time.Duration(x), model.Duration(x), int64(x), float64(x).
            const fn = node.childForFieldName('function')!.text;
            const args = node.childForFieldName('arguments')?.namedChildren ?? [];
            if (args.length !== 1 || !/^(time\.Duration|model\.Duration|u?int(8|16|32|64)?|float(32|64))$/.test(fn)) return undefined;
            const inner = evalNumber(source, args[0]!, file, depth + 1);
            return inner && { ...inner, duration: inner.duration || fn.endsWith('Duration') };
        }
        case 'selector_expression': {
            const operand = node.childForFieldName('operand')!.text;
            const field = node.childForFieldName('field')!.text;
            if (file.imports.get(operand) === 'time' && TIME_UNITS[field]) return { value: TIME_UNITS[field], duration: true };
            const target = resolveName(source, node, file);
            return target && evalNumber(source, target.node, target.file, depth + 1);
        }
        case 'identifier': {
            const target = resolveName(source, node, file);
            return target && evalNumber(source, target.node, target.file, depth + 1);
        }
    }
    return undefined;
}

/** Go's time.Duration.String() minus zero parts: 90s → `1m30s`, 1m → `1m`, 1h → `1h`, 500ms → `500ms`. */
export function formatDuration(ns: number): string {
    return formatGoDuration(BigInt(Math.round(ns))).replace(/(\d)h0m(?=\d)/, '$1h').replace(/([hm])0s$/, '$1');
}

function formatLiteral(source: GoSource, node: Node, file: GoFile, alloyType: string, depth: number): string | undefined {
    if (depth > 6) return undefined;
    switch (node.type) {
        case 'interpreted_string_literal':
        case 'raw_string_literal':
            return JSON.stringify(unquote(node.text));
        case 'true':
        case 'false':
            return alloyType === 'bool' ? node.text : undefined;
        case 'composite_literal': {
            if (!alloyType.startsWith('list(')) return undefined;
            const element = alloyType.slice(5, -1);
            const items = (node.childForFieldName('body')?.namedChildren ?? []).map((e) =>
                e?.type === 'literal_element' && e.namedChildren[0] ? formatLiteral(source, e.namedChildren[0], file, element, depth + 1) : undefined,
            );
            return items.every((i) => i !== undefined) ? `[${items.join(', ')}]` : undefined;
        }
        case 'identifier':
        case 'selector_expression': {
            const target = resolveName(source, node, file);
            if (target && (target.node.type.endsWith('string_literal') || target.node.type === 'true' || target.node.type === 'false')) {
                return formatLiteral(source, target.node, target.file, alloyType, depth + 1);
            }
        }
    }
    const number = evalNumber(source, node, file, 0);
    if (!number) return undefined;
    if (alloyType === 'duration') return JSON.stringify(formatDuration(number.value));
    if (number.duration) return undefined;
    return alloyType === 'number' || alloyType === 'bytes' ? String(number.value) : undefined;
}
