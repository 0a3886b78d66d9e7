// TextMate grammar (syntaxes/alloy.tmLanguage.json) and language configuration
// (syntaxes/language-configuration.json) for Grafana Alloy / Agent Flow.
//
// Tokens are compared in the readable [text, scopes] form produced by
// grammar-harness.ts: `source.alloy` and `meta.*` scopes are dropped and the
// remaining scopes are joined by spaces, outermost first.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
    grammarPath,
    languageConfigurationPath,
    loadAlloyGrammar,
    repoRoot,
    scopeOf,
    tokenizeDocument,
    tokenizeLine,
    tokenizeLines,
    type ScopedToken,
} from './grammar-harness.js';

// Scope names, spelled once so expectations stay readable.
const BLOCK = 'entity.name.type.block.alloy';
const DECL = 'keyword.other.declaration.alloy';
const DOT = 'punctuation.accessor.dot.alloy';
const LABEL_Q1 = 'string.quoted.double.label.alloy punctuation.definition.string.begin.alloy';
const LABEL_Q2 = 'string.quoted.double.label.alloy punctuation.definition.string.end.alloy';
const LABEL = 'string.quoted.double.label.alloy entity.name.label.alloy';
const LBRACE = 'punctuation.section.block.begin.alloy';
const RBRACE = 'punctuation.section.block.end.alloy';
const PROP = 'variable.other.property.alloy';
const KEY = 'variable.other.property.key.alloy';
const ASSIGN = 'keyword.operator.assignment.alloy';
const VAR = 'variable.other.alloy';
const STR = 'string.quoted.double.alloy';
const Q1 = `${STR} punctuation.definition.string.begin.alloy`;
const Q2 = `${STR} punctuation.definition.string.end.alloy`;
const KEYSTR = 'string.quoted.double.key.alloy';
const RAW = 'string.quoted.raw.alloy';
const ESC = `${STR} constant.character.escape.alloy`;
const BAD_ESC = `${STR} invalid.illegal.escape.alloy`;
const INT = 'constant.numeric.integer.alloy';
const FLOAT = 'constant.numeric.float.alloy';
const BOOL = 'constant.language.boolean.alloy';
const NULL = 'constant.language.null.alloy';
const COMMA = 'punctuation.separator.comma.alloy';
const LBRACK = 'punctuation.section.brackets.begin.alloy';
const RBRACK = 'punctuation.section.brackets.end.alloy';
const LOBJ = 'punctuation.section.object.begin.alloy';
const ROBJ = 'punctuation.section.object.end.alloy';
const NS = 'entity.name.namespace.alloy';
const FN = 'entity.name.function.alloy';
const LARGS = 'punctuation.definition.arguments.begin.alloy';
const RARGS = 'punctuation.definition.arguments.end.alloy';
const LINE_COMMENT = 'comment.line.double-slash.alloy';
const BLOCK_COMMENT = 'comment.block.alloy';
const ILLEGAL = 'invalid.illegal.alloy';

function label(name: string): ScopedToken[] {
    return [
        ['"', LABEL_Q1],
        [name, LABEL],
        ['"', LABEL_Q2],
    ];
}
function str(text: string): ScopedToken[] {
    return [
        ['"', Q1],
        [text, STR],
        ['"', Q2],
    ];
}
function lineComment(text: string): ScopedToken[] {
    return [
        ['//', `${LINE_COMMENT} punctuation.definition.comment.alloy`],
        [text, LINE_COMMENT],
    ];
}
function blockComment(text: string): ScopedToken[] {
    return [
        ['/*', `${BLOCK_COMMENT} punctuation.definition.comment.begin.alloy`],
        [text, BLOCK_COMMENT],
        ['*/', `${BLOCK_COMMENT} punctuation.definition.comment.end.alloy`],
    ];
}
/** Scopes of a value written as `x = <value>` on its own line. */
async function valueTokens(value: string): Promise<ScopedToken[]> {
    const tokens = await tokenizeLine(`x = ${value}`);
    expect(tokens.slice(0, 2)).toEqual([
        ['x', PROP],
        ['=', ASSIGN],
    ]);
    return tokens.slice(2);
}

beforeAll(async () => {
    await loadAlloyGrammar();
});

