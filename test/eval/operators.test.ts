import { describe, expect, it } from 'vitest';
import { evaluateExpression, unquoteString, type EvaluateOptions } from '../../language/eval/evaluate-expression.js';
import { binaryOp, OperatorError, unaryOp, valuesEqual } from '../../language/eval/operators.js';
import { printValue } from '../../language/eval/print-value.js';
import { createStdlib } from '../../language/eval/stdlib.js';
import { arr, bool, EvalError, FALSE, NULL, num, obj, str, TRUE, unknown, type Value } from '../../language/eval/value.js';
import type { Attribute, Expression } from '../../language/syntax/ast.js';
import { parse } from '../../language/syntax/parser.js';

const int = (n: number) => num(n, false);
const float = (n: number) => num(n, true);
const secret = (value: string): Value => ({ kind: 'secret', value });

const stdlib = createStdlib({ dialect: 'alloy', env: {} });

function parseExpr(text: string): Expression {
    const parsed = parse(`x = ${text}`);
    expect(parsed.errors).toEqual([]);
    return (parsed.ast.body[0] as Attribute).value;
}

function evaluate(text: string, scope: ReadonlyMap<string, Value> = stdlib, options?: EvaluateOptions): Value {
    return evaluateExpression(parseExpr(text), scope, options);
}

/** The printed result, or `error: <message>`. */
function run(text: string, scope?: ReadonlyMap<string, Value>, options?: EvaluateOptions): string {
    try {
        return printValue(evaluate(text, scope, options));
    } catch (e) {
        if (e instanceof EvalError) return `error: ${e.message}`;
        throw e;
    }
}

function errorOf(f: () => unknown): EvalError {
    try {
        f();
    } catch (e) {
        if (e instanceof EvalError) return e;
        throw e;
    }
    throw new Error('no error');
}

