// Editor intelligence through the real language server over LSP, on a
// workspace on disk with modules that collide.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { URI } from 'vscode-uri';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LspClient } from './lsp-client.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowlens-lsp-'));
const files: Record<string, string> = {
    'flow/main.river': `module.file "a" {
	filename = "a.river"
}

module.file "b" {
	filename = "b.river"
}

local.file "consumer" {
	filename = module.file.a.exports.output + module.file.b.exports.output
}
`,
    'flow/a.river': 'export "output" {\n\tvalue = "/a"\n}\n',
    'flow/b.river': 'export "output" {\n\tvalue = "/b"\n}\n',
    'shared/main.river': fs.readFileSync(path.resolve(__dirname, '../../examples/agent-modules/main.river'), 'utf8'),
    'shared/modules/settings.river': fs.readFileSync(path.resolve(__dirname, '../../examples/agent-modules/modules/settings.river'), 'utf8'),
    'server/main.alloy': 'import.file "lib" {\n\tfilename = "/etc/alloy/helper.alloy"\n}\n\nlib.helper "x" { }\n',
    'etc/helper.alloy': 'declare "helper" { }\n',
    'alloy/main.alloy': `declare "double" {
	argument "in" { }

	local.file "data" {
		filename = "/tmp/" + argument.in.value
	}

	export "out" {
		value = argument.in.value * 2
	}
}

double "one" {
	in = 21
}

double "two" {
	in = 4
}

local.file "sink" {
	filename = string.format("/tmp/%d", double.one.out)
}
`,
};
const uri = (name: string) => URI.file(path.join(dir, name)).toString();
const text = (name: string) => fs.readFileSync(path.join(dir, name), 'utf8');
let client: LspClient;

/** The position of the n-th occurrence of `needle` in a file, plus `delta` characters. */
function pos(name: string, needle: string, delta = 0, nth = 0) {
    const t = text(name);
    let at = -1;
    for (let i = 0; i <= nth; i++) at = t.indexOf(needle, at + 1);
    const before = t.slice(0, at + delta);
    const line = before.split('\n').length - 1;
    return { line, character: before.length - before.lastIndexOf('\n') - 1 };
}

beforeAll(async () => {
    for (const [name, content] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
        fs.writeFileSync(path.join(dir, name), content);
    }
    client = new LspClient();
    await client.initialize(URI.file(dir).toString());
    client.configure({ compat: 'agent-0.39', pathMappings: { '/etc/alloy': '${workspaceFolder}/etc' } });
});
afterAll(async () => {
    await client.stop();
    fs.rmSync(dir, { recursive: true, force: true });
});

async function open(name: string) {
    const pending = client.nextDiagnostics(uri(name));
    client.open(uri(name), text(name));
    return pending;
}

describe('diagnostics and quick fixes across modules', () => {
    it('reports the export-key collision and the key collision of the modules', async () => {
        const main = await open('flow/main.river');
        expect(main.map((d) => d.code)).toContain('export-key-collision');
        const a = await open('flow/a.river');
        expect(a.find((d) => d.code === 'key-collision')?.message).toContain('module.file.a/export.output, module.file.b/export.output');
    });

    it('offers a quick fix that renames the export in the module file and its consumer', async () => {
        const d = (await open('flow/main.river')).find((x) => x.code === 'export-key-collision')!;
        const actions = await client.request<Array<{ title: string; edit: { changes: Record<string, Array<{ newText: string }>> } }>>('textDocument/codeAction', {
            textDocument: { uri: uri('flow/main.river') },
            range: d.range,
            context: { diagnostics: [d] },
        });
        const fix = actions.find((a) => a.title.startsWith('Rename export "output" of module.file.b'))!;
        expect(Object.keys(fix.edit.changes).sort()).toEqual([uri('flow/b.river'), uri('flow/main.river')].sort());
        expect(fix.edit.changes[uri('flow/b.river')][0].newText).toBe('output_b');
    });

    it('fixes two instances of one module file by creating a copy for the second (CreateFile + text)', async () => {
        await open('shared/main.river');
        const d = (await open('shared/modules/settings.river')).find((x) => x.code === 'key-collision')!;
        const actions = await client.request<Array<{ title: string; edit: { documentChanges: Array<{ kind?: string; uri?: string; textDocument?: { uri: string }; edits?: Array<{ newText: string }> }> } }>>('textDocument/codeAction', {
            textDocument: { uri: uri('shared/modules/settings.river') },
            range: d.range,
            context: { diagnostics: [d] },
        });
        expect(actions.map((a) => a.title)).toEqual(['Give module.file.team_b its own copy of settings.river with unique labels']);
        const [create, content, ...edits] = actions[0].edit.documentChanges;
        expect(create).toMatchObject({ kind: 'create', uri: uri('shared/modules/settings_team_b.river') });
        expect(content.edits![0].newText).toContain('local.file "config_team_b" {');
        expect(edits.map((e) => e.textDocument!.uri)).toEqual([uri('shared/main.river')]);
    });

    it('resolves absolute module paths through flowlens.pathMappings (${workspaceFolder} is the workspace)', async () => {
        expect(await open('server/main.alloy')).toEqual([]);
    });

    it('re-checks a configuration when one of its modules changes', async () => {
        await open('flow/main.river');
        await open('flow/b.river');
        const pending = client.nextDiagnostics(uri('flow/main.river'), (ds) => !ds.some((d) => d.code === 'export-key-collision'));
        client.change(uri('flow/b.river'), 'export "output_b" {\n\tvalue = "/b"\n}\n', 2);
        const fresh = await pending;
        // main.river now reads an export b no longer has.
        expect(fresh.map((d) => d.code)).not.toContain('export-key-collision');
        client.change(uri('flow/b.river'), text('flow/b.river'), 3);
    });
});

