import { describe, it, expect } from 'vitest';
import { Re2SyntaxError, compileAnchoredRe2, translateRe2 } from '../../../server/runtime/protocols/re2.js';

const matches = (re: string, input: string) => compileAnchoredRe2(re).test(input);

describe('translateRe2', () => {
    it('translates named groups, dots, anchors and escapes', () => {
        expect(translateRe2('(?P<host>[^:]+):(?P<port>\\d+)')).toEqual({ source: '(?<host>[^:]+):(?<port>\\d+)', flags: 'u' });
        expect(translateRe2('a.b')).toEqual({ source: 'a[^\\n]b', flags: 'u' });
        expect(translateRe2('a.b', { dotAll: true })).toEqual({ source: 'a[^]b', flags: 'u' });
        expect(translateRe2('\\Aab\\z')).toEqual({ source: '(?<![^])ab(?![^])', flags: 'u' });
        expect(translateRe2('(?i)abc')).toEqual({ source: 'abc', flags: 'iu' });
        expect(translateRe2('\\Qa.b*c\\E+')).toEqual({ source: 'a\\.b\\*c+', flags: 'u' });
        expect(translateRe2('[[:alpha:]_]+')).toEqual({ source: '[A-Za-z_]+', flags: 'u' });
        expect(translateRe2('\\pL\\p{Greek}\\PN')).toEqual({ source: '\\p{L}\\p{Script=Greek}\\P{N}', flags: 'u' });
        expect(translateRe2('\\x41\\x{263a}\\101')).toEqual({ source: '\\u{41}\\u{263a}\\u{41}', flags: 'u' });
        expect(translateRe2('a{2}b{,3}')).toEqual({ source: 'a{2}b\\{,3\\}', flags: 'u' });
        expect(translateRe2('(?U)a+b+?')).toEqual({ source: 'a+?b+', flags: 'u' });
        expect(translateRe2('\\#\\:\\-')).toEqual({ source: '#:-', flags: 'u' });
    });

    it('rejects what RE2 rejects or what cannot be expressed in JS', () => {
        const err = (re: string) => {
            try {
                compileAnchoredRe2(re);
            } catch (e) {
                expect(e).toBeInstanceOf(Re2SyntaxError);
                return (e as Error).message;
            }
            return 'no error';
        };
        expect(err('(a)\\1')).toBe('backreferences such as \\1 are not supported by RE2');
        expect(err('foo(?=bar)')).toBe('lookaround assertions are not supported by RE2');
        expect(err('a(?i)b')).toBe('case-insensitive matching is only supported as a (?i) flag at the very start of the regex');
        expect(err('(?i:a)b')).toBe('case-insensitive matching is only supported as a (?i) flag at the very start of the regex');
        expect(err('(?P<1x>a)')).toBe('capture group name "1x" starts with a digit, which JavaScript does not support');
        expect(err('(ab')).toBe('missing closing )');
        expect(err('ab)')).toBe('unexpected ) at offset 2');
        expect(err('[a-')).toBe('missing closing ] for class starting at offset 0');
        expect(err('a{1001}')).toBe('invalid repeat count {1001}');
        expect(err('\\C')).toBe('\\C (any byte) is not supported');
        expect(err('\\q')).toBe('invalid escape sequence \\q');
        expect(err('*a')).toMatch(/Nothing to repeat/);
    });
});

describe('compileAnchoredRe2 semantics', () => {
    it('is fully anchored', () => {
        expect(matches('foo', 'foo')).toBe(true);
        expect(matches('foo', 'foobar')).toBe(false);
        expect(matches('foo|bar', 'bar')).toBe(true);
        expect(matches('foo|bar', 'xbar')).toBe(false);
    });

    it('lets . match newlines, like Prometheus/Alloy (^(?s:re)$)', () => {
        expect(matches('a.b', 'a\nb')).toBe(true);
        expect(matches('(?-s)a.b', 'a\nb')).toBe(false);
        expect(matches('(?-s)a.b', 'a\rb')).toBe(true); // RE2 only excludes \n
    });

    it('supports case-insensitivity, POSIX classes, \\s as ASCII space, and code-point dots', () => {
        expect(matches('(?i)Prod.*', 'PRODUCTION')).toBe(true);
        expect(matches('[[:digit:]]+', '123')).toBe(true);
        expect(matches('[[:^digit:]]+', 'abc')).toBe(true);
        expect(matches('[[:^digit:]]+', 'a1')).toBe(false);
        expect(matches('\\s', '\u00a0')).toBe(false);
        expect(matches('\\s', '\t')).toBe(true);
        expect(matches('.', '😀')).toBe(true);
        expect(matches('[]a]+', ']a]')).toBe(true);
        expect(matches('(?m)a$\\nb', 'a\nb')).toBe(true);
    });
});