describe('binaryOp', () => {
    it('adds numbers, keeping integers integral', () => {
        expect(binaryOp('+', int(1), int(2))).toEqual(int(3));
        expect(binaryOp('+', int(1), float(2))).toEqual(float(3));
        expect(binaryOp('+', float(0.5), float(0.25))).toEqual(float(0.75));
    });

    it('concatenates strings and secrets', () => {
        expect(binaryOp('+', str('a'), str('b'))).toEqual(str('ab'));
        expect(binaryOp('+', secret('a'), secret('b'))).toEqual(secret('ab'));
        expect(binaryOp('+', secret('a'), str('b'))).toEqual(secret('ab'));
        expect(binaryOp('+', str('a'), secret('b'))).toEqual(secret('ab'));
    });

    it('divides integers truncating toward zero', () => {
        expect(binaryOp('/', int(5), int(2))).toEqual(int(2));
        expect(binaryOp('/', int(-5), int(2))).toEqual(int(-2));
        expect(binaryOp('/', float(5), int(2))).toEqual(float(2.5));
        expect(binaryOp('%', int(-7), int(3))).toEqual(int(-1));
        expect(binaryOp('%', float(7.5), int(2))).toEqual(float(1.5));
    });

    it('reports division and modulo by zero', () => {
        expect(errorOf(() => binaryOp('/', int(1), int(0))).message).toBe('divide by zero error');
        expect(errorOf(() => binaryOp('%', float(1), float(0))).message).toBe('divide by zero error');
        expect(errorOf(() => binaryOp('/', int(1), int(0), (side) => (side === 'right' ? '0' : '1'))).message).toBe('0 divide by zero error');
    });

    it('wraps integers at 64 bits', () => {
        expect(binaryOp('*', int(2 ** 40), int(2 ** 40))).toEqual(int(0));
        expect(binaryOp('+', int(9223372036854775807), int(0)).kind).toBe('number');
    });

    it('raises to a power the way Alloy does', () => {
        expect(binaryOp('^', int(2), int(10))).toEqual(int(1024));
        expect(binaryOp('^', int(2), int(0))).toEqual(int(1));
        expect(binaryOp('^', int(0), int(3))).toEqual(int(0));
        expect(binaryOp('^', int(2), int(-1))).toEqual(int(2)); // Alloy's intPow returns the base for negative exponents
        expect(binaryOp('^', int(2), int(64))).toEqual(int(0)); // wraps
        expect(binaryOp('^', float(2), int(-1))).toEqual(float(0.5));
        expect(binaryOp('^', int(4), float(0.5))).toEqual(float(2));
    });

    it('compares numbers and strings', () => {
        expect(binaryOp('<', int(1), float(1.5))).toBe(TRUE);
        expect(binaryOp('>=', int(2), int(2))).toBe(TRUE);
        expect(binaryOp('>', str('b'), str('a'))).toBe(TRUE);
        expect(binaryOp('<=', str('b'), str('a'))).toBe(FALSE);
        // By code point (Go compares UTF-8 bytes), not by UTF-16 unit.
        expect(binaryOp('<', str('\uffff'), str('😀'))).toBe(TRUE);
    });

    it('evaluates && and || on bools', () => {
        expect(binaryOp('&&', TRUE, FALSE)).toBe(FALSE);
        expect(binaryOp('||', TRUE, FALSE)).toBe(TRUE);
    });

    it('compares any two values with == and !=', () => {
        expect(binaryOp('==', int(3), float(3))).toBe(TRUE);
        expect(binaryOp('==', NULL, NULL)).toBe(TRUE);
        expect(binaryOp('!=', NULL, int(0))).toBe(TRUE);
        expect(binaryOp('==', str('1'), int(1))).toBe(FALSE);
        expect(binaryOp('==', arr([int(1), obj({ a: str('x') })]), arr([float(1), obj({ a: str('x') })]))).toBe(TRUE);
        expect(binaryOp('==', obj({ a: int(1) }), obj({ a: int(1), b: int(2) }))).toBe(FALSE);
        expect(binaryOp('==', secret('x'), str('x'))).toBe(TRUE);
        expect(binaryOp('==', arr([secret('x')]), arr([str('x')]))).toBe(FALSE);
        const f = stdlib.get('coalesce')!;
        expect(binaryOp('==', f, f)).toBe(FALSE); // functions are never equal
    });

    it('reports operand types with Alloy messages', () => {
        expect(errorOf(() => binaryOp('<', TRUE, int(1))).message).toBe('should be one of [number string] for binop <, got bool');
        expect(errorOf(() => binaryOp('+', TRUE, int(1))).message).toBe('should be one of [number string capsule] for binop +, got bool');
        expect(errorOf(() => binaryOp('&&', TRUE, int(1))).message).toBe('should be one of [bool] for binop &&, got number');
        expect(errorOf(() => binaryOp('-', str('a'), int(1))).message).toBe('should be one of [number] for binop -, got string');
        expect(errorOf(() => binaryOp('+', int(1), str('a'))).message).toBe('should be number, got string');
        expect(errorOf(() => binaryOp('+', secret('a'), int(1))).message).toBe('should be capsule, got number');
        expect(errorOf(() => binaryOp('<', secret('a'), secret('b'))).message).toBe('should be one of [number string] for binop <, got capsule');
    });

    it('prefixes the offending operand and says which it is', () => {
        const e = errorOf(() => binaryOp('+', int(1), str('Hello, world!'), (side) => (side === 'left' ? '1' : '"Hello, world!"')));
        expect(e).toBeInstanceOf(OperatorError);
        expect(e.message).toBe('"Hello, world!" should be number, got string');
        expect((e as OperatorError).side).toBe('right');
        expect((e as OperatorError).detail).toBe('should be number, got string');
    });

    it('propagates unknown operands', () => {
        expect(binaryOp('+', unknown(), int(1))).toEqual(unknown('number'));
        expect(binaryOp('+', unknown(), unknown())).toEqual(unknown());
        expect(binaryOp('+', str('a'), unknown())).toEqual(unknown('string'));
        expect(binaryOp('==', unknown(), int(1))).toEqual(unknown('bool'));
        expect(binaryOp('<', unknown(), int(1))).toEqual(unknown('bool'));
        expect(binaryOp('&&', unknown('bool'), TRUE)).toEqual(unknown('bool'));
        expect(binaryOp('-', unknown(), unknown())).toEqual(unknown('number'));
    });

    it('still reports errors that are certain with unknown operands', () => {
        expect(errorOf(() => binaryOp('+', TRUE, unknown())).message).toBe('should be one of [number string capsule] for binop +, got bool');
        expect(errorOf(() => binaryOp('+', unknown(), TRUE)).message).toBe('should be one of [number string capsule] for binop +, got bool');
        expect(errorOf(() => binaryOp('+', unknown('string'), int(1))).message).toBe('should be string, got number');
        expect(errorOf(() => binaryOp('/', unknown(), int(0))).message).toBe('divide by zero error');
        expect(binaryOp('==', unknown('string'), int(1))).toBe(FALSE);
        expect(binaryOp('==', arr([unknown()]), arr([int(1), int(2)]))).toBe(FALSE);
    });
});