describe('navigation, hover, completion', () => {
    beforeAll(async () => {
        await open('alloy/main.alloy');
    });

    it('hovers a block inside a declare with the global IDs of its instances', async () => {
        const hover = await client.request<{ contents: { value: string } }>('textDocument/hover', { textDocument: { uri: uri('alloy/main.alloy') }, position: pos('alloy/main.alloy', 'local.file "data"') });
        expect(hover.contents.value).toContain('**local.file** "data"');
        expect(hover.contents.value).toContain('`double.one/local.file.data`, `double.two/local.file.data`');
    });

    it('hovers a custom component export with its statically known value', async () => {
        const hover = await client.request<{ contents: { value: string } }>('textDocument/hover', { textDocument: { uri: uri('alloy/main.alloy') }, position: pos('alloy/main.alloy', 'double.one.out', 12) });
        expect(hover.contents.value).toContain('value: `42`');
    });

    it('goes from a reference to the block, and from an instance to its declare', async () => {
        const toBlock = await client.request<Array<{ targetRange: { start: { line: number } } }>>('textDocument/definition', { textDocument: { uri: uri('alloy/main.alloy') }, position: pos('alloy/main.alloy', 'double.one.out', 7) });
        expect(toBlock[0].targetRange.start.line).toBe(12);
        const toDeclare = await client.request<Array<{ targetRange: { start: { line: number } } }>>('textDocument/definition', { textDocument: { uri: uri('alloy/main.alloy') }, position: pos('alloy/main.alloy', 'double "two"', 2) });
        expect(toDeclare[0].targetRange.start.line).toBe(0);
    });

    it('goes to the declaration of a reference and of a custom component', async () => {
        const toBlock = await client.request<Array<{ targetRange: { start: { line: number } } }>>('textDocument/declaration', { textDocument: { uri: uri('alloy/main.alloy') }, position: pos('alloy/main.alloy', 'double.one.out', 7) });
        expect(toBlock[0].targetRange.start.line).toBe(12);
        const toDeclare = await client.request<Array<{ targetRange: { start: { line: number } } }>>('textDocument/declaration', { textDocument: { uri: uri('alloy/main.alloy') }, position: pos('alloy/main.alloy', 'double "two"', 2) });
        expect(toDeclare[0].targetRange.start.line).toBe(0);
    });

    it('finds the references of an argument and renames a label everywhere', async () => {
        const refs = await client.request<unknown[]>('textDocument/references', { textDocument: { uri: uri('alloy/main.alloy') }, position: pos('alloy/main.alloy', 'argument "in"', 11), context: { includeDeclaration: true } });
        // The declaration, two argument.in.value uses and two instances setting `in`.
        expect(refs).toHaveLength(5);
        const edit = await client.request<{ changes: Record<string, Array<{ newText: string }>> }>('textDocument/rename', { textDocument: { uri: uri('alloy/main.alloy') }, position: pos('alloy/main.alloy', 'double "one"', 9), newName: 'first' });
        expect(edit.changes[uri('alloy/main.alloy')]).toHaveLength(2);
    });

    it('completes components by namespace, attributes of the enclosing block, and argument names', async () => {
        const labels = async (position: { line: number; character: number }) =>
            (await client.request<{ items: Array<{ label: string }> }>('textDocument/completion', { textDocument: { uri: uri('alloy/main.alloy') }, position })).items.map((i) => i.label);
        const doc = uri('alloy/main.alloy');
        const typed = text('alloy/main.alloy') + '\nprometheus.\n';
        client.change(doc, typed, 10);
        await client.nextDiagnostics(doc);
        const lines = typed.split('\n');
        expect(await labels({ line: lines.length - 2, character: 'prometheus.'.length })).toEqual(expect.arrayContaining(['prometheus.scrape', 'prometheus.remote_write']));
        const attributes = await labels(pos('alloy/main.alloy', 'filename = "/tmp/" +', 0));
        expect(attributes).toEqual(expect.arrayContaining(['poll_frequency', 'is_secret']));
        expect(attributes).not.toContain('filename'); // already set
        expect(await labels(pos('alloy/main.alloy', 'argument.in.value * 2', 'argument.'.length))).toEqual(['in']);
        client.change(doc, text('alloy/main.alloy'), 11);
        await client.nextDiagnostics(doc);
    });

    it('shows the global IDs of nodes inside a declare as inlay hints', async () => {
        const hints = await client.request<Array<{ label: string }>>('textDocument/inlayHint', { textDocument: { uri: uri('alloy/main.alloy') }, range: { start: { line: 0, character: 0 }, end: { line: 30, character: 0 } } });
        expect(hints.map((h) => h.label)).toContain('→ double.one/local.file.data, double.two/local.file.data');
    });

    it('finds workspace symbols by global ID', async () => {
        const symbols = await client.request<Array<{ name: string }>>('workspace/symbol', { query: 'double.two/' });
        expect(symbols.map((s) => s.name)).toEqual(expect.arrayContaining(['local.file.data', 'argument.in', 'export.out']));
    });
});
