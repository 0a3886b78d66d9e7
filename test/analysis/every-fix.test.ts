// Every quick fix the analysis offers, on the examples, on ../shared/real-configs
// and on fixtures made to produce each kind of fix, is applied to a copy of its
// workspace (in memory, created files included) and the copy is checked again:
// the finding is gone and no error appears that was not there before.

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeConfiguration } from '../../language/analysis/analyze.js';
import { type AnalysisOptions, DEFAULT_OPTIONS } from '../../language/analysis/options.js';
import { signatureOf } from '../../language/analysis/rename.js';
import type { Diagnostic, Fix } from '../../language/diagnostic.js';
import { formatSource } from '../../language/format/format.js';
import { applyEdits } from '../../language/format/text-diff.js';
import { DiskFileHost, type FileHost } from '../../language/model/host.js';
import { OverlayFileHost } from '../../language/model/overlay-host.js';
import { directoryConfiguration } from '../../language/workspace/configurations.js';
import { SHARED } from '../conformance/shared.js';
import { MemoryHost, ROOT } from './memory-host.js';

interface Applied {
    fix: Fix;
    finding: Diagnostic;
    texts: Map<string, string>;
}

/** Applies each fix of a configuration to an in-memory copy and re-checks it; returns what was applied. */
function verifyEveryFix(host: FileHost, dir: string, options: AnalysisOptions): Applied[] {
    const check = (h: FileHost) => analyzeConfiguration(directoryConfiguration(dir, h), h, options, dir);
    const before = check(host);
    const errorsBefore = before.diagnostics.filter((d) => d.severity === 'error').map((d) => signatureOf(d, before));
    const applied: Applied[] = [];
    for (const finding of before.diagnostics) {
        for (const fix of finding.fixes ?? []) {
            const where = `${fix.title} (for ${finding.code} "${finding.message}")`;
            const texts = new Map<string, string>();
            for (const c of fix.creates ?? []) {
                expect(host.file(c.file), `${where} creates ${c.file}, which exists`).toBeUndefined();
                texts.set(c.file, c.text);
            }
            for (const file of new Set(fix.edits.map((e) => e.file))) {
                const text = host.file(file)!.parsed.source.text;
                texts.set(file, applyEdits(text, fix.edits.filter((e) => e.file === file)));
            }
            const after = check(new OverlayFileHost(host, texts));
            const gone = signatureOf(finding, before);
            expect(after.diagnostics.filter((d) => signatureOf(d, after) === gone).map((d) => d.message), `${where}: the finding remains`).toEqual([]);
            const remaining = [...errorsBefore];
            const added = after.diagnostics.filter((d) => {
                if (d.severity !== 'error') return false;
                const i = remaining.indexOf(signatureOf(d, after));
                if (i >= 0) remaining.splice(i, 1);
                return i < 0;
            });
            expect(added.map((d) => `${d.file}: ${d.message}`), `${where}: new errors`).toEqual([]);
            applied.push({ fix, finding, texts });
        }
    }
    return applied;
}

