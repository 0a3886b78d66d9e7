// Every quick fix, applied and re-checked: it removes its finding and adds no error.

import { describe, expect, it } from 'vitest';
import { analyze, applyFix, describe as describeDiagnostics } from './memory-host.js';

function fixAndRecheck(files: Record<string, string>, code: string, main = 'main.alloy') {
    const { analysis, host } = analyze(files, {}, main);
    const d = analysis.diagnostics.find((x) => x.code === code && x.fixes?.length)!;
    expect(d, `a ${code} diagnostic with a fix`).toBeDefined();
    const fixed = applyFix(host, d.fixes![0]);
    const after = analyze(fixed, {}, main);
    const errorsBefore = analysis.diagnostics.filter((x) => x.severity === 'error' && x.code !== code).length;
    const errorsAfter = after.analysis.diagnostics.filter((x) => x.severity === 'error').length;
    return { fixed, title: d.fixes![0].title, after: describeDiagnostics(after.analysis, after.host), errorsBefore, errorsAfter, remaining: after.analysis.diagnostics.filter((x) => x.code === code) };
}

describe('quick fixes', () => {
    it('renames a duplicate block', () => {
        const r = fixAndRecheck({ 'main.alloy': 'local.file "a" {\n\tfilename = "/a"\n}\n\nlocal.file "a" {\n\tfilename = "/b"\n}\n' }, 'duplicate-block');
        expect(r.title).toBe('Rename the duplicate to "a_2"');
        expect(r.fixed['main.alloy']).toContain('local.file "a_2" {');
        expect(r.remaining).toEqual([]);
        expect(r.errorsAfter).toBe(0);
    });

    it('replaces a deprecated stdlib name', () => {
        const r = fixAndRecheck({ 'main.alloy': 'local.file "a" {\n\tfilename = env("HOME")\n}\n' }, 'deprecated-stdlib');
        expect(r.fixed['main.alloy']).toContain('filename = sys.env("HOME")');
        expect(r.after).toEqual([]);
    });

    it('renames an import namespace that shadows built-in components, with its uses', () => {
        const files = {
            'main.alloy': 'import.file "prometheus" {\n\tfilename = "lib.alloy"\n}\n\nprometheus.scrape "x" { }\n',
            'lib.alloy': 'declare "scrape" { }\n',
        };
        const r = fixAndRecheck(files, 'shadowed-namespace');
        expect(r.title).toBe('Rename "prometheus" to "prometheus_module"');
        expect(r.fixed['main.alloy']).toBe('import.file "prometheus_module" {\n\tfilename = "lib.alloy"\n}\n\nprometheus_module.scrape "x" { }\n');
        expect(r.after).toEqual([]);
    });

    it('makes every colliding label of a module unique in one action', async () => {
        const { uniqueLabelsFix } = await import('../../language/analysis/fixes.js');
        const files = {
            'main.alloy': `declare "a" {
	local.file "data" {
		filename = "/a"
	}

	local.file "other" {
		filename = local.file.data.content
	}
}

declare "b" {
	local.file "data" {
		filename = "/b"
	}

	local.file "other" {
		filename = "/c"
	}
}

a "x" { }

b "y" { }
`,
        };
        const { analysis, host } = analyze(files, {}, 'main.alloy');
        const moduleA = [...analysis.modules.keys()].find((m) => m.name === 'declare "a"')!;
        const fix = uniqueLabelsFix(moduleA, analysis.modules, new Set(['local.file.data', 'local.file.other']))!;
        expect(fix.title).toBe('Make all labels in declare "a" unique');
        const fixed = applyFix(host, fix);
        expect(fixed['main.alloy']).toContain('local.file "data_a" {');
        expect(fixed['main.alloy']).toContain('filename = local.file.data_a.content');
        const after = analyze(fixed, {}, 'main.alloy');
        expect(describeDiagnostics(after.analysis, after.host, (d) => d.severity === 'error' || d.code === 'key-collision')).toEqual([]);
    });
});

describe('bad input for the module system', () => {
    it('loads a directory import of 1,000 files', () => {
        const files: Record<string, string> = { 'main.alloy': 'import.file "many" {\n\tfilename = "many"\n}\n\nmany.d_999 "x" { }\n' };
        for (let i = 0; i < 1000; i++) files[`many/f${String(i).padStart(4, '0')}.alloy`] = `declare "d_${i}" {\n\texport "n" {\n\t\tvalue = ${i}\n\t}\n}\n`;
        const { analysis, host } = analyze(files, {}, 'main.alloy');
        expect(describeDiagnostics(analysis, host)).toEqual([]);
        expect(analysis.configuration.files).toHaveLength(1001);
    });

    it('checks a 5 MB configuration', () => {
        const parts: string[] = [];
        let size = 0;
        for (let i = 0; size < 5 * 1024 * 1024; i++) {
            const piece = `local.file "f_${i}" {\n\tfilename = string.format("/tmp/%d", ${i})\n}\n\n`;
            parts.push(piece);
            size += piece.length;
        }
        const { analysis } = analyze({ 'main.alloy': parts.join('') }, {}, 'main.alloy');
        expect(analysis.diagnostics).toEqual([]);
        expect(analysis.instances.nodes.length).toBe(parts.length);
    });
});