describe('grammar file', () => {
    it('is valid JSON with scope name source.alloy', () => {
        const grammar = JSON.parse(readFileSync(grammarPath, 'utf8')) as { scopeName: string; name: string };
        expect(grammar.scopeName).toBe('source.alloy');
        expect(grammar.name).toBe('Grafana Alloy');
    });

    it('is in sync with syntaxes/build-grammar.mjs', () => {
        // Throws (non-zero exit) when the committed JSON differs from the generator output.
        execFileSync(process.execPath, [resolve(repoRoot, 'syntaxes/build-grammar.mjs'), '--check'], {
            stdio: 'pipe',
        });
    });
});

describe('component blocks', () => {
    it('highlights a prometheus.scrape config written over several lines', async () => {
        const lines = await tokenizeLines(
            [
                'prometheus.scrape "default" {',
                '  targets = [{"__address__" = "localhost:9090"}]',
                '  forward_to = [prometheus.remote_write.default.receiver]',
                '}',
            ].join('\n'),
        );
        expect(lines[0]).toEqual([
            ['prometheus', BLOCK],
            ['.', DOT],
            ['scrape', BLOCK],
            ...label('default'),
            ['{', LBRACE],
        ]);
        expect(lines[1]).toEqual([
            ['targets', PROP],
            ['=', ASSIGN],
            ['[', LBRACK],
            ['{', LOBJ],
            ['"', `${KEYSTR} punctuation.definition.string.begin.alloy`],
            ['__address__', KEYSTR],
            ['"', `${KEYSTR} punctuation.definition.string.end.alloy`],
            ['=', ASSIGN],
            ...str('localhost:9090'),
            ['}', ROBJ],
            [']', RBRACK],
        ]);
        expect(lines[2]).toEqual([
            ['forward_to', PROP],
            ['=', ASSIGN],
            ['[', LBRACK],
            ['prometheus', VAR],
            ['.', DOT],
            ['remote_write', VAR],
            ['.', DOT],
            ['default', VAR],
            ['.', DOT],
            ['receiver', VAR],
            [']', RBRACK],
        ]);
        expect(lines[3]).toEqual([['}', RBRACE]]);
    });

    it('keeps meta.block / meta.attribute regions for the lead (semantic fallback)', async () => {
        const [header, attr] = await tokenizeDocument('loki.write "default" {\n  endpoint = 1\n}');
        expect(header![0]!.scopes).toEqual(['source.alloy', 'meta.block.alloy', 'meta.block.name.alloy', BLOCK]);
        expect(attr!.find((t) => t.text === 'endpoint')!.scopes).toEqual([
            'source.alloy',
            'meta.block.alloy',
            'meta.attribute.alloy',
            PROP,
        ]);
    });

    it('handles blocks nested at any depth and unlabelled blocks', async () => {
        const lines = await tokenizeLines(
            [
                'loki.process "logs" {',
                '  stage.match {',
                '    selector = "{app=\\"x\\"}"',
                '    stage.drop {',
                '      older_than = "1h"',
                '    }',
                '  }',
                '  forward_to = []',
                '}',
                'discovery.kubernetes "pods" {',
            ].join('\n'),
        );
        expect(lines[1]).toEqual([
            ['stage', BLOCK],
            ['.', DOT],
            ['match', BLOCK],
            ['{', LBRACE],
        ]);
        expect(scopeOf(lines[2]!, 'selector')).toBe(PROP);
        expect(lines[3]!.slice(0, 3)).toEqual([
            ['stage', BLOCK],
            ['.', DOT],
            ['drop', BLOCK],
        ]);
        expect(scopeOf(lines[4]!, 'older_than')).toBe(PROP);
        expect(lines[5]).toEqual([['}', RBRACE]]);
        expect(lines[6]).toEqual([['}', RBRACE]]);
        expect(lines[7]![0]).toEqual(['forward_to', PROP]);
        expect(lines[8]).toEqual([['}', RBRACE]]);
        expect(lines[9]!.slice(0, 3)).toEqual([
            ['discovery', BLOCK],
            ['.', DOT],
            ['kubernetes', BLOCK],
        ]);
    });

    it('highlights a whole block written on one line', async () => {
        const tokens = await tokenizeLine('local.file "x" { filename = "/etc/x" }');
        expect(tokens).toEqual([
            ['local', BLOCK],
            ['.', DOT],
            ['file', BLOCK],
            ...label('x'),
            ['{', LBRACE],
            ['filename', PROP],
            ['=', ASSIGN],
            ...str('/etc/x'),
            ['}', RBRACE],
        ]);
    });

    it('matches any fragment case (the upstream [A-Aa-z_] typo)', async () => {
        const tokens = await tokenizeLine('otelcol.receiver.OTLP_Zipkin "Default_1" {');
        expect(tokens).toEqual([
            ['otelcol', BLOCK],
            ['.', DOT],
            ['receiver', BLOCK],
            ['.', DOT],
            ['OTLP_Zipkin', BLOCK],
            ...label('Default_1'),
            ['{', LBRACE],
        ]);
    });

    it('marks labels the parser rejects', async () => {
        expect(scopeOf(await tokenizeLine('blk "with space" {}'), 'with space')).toBe(
            'string.quoted.double.label.alloy invalid.illegal.label.alloy',
        );
        expect(scopeOf(await tokenizeLine('blk "true" {}'), 'true')).toBe(
            'string.quoted.double.label.alloy invalid.illegal.label.alloy',
        );
        expect(scopeOf(await tokenizeLine('blk `raw` {}'), '`raw`')).toBe('invalid.illegal.label.alloy');
        // An empty label is accepted (treated as absent).
        expect(await tokenizeLine('blk "" {}')).toEqual([
            ['blk', BLOCK],
            ['"', LABEL_Q1],
            ['"', LABEL_Q2],
            ['{', LBRACE],
            ['}', RBRACE],
        ]);
    });
});

