// Rename through the real language server: each kind of symbol, across the
// files of a directory, across import.file into a module that two
// configurations load (one never opened), and Agent Flow module arguments.
// Every WorkspaceEdit is applied to a copy of the workspace, which is then
// checked again: it must report exactly what the original reported.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { URI } from 'vscode-uri';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeConfiguration } from '../../language/analysis/analyze.js';
import { DEFAULT_OPTIONS } from '../../language/analysis/options.js';
import { diagnosticSignature } from '../../language/analysis/rename.js';
import { DiskFileHost } from '../../language/model/host.js';
import { directoryConfiguration } from '../../language/workspace/configurations.js';
import { LspClient } from './lsp-client.js';

const files: Record<string, string> = {
    'app/main.alloy': `import.file "lib" {
	filename = "../lib/helper.alloy"
}

lib.helper "x" {
	in = "/tmp/a"
}

local.file "sink" {
	filename = lib.helper.x.out
}
`,
    'app/local.alloy': `declare "wrap" {
	argument "path" { }

	local.file "inner" {
		filename = argument.path.value
	}

	export "content" {
		value = local.file.inner.content
	}
}

wrap "w" {
	path = local.file.sink.content
}

local.file "echo" {
	filename = wrap.w.content + env("HOME")
}
`,
    'lib/helper.alloy': `declare "helper" {
	argument "in" { }

	export "out" {
		value = argument.in.value
	}
}
`,
    'other/main.alloy': `import.file "lib" {
	filename = "../lib/helper.alloy"
}

lib.helper "y" {
	in = "/tmp/b"
}

local.file "z" {
	filename = lib.helper.y.out
}
`,
    'flow/main.river': `module.file "m" {
	filename = "mod.river"

	arguments {
		path = "/tmp/c"
	}
}

local.file "r" {
	filename = module.file.m.exports.output
}
`,
    'flow/mod.river': `argument "path" { }

export "output" {
	value = argument.path.value
}
`,
};
const CONFIG_DIRS = ['app', 'lib', 'other', 'flow'];

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowlens-rename-'));
const original = path.join(dir, 'original');
const uri = (name: string) => URI.file(path.join(original, name)).toString();
let client: LspClient;
let copies = 0;

function write(root: string, contents: Record<string, string>): void {
    for (const [name, text] of Object.entries(contents)) {
        fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
        fs.writeFileSync(path.join(root, name), text);
    }
}

/** What every configuration of a workspace copy reports, with paths relative to the copy. */
function check(root: string): string[] {
    const host = new DiskFileHost();
    return CONFIG_DIRS.flatMap((d) => {
        const base = path.join(root, d);
        const analysis = analyzeConfiguration(directoryConfiguration(base, host), host, DEFAULT_OPTIONS, base);
        return diagnosticSignature(analysis).map((s) => `${d}: ${path.relative(root, s)}`);
    });
}

/** The position of `needle` (its n-th occurrence) in a file, plus `delta` characters. */
function pos(name: string, needle: string, delta = 0, nth = 0) {
    const text = files[name];
    let at = -1;
    for (let i = 0; i <= nth; i++) at = text.indexOf(needle, at + 1);
    expect(at, needle).toBeGreaterThanOrEqual(0);
    const before = text.slice(0, at + delta);
    return { line: before.split('\n').length - 1, character: before.length - before.lastIndexOf('\n') - 1 };
}

type Edit = { range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string };

/** Applies an LSP WorkspaceEdit to a fresh copy of the workspace; returns the copy's texts. */
function applyToCopy(edit: { changes: Record<string, Edit[]> }): { root: string; texts: Record<string, string> } {
    const root = path.join(dir, `copy-${++copies}`);
    write(root, files);
    for (const [target, edits] of Object.entries(edit.changes)) {
        const name = path.relative(original, URI.parse(target).fsPath);
        expect(name.startsWith('..'), `an edit outside the workspace: ${target}`).toBe(false);
        const text = files[name];
        const lineStarts = [0, ...[...text.matchAll(/\n/g)].map((m) => m.index! + 1)];
        const offset = (p: { line: number; character: number }) => lineStarts[p.line] + p.character;
        let out = text;
        for (const e of [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start))) out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
        fs.writeFileSync(path.join(root, name), out);
    }
    const texts = Object.fromEntries(Object.keys(files).map((name) => [name, fs.readFileSync(path.join(root, name), 'utf8')]));
    return { root, texts };
}

async function rename(name: string, position: { line: number; character: number }, newName: string) {
    const params = { textDocument: { uri: uri(name) }, position };
    await client.request('textDocument/prepareRename', params);
    const edit = await client.request<{ changes: Record<string, Edit[]> }>('textDocument/rename', { ...params, newName });
    const copy = applyToCopy(edit);
    expect(check(copy.root)).toEqual(baseline);
    return copy.texts;
}

async function refusal(method: 'textDocument/prepareRename' | 'textDocument/rename', name: string, position: { line: number; character: number }, newName?: string): Promise<string> {
    try {
        await client.request(method, { textDocument: { uri: uri(name) }, position, newName });
    } catch (e) {
        return (e as Error).message;
    }
    throw new Error(`${method} was not refused`);
}

let baseline: string[];

