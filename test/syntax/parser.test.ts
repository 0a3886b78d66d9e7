import { describe, expect, it } from 'vitest';
import type { Attribute, Block, Expression, Statement } from '../../language/syntax/ast.js';
import { MAX_NESTING, parse } from '../../language/syntax/parser.js';
import { parseErrors } from './helpers.js';

/** A compact, unambiguous rendering of an expression tree. */
function sexpr(e: Expression): string {
    switch (e.$type) {
        case 'BinaryExpression': return `(${e.operator} ${sexpr(e.left)} ${sexpr(e.right)})`;
        case 'UnaryExpression': return `(${e.operator} ${sexpr(e.operand)})`;
        case 'AccessExpression': return `(. ${sexpr(e.receiver)} ${e.member})`;
        case 'IndexExpression': return `([] ${sexpr(e.receiver)} ${sexpr(e.index)})`;
        case 'CallExpression': return `(call ${[e.callee, ...e.args].map(sexpr).join(' ')})`;
        case 'ParenExpression': return `(paren ${sexpr(e.inner)})`;
        case 'ArrayExpression': return `[${e.elements.map(sexpr).join(' ')}]`;
        case 'ObjectExpression': return `{${e.fields.map((f) => `${f.$quoted ? JSON.stringify(f.name) : f.name}=${sexpr(f.value)}`).join(' ')}}`;
        case 'IdentifierExpression': return e.name;
        default: return e.value;
    }
}

function expr(source: string): string {
    const parsed = parse(`x = ${source}`);
    expect(parsed.errors).toEqual([]);
    return sexpr((parsed.ast.body[0] as Attribute).value);
}

function statements(source: string): Statement[] {
    const parsed = parse(source);
    expect(parsed.errors).toEqual([]);
    return parsed.ast.body;
}

describe('parser: expressions', () => {
    it('orders operators by Alloy precedence', () => {
        expect(expr('a || b && c == d + e * f ^ g')).toBe('(|| a (&& b (== c (+ d (* e (^ f g))))))');
        expect(expr('1 + 2 * 3 - 4 / 5 % 6')).toBe('(- (+ 1 (* 2 3)) (% (/ 4 5) 6))');
    });

    it('makes comparison and arithmetic chains left-associative', () => {
        expect(expr('1 == 2 != 3')).toBe('(!= (== 1 2) 3)');
        expect(expr('a - b - c')).toBe('(- (- a b) c)');
    });

    it('makes ^ right-associative', () => {
        expect(expr('1 ^ 2 ^ 3')).toBe('(^ 1 (^ 2 3))');
    });

    it('binds unary operators tighter than ^', () => {
        expect(expr('-2 ^ 2')).toBe('(^ (- 2) 2)');
        expect(expr('!!a && -b')).toBe('(&& (! (! a)) (- b))');
    });

    it('chains access, index and call', () => {
        expect(expr('a.b[0].c(1, x[2]).d')).toBe('(. (call (. ([] (. a b) 0) c) 1 ([] x 2)) d)');
        expect(expr('(a.b.c)(1, x[2]).field')).toBe('(. (call (paren (. (. a b) c)) 1 ([] x 2)) field)');
    });

    it('parses literals as written', () => {
        expect(expr('[1, 1.5, .5, 1e5, "s", `raw`, true, null]')).toBe('[1 1.5 .5 1e5 "s" `raw` true null]');
    });

    it('parses objects with identifier and string keys', () => {
        expect(expr('{ a = 1, "b.c" = 2 }')).toBe('{a=1 "b.c"=2}');
    });

    it('accepts trailing commas on one line and requires them before a closing bracket on its own line', () => {
        expect(expr('[0, 1, 2,]')).toBe('[0 1 2]');
        expect(expr('{ a = 1, b = 2, }')).toBe('{a=1 b=2}');
        expect(expr('f(1, 2, 3,)')).toBe('(call f 1 2 3)');
        expect(expr('[\n  1,\n  2,\n]')).toBe('[1 2]');
        expect(parseErrors('x = [\n  1,\n  2\n]')).toEqual(["3:4: missing ',' in expression list"]);
        expect(parseErrors('x = {\n  a = 1\n}')).toEqual(["2:8: missing ',' in field list"]);
        expect(parseErrors('x = f(\n  1\n)')).toEqual(["2:4: missing ',' in expression list"]);
    });

    it('continues an expression after a trailing operator but not before a leading one', () => {
        expect(expr('1 +\n 2')).toBe('(+ 1 2)');
        expect(parseErrors('x = 1\n + 2')).toEqual(['2:2: expected identifier, got +']);
        expect(parseErrors('x = a\n.b')).toEqual(['2:1: expected identifier, got .']);
    });
});

