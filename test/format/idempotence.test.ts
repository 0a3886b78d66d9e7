// fmt(fmt(x)) == fmt(x) on every configuration of the reference corpora, on
// seeded mutations of them (line breaks and comments moved between tokens),
// and on the shapes that used to break it.

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatSource } from '../../language/format/format.js';
import { Scanner } from '../../language/syntax/scanner.js';
import { sourceFromString } from '../../language/syntax/source.js';
import { Tok } from '../../language/syntax/token.js';
import { ALLOY_CORPUS, readTxtar, SHARED } from '../conformance/shared.js';

const REAL_CONFIGS = path.join(SHARED, 'real-configs');

/** Every configuration text under `dir`: .alloy/.river files and the files of txtar archives. */
function configurations(dir: string): Array<[string, string]> {
    const out: Array<[string, string]> = [];
    const visit = (d: string) => {
        for (const name of fs.readdirSync(d).sort()) {
            const file = path.join(d, name);
            if (fs.statSync(file).isDirectory()) visit(file);
            else if (/\.(alloy|river|in)$/.test(name)) out.push([file, fs.readFileSync(file, 'utf8')]);
            else if (name.endsWith('.txtar')) {
                for (const [inner, text] of Object.entries(readTxtar(file).files)) out.push([`${file}#${inner}`, text]);
            }
        }
    };
    visit(dir);
    return out;
}

/** The formatted text and the text formatted again, or undefined when the input has syntax errors. */
function twice(text: string): { once: string; again: string } | undefined {
    const once = formatSource(text);
    if (!once.ok) return undefined;
    const again = formatSource(once.text);
    return { once: once.text, again: again.ok ? again.text : `syntax errors: ${again.errors.map((e) => e.message).join('; ')}` };
}

function fmt(text: string): string {
    const result = formatSource(text);
    if (!result.ok) throw new Error(result.errors.map((e) => e.message).join('; '));
    return result.text;
}

const corporaPresent = fs.existsSync(REAL_CONFIGS) && fs.existsSync(ALLOY_CORPUS);
if (!corporaPresent) console.warn(`formatter idempotence: ${SHARED} not found; the corpus checks are skipped`);

describe.skipIf(!corporaPresent)('formatter idempotence on the reference corpora', () => {
    const corpus = corporaPresent ? [...configurations(REAL_CONFIGS), ...configurations(ALLOY_CORPUS)] : [];

    it('formats every formattable configuration to a fixed point', () => {
        const broken: string[] = [];
        let formatted = 0;
        for (const [file, text] of corpus) {
            const result = twice(text);
            if (!result) continue;
            formatted++;
            if (result.again !== result.once) broken.push(file);
        }
        expect(formatted).toBeGreaterThan(150);
        expect(broken).toEqual([]);
    });

    it('stays idempotent when line breaks and comments move between tokens (seeded fuzzing)', () => {
        const gaps = ['\n', ' ', ' // c\n', ' /* c */ ', '/* a\nb */', '\n\n', '\n// x\n', ''];
        let seed = 17;
        const random = (n: number) => {
            seed = (seed * 1103515245 + 12345) & 0x7fffffff;
            return seed % n;
        };
        const sources = corpus.filter(([, text]) => formatSource(text).ok);
        const broken: string[] = [];
        let tried = 0;
        for (let i = 0; i < 1500; i++) {
            const [file, text] = sources[random(sources.length)];
            const starts = tokenStarts(text);
            const picks = Array.from({ length: 1 + random(4) }, () => starts[random(starts.length)]).sort((a, b) => b - a);
            let mutated = text;
            for (const at of picks) {
                let from = at;
                while (from > 0 && /[ \t\n]/.test(mutated[from - 1])) from--;
                mutated = mutated.slice(0, from) + gaps[random(gaps.length)] + mutated.slice(at);
            }
            const result = twice(mutated);
            if (!result) continue;
            tried++;
            if (result.again !== result.once) broken.push(`${file}: ${JSON.stringify(mutated)}`);
        }
        expect(tried).toBeGreaterThan(300);
        expect(broken.slice(0, 3)).toEqual([]);
    });
});

function tokenStarts(text: string): number[] {
    const scanner = new Scanner(sourceFromString(text), () => {});
    const starts: number[] = [];
    for (scanner.scan(); scanner.tok !== Tok.EOF; scanner.scan()) {
        if (scanner.tok !== Tok.TERMINATOR) starts.push(scanner.pos);
    }
    return starts;
}

describe('formatter idempotence on shapes that used to break it', () => {
    const cases: Array<[string, string]> = [
        ['an attribute whose value spanned lines in the source', 'b {\n\te =\n\ts\n\t_t = []\n}\n'],
        ['an object field whose value spanned lines in the source', 'x = {\n\ta = f(\n1),\n\tbbb = 2,\n}\n'],
        ['a comment between a receiver and its dot', 'x = [u/**/.t]\n'],
        ['a comment between a dot and the member', 'x = [e./**/r]\n'],
        ['a line comment after a dot', 'x = [l.//\nr]\n'],
        ['a comment before =', 'b {\n\tg/**/=[]\n}\n'],
        ['a comment inside a block name', 's./*\n*/x {}\n'],
        ['a line comment inside a block name', 'a = 1\n\nr.//\no {}\n'],
    ];
    for (const [name, source] of cases) {
        it(name, () => {
            const once = fmt(source);
            expect(fmt(once)).toBe(once);
        });
    }

    it('aligns a statement that now fits on one line with its neighbours', () => {
        expect(fmt('b {\n\te =\n\ts\n\t_t = []\n}\n')).toBe('b {\n\te  = s\n\t_t = []\n}\n');
    });

    it('keeps comments inside access expressions where they were, and the output parses', () => {
        expect(fmt('x = [l.//\nr]\n')).toBe('x = [l. //\nr]\n');
        expect(fmt('x = e./**/r\n')).toBe('x = e. /**/ r\n');
    });

    it('moves comments inside a block name before the name', () => {
        expect(fmt('r.//\no {}\n')).toBe('//\nr.o { }\n');
    });
});

describe('formatter on wide and long inputs', () => {
    it('formats a one-line object with 8,000 fields (no deep call stack)', () => {
        const fields = Array.from({ length: 8000 }, (_, i) => `k${i} = ${i}`).join(', ');
        const out = fmt(`x = {${fields}}\n`);
        expect(out.startsWith('x = {k0 = 0, k1 = 1,')).toBe(true);
        expect(out.endsWith('k7999 = 7999}\n')).toBe(true);
    });

    it('aligns 8,000 consecutive attributes', () => {
        const lines = Array.from({ length: 8000 }, (_, i) => `${'a'.repeat(1 + (i % 7))} = ${i}`).join('\n');
        const out = fmt(lines + '\n').split('\n');
        expect(out[0]).toBe('a       = 0');
        expect(out[6]).toBe('aaaaaaa = 6');
    });

    it('keeps U+00FF and other text that looks like control bytes intact', () => {
        expect(fmt('a = "ÿ" // c\nbbbbb = 2 // d\n')).toBe('a     = "ÿ" // c\nbbbbb = 2   // d\n');
    });
});