describe('unaryOp', () => {
    it('negates bools and numbers', () => {
        expect(unaryOp('!', TRUE)).toBe(FALSE);
        expect(unaryOp('-', int(5))).toEqual(int(-5));
        expect(unaryOp('-', float(1.5))).toEqual(float(-1.5));
        expect(unaryOp('-', unknown())).toEqual(unknown('number'));
        expect(unaryOp('!', unknown())).toEqual(unknown('bool'));
    });

    it('reports operand types', () => {
        expect(errorOf(() => unaryOp('!', int(1))).message).toBe('should be bool, got number');
        expect(errorOf(() => unaryOp('-', str('a'), () => '"a"')).message).toBe('"a" should be number, got string');
        expect(errorOf(() => unaryOp('-', unknown('list(string)'))).message).toBe('should be number, got array');
    });
});

describe('valuesEqual', () => {
    it('is undefined when unknown parts decide', () => {
        expect(valuesEqual(arr([unknown(), int(1)]), arr([int(1), int(1)]))).toBeUndefined();
        expect(valuesEqual(arr([unknown(), int(1)]), arr([int(1), int(2)]))).toBe(false);
        expect(valuesEqual({ kind: 'capsule', type: 'a' }, { kind: 'capsule', type: 'b' })).toBe(false);
        expect(valuesEqual({ kind: 'capsule', type: 'a' }, { kind: 'capsule', type: 'a' })).toBeUndefined();
    });
});

describe('evaluateExpression: operators', () => {
    it('follows precedence and associativity', () => {
        expect(run('1 + 2 * 3')).toBe('7');
        expect(run('2 ^ 3 ^ 2')).toBe('512');
        expect(run('-2 ^ 2')).toBe('4');
        expect(run('(1 + 2) * 3')).toBe('9');
        expect(run('1 < 2 && 2 < 3 || false')).toBe('true');
        expect(run('!true == false')).toBe('true');
        expect(run('7 / 2 + 7.0 / 2')).toBe('6.5');
    });

    it('prefixes errors with the operand text, as Alloy does', () => {
        expect(run('1 + "Hello, world!"')).toBe('error: "Hello, world!" should be number, got string');
        expect(run('1 * "Hello, world!"')).toBe('error: "Hello, world!" should be one of [number] for binop *, got string');
        expect(run('true < 1')).toBe('error: true should be one of [number string] for binop <, got bool');
        expect(run('(1 + 1) && true')).toBe('error: (1 + 1) should be one of [bool] for binop &&, got number');
        expect(run('10 / (5 - 5)')).toBe('error: (5 - 5) divide by zero error');
        expect(run('!"x"')).toBe('error: "x" should be bool, got string');
        expect(run('-[1]')).toBe('error: [1] should be number, got array');
    });

    it('points the error at the operand node', () => {
        const expr = parseExpr('1 + "two"');
        const e = errorOf(() => evaluateExpression(expr, stdlib));
        expect((e.node as Expression).$cstNode!.text).toBe('"two"');
    });

    it('evaluates both sides of && and ||', () => {
        expect(run('false && nope')).toBe('error: identifier "nope" does not exist');
        expect(run('true || 1')).toBe('error: 1 should be one of [bool] for binop ||, got number');
    });
});

