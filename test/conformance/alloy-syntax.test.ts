// flowlens' parser and formatter against Alloy's own test corpora
// (syntax/parser/testdata and syntax/printer/testdata).

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatSource } from '../../language/format/format.js';
import { parse } from '../../language/syntax/parser.js';
import { Scanner } from '../../language/syntax/scanner.js';
import { decodeSource, sourceFromString } from '../../language/syntax/source.js';
import { Tok, tokenName } from '../../language/syntax/token.js';
import { ALLOY_CORPUS, listFiles, sharedAvailable } from './shared.js';

const available = sharedAvailable();
const parserDir = path.join(ALLOY_CORPUS, 'parser');
const printerDir = path.join(ALLOY_CORPUS, 'printer');

interface Expectation {
    offset: number;
    pattern: RegExp;
}

/**
 * The `/* ERROR "regex" *\/` annotations of a file, positioned as Alloy's
 * error_test does: at the start of the previous non-comment token, or just
 * after it with HERE.
 */
function annotations(text: string): Expectation[] {
    const scanner = new Scanner(sourceFromString(text), () => {});
    const out: Expectation[] = [];
    let prevStart = 0;
    let prevEnd = 0;
    for (;;) {
        scanner.scan();
        if (scanner.tok === Tok.EOF) break;
        if (scanner.tok === Tok.COMMENT) {
            const m = /^\/\* *ERROR *(HERE)? *"([^"]*)" *\*\/$/.exec(scanner.lit);
            if (m) out.push({ offset: m[1] ? prevEnd : prevStart, pattern: new RegExp(m[2]) });
            continue;
        }
        if (scanner.tok === Tok.TERMINATOR) continue;
        prevStart = scanner.pos;
        prevEnd = scanner.pos + (scanner.lit || tokenName(scanner.tok)).length;
    }
    return out;
}

describe.skipIf(!available)('Alloy parser corpus', () => {
    for (const file of listFiles(parserDir, /\.alloy$/)) {
        it(`reports exactly the annotated errors of ${path.basename(file)}`, () => {
            const text = fs.readFileSync(file, 'utf8');
            const expected = annotations(text);
            expect(expected.length).toBeGreaterThan(0);
            const errors = parse(text).errors;
            const unmatched = [...errors];
            for (const want of expected) {
                const i = unmatched.findIndex((e) => e.offset === want.offset && want.pattern.test(e.message));
                expect(i, `no error matching ${want.pattern} at offset ${want.offset}; got ${JSON.stringify(errors)}`).toBeGreaterThanOrEqual(0);
                unmatched.splice(i, 1);
            }
            expect(unmatched).toEqual([]);
        });
    }

    for (const file of listFiles(path.join(parserDir, 'valid'), /\.alloy$/)) {
        it(`parses valid/${path.basename(file)} without errors`, () => {
            expect(parse(fs.readFileSync(file, 'utf8')).errors).toEqual([]);
        });
    }

    for (const file of listFiles(path.join(parserDir, 'fuzz/FuzzParser'), /./)) {
        it(`turns fuzz seed ${path.basename(file).slice(0, 12)} into diagnostics, not an exception`, () => {
            const seed = /\[\]byte\("(.*)"\)/.exec(fs.readFileSync(file, 'utf8'));
            expect(seed).not.toBeNull();
            const bytes = Buffer.from(JSON.parse(`"${seed![1]}"`), 'latin1');
            const parsed = parse(decodeSource(bytes));
            expect(parsed.errors.length).toBeGreaterThan(0);
            expect(formatSource(decodeSource(bytes)).ok).toBe(false);
        });
    }
});

describe.skipIf(!available)('Alloy printer corpus', () => {
    for (const input of listFiles(printerDir, /\.in$/)) {
        const base = input.slice(0, -3);
        const name = path.basename(base);
        if (fs.existsSync(base + '.expect')) {
            it(`formats ${name} exactly like alloy fmt`, () => {
                const result = formatSource(fs.readFileSync(input, 'utf8'));
                expect(result.ok).toBe(true);
                if (!result.ok) return;
                // Alloy's harness compares after trimming trailing whitespace of the file.
                expect(result.text.trimEnd()).toBe(fs.readFileSync(base + '.expect', 'utf8').trimEnd());
                expect(formatSource(result.text)).toEqual({ ok: true, text: result.text });
            });
        } else if (fs.existsSync(base + '.error')) {
            it(`refuses ${name} with Alloy's message`, () => {
                const result = formatSource(fs.readFileSync(input, 'utf8'));
                expect(result.ok).toBe(false);
                if (result.ok) return;
                const want = fs.readFileSync(base + '.error', 'utf8').trim();
                expect(result.errors.map((e) => e.message).join('\n')).toContain(want);
            });
        }
    }
});