const fixtures: Record<string, { files: Record<string, string>; options?: Partial<AnalysisOptions> }> = {
    'a module file loaded by two module.file blocks, with trailing comments': {
        options: { compat: 'agent-0.39' },
        files: {
            'main.river': `module.file "team_a" {
	filename = "modules/settings.river" // shared

	arguments {
		path = "/etc/a.json" // team a
		mode = "ro"          // read only
	}
}

module.file "team_b" {
	filename = "modules/settings.river" // shared

	arguments {
		path = "/etc/b.json" // team b
		mode = "ro"          // read only
	}
}

local.file "merged" {
	filename = module.file.team_a.exports.output + module.file.team_b.exports.output
}
`,
            'modules/settings.river': `argument "path" { }

argument "mode" { }

local.file "config" {
	filename  = argument.path.value // the settings
	is_secret = argument.mode.value == "secret"
}

export "output" {
	value = local.file.config.content
}
`,
        },
    },
    'two module files sharing a label and an export key': {
        options: { compat: 'agent-0.38' },
        files: {
            'main.river': 'module.file "a" {\n\tfilename = "a.river"\n}\n\nmodule.file "b" {\n\tfilename = "b.river"\n}\n\nlocal.file "consumer" {\n\tfilename = module.file.a.exports.output + module.file.b.exports.output\n}\n',
            'a.river': 'local.file "data" {\n\tfilename = "/a"\n}\n\nexport "output" {\n\tvalue = local.file.data.content\n}\n',
            'b.river': 'local.file "data" {\n\tfilename = "/b"\n}\n\nexport "output" {\n\tvalue = local.file.data.content\n}\n',
        },
    },
    'duplicates, deprecated names and shadowed namespaces': {
        files: {
            'main.alloy': 'local.file "a" {\n\tfilename = env("HOME")\n}\n\nlocal.file "a" {\n\tfilename = "/b"\n}\n\ndeclare "local" { }\n\nlocal "x" { }\n',
            'lib.alloy': 'declare "scrape" { }\n',
            'other.alloy': 'import.file "prometheus" {\n\tfilename = "lib.alloy"\n}\n\nprometheus.scrape "x" { }\n',
        },
    },
};

describe('every quick fix removes its finding and adds no error', () => {
    for (const [name, { files, options }] of Object.entries(fixtures)) {
        it(name, () => {
            const applied = verifyEveryFix(new MemoryHost(files), ROOT, { ...DEFAULT_OPTIONS, ...options });
            expect(applied.length).toBeGreaterThan(0);
        });
    }

    it('fixes the README collision example with a copy of the module, keeping comments aligned', () => {
        const host = new MemoryHost(fixtures['a module file loaded by two module.file blocks, with trailing comments'].files);
        const applied = verifyEveryFix(host, ROOT, { ...DEFAULT_OPTIONS, compat: 'agent-0.39' });
        const copy = applied.find((a) => a.fix.creates?.length)!;
        expect(copy.fix.title).toBe('Give module.file.team_b its own copy of settings.river with unique labels');
        const main = copy.texts.get(path.join(ROOT, 'main.river'))!;
        expect(main).toContain('\tfilename = "modules/settings_team_b.river" // shared\n\n\targuments {\n\t\tpath_team_b = "/etc/b.json" // team b\n\t\tmode_team_b = "ro"          // read only\n');
        expect(main).toContain('module.file.team_a.exports.output + module.file.team_b.exports.output_team_b');
        const created = copy.texts.get(path.join(ROOT, 'modules/settings_team_b.river'))!;
        expect(created).toContain('\tfilename  = argument.path_team_b.value // the settings\n\tis_secret = argument.mode_team_b.value == "secret"\n');
        for (const text of [main, created]) expect(formatSource(text)).toEqual({ ok: true, text });
        // The shared file itself is never edited.
        expect(applied.some((a) => a.texts.has(path.join(ROOT, 'modules/settings.river')))).toBe(false);
    });

    it('on the examples, for every compat target', () => {
        const examples = path.resolve(__dirname, '../../examples');
        for (const example of fs.readdirSync(examples)) {
            for (const compat of ['alloy', 'agent-0.38', 'agent-0.39', 'agent-0.40'] as const) {
                verifyEveryFix(new DiskFileHost(), path.join(examples, example), { ...DEFAULT_OPTIONS, compat });
            }
        }
    });

    it('on ../shared/real-configs', () => {
        const real = path.join(SHARED, 'real-configs');
        if (!fs.existsSync(real)) {
            console.warn(`${real} not found; the real-configs quick-fix check is skipped`);
            return;
        }
        const dirs = new Set<string>();
        const walk = (d: string): void => {
            for (const e of fs.readdirSync(d, { withFileTypes: true })) {
                if (e.isDirectory()) walk(path.join(d, e.name));
                else if (/\.(alloy|river)$/.test(e.name)) dirs.add(d);
            }
        };
        walk(real);
        for (const dir of dirs) verifyEveryFix(new DiskFileHost(), dir, DEFAULT_OPTIONS);
    });
});