describe('parser: statements', () => {
    it('parses blocks with dotted names and labels, and nested bodies', () => {
        const [block] = statements('prometheus.scrape "default" {\n  targets = []\n  inner.block "x" { }\n}') as Block[];
        expect(block.name).toBe('prometheus.scrape');
        expect(block.$fragments).toEqual(['prometheus', 'scrape']);
        expect(block.label).toBe('default');
        expect(block.body.map((s) => s.$type)).toEqual(['Attribute', 'Block']);
        expect((block.body[1] as Block).label).toBe('x');
        expect(block.body[0].$container).toBe(block);
    });

    it('treats an empty label as no label', () => {
        const [block] = statements('foo "" {}') as Block[];
        expect(block.label).toBeUndefined();
    });

    it('allows a closing brace right after the last statement', () => {
        expect(statements('x { a = 1 }')).toHaveLength(1);
        expect(statements('chain.of.idents "labeled" {}')).toHaveLength(1);
    });

    it('requires one statement per line', () => {
        expect(parseErrors('a = 1 b = 2')).toEqual(['1:7: expected TERMINATOR, got IDENT']);
        expect(parseErrors('blk { a = 1 b = 2 }')).toEqual(['1:13: expected TERMINATOR, got IDENT']);
        expect(parseErrors('a {} b {}')).toEqual(['1:6: expected TERMINATOR, got IDENT']);
    });

    it('reports label mistakes', () => {
        expect(parseErrors('a b {}')).toEqual(['1:3: expected block label, got IDENT']);
        expect(parseErrors('a "with space" {}')).toEqual(['1:3: expected block label to be a valid identifier, but got "with space"']);
        expect(parseErrors('a `raw` {}')).toEqual(['1:3: expected block label to be a double quoted string, but got "`raw`"']);
        expect(parseErrors('a "true" {}')).toEqual(['1:3: expected block label to be a valid identifier, but got "true"']);
    });

    it('reports attribute name mistakes', () => {
        expect(parseErrors('a.b = 1')).toEqual(['1:1: attribute names may only consist of a single identifier with no "."']);
        expect(parseErrors('a "l" = 1')).toEqual(['1:3: attribute names may not have labels']);
        expect(parseErrors('a "" = 1')).toEqual(['1:3: attribute names may not have labels']);
    });

    it('reports a statement that is neither attribute nor block', () => {
        // Alloy reads the terminator as a would-be label first, then finds no body.
        expect(parseErrors('a\n')).toEqual(['1:2: expected block label, got TERMINATOR', '2:1: expected attribute assignment or block body, got EOF']);
        expect(parseErrors('a.b\n')).toEqual(['1:4: expected block label, got TERMINATOR', '2:1: expected block body, got EOF']);
        // The second error falls on the same line as the first and is dropped.
        expect(parseErrors('a 1')).toEqual(['1:3: expected block label, got NUMBER']);
        expect(parseErrors('a "l" 1')).toEqual(['1:7: expected block body, got NUMBER']);
        expect(parseErrors('= 1')).toEqual(['1:1: expected identifier, got =']);
    });

    it('rejects a block used as a value and a non-field object key', () => {
        expect(parseErrors('rw = prometheus.remote_write "d" {\n  url = "x"\n}')).toEqual(['1:6: cannot use a block as an expression']);
        expect(parseErrors('x = { 1 = 2 }')).toEqual(['1:7: expected field name (string or identifier), got NUMBER']);
        expect(parseErrors('x = a.true')).toEqual(['1:7: expected IDENT, got BOOL']);
    });

    it('reports at most one parse error per line', () => {
        expect(parseErrors('x = 1 + + + 2 b = c d')).toEqual(['1:9: expected expression, got +']);
        expect(parseErrors('x = )\ny = )')).toEqual(['1:5: expected expression, got )', '2:5: expected expression, got )']);
    });

    it('counts columns in bytes like Alloy', () => {
        expect(parseErrors('s = "héllo" b')).toEqual(['1:14: expected TERMINATOR, got IDENT']);
    });
});

describe('parser: positions and limits', () => {
    it('records token positions Alloy needs', () => {
        const [block] = statements('a "l" { x = b.c[0] }') as Block[];
        expect([block.$labelOffset, block.$lcurly, block.$rcurly]).toEqual([2, 6, 19]);
        const value = (block.body[0] as Attribute).value;
        expect([value.$cstNode!.offset, value.$cstNode!.end]).toEqual([12, 18]);
    });

    it('reports nesting deeper than the limit once and keeps parsing', () => {
        const deep = '['.repeat(MAX_NESTING + 5) + ']'.repeat(MAX_NESTING + 5);
        const errors = parseErrors(`x = ${deep}\ny = 1 +`);
        expect(errors[0]).toMatch(/^1:\d+: nesting too deep: flowlens handles at most 300 levels/);
        expect(errors).toHaveLength(2);
        expect(errors[1]).toBe('2:8: expected expression, got EOF');
    });

    it('parses nesting up to the limit', () => {
        const depth = MAX_NESTING - 2;
        expect(parseErrors(`x = ${'['.repeat(depth)}${']'.repeat(depth)}`)).toEqual([]);
    });
});