describe('declare / argument / export and other config blocks', () => {
    const declareLines = [
        'declare "add" {',
        '  argument "a" { }',
        '  export "sum" {',
        '    value = argument.a.value + 1',
        '  }',
        '}',
    ];

    it('highlights a custom component declaration', async () => {
        const lines = await tokenizeLines(declareLines.join('\n'));
        expect(lines[0]).toEqual([['declare', DECL], ...label('add'), ['{', LBRACE]]);
        expect(lines[1]).toEqual([['argument', DECL], ...label('a'), ['{', LBRACE], ['}', RBRACE]]);
        expect(lines[2]).toEqual([['export', DECL], ...label('sum'), ['{', LBRACE]]);
        expect(lines[3]).toEqual([
            ['value', PROP],
            ['=', ASSIGN],
            ['argument', VAR],
            ['.', DOT],
            ['a', VAR],
            ['.', DOT],
            ['value', VAR],
            ['+', 'keyword.operator.arithmetic.alloy'],
            ['1', INT],
        ]);
        expect(lines[4]).toEqual([['}', RBRACE]]);
        expect(lines[5]).toEqual([['}', RBRACE]]);
    });

    it('gives the same tokens when the declaration is squeezed onto one line', async () => {
        const multi = (await tokenizeLines(declareLines.join('\n'))).flat();
        const single = await tokenizeLine(declareLines.map((l) => l.trim()).join(' '));
        expect(single).toEqual(multi);
    });

    it.each([
        ['logging {', ['logging']],
        ['tracing {', ['tracing']],
        ['foreach "pods" {', ['foreach']],
        ['import.file "math" {', ['import', '.', 'file']],
        ['import.string "s" {', ['import', '.', 'string']],
        ['import.git "g" {', ['import', '.', 'git']],
        ['import.http "h" {', ['import', '.', 'http']],
    ])('%s is a declaration keyword', async (line, fragments) => {
        const tokens = await tokenizeLine(line);
        expect(tokens.slice(0, fragments.length)).toEqual(fragments.map((f) => [f, f === '.' ? DOT : DECL]));
    });

    it.each([
        ['import.files "x" {', 'import'],
        ['declare.thing "x" {', 'declare'],
        ['logging_extra {', 'logging_extra'],
        ['module.file "m" {', 'module'],
        ['math.add "x" {', 'math'],
    ])('%s is an ordinary block', async (line, first) => {
        expect((await tokenizeLine(line))[0]).toEqual([first, BLOCK]);
    });

    it('highlights instantiating an imported custom component', async () => {
        const lines = await tokenizeLines('math.add "default" {\n  a = 15\n}\nx = math.add.default.sum');
        expect(lines[0]!.slice(0, 3)).toEqual([
            ['math', BLOCK],
            ['.', DOT],
            ['add', BLOCK],
        ]);
        expect(lines[1]![0]).toEqual(['a', PROP]);
        expect(lines[3]!.slice(2)).toEqual([
            ['math', VAR],
            ['.', DOT],
            ['add', VAR],
            ['.', DOT],
            ['default', VAR],
            ['.', DOT],
            ['sum', VAR],
        ]);
    });
});