describe('evaluateExpression: literals and values', () => {
    it('evaluates literals', () => {
        expect(evaluate('42')).toEqual(int(42));
        expect(evaluate('4.0')).toEqual(float(4));
        expect(evaluate('1e3')).toEqual(float(1000));
        expect(evaluate('010')).toEqual(int(8)); // strconv.ParseInt with base 0
        expect(evaluate('true')).toBe(TRUE);
        expect(evaluate('null')).toBe(NULL);
        expect(evaluate('"a\\tb\\u00e9\\x41\\101\\U0001F600\\"\\\\"')).toEqual(str('a\tbéAA😀"\\'));
        expect(evaluate('`raw \\n ${x}`')).toEqual(str('raw \\n ${x}'));
    });

    it('unquotes strings like strconv.Unquote', () => {
        expect(unquoteString('"a\\nb"')).toBe('a\nb');
        expect(unquoteString('"\\\'"')).toBeUndefined();
        expect(unquoteString('"\\ud800"')).toBeUndefined();
        expect(unquoteString('`a\r\nb`')).toBe('a\nb');
        expect(run('"\\\'"')).toBe('error: invalid syntax');
    });

    it('reports number literals out of range', () => {
        expect(run('1e400')).toBe('error: strconv.ParseFloat: parsing "1e400": value out of range');
    });

    it('builds arrays and objects; the last duplicate key wins', () => {
        expect(run('[1, "a", [true]]')).toBe('[1, "a", [true]]');
        expect(run('{ b = 1, a = 2, b = 3, "c.d" = null }')).toBe('{ a = 2, b = 3, "c.d" = null }');
    });
});

describe('evaluateExpression: identifiers, access, index', () => {
    const scope = new Map<string, Value>([...stdlib, ['obj', obj({ a: obj({ b: arr([int(1), int(2)]) }) })], ['n', int(1)], ['s', secret('x')]]);

    it('looks identifiers up in the scope', () => {
        expect(run('obj.a.b[1]', scope)).toBe('2');
        expect(run('nope', scope)).toBe('error: identifier "nope" does not exist');
    });

    it('asks resolveIdentifier for names outside the scope', () => {
        const options: EvaluateOptions = { resolveIdentifier: (name) => (name === 'prometheus' ? unknown() : undefined) };
        expect(run('prometheus.remote_write.default.receiver', scope, options)).toBe('(unknown)');
        expect(run('[prometheus.x, 1][1]', scope, options)).toBe('1');
        expect(run('nope', scope, options)).toBe('error: identifier "nope" does not exist');
    });

    it('reports missing fields, keeps [ ] lenient', () => {
        expect(run('obj.x', scope)).toBe('error: field "x" does not exist');
        expect(run('obj["x"]', scope)).toBe('null');
        expect(run('{a = 1}["a"]', scope)).toBe('1');
    });

    it('reports access on values that are not objects', () => {
        expect(run('n.x', scope)).toBe('error: n cannot access field "x" on value of type number');
        expect(run('s.x', scope)).toBe('error: s expected object or array or a capsule convertible to an object, got capsule');
        expect(run('n[0]', scope)).toBe('error: n expected object or array, got number');
    });

    it('reports indexes of the wrong type or out of range', () => {
        expect(run('[1, 2][2]', scope)).toBe('error: 2 index 2 is out of range of array with length 2');
        expect(run('[1, 2][-1]', scope)).toBe('error: -1 index -1 is out of range of array with length 2');
        expect(run('[1, 2][1.9]', scope)).toBe('2');
        expect(run('[1, 2]["a"]', scope)).toBe('error: "a" should be number, got string');
        expect(run('{a = 1}[0]', scope)).toBe('error: 0 should be string, got number');
    });

    it('keeps unknown receivers unknown', () => {
        const s = new Map<string, Value>([['u', unknown()], ['l', unknown('list(string)')]]);
        expect(run('u.a.b[0]', s)).toBe('(unknown)');
        expect(run('l[0]', s)).toBe('(unknown)');
        expect(run('l["a"]', s)).toBe('error: "a" should be number, got string');
        expect(run('l.a', s)).toBe('error: l cannot access field "a" on value of type array');
        expect(run('u(1)', s)).toBe('(unknown)');
        expect(run('[1, 2][u]', s)).toBe('(unknown)');
    });

    it('keeps capsules opaque: they may convert to objects at run time', () => {
        const s = new Map<string, Value>([['c', { kind: 'capsule', type: 'prometheus.Receiver' }], ['uc', unknown('capsule("x")')]]);
        expect(run('c.x', s)).toBe('(unknown)');
        expect(run('c["x"]', s)).toBe('(unknown)');
        expect(run('uc.x', s)).toBe('(unknown)');
        expect(run('c == c', s)).toBe('(unknown bool)');
        expect(run('c + "x"', s)).toBe('error: "x" should be capsule, got string');
        expect(run('c + c', s)).toBe('error: c could not perform binop + for unknown types lhs capsule rhs capsule');
    });
});

