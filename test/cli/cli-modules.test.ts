// The CLI on configurations with modules: collision findings per --compat,
// `check --fix`, and `graph`.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { flowlens } from './run-cli.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowlens-cli-modules-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Applies the section of a unified diff for `file` to `text` with `git apply` (outside any repository). */
function applyUnifiedDiff(text: string, diff: string, file: string): string {
    const sections = diff.split(/^(?=--- )/m).filter((x) => x.startsWith(`--- ${file}\n`));
    if (sections.length === 0) return text;
    const work = fs.mkdtempSync(path.join(dir, 'apply-'));
    const name = path.basename(file);
    fs.writeFileSync(path.join(work, name), text);
    const patch = sections[0].replace(/^--- .*\n\+\+\+ .*\n/, `--- a/${name}\n+++ b/${name}\n`);
    const r = spawnSync('git', ['apply', '-'], { cwd: work, input: patch, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`git apply failed: ${r.stderr}`);
    return fs.readFileSync(path.join(work, name), 'utf8');
}

function workspace(name: string, files: Record<string, string>): string {
    const root = path.join(dir, name);
    for (const [file, text] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
        fs.writeFileSync(path.join(root, file), text);
    }
    return root;
}

const twoModules = {
    'main.river': 'module.file "a" {\n\tfilename = "a.river"\n}\n\nmodule.file "b" {\n\tfilename = "b.river"\n}\n\nlocal.file "consumer" {\n\tfilename = module.file.a.exports.output + module.file.b.exports.output\n}\n',
    'a.river': 'export "output" {\n\tvalue = "/a"\n}\n',
    'b.river': 'export "output" {\n\tvalue = "/b"\n}\n',
};

describe('flowlens check with modules', () => {
    it('reports collisions only for agent-0.38/0.39, as warnings, without failing', () => {
        const root = workspace('compat', twoModules);
        const alloy = flowlens(['check', '--json', root]);
        expect(alloy.code).toBe(0);
        expect(JSON.parse(alloy.stdout).diagnostics).toEqual([]);
        const agent = JSON.parse(flowlens(['check', '--json', '--compat', 'agent-0.39', root]).stdout);
        expect(agent.diagnostics.find((d: { code: string }) => d.code === 'export-key-collision').severity).toBe('warning');
        expect(agent.files).toBe(3);
    });

    it('lists fixes in JSON and applies them with --fix', () => {
        const root = workspace('fix', twoModules);
        const json = JSON.parse(flowlens(['check', '--json', '--compat', 'agent-0.39', root]).stdout);
        const d = json.diagnostics.find((x: { code: string }) => x.code === 'export-key-collision');
        expect(d.fixes[0].title).toBe('Rename export "output" of module.file.b to "output_b"');
        expect(d.fixes[0].edits.map((e: { file: string }) => path.basename(e.file)).sort()).toEqual(['b.river', 'main.river']);
        const fixed = flowlens(['check', '--fix', '--compat', 'agent-0.39', root]);
        expect(fixed.stderr).toMatch(/applied \d+ fix/);
        // Each fix with the finding it fixed, then every file written.
        expect(fixed.stderr).toMatch(/^fixed .*:\d+:\d+: Rename export "output" of module\.file\.b to "output_b"$/m);
        expect(fixed.stderr).toMatch(/^wrote .*b\.river$/m);
        expect(fixed.stderr).toMatch(/^wrote .*main\.river$/m);
        expect(fs.readFileSync(path.join(root, 'b.river'), 'utf8')).toContain('export "output_b"');
        expect(fixed.stdout).not.toContain('export-key-collision');
        expect(fixed.code).toBe(0);
    });

    it('--fix --dry-run writes nothing and prints the unified diff --fix would apply', () => {
        const root = workspace('dry', twoModules);
        const before = new Map(['main.river', 'b.river'].map((f) => [f, fs.readFileSync(path.join(root, f), 'utf8')]));
        const dry = flowlens(['check', '--fix', '--dry-run', '--compat', 'agent-0.39', root]);
        expect(dry.code).toBe(1);
        expect(dry.stderr).toMatch(/^would fix .*:\d+:\d+: Rename export "output" of module\.file\.b to "output_b"$/m);
        expect(dry.stderr).toMatch(/nothing was written/);
        for (const [f, text] of before) expect(fs.readFileSync(path.join(root, f), 'utf8')).toBe(text);
        expect(dry.stdout).toMatch(/^--- .*b\.river\n\+\+\+ .*b\.river\n@@ -\d+(,\d+)? \+\d+(,\d+)? @@$/m);
        expect(dry.stdout).toContain('\n+export "output_b" {\n');
        // The diff is what --fix then writes.
        const fixedRoot = workspace('dry-fixed', twoModules);
        flowlens(['check', '--fix', '--compat', 'agent-0.39', fixedRoot]);
        for (const f of before.keys()) {
            const patched = applyUnifiedDiff(before.get(f)!, dry.stdout, path.join(root, f));
            expect(patched).toBe(fs.readFileSync(path.join(fixedRoot, f), 'utf8'));
        }
        expect(flowlens(['check', '--dry-run', root]).code).toBe(2);
    });

    it('decodes module filenames as Alloy does and survives a half-typed one (check and graph DIR)', () => {
        const escaped = workspace('escaped', {
            'main.alloy': 'import.file "lib" {\n\tfilename = "\\x2e/lib\\x2ealloy"\n}\n\nlib.helper "x" { }\n',
            'lib.alloy': 'declare "helper" { }\n',
        });
        const checked = flowlens(['check', '--json', escaped]);
        expect(checked.stderr).toBe('');
        expect(JSON.parse(checked.stdout)).toMatchObject({ files: 2, diagnostics: [] });
        expect(flowlens(['graph', escaped]).stdout).toContain('lib.helper.x');

        const typing = workspace('typing', { 'main.alloy': 'import.file "lib" {\n\tfilename = "\n}\n', 'lib.alloy': 'declare "helper" { }\n' });
        for (const command of ['check', 'graph']) {
            const r = flowlens([command, typing]);
            expect(r.stderr).not.toMatch(/SyntaxError|at /);
            expect(r.code).toBe(1);
        }
        expect(flowlens(['check', typing]).stdout).toContain('main.alloy:2:13: error: string literal not terminated');
    });

    it('--fix gives the second instance of a shared module file its own copy, and says so', () => {
        const examples = path.resolve(__dirname, '../../examples/agent-modules');
        const root = workspace('copy', {
            'main.river': fs.readFileSync(path.join(examples, 'main.river'), 'utf8'),
            'modules/settings.river': fs.readFileSync(path.join(examples, 'modules/settings.river'), 'utf8'),
        });
        const fixed = flowlens(['check', '--fix', '--compat', 'agent-0.39', root]);
        expect(fixed.stderr).toContain(`flowlens: created ${path.join(root, 'modules/settings_team_b.river')}`);
        expect(fixed.stdout).toMatch(/^No problems in 3 files checked\n$/);
        expect(fs.readFileSync(path.join(root, 'main.river'), 'utf8')).toContain('filename = "modules/settings_team_b.river"');
        expect(fs.readFileSync(path.join(root, 'modules/settings.river'), 'utf8')).toBe(fs.readFileSync(path.join(examples, 'modules/settings.river'), 'utf8'));
    });

    it('resolves absolute module paths with --path-map FROM=TO', () => {
        const root = workspace('mapped', { 'app/main.alloy': 'import.file "lib" {\n\tfilename = "/etc/alloy/helper.alloy"\n}\n\nlib.helper "x" { }\n', 'alloy/helper.alloy': 'declare "helper" { }\n' });
        const unmapped = JSON.parse(flowlens(['check', '--json', path.join(root, 'app')]).stdout);
        expect(unmapped.diagnostics.map((d: { code: string }) => d.code)).toContain('module-not-found');
        const mapped = flowlens(['check', '--json', '--path-map', `/etc/alloy=${path.join(root, 'alloy')}`, path.join(root, 'app')]);
        expect(JSON.parse(mapped.stdout)).toMatchObject({ files: 2, diagnostics: [] });
        expect(flowlens(['check', '--path-map', 'relative=x', root]).code).toBe(2);
    });

    it('checks a file that only makes sense as a module as a module, alone or in its directory', () => {
        const example = path.join(__dirname, '../../examples/agent-modules/modules');
        for (const target of [example, path.join(example, 'settings.river')]) {
            const r = flowlens(['check', '--json', target]);
            expect(JSON.parse(r.stdout)).toEqual({ files: 1, diagnostics: [] });
            expect(r.code).toBe(0);
        }
        const root = workspace('module-beside-config', {
            'main.alloy': 'local.file "x" {\n\tfilename = "/etc/hosts"\n}\n',
            'module.alloy': 'argument "name" { }\n\nexport "out" {\n\tvalue = argument.nme.value\n}\n',
        });
        const mixed = flowlens(['check', root]);
        expect(mixed.stdout).toContain('module.alloy:4:10: error: component "argument.nme.value" does not exist or is out of scope');
        expect(mixed.stdout).not.toContain('only allowed inside a module');
        expect(flowlens(['graph', path.join(example, 'settings.river')]).stdout).toContain('3 nodes, 2 edges');
    });

    it('rejects an unknown --compat value', () => {
        expect(flowlens(['check', '--compat', 'agent-0.99', dir]).code).toBe(2);
    });
});

describe('flowlens graph', () => {
    it('prints the instance tree with global IDs and edges as JSON', () => {
        const root = workspace('graph', twoModules);
        const r = flowlens(['graph', '--json', path.join(root, 'main.river')]);
        expect(r.code).toBe(0);
        const graph = JSON.parse(r.stdout);
        expect(graph.nodes.map((n: { globalId: string }) => n.globalId)).toEqual(['module.file.a', 'module.file.b', 'local.file.consumer', 'module.file.a/export.output', 'module.file.b/export.output']);
        expect(graph.nodes[3]).toMatchObject({ localId: 'export.output', modulePath: 'module.file.a', kind: 'config', line: 1, column: 1 });
        expect(graph.nodes[3].file).toMatch(/a\.river$/);
        expect(graph.edges).toEqual([
            { from: 'local.file.consumer', to: 'module.file.a' },
            { from: 'local.file.consumer', to: 'module.file.b' },
        ]);
    });

    it('prints an indented tree for people', () => {
        const root = workspace('graph-text', twoModules);
        const r = flowlens(['graph', path.join(root, 'main.river')]);
        expect(r.stdout).toContain('module.file.a  (module, ');
        expect(r.stdout).toContain('\n  module.file.a/export.output  (config, ');
        expect(r.stdout).toMatch(/5 nodes, 2 edges\n$/);
    });
});
