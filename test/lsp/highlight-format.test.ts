// Document highlight resolves symbols (never a text match), and formatting a
// file with a syntax error tells the user why nothing changed — once.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { URI } from 'vscode-uri';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LspClient } from './lsp-client.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowlens-highlight-'));
const MAIN = `// "data" and data: the word in comments is not the component.
declare "double" {
	argument "in" { }

	local.file "data" {
		filename = "/tmp/in/data/" + argument.in.value
	}

	export "out" {
		value = local.file.data.content + argument.in.value
	}
}

double "one" {
	in = "data"
}

local.file "data" {
	filename = double.one.out
}

local.file "sink" {
	filename = local.file.data.content + "double.one.out"
}
`;
const uri = URI.file(path.join(dir, 'main.alloy')).toString();
let client: LspClient;

interface Highlight {
    range: { start: { line: number; character: number }; end: { line: number; character: number } };
    kind: number;
}

/** The position of the n-th occurrence of `needle`, plus `delta` characters. */
function pos(needle: string, delta = 0, nth = 0) {
    let at = -1;
    for (let i = 0; i <= nth; i++) at = MAIN.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`no ${needle}`);
    const before = MAIN.slice(0, at + delta);
    const line = before.split('\n').length - 1;
    return { line, character: before.length - before.lastIndexOf('\n') - 1 };
}

/** The highlighted texts as `line:text:kind`. */
async function highlights(position: { line: number; character: number }): Promise<string[]> {
    const result = await client.request<Highlight[] | null>('textDocument/documentHighlight', { textDocument: { uri }, position });
    const lines = MAIN.split('\n');
    return (result ?? []).map((h) => `${h.range.start.line}:${lines[h.range.start.line].slice(h.range.start.character, h.range.end.character)}:${h.kind === 3 ? 'write' : 'read'}`);
}

beforeAll(async () => {
    fs.writeFileSync(path.join(dir, 'main.alloy'), MAIN);
    client = new LspClient();
    await client.initialize(URI.file(dir).toString());
    const ready = client.nextDiagnostics(uri);
    client.open(uri, MAIN);
    expect(await ready).toEqual([]);
});
afterAll(async () => {
    await client.stop();
    fs.rmSync(dir, { recursive: true, force: true });
});

describe('document highlight', () => {
    it('lights a component label and its references in its own scope, not the same name in comments, strings or a declare', async () => {
        const root = pos('local.file "data" {', 12, 1);
        const expected = ['17:data:write', '22:data:read'];
        expect(await highlights(root)).toEqual(expected);
        expect(await highlights(pos('local.file.data.content + "double', 11))).toEqual(expected);
        // The declare's local.file "data" is another node: its own label and reference only.
        expect(await highlights(pos('local.file "data" {', 12, 0))).toEqual(['4:data:write', '9:data:read']);
    });

    it('lights an argument, its uses and the attribute that sets it in a call', async () => {
        const expected = ['2:in:write', '5:in:read', '9:in:read', '14:in:read'];
        expect(await highlights(pos('argument "in"', 10))).toEqual(expected);
        expect(await highlights(pos('\tin = "data"', 1))).toEqual(expected);
    });

    it('lights an export and the references to it, a declare and its instances', async () => {
        expect(await highlights(pos('export "out"', 8))).toEqual(['8:out:write', '18:out:read']);
        expect(await highlights(pos('double "one"', 2))).toEqual(['1:double:write', '13:double:read', '18:double:read']);
    });

    it('lights nothing on a built-in name, a stdlib call, a string or a comment', async () => {
        expect(await highlights(pos('local.file "sink"', 2))).toEqual([]);
        expect(await highlights(pos('"double.one.out"', 3))).toEqual([]);
        expect(await highlights(pos('// "data"', 5))).toEqual([]);
    });
});

describe('formatting a file with a syntax error', () => {
    it('answers no edits and says why in one window message, not one per request', async () => {
        const broken = MAIN.replace('double "one" {', 'double "one" {{');
        const settled = client.nextDiagnostics(uri, (ds) => ds.length > 0);
        client.change(uri, broken, 2);
        await settled;
        const format = () => client.request<unknown[]>('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 4, insertSpaces: false } });
        expect(await format()).toEqual([]);
        expect(await format()).toEqual([]);
        const notices = client.messages.filter((m) => m.message.includes('was not formatted'));
        expect(notices).toHaveLength(1);
        expect(notices[0].type).toBe(2); // a warning
        expect(notices[0].message).toMatch(/^main\.alloy was not formatted: it has a syntax error at line 14, column \d+: .+/);
    });

    it('formats again once the error is fixed, and warns again for a new error', async () => {
        const fixed = client.nextDiagnostics(uri, (ds) => ds.length === 0);
        client.change(uri, MAIN.replace('double "one" {', 'double   "one" {'), 3);
        await fixed;
        const edits = await client.request<Array<{ newText: string }>>('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 4, insertSpaces: false } });
        expect(edits.length).toBeGreaterThan(0);
        const broken = client.nextDiagnostics(uri, (ds) => ds.length > 0);
        client.change(uri, MAIN + '\nlocal.file "x" {\n', 4);
        await broken;
        await client.request('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 4, insertSpaces: false } });
        expect(client.messages.filter((m) => m.message.includes('was not formatted'))).toHaveLength(2);
    });
});
