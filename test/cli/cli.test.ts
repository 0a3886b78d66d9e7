import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { flowlens } from './run-cli.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowlens-cli-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
    const file = path.join(dir, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    return file;
}

describe('flowlens check', () => {
    it('prints Alloy-style positions with byte columns and a closing count, exit 1 on errors', () => {
        const file = write('bad.alloy', 'local.file "a" {\n\tfilename = "héllo" b\n}\n');
        const r = flowlens(['check', file]);
        expect(r.stdout).toBe(`${file}:2:22: error: expected TERMINATOR, got IDENT\n1 error in 1 file checked\n`);
        expect(r.code).toBe(1);
    });

    it('exits 0 on a clean file', () => {
        const file = write('good.alloy', 'logging {\n\tlevel = "info"\n}\n');
        const r = flowlens(['check', file]);
        expect(r).toMatchObject({ code: 0, stdout: 'No problems in 1 file checked\n' });
    });

    it('reports JSON with 1-based UTF-16 columns, codes and fixes', () => {
        const file = write('json.alloy', 'local.file "a" {\n\tfilename = "😀" b\n}\n');
        const r = flowlens(['check', '--json', file]);
        expect(r.code).toBe(1);
        expect(JSON.parse(r.stdout)).toEqual({
            files: 1,
            diagnostics: [
                { file, line: 2, column: 18, endLine: 2, endColumn: 19, severity: 'error', code: 'syntax', message: 'expected TERMINATOR, got IDENT', fixes: [] },
            ],
        });
    });

    it('checks a directory as one configuration of its .alloy and .river files', () => {
        write('config/a.alloy', 'logging { }\n');
        write('config/b.river', 'local.file "x" {\n\tfilename =\n}\n');
        write('config/ignored.txt', 'not = a config =\n');
        write('config/sub/c.alloy', 'broken {\n');
        const r = flowlens(['check', path.join(dir, 'config')]);
        expect(r.stdout).toContain('b.river:3:1: error: expected expression, got }');
        expect(r.stdout).not.toContain('c.alloy');
        expect(r.stdout).toMatch(/1 error in 2 files checked/);
    });

    it('exits 2 on usage errors and explains missing paths', () => {
        expect(flowlens(['check']).code).toBe(2);
        expect(flowlens(['check', '--bogus', 'x']).code).toBe(2);
        expect(flowlens(['frobnicate']).code).toBe(2);
        const missing = flowlens(['check', path.join(dir, 'nope.alloy')]);
        expect(missing.code).toBe(1);
        expect(missing.stderr).toContain('no such file or directory');
    });
});

describe('flowlens fmt', () => {
    it('prints the formatted file', () => {
        const file = write('fmt.alloy', 'a=1\nlong=2\nb {}\n');
        expect(flowlens(['fmt', file])).toMatchObject({ code: 0, stdout: 'a    = 1\nlong = 2\n\nb { }\n' });
    });

    it('reads standard input with -', () => {
        expect(flowlens(['fmt', '-'], { input: 'x{}' })).toMatchObject({ code: 0, stdout: 'x { }\n' });
    });

    it('--check lists files that would change and exits 1; --write rewrites them', () => {
        const messy = write('tidy/messy.alloy', 'a=1\n');
        const clean = write('tidy/clean.alloy', 'a = 1\n');
        const check = flowlens(['fmt', '--check', path.join(dir, 'tidy')]);
        expect(check).toMatchObject({ code: 1, stdout: `${messy}\n` });
        expect(flowlens(['fmt', '--write', messy, clean]).code).toBe(0);
        expect(fs.readFileSync(messy, 'utf8')).toBe('a = 1\n');
        expect(flowlens(['fmt', '--check', path.join(dir, 'tidy')])).toMatchObject({ code: 0, stdout: '' });
    });

    it('refuses a file with syntax errors like alloy fmt, leaving it untouched', () => {
        const file = write('broken.alloy', 'a = 1 b = 2\n');
        const r = flowlens(['fmt', '--write', file]);
        expect(r.code).toBe(1);
        expect(r.stderr).toBe(`${file}:1:7: expected TERMINATOR, got IDENT\n${file}: encountered errors during formatting\n`);
        expect(fs.readFileSync(file, 'utf8')).toBe('a = 1 b = 2\n');
    });

    it('rejects --check with --write, and several files without a flag', () => {
        expect(flowlens(['fmt', '--check', '--write', 'x']).code).toBe(2);
        expect(flowlens(['fmt', 'a.alloy', 'b.alloy']).code).toBe(2);
    });
});
