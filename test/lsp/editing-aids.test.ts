// Signature help for stdlib calls, block snippets with their required
// attributes, document links and selection ranges, through the real server;
// and on every real-world configuration, links that lead somewhere real.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DocumentLink, SelectionRange, SignatureHelp } from 'vscode-languageserver-protocol';
import { URI } from 'vscode-uri';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHARED } from '../conformance/shared.js';
import { LspClient } from './lsp-client.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowlens-aids-'));
const MAIN = `import.file "lib" {
	filename = "lib/helper.alloy"
}

lib.helper "x" {
	target = "http://localhost:9090/metrics"
}

// see https://grafana.com/docs/alloy/ for more
local.file "token" {
	filename = string.format("/run/%s/%s", sys.env("USER"), "token")
}

prometheus.remote_write "default" {
	endpoint {
		url = "https://prometheus.example.com/api/v1/write"
	}
}

local.file "escaped" {
	filename = "http:\\x2f/not-linked.example.com"
}
`;
const HELPER = 'declare "helper" {\n\targument "target" { }\n\targument "interval" {\n\t\toptional = true\n\t}\n}\n';
const uri = URI.file(path.join(dir, 'main.alloy')).toString();
const textDocument = { uri };
let client: LspClient;

function pos(needle: string, delta = 0) {
    const at = MAIN.indexOf(needle);
    if (at < 0) throw new Error(`no ${needle}`);
    const before = MAIN.slice(0, at + delta);
    return { line: before.split('\n').length - 1, character: before.length - before.lastIndexOf('\n') - 1 };
}

/** The text a range covers in MAIN. */
function textOf(range: { start: { line: number; character: number }; end: { line: number; character: number } }): string {
    const lines = MAIN.split('\n');
    const offset = (p: { line: number; character: number }) => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
    return MAIN.slice(offset(range.start), offset(range.end));
}

beforeAll(async () => {
    fs.mkdirSync(path.join(dir, 'lib'));
    fs.writeFileSync(path.join(dir, 'lib/helper.alloy'), HELPER);
    fs.writeFileSync(path.join(dir, 'main.alloy'), MAIN);
    client = new LspClient();
    const init = (await client.initialize(URI.file(dir).toString())) as { capabilities: Record<string, unknown> };
    expect(init.capabilities).toMatchObject({ selectionRangeProvider: true, signatureHelpProvider: { triggerCharacters: ['(', ','] }, documentLinkProvider: {} });
    const ready = client.nextDiagnostics(uri);
    client.open(uri, MAIN);
    expect(await ready).toEqual([]);
});
afterAll(async () => {
    await client.stop();
    fs.rmSync(dir, { recursive: true, force: true });
});

describe('signature help', () => {
    const help = (position: { line: number; character: number }) => client.request<SignatureHelp | null>('textDocument/signatureHelp', { textDocument, position });

    it('shows a stdlib function with the parameter being typed, nested calls included', async () => {
        const first = (await help(pos('"/run/%s/%s"', 1)))!;
        expect(first.signatures[0].label).toBe('string.format(spec, values...)');
        expect(first.activeParameter).toBe(0);
        // Past the first comma: the variadic parameter, and it stays there.
        expect((await help(pos('"token")', 1)))!.activeParameter).toBe(1);
        const inner = (await help(pos('"USER"', 1)))!;
        expect(inner.signatures[0].label).toBe('sys.env(name)');
        expect(inner.signatures[0].documentation).toMatchObject({ value: expect.stringContaining('[docs](https://grafana.com/docs/alloy/') });
    });

    it('is absent outside a call and in a string that only looks like one', async () => {
        expect(await help(pos('"lib/helper.alloy"', 3))).toBeNull();
        expect(await help(pos('/api/v1/write', 3))).toBeNull();
    });

    it('works on a half-typed call the parser cannot build yet', async () => {
        const typed = MAIN + '\nlocal.file "t" {\n\tfilename = array.concat([1], \n';
        client.change(uri, typed, 2);
        const lines = typed.split('\n');
        const result = (await client.request<SignatureHelp>('textDocument/signatureHelp', { textDocument, position: { line: lines.length - 2, character: lines[lines.length - 2].length } }))!;
        expect(result.signatures[0].label).toBe('array.concat(lists...)');
        expect(result.activeParameter).toBe(0);
        const restored = client.nextDiagnostics(uri, (ds) => ds.length === 0);
        client.change(uri, MAIN, 3);
        await restored;
    });
});