describe('strings', () => {
    it('highlights valid escapes and marks an invalid one', async () => {
        expect(await valueTokens('"tab\\tquote\\" bad\\q end"')).toEqual([
            ['"', Q1],
            ['tab', STR],
            ['\\t', ESC],
            ['quote', STR],
            ['\\"', ESC],
            [' bad', STR],
            ['\\q', BAD_ESC],
            [' end', STR],
            ['"', Q2],
        ]);
    });

    it.each(['\\a', '\\b', '\\f', '\\n', '\\r', '\\t', '\\v', '\\\\', '\\"', "\\'", '\\101', '\\377', '\\x41', '\\u00e9', '\\U0001F600', '\\U0010FFFF'])(
        'escape %s is valid',
        async (esc) => {
            expect(await valueTokens(`"${esc}"`)).toEqual([
                ['"', Q1],
                [esc, ESC],
                ['"', Q2],
            ]);
        },
    );

    it.each([
        ['\\z', '\\z'],
        ['\\400', '\\400'], // octal above 255
        ['\\12', '\\12'], // octal needs three digits
        ['\\x4g', '\\x4'], // not terminated
        ['\\uD800', '\\uD800'], // surrogate
        ['\\U00110000', '\\U00110000'], // above U+10FFFF
    ])('escape %s is invalid', async (source, marked) => {
        expect(scopeOf(await valueTokens(`"${source}"`), marked)).toBe(BAD_ESC);
    });

    it('does not let an unterminated string swallow the next line', async () => {
        const lines = await tokenizeLines('a = "oops\nb = 1');
        expect(lines[0]!.slice(2)).toEqual([
            ['"', Q1],
            ['oops', STR],
        ]);
        expect(lines[1]).toEqual([
            ['b', PROP],
            ['=', ASSIGN],
            ['1', INT],
        ]);
    });

    it('highlights a multi-line raw string and the attribute after it', async () => {
        const lines = await tokenizeLines(
            [
                'loki.process "x" {',
                '  stage.regex {',
                '    expression = `^(?P<level>\\w+) "quoted" // not a comment',
                '{ not a block',
                '$`',
                '    source = "msg"',
                '  }',
                '}',
            ].join('\n'),
        );
        expect(lines[2]).toEqual([
            ['expression', PROP],
            ['=', ASSIGN],
            ['`', `${RAW} punctuation.definition.string.begin.alloy`],
            ['^(?P<level>\\w+) "quoted" // not a comment', RAW],
        ]);
        expect(lines[3]).toEqual([['{ not a block', RAW]]);
        expect(lines[4]).toEqual([
            ['$', RAW],
            ['`', `${RAW} punctuation.definition.string.end.alloy`],
        ]);
        expect(lines[5]).toEqual([['source', PROP], ['=', ASSIGN], ...str('msg')]);
        expect(lines[6]).toEqual([['}', RBRACE]]);
        expect(lines[7]).toEqual([['}', RBRACE]]);
    });

    it('marks single-quoted strings as illegal', async () => {
        expect(await valueTokens("'nope'")).toEqual([["'nope'", 'invalid.illegal.string.alloy']]);
    });
});

describe('numbers and constants', () => {
    it.each([
        ['1', INT],
        ['0', INT],
        ['1234567890', INT],
        ['1.5', FLOAT],
        ['1.', FLOAT],
        ['.5', FLOAT],
        ['1e5', FLOAT],
        ['1E+3', FLOAT],
        ['2.5e-3', FLOAT],
        ['.5e2', FLOAT],
        ['1e', 'invalid.illegal.numeric.alloy'],
        ['1.5e-', 'invalid.illegal.numeric.alloy'],
    ])('%s is %s', async (number, scope) => {
        expect(await valueTokens(number)).toEqual([[number, scope]]);
    });

    it('splits a negative number into unary minus and number', async () => {
        expect(await valueTokens('-2.5')).toEqual([
            ['-', 'keyword.operator.arithmetic.alloy'],
            ['2.5', FLOAT],
        ]);
    });

    it('highlights true, false and null', async () => {
        expect(await valueTokens('[true, false, null]')).toEqual([
            ['[', LBRACK],
            ['true', BOOL],
            [',', COMMA],
            ['false', BOOL],
            [',', COMMA],
            ['null', NULL],
            [']', RBRACK],
        ]);
    });

    it('treats true.x as the boolean true followed by an access', async () => {
        expect(await valueTokens('true.x')).toEqual([
            ['true', BOOL],
            ['.', DOT],
            ['x', VAR],
        ]);
    });

    it('does not treat identifiers that start with a keyword as keywords', async () => {
        expect(await valueTokens('trueish + null_value + false1')).toEqual([
            ['trueish', VAR],
            ['+', 'keyword.operator.arithmetic.alloy'],
            ['null_value', VAR],
            ['+', 'keyword.operator.arithmetic.alloy'],
            ['false1', VAR],
        ]);
    });
});