beforeAll(async () => {
    write(original, files);
    baseline = check(original);
    client = new LspClient();
    await client.initialize(URI.file(original).toString());
    // Only some files are open; the others are read from the disk.
    const opened = client.nextDiagnostics(uri('app/main.alloy'));
    client.open(uri('app/main.alloy'), files['app/main.alloy']);
    client.open(uri('flow/main.river'), files['flow/main.river']);
    await opened;
});
afterAll(async () => {
    await client.stop();
    fs.rmSync(dir, { recursive: true, force: true });
});

describe('rename keeps the workspace exactly as correct as it was', () => {
    it('starts from a workspace with one known finding', () => {
        expect(baseline).toEqual(['app: app/local.alloy:18 warning deprecated-stdlib']);
    });

    it('renames a component label and its references in the other files of the directory', async () => {
        const t = await rename('app/main.alloy', pos('app/main.alloy', 'local.file "sink"', 12), 'sink_2');
        expect(t['app/main.alloy']).toContain('local.file "sink_2" {');
        expect(t['app/local.alloy']).toContain('path = local.file.sink_2.content');
    });

    it('renames a declare, its instances and the references to their exports, in every configuration that loads it', async () => {
        const t = await rename('lib/helper.alloy', pos('lib/helper.alloy', 'declare "helper"', 9), 'assist');
        expect(t['lib/helper.alloy']).toContain('declare "assist" {');
        expect(t['app/main.alloy']).toContain('lib.assist "x" {');
        expect(t['app/main.alloy']).toContain('filename = lib.assist.x.out');
        expect(t['other/main.alloy']).toContain('lib.assist "y" {');
        expect(t['other/main.alloy']).toContain('filename = lib.assist.y.out');
    });

    it('renames a declare from a reference to an instance export, in the same file', async () => {
        const t = await rename('app/local.alloy', pos('app/local.alloy', 'wrap.w.content', 1), 'wrapper');
        expect(t['app/local.alloy']).toContain('declare "wrapper" {');
        expect(t['app/local.alloy']).toContain('wrapper "w" {');
        expect(t['app/local.alloy']).toContain('filename = wrapper.w.content');
    });

    it('renames an argument, its uses and the attributes that set it on every instance', async () => {
        const t = await rename('lib/helper.alloy', pos('lib/helper.alloy', 'argument "in"', 10), 'input');
        expect(t['lib/helper.alloy']).toContain('argument "input" { }');
        expect(t['lib/helper.alloy']).toContain('value = argument.input.value');
        expect(t['app/main.alloy']).toContain('input = "/tmp/a"');
        expect(t['other/main.alloy']).toContain('input = "/tmp/b"');
    });

    it('renames an export and every read of it', async () => {
        const t = await rename('lib/helper.alloy', pos('lib/helper.alloy', 'export "out"', 8), 'result');
        expect(t['lib/helper.alloy']).toContain('export "result" {');
        expect(t['app/main.alloy']).toContain('filename = lib.helper.x.result');
        expect(t['other/main.alloy']).toContain('filename = lib.helper.y.result');
    });

    it('renames an import namespace, its blocks and its references', async () => {
        const t = await rename('app/main.alloy', pos('app/main.alloy', 'lib.helper.x.out', 1), 'shared');
        expect(t['app/main.alloy']).toBe(files['app/main.alloy'].replace('import.file "lib"', 'import.file "shared"').replace('lib.helper "x"', 'shared.helper "x"').replace('lib.helper.x.out', 'shared.helper.x.out'));
        expect(t['other/main.alloy']).toBe(files['other/main.alloy']);
    });

    it("renames a module's argument from the attribute of a caller (custom component and Agent Flow module)", async () => {
        const t = await rename('app/main.alloy', pos('app/main.alloy', 'in = "/tmp/a"'), 'source');
        expect(t['lib/helper.alloy']).toContain('value = argument.source.value');
        expect(t['other/main.alloy']).toContain('source = "/tmp/b"');
        const flow = await rename('flow/main.river', pos('flow/main.river', 'path = "/tmp/c"', 1), 'file');
        expect(flow['flow/main.river']).toContain('file = "/tmp/c"');
        expect(flow['flow/mod.river']).toBe('argument "file" { }\n\nexport "output" {\n\tvalue = argument.file.value\n}\n');
    });
});

describe('rename refuses, with the reason, what it cannot do completely', () => {
    it('refuses names whose meaning is fixed', async () => {
        expect(await refusal('textDocument/prepareRename', 'app/main.alloy', pos('app/main.alloy', 'filename = lib'))).toMatch(/"filename" is an argument of local\.file, whose arguments are fixed/);
        expect(await refusal('textDocument/prepareRename', 'app/main.alloy', pos('app/main.alloy', 'local.file "sink"', 2))).toMatch(/local\.file is a built-in name; rename its label "sink" instead/);
    });

    it('refuses a rename that would break the configuration, and an invalid name', async () => {
        expect(await refusal('textDocument/rename', 'app/main.alloy', pos('app/main.alloy', 'local.file "sink"', 12), 'echo')).toMatch(/would report error "block local\.file\.echo already declared/);
        expect(await refusal('textDocument/rename', 'app/main.alloy', pos('app/main.alloy', 'local.file "sink"', 12), '1x')).toMatch(/"1x" is not a valid Alloy identifier/);
    });
});