describe('snippets', () => {
    it('insert a component with its required attributes and blocks as tab stops', async () => {
        const typed = MAIN + '\nprometheus.remote\n';
        client.change(uri, typed, 4);
        const lines = typed.split('\n');
        const list = await client.request<{ items: Array<{ label: string; textEdit: { newText: string }; insertTextFormat: number }> }>('textDocument/completion', { textDocument, position: { line: lines.length - 2, character: 'prometheus.remote'.length } });
        const item = list.items.find((i) => i.label === 'local.file') ?? list.items.find((i) => i.label === 'prometheus.remote_write')!;
        expect(item.insertTextFormat).toBe(2);
        expect(item.textEdit.newText).toBe('prometheus.remote_write "${1:default}" {\n\t$0\n}');
        const restored = client.nextDiagnostics(uri, (ds) => ds.length === 0);
        client.change(uri, MAIN + '\nlocal.fi\n', 5);
        const at = { line: MAIN.split('\n').length, character: 'local.fi'.length };
        const local = (await client.request<{ items: Array<{ label: string; textEdit: { newText: string } }> }>('textDocument/completion', { textDocument, position: at })).items.find((i) => i.label === 'local.file')!;
        expect(local.textEdit.newText).toBe('local.file "${1:default}" {\n\tfilename = "${2}"\n\t$0\n}');
        // A custom component: its required arguments.
        const custom = (await client.request<{ items: Array<{ label: string; textEdit: { newText: string } }> }>('textDocument/completion', { textDocument, position: { line: at.line, character: 0 } })).items.find((i) => i.label === 'lib.helper')!;
        expect(custom.textEdit.newText).toBe('lib.helper "${1:default}" {\n\ttarget = ${2}\n\t$0\n}');
        client.change(uri, MAIN, 6);
        await restored;
    });

    it('nest required blocks with their required attributes', async () => {
        const typed = MAIN.replace('\tendpoint {\n', '\tendpo\n\tendpoint {\n') + '\notelcol.exporter.otl\n';
        client.change(uri, typed, 7);
        const lines = typed.split('\n');
        const complete = async (line: number, character: number) =>
            (await client.request<{ items: Array<{ label: string; textEdit: { newText: string } }> }>('textDocument/completion', { textDocument, position: { line, character } })).items;
        const endpoint = (await complete(lines.indexOf('\tendpo'), 6)).find((i) => i.label === 'endpoint')!;
        expect(endpoint.textEdit.newText).toBe('endpoint {\n\turl = "${1}"\n\t$0\n}');
        const otlp = (await complete(lines.length - 2, 'otelcol.exporter.otl'.length)).find((i) => i.label === 'otelcol.exporter.otlp')!;
        expect(otlp.textEdit.newText).toBe('otelcol.exporter.otlp "${1:default}" {\n\tclient {\n\t\tendpoint = "${2}"\n\t}\n\t$0\n}');
        const restored = client.nextDiagnostics(uri, (ds) => ds.length === 0);
        client.change(uri, MAIN, 8);
        await restored;
    });
});

describe('document links', () => {
    it('link an import filename to the file loaded and URL strings to themselves, not escaped strings or comments', async () => {
        const links = await client.request<DocumentLink[]>('textDocument/documentLink', { textDocument });
        expect(links.map((l) => [textOf(l.range), l.target])).toEqual([
            ['lib/helper.alloy', URI.file(path.join(dir, 'lib/helper.alloy')).toString()],
            ['http://localhost:9090/metrics', 'http://localhost:9090/metrics'],
            ['https://prometheus.example.com/api/v1/write', 'https://prometheus.example.com/api/v1/write'],
        ]);
    });
});

describe('selection ranges', () => {
    it('expand from a name through the reference chain, the call, the attribute, the body and the block', async () => {
        const [range] = await client.request<SelectionRange[]>('textDocument/selectionRange', { textDocument, positions: [pos('"USER"', 2)] });
        const chain: string[] = [];
        for (let r: SelectionRange | undefined = range; r; r = r.parent) chain.push(textOf(r.range));
        expect(chain.slice(0, 6)).toEqual([
            'USER',
            '"USER"',
            'sys.env("USER")',
            'string.format("/run/%s/%s", sys.env("USER"), "token")',
            'filename = string.format("/run/%s/%s", sys.env("USER"), "token")',
            '\n\tfilename = string.format("/run/%s/%s", sys.env("USER"), "token")\n',
        ]);
        expect(chain[6]).toMatch(/^local\.file "token" \{[^]*\}$/);
        expect(chain[chain.length - 1]).toBe(MAIN);
    });
});

const REAL = path.join(SHARED, 'real-configs/alloy-scenarios');
const realFiles = fs.existsSync(REAL) ? (fs.readdirSync(REAL, { recursive: true }) as string[]).filter((f) => f.endsWith('.alloy')).map((f) => path.join(REAL, f)) : [];
if (!realFiles.length) console.warn(`editing aids: ${REAL} not found; the real-config checks are skipped`);

describe.skipIf(!realFiles.length)('on real-world configurations', () => {
    it('every link leads to an existing file or a well-formed URL written in the file; selection ranges nest', async () => {
        const real = new LspClient();
        await real.initialize(URI.file(REAL).toString());
        try {
            let links = 0;
            for (const file of realFiles) {
                const text = fs.readFileSync(file, 'utf8');
                const fileUri = URI.file(file).toString();
                const ready = real.nextDiagnostics(fileUri);
                real.open(fileUri, text);
                await ready;
                for (const link of await real.request<DocumentLink[]>('textDocument/documentLink', { textDocument: { uri: fileUri } })) {
                    links++;
                    if (link.target!.startsWith('file:')) expect(fs.existsSync(URI.parse(link.target!).fsPath)).toBe(true);
                    else expect(text).toContain(`"${link.target}"`);
                }
                const lines = text.split('\n');
                const positions = lines.map((l, line) => ({ line, character: Math.floor(l.length / 2) })).filter((_, i) => i % 7 === 0);
                const ranges = await real.request<SelectionRange[]>('textDocument/selectionRange', { textDocument: { uri: fileUri }, positions });
                expect(ranges).toHaveLength(positions.length);
                real.close(fileUri);
            }
            expect(links).toBeGreaterThan(0);
            expect(real.logs.filter((l) => l.type === 1)).toEqual([]);
        } finally {
            await real.stop();
        }
    }, 120_000);
});