describe('comments', () => {
    it('highlights line and block comments, including a block comment between tokens', async () => {
        const lines = await tokenizeLines(
            [
                '// top-level comment',
                'prometheus.scrape /* c1 */ "default" /* c2 */ {',
                '  scrape_interval = /* inline */ "15s" // trailing',
                '  /* spans',
                '     lines */ job_name = "x"',
                '}',
            ].join('\n'),
        );
        expect(lines[0]).toEqual(lineComment(' top-level comment'));
        expect(lines[1]).toEqual([
            ['prometheus', BLOCK],
            ['.', DOT],
            ['scrape', BLOCK],
            ...blockComment(' c1 '),
            ...label('default'),
            ...blockComment(' c2 '),
            ['{', LBRACE],
        ]);
        expect(lines[2]).toEqual([
            ['scrape_interval', PROP],
            ['=', ASSIGN],
            ...blockComment(' inline '),
            ...str('15s'),
            ...lineComment(' trailing'),
        ]);
        expect(lines[3]).toEqual([
            ['/*', `${BLOCK_COMMENT} punctuation.definition.comment.begin.alloy`],
            [' spans', BLOCK_COMMENT],
        ]);
        expect(lines[4]).toEqual([
            ['     lines ', BLOCK_COMMENT],
            ['*/', `${BLOCK_COMMENT} punctuation.definition.comment.end.alloy`],
            ['job_name', PROP],
            ['=', ASSIGN],
            ...str('x'),
        ]);
        expect(lines[5]).toEqual([['}', RBRACE]]);
    });

    it('highlights a block comment between operands', async () => {
        expect(await valueTokens('1 /* plus */ + 2')).toEqual([
            ['1', INT],
            ...blockComment(' plus '),
            ['+', 'keyword.operator.arithmetic.alloy'],
            ['2', INT],
        ]);
    });

    it('marks # as illegal (Alloy has no # comments)', async () => {
        const tokens = await tokenizeLine('# not a comment');
        expect(tokens[0]).toEqual(['#', ILLEGAL]);
        expect(tokens.every(([, s]) => !s.startsWith('comment'))).toBe(true);
        expect(scopeOf(await valueTokens('1 # 2'), '#')).toBe(ILLEGAL);
        // inside comments and strings # is fine
        expect(await tokenizeLine('// #region')).toEqual(lineComment(' #region'));
        expect(await valueTokens('"#"')).toEqual(str('#'));
    });
});