describe('evaluateExpression: calls', () => {
    it('calls functions and prefixes their errors', () => {
        expect(run('string.to_upper("a")')).toBe('"A"');
        expect(run('string.to_upper()')).toBe('error: string.to_upper expected 1 args, got 0');
        expect(run('string.format()')).toBe('error: string.format expected at least 1 args, got 0');
        expect(run('encoding.to_json(12)')).toBe('error: encoding.to_json jsonEncode only supports map');
        expect(run('array.combine_maps([{"a" = "a1", "b" = "b1"}], "a", ["a"])')).toBe('error: "a" should be array, got string');
        expect(run('array.combine_maps([{"a" = "a1", "b" = "b1"}], ["a"], ["a"])')).toBe('error: "a" should be object, got string');
        expect(run('string.join(["a", true], ",")')).toBe('error: true should be string, got bool');
    });

    it('names the element of a non-literal argument by index', () => {
        const scope = new Map<string, Value>([...stdlib, ['list', arr([str('a'), TRUE])]]);
        expect(run('string.join(list, ",")', scope)).toBe('error: list[1] should be string, got bool');
    });

    it('reports calls of values that are not functions', () => {
        expect(run('1()')).toBe('error: 1 should be function, got number');
        expect(run('string()')).toBe('error: string should be function, got object');
    });

    it('points function errors at the callee and argument errors at the argument', () => {
        const e1 = errorOf(() => evaluate('encoding.from_json("{")'));
        expect(e1.message).toBe('encoding.from_json unexpected end of JSON input');
        expect((e1.node as Expression).$cstNode!.text).toBe('encoding.from_json');
        const e2 = errorOf(() => evaluate('array.concat([1], 2)'));
        expect(e2.message).toBe('2 should be array, got number');
        expect((e2.node as Expression).$cstNode!.text).toBe('2');
    });

    it('propagates unknown arguments without errors', () => {
        const scope = new Map<string, Value>([...stdlib, ['u', unknown()]]);
        expect(run('string.to_upper(u)', scope)).toBe('(unknown string)');
        expect(run('string.format("%s-%d", u, 1)', scope)).toBe('(unknown string)');
        expect(run('array.concat([1], u)', scope)).toBe('(unknown array)');
        expect(run('encoding.from_json(u)', scope)).toBe('(unknown)');
    });

    it('evaluates nested calls', () => {
        expect(run('string.to_lower(string.to_upper(string.trim_space("   String   ")))')).toBe('"string"');
        expect(run('string.join(string.split("/aaa/bbb", "/"), "|")')).toBe('"|aaa|bbb"');
        expect(run('json_path("{\\"a\\": \\"b\\"}", ".a")[0]')).toBe('"b"');
    });

    it('keeps the result types of bool operators', () => {
        expect(evaluate('1 == 1')).toBe(bool(true));
    });
});
