// The seed problem: equal local IDs in different module instances
// (key-collision) and one consumer reading equal export keys from several
// modules (export-key-collision), with severities per compat target and fixes.

import { describe, expect, it } from 'vitest';
import { analyze, applyFix, describe as describeDiagnostics } from './memory-host.js';

/** grafana/agent PR #6212: two instances of one module, each counter → passthrough → export "output". */
const twoModules = {
    'main.river': `module.file "test_1" {
	filename = "module.river"
}

local.file "sum_1" {
	filename = module.file.test_1.exports.output
}

module.file "test_2" {
	filename = "module.river"
}

local.file "sum_2" {
	filename = module.file.test_2.exports.output
}
`,
    'module.river': `local.file "inc" {
	filename = "/tmp/count"
}

local.file "pt" {
	filename = local.file.inc.content
}

export "output" {
	value = local.file.pt.content
}
`,
};

describe('key-collision', () => {
    it('is not reported for Alloy or Agent Flow v0.40+, which key evaluations by global ID', () => {
        for (const compat of ['alloy', 'agent-0.40'] as const) {
            const { analysis } = analyze(twoModules, { compat }, 'main.river');
            expect(analysis.diagnostics.filter((d) => d.code.endsWith('collision'))).toEqual([]);
        }
    });

    it('names the local ID and every global ID, as a warning for agent-0.38 and agent-0.39', () => {
        const { analysis, host } = analyze(twoModules, { compat: 'agent-0.39' }, 'main.river');
        expect(describeDiagnostics(analysis, host, (d) => d.code === 'key-collision')[0]).toBe(
            "module.river:1:1 warning key-collision: local ID local.file.inc is shared by 2 nodes in different modules: module.file.test_1/local.file.inc, module.file.test_2/local.file.inc. Grafana Agent Flow v0.39 queues evaluations by local ID, so these nodes drop each other's updates and show stale values; they come from one module file loaded several times: give each instance a copy of its own or upgrade to v0.40 or later",
        );
        for (const compat of ['agent-0.38', 'agent-0.39'] as const) {
            const found = analyze(twoModules, { compat }, 'main.river').analysis.diagnostics.filter((d) => d.code === 'key-collision');
            expect(found).toHaveLength(3);
            expect(found.every((d) => d.severity === 'warning')).toBe(true);
        }
    });

    it('offers a rename that keeps references working when the definitions differ', () => {
        const files = {
            'main.alloy': `declare "a" {
	local.file "data" {
		filename = "/a"
	}

	export "out" {
		value = local.file.data.content
	}
}

declare "b" {
	local.file "data" {
		filename = "/b"
	}
}

a "one" { }

b "two" { }
`,
        };
        const { analysis, host } = analyze(files, { compat: 'agent-0.39' }, 'main.alloy');
        const collision = analysis.diagnostics.find((d) => d.code === 'key-collision' && d.fixes?.length && host.file(d.file)!.parsed.lines.line(d.offset) === 2)!;
        expect(collision.fixes![0].title).toBe('Rename local.file.data to a label unique across modules: "data_a"');
        const fixed = applyFix(host, collision.fixes![0]);
        expect(fixed['main.alloy']).toContain('local.file "data_a" {');
        expect(fixed['main.alloy']).toContain('value = local.file.data_a.content');
        const after = analyze(fixed, { compat: 'agent-0.39' }, 'main.alloy');
        expect(describeDiagnostics(after.analysis, after.host, (d) => d.severity === 'error')).toEqual([]);
        expect(after.analysis.diagnostics.filter((d) => d.code === 'key-collision' && d.message.includes('local.file.data '))).toEqual([]);
    });
});

describe('export-key-collision', () => {
    const files = {
        'main.river': `module.file "a" {
	filename = "a.river"
}

module.file "b" {
	filename = "b.river"
}

local.file "consumer" {
	filename = module.file.a.exports.output + module.file.b.exports.output
}
`,
        'a.river': 'export "output" {\n\tvalue = "/a"\n}\n',
        'b.river': 'export "output" {\n\tvalue = "/b"\n}\n',
    };

    it('reports a consumer reading the same export key from two modules', () => {
        const { analysis, host } = analyze(files, { compat: 'agent-0.39' }, 'main.river');
        expect(describeDiagnostics(analysis, host, (d) => d.code === 'export-key-collision')).toEqual([
            'main.river:9:1 warning export-key-collision: local.file.consumer reads export "output" from 2 modules (module.file.a, module.file.b). Grafana Agent Flow v0.39 keys every module\'s export by "export.output", so one module\'s updates are dropped and this component sees stale values; rename one of the exports or upgrade to v0.40 or later',
        ]);
    });

    it('renames the export and its consumers across files, without new errors', () => {
        const { analysis, host } = analyze(files, { compat: 'agent-0.39' }, 'main.river');
        const d = analysis.diagnostics.find((x) => x.code === 'export-key-collision')!;
        expect(d.fixes!.map((f) => f.title)).toEqual(['Rename export "output" of module.file.b to "output_b"']);
        const fixed = applyFix(host, d.fixes![0]);
        expect(fixed['b.river']).toBe('export "output_b" {\n\tvalue = "/b"\n}\n');
        expect(fixed['main.river']).toContain('module.file.a.exports.output + module.file.b.exports.output_b');
        const after = analyze(fixed, { compat: 'agent-0.39' }, 'main.river');
        expect(describeDiagnostics(after.analysis, after.host, (x) => x.severity === 'error' || x.code === 'export-key-collision')).toEqual([]);
    });
});

describe('shadowed-namespace', () => {
    it('says nothing about a namespace no block of its scope uses', () => {
        const { analysis } = analyze({ 'main.alloy': 'import.string "prometheus" {\n\tcontent = ""\n}\n\ndeclare "local" { }\n\nlogging { }\n' }, {}, 'main.alloy');
        expect(analysis.diagnostics).toEqual([]);
    });

    it('warns when an import namespace hides a built-in component that is used', () => {
        const files = { 'main.alloy': 'import.file "prometheus" {\n\tfilename = "lib.alloy"\n}\n\nprometheus.scrape "x" { }\n', 'lib.alloy': 'declare "scrape" { }\n' };
        const { analysis, host } = analyze(files, {}, 'main.alloy');
        expect(describeDiagnostics(analysis, host)).toEqual([
            'main.alloy:1:13 warning shadowed-namespace: import namespace "prometheus" shadows the built-in prometheus.* components: in this scope, blocks named prometheus.<name> refer to it',
        ]);
    });

    it('is an error on each built-in block a declare of that name breaks, as in Alloy', () => {
        const text = 'declare "local" {\n}\n\nlocal.file "x" {\n\tfilename = "/a"\n}\n\nlocal "y" { }\n';
        const { analysis, host } = analyze({ 'main.alloy': text }, {}, 'main.alloy');
        expect(describeDiagnostics(analysis, host)).toEqual([
            'main.alloy:4:1 error shadowed-namespace: custom component "local" shadows the built-in local.* components, so Alloy fails to build local.file: custom component config not found in the registry, namespace: "local", componentName: "file"',
        ]);
        const fix = analysis.diagnostics[0].fixes![0];
        expect(fix.title).toBe('Rename "local" to "local_module"');
        const fixed = applyFix(host, fix);
        expect(fixed['main.alloy']).toBe('declare "local_module" {\n}\n\nlocal.file "x" {\n\tfilename = "/a"\n}\n\nlocal_module "y" { }\n');
        expect(analyze(fixed, {}, 'main.alloy').analysis.diagnostics).toEqual([]);
    });
});