describe('attributes, operators and expressions', () => {
    it('distinguishes a = b from a == b', async () => {
        expect(await tokenizeLine('a = b')).toEqual([
            ['a', PROP],
            ['=', ASSIGN],
            ['b', VAR],
        ]);
        expect(await tokenizeLine('a == b')).toEqual([
            ['a', VAR],
            ['==', 'keyword.operator.comparison.alloy'],
            ['b', VAR],
        ]);
        expect(await tokenizeLine('ok = a == b')).toEqual([
            ['ok', PROP],
            ['=', ASSIGN],
            ['a', VAR],
            ['==', 'keyword.operator.comparison.alloy'],
            ['b', VAR],
        ]);
        // and inside an object literal
        expect(await valueTokens('{ k = a == b }')).toEqual([
            ['{', LOBJ],
            ['k', KEY],
            ['=', ASSIGN],
            ['a', VAR],
            ['==', 'keyword.operator.comparison.alloy'],
            ['b', VAR],
            ['}', ROBJ],
        ]);
    });

    it.each([
        ['||', 'keyword.operator.logical.alloy'],
        ['&&', 'keyword.operator.logical.alloy'],
        ['!=', 'keyword.operator.comparison.alloy'],
        ['==', 'keyword.operator.comparison.alloy'],
        ['<', 'keyword.operator.comparison.alloy'],
        ['<=', 'keyword.operator.comparison.alloy'],
        ['>', 'keyword.operator.comparison.alloy'],
        ['>=', 'keyword.operator.comparison.alloy'],
        ['+', 'keyword.operator.arithmetic.alloy'],
        ['-', 'keyword.operator.arithmetic.alloy'],
        ['*', 'keyword.operator.arithmetic.alloy'],
        ['/', 'keyword.operator.arithmetic.alloy'],
        ['%', 'keyword.operator.arithmetic.alloy'],
        ['^', 'keyword.operator.arithmetic.alloy'],
    ])('binary operator %s', async (op, scope) => {
        expect(await valueTokens(`a ${op} b`)).toEqual([
            ['a', VAR],
            [op, scope],
            ['b', VAR],
        ]);
    });

    it('highlights unary ! and lone | & as illegal', async () => {
        expect(await valueTokens('!a | b & c')).toEqual([
            ['!', 'keyword.operator.logical.alloy'],
            ['a', VAR],
            ['|', ILLEGAL],
            ['b', VAR],
            ['&', ILLEGAL],
            ['c', VAR],
        ]);
    });

    it('highlights nested function calls', async () => {
        expect(await valueTokens('string.format("%s", sys.env("HOME"))')).toEqual([
            ['string', NS],
            ['.', DOT],
            ['format', FN],
            ['(', LARGS],
            ...str('%s'),
            [',', COMMA],
            ['sys', NS],
            ['.', DOT],
            ['env', FN],
            ['(', LARGS],
            ...str('HOME'),
            [')', RARGS],
            [')', RARGS],
        ]);
    });

    it('highlights a call without a namespace and calls spanning lines', async () => {
        const lines = await tokenizeLines(
            ['x = concat(', '  [1],', '  encoding.from_json(`{"a": 1}`),', ')', 'y = 2'].join('\n'),
        );
        expect(lines[0]!.slice(2)).toEqual([
            ['concat', FN],
            ['(', LARGS],
        ]);
        expect(lines[2]!.slice(0, 4)).toEqual([
            ['encoding', NS],
            ['.', DOT],
            ['from_json', FN],
            ['(', LARGS],
        ]);
        expect(lines[3]).toEqual([[')', RARGS]]);
        expect(lines[4]![0]).toEqual(['y', PROP]);
    });

    it('highlights object keys (identifier and quoted) across lines', async () => {
        const lines = await tokenizeLines(
            [
                'prometheus.relabel "r" {',
                '  labels = {',
                '    env = "prod",',
                '    "k8s.io/app" = "api\\n",',
                '    nested = { a = 1 },',
                '  }',
                '  other = 1',
                '}',
            ].join('\n'),
        );
        expect(lines[1]).toEqual([
            ['labels', PROP],
            ['=', ASSIGN],
            ['{', LOBJ],
        ]);
        expect(lines[2]).toEqual([['env', KEY], ['=', ASSIGN], ...str('prod'), [',', COMMA]]);
        expect(lines[3]).toEqual([
            ['"', `${KEYSTR} punctuation.definition.string.begin.alloy`],
            ['k8s.io/app', KEYSTR],
            ['"', `${KEYSTR} punctuation.definition.string.end.alloy`],
            ['=', ASSIGN],
            ['"', Q1],
            ['api', STR],
            ['\\n', ESC],
            ['"', Q2],
            [',', COMMA],
        ]);
        expect(lines[4]).toEqual([
            ['nested', KEY],
            ['=', ASSIGN],
            ['{', LOBJ],
            ['a', KEY],
            ['=', ASSIGN],
            ['1', INT],
            ['}', ROBJ],
            [',', COMMA],
        ]);
        expect(lines[5]).toEqual([['}', ROBJ]]);
        expect(lines[6]![0]).toEqual(['other', PROP]);
        expect(lines[7]).toEqual([['}', RBRACE]]);
    });

    it('highlights index and member access after calls and brackets', async () => {
        expect(await valueTokens('f(x)[0].y')).toEqual([
            ['f', FN],
            ['(', LARGS],
            ['x', VAR],
            [')', RARGS],
            ['[', LBRACK],
            ['0', INT],
            [']', RBRACK],
            ['.', DOT],
            ['y', VAR],
        ]);
        expect(await valueTokens('(a + 1) * 2')).toEqual([
            ['(', 'punctuation.section.parens.begin.alloy'],
            ['a', VAR],
            ['+', 'keyword.operator.arithmetic.alloy'],
            ['1', INT],
            [')', 'punctuation.section.parens.end.alloy'],
            ['*', 'keyword.operator.arithmetic.alloy'],
            ['2', INT],
        ]);
    });

    it('keeps highlighting a continuation line after a trailing operator', async () => {
        const lines = await tokenizeLines('total = 1 +\n  2\nnext = 3');
        expect(lines[1]).toEqual([['2', INT]]);
        expect(lines[2]![0]).toEqual(['next', PROP]);
    });

    it('supports Unicode identifiers', async () => {
        const lines = await tokenizeLines(
            ['données_1 = température.valeur', 'компонент.имя "метка_2" {', '  日本語 = "x"', '}'].join('\n'),
        );
        expect(lines[0]).toEqual([
            ['données_1', PROP],
            ['=', ASSIGN],
            ['température', VAR],
            ['.', DOT],
            ['valeur', VAR],
        ]);
        expect(lines[1]).toEqual([['компонент', BLOCK], ['.', DOT], ['имя', BLOCK], ...label('метка_2'), ['{', LBRACE]]);
        expect(lines[2]![0]).toEqual(['日本語', PROP]);
    });

    it('marks other illegal characters and stray closers', async () => {
        expect(await valueTokens('a ; @ $')).toEqual([
            ['a', VAR],
            [';', ILLEGAL],
            ['@', ILLEGAL],
            ['$', ILLEGAL],
        ]);
        const lines = await tokenizeLines('}\nx = 1');
        expect(lines[0]).toEqual([['}', ILLEGAL]]);
        expect(lines[1]![0]).toEqual(['x', PROP]);
    });
});

