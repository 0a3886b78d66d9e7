// Hostile input never crashes or hangs the core: every case ends in
// diagnostics (or a clean parse) within the test timeout.

import { describe, expect, it } from 'vitest';
import { formatSource } from '../language/format/format.js';
import { MAX_NESTING, parse } from '../language/syntax/parser.js';
import { decodeSource } from '../language/syntax/source.js';

function survive(bytes: Uint8Array): number {
    const source = decodeSource(bytes);
    const parsed = parse(source);
    formatSource(source);
    return parsed.errors.length;
}

/** A deterministic pseudo-random generator, so failures reproduce. */
function random(seed: number): () => number {
    let state = seed >>> 0;
    return () => {
        state = (state * 1664525 + 1013904223) >>> 0;
        return state / 2 ** 32;
    };
}

describe('robustness', () => {
    it('survives random bytes', () => {
        const next = random(42);
        for (let round = 0; round < 200; round++) {
            const bytes = new Uint8Array(Math.floor(next() * 2000));
            for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(next() * 256);
            survive(bytes);
        }
    });

    it('survives random mixes of Alloy tokens', () => {
        const pieces = ['a', '.', '"s"', '`r`', '{', '}', '[', ']', '(', ')', '=', ',', '\n', ' ', '+', '^', '-', '!', '1', '1.', '//c\n', '/*', '*/', 'true', '"\\'];
        const next = random(7);
        for (let round = 0; round < 500; round++) {
            let text = '';
            for (let i = 0; i < 60; i++) text += pieces[Math.floor(next() * pieces.length)];
            survive(Buffer.from(text));
        }
    });

    it('reports invalid UTF-8, a NUL byte and a BOM in the middle', () => {
        const source = decodeSource(Buffer.from([0x61, 0x20, 0x3d, 0x20, 0x22, 0xff, 0x22, 0x0a, 0x62, 0x00, 0x0a, 0xef, 0xbb, 0xbf, 0x63]));
        const messages = parse(source).errors.map((e) => e.message);
        expect(messages).toContain('illegal UTF-8 encoding');
        expect(messages).toContain('illegal character NUL');
        expect(messages).toContain('illegal byte order mark');
    });

    for (const [name, open, close] of [['[', '[', ']'], ['{', '{a=', '}'], ['(', '(', ')']] as const) {
        it(`reports 10,000 nested ${name} as too deep instead of overflowing the stack`, () => {
            const text = `x = ${open.repeat(10_000)}1${close.repeat(10_000)}\n`;
            const errors = parse(text).errors.map((e) => e.message);
            expect(errors[0]).toContain(`nesting too deep: flowlens handles at most ${MAX_NESTING} levels`);
            expect(formatSource(text).ok).toBe(false);
        });
    }

    it('reports 10,000 nested blocks and long operator chains as too deep', () => {
        expect(parse('b {\n'.repeat(10_000) + '}\n'.repeat(10_000)).errors[0].message).toContain('nesting too deep');
        expect(parse(`x = ${Array(10_000).fill('1').join(' + ')}`).errors[0].message).toContain('nesting too deep');
        expect(parse(`x = a${'.b'.repeat(10_000)}`).errors[0].message).toContain('nesting too deep');
    });

    it('parses and formats a 5 MB configuration', () => {
        const block = 'prometheus.scrape "s%" {\n\ttargets    = [{"__address__" = "localhost:9090"}]\n\tforward_to = [prometheus.remote_write.default.receiver]\n}\n\n';
        const parts: string[] = [];
        let size = 0;
        for (let i = 0; size < 5 * 1024 * 1024; i++) {
            const piece = block.replace('%', String(i));
            parts.push(piece);
            size += piece.length;
        }
        const text = parts.join('').trimEnd() + '\n';
        expect(parse(text).errors).toEqual([]);
        const result = formatSource(text);
        expect(result.ok && result.text === text).toBe(true);
    });
});