describe('a realistic document', () => {
    const doc = [
        '// Scrape and forward',
        'logging {',
        '  level  = "info"',
        '  format = "logfmt"',
        '}',
        '',
        'discovery.kubernetes "pods" {',
        '  role = "pod"',
        '}',
        '',
        'prometheus.scrape "pods" {',
        '  targets    = discovery.kubernetes.pods.targets',
        '  forward_to = [',
        '    prometheus.remote_write.default.receiver,',
        '  ]',
        '  clustering {',
        '    enabled = true',
        '  }',
        '}',
        '',
        'prometheus.remote_write "default" {',
        '  endpoint {',
        '    url = sys.env("PROM_URL")',
        '    basic_auth {',
        '      username = "admin"',
        '      password = convert.nonsensitive(local.file.pw.content)',
        '    }',
        '  }',
        '  external_labels = {',
        '    cluster = "c1",',
        '  }',
        '}',
    ].join('\n');

    it('never produces illegal tokens for valid code', async () => {
        const lines = await tokenizeLines(doc);
        const illegal = lines.flat().filter(([, s]) => s.includes('invalid'));
        expect(illegal).toEqual([]);
    });

    it('scopes every block header and attribute name correctly', async () => {
        const lines = await tokenizeLines(doc);
        const src = doc.split('\n');
        for (let i = 0; i < src.length; i++) {
            const line = src[i]!;
            const first = lines[i]![0];
            if (/^\s*[a-z_.]+\s*("[^"]*"\s*)?\{$/.test(line)) {
                const expected = /^\s*(logging)\b/.test(line) ? DECL : BLOCK;
                expect(first, line).toEqual([line.trim().split(/[ .{]/)[0], expected]);
            } else if (/^\s*\w+\s*=[^=]/.test(line)) {
                // Object fields end with a comma; attributes do not.
                const expected = line.trimEnd().endsWith(',') ? KEY : PROP;
                expect(first, line).toEqual([line.trim().split(/\s/)[0], expected]);
            }
        }
    });
});

// ---------------------------------------------------------------------------
// language-configuration.json
// ---------------------------------------------------------------------------

interface RegexSpec {
    pattern: string;
    flags?: string;
}
interface LanguageConfiguration {
    comments: { lineComment: string; blockComment: [string, string] };
    brackets: [string, string][];
    autoClosingPairs: { open: string; close: string; notIn?: string[] }[];
    surroundingPairs: [string, string][];
    folding: { markers: { start: string; end: string } };
    wordPattern: RegexSpec;
    indentationRules: { increaseIndentPattern: string; decreaseIndentPattern: string; unIndentedLinePattern: string };
    onEnterRules: {
        beforeText: string;
        afterText?: string;
        previousLineText?: string;
        action: { indent: string; appendText?: string; removeText?: number };
    }[];
}

describe('language-configuration.json', () => {
    // Plain JSON (no comments) so any tool can read it.
    const config = JSON.parse(readFileSync(languageConfigurationPath, 'utf8')) as LanguageConfiguration;

    it('declares the comment tokens and bracket pairs', () => {
        expect(config.comments).toEqual({ lineComment: '//', blockComment: ['/*', '*/'] });
        expect(config.brackets).toEqual([
            ['{', '}'],
            ['[', ']'],
            ['(', ')'],
        ]);
    });

    it('auto-closes brackets, double quotes outside strings/comments, and backticks', () => {
        const pairs = Object.fromEntries(config.autoClosingPairs.map((p) => [p.open, p]));
        expect(Object.keys(pairs).sort()).toEqual(['"', '(', '[', '`', '{'].sort());
        expect(pairs['"']).toEqual({ open: '"', close: '"', notIn: ['string', 'comment'] });
        expect(pairs['`']!.close).toBe('`');
        expect(config.surroundingPairs).toContainEqual(['"', '"']);
        expect(config.surroundingPairs).toContainEqual(['`', '`']);
    });

    it('has a Unicode-aware word pattern that splits dotted names into fragments', () => {
        const word = new RegExp(config.wordPattern.pattern, `${config.wordPattern.flags ?? ''}g`);
        expect('prometheus.remote_write.default.receiver'.match(word)).toEqual([
            'prometheus',
            'remote_write',
            'default',
            'receiver',
        ]);
        expect('données_1 = 日本語.x2'.match(word)).toEqual(['données_1', '日本語', 'x2']);
        expect('[1.5, .5, 2.5e-3, 42]'.match(word)).toEqual(['1.5', '.5', '2.5e-3', '42']);
    });

    it('indents after an opening bracket and outdents on a closing one', () => {
        const inc = new RegExp(config.indentationRules.increaseIndentPattern);
        const dec = new RegExp(config.indentationRules.decreaseIndentPattern);
        for (const line of ['prometheus.scrape "x" {', '  targets = [', '  x = f(', '  a = {  // note', 'blk {']) {
            expect(inc.test(line), line).toBe(true);
        }
        for (const line of ['  a = 1', '  x = {}', '// {', '  y = [1, 2]']) {
            expect(inc.test(line), line).toBe(false);
        }
        for (const line of ['}', '  ]', '\t)', '  },']) expect(dec.test(line), line).toBe(true);
        for (const line of ['  a = 1', '  x = {}']) expect(dec.test(line), line).toBe(false);
        new RegExp(config.indentationRules.unIndentedLinePattern);
    });

    it('continues /* */ comments on Enter', () => {
        const rules = config.onEnterRules;
        for (const r of rules) {
            new RegExp(r.beforeText);
            if (r.afterText) new RegExp(r.afterText);
            if (r.previousLineText) new RegExp(r.previousLineText);
            expect(['none', 'indent', 'indentOutdent', 'outdent']).toContain(r.action.indent);
        }
        const opening = rules.find((r) => new RegExp(r.beforeText).test('  /* start of a comment') && !r.afterText);
        expect(opening?.action.appendText).toBe(' * ');
        const middle = rules.find((r) => new RegExp(r.beforeText).test('   * more text') && r.previousLineText);
        expect(middle?.action.appendText).toBe('* ');
        // A closed comment does not continue.
        expect(rules.some((r) => new RegExp(r.beforeText).test('/* closed */') && r.action.appendText)).toBe(false);
    });

    it('has folding markers for // #region', () => {
        expect(new RegExp(config.folding.markers.start).test('  // #region sources')).toBe(true);
        expect(new RegExp(config.folding.markers.end).test('// #endregion')).toBe(true);
        expect(new RegExp(config.folding.markers.start).test('// #endregion')).toBe(false);
    });
});
