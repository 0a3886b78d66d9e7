// The real language server bundle, driven over LSP (stdio JSON-RPC).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { URI } from 'vscode-uri';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LspClient } from './lsp-client.js';

let client: LspClient;

beforeAll(async () => {
    client = new LspClient();
    await client.initialize();
});
afterAll(async () => client.stop());

describe('language server', () => {
    it('publishes syntax diagnostics with UTF-16 positions after non-ASCII text', async () => {
        const uri = 'file:///virtual/utf16.alloy';
        const pending = client.nextDiagnostics(uri);
        client.open(uri, 'logging {\n\tlevel = "😀 ünï" b\n}\n');
        const [d] = await pending;
        // "\tlevel = " is 9 code units, the string "😀 ünï" 8 (the emoji is a surrogate pair), then a space.
        expect(d).toMatchObject({
            message: 'expected TERMINATOR, got IDENT',
            code: 'syntax',
            source: 'flowlens',
            severity: 1,
            range: { start: { line: 1, character: 18 }, end: { line: 1, character: 19 } },
        });
    });

    it('updates diagnostics as the document changes', async () => {
        const uri = 'file:///virtual/edit.alloy';
        const first = client.nextDiagnostics(uri);
        client.open(uri, 'logging {\n\tlevel = "info" format = "json"\n}\n');
        expect(await first).toHaveLength(1);
        const second = client.nextDiagnostics(uri);
        client.change(uri, 'logging {\n\tlevel  = "info"\n\tformat = "json"\n}\n', 2);
        expect(await second).toEqual([]);
    });

    it('survives typing a module filename literal and decodes it as Alloy does', async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowlens-typing-'));
        try {
            fs.writeFileSync(path.join(dir, 'lib.alloy'), 'declare "helper" { }\n');
            const uri = URI.file(path.join(dir, 'main.alloy')).toString();
            const typing = client.nextDiagnostics(uri);
            client.open(uri, 'import.file "lib" {\n\tfilename = "\n}\n');
            expect((await typing).map((d) => d.message)).toContain('string literal not terminated');
            const escaped = client.nextDiagnostics(uri);
            client.change(uri, 'import.file "lib" {\n\tfilename = "\\x2e/lib\\x2ealloy"\n}\n\nlib.helper "x" { }\n', 2);
            expect(await escaped).toEqual([]);
            expect(client.logs.filter((l) => l.type === 1)).toEqual([]);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it('formats a document with minimal edits and leaves broken ones alone', async () => {
        const uri = 'file:///virtual/format.alloy';
        const opened = client.nextDiagnostics(uri);
        client.open(uri, 'keep = "same"\nx=1\nblock {}\n');
        await opened;
        const edits = await client.request<Array<{ range: unknown; newText: string }>>('textDocument/formatting', {
            textDocument: { uri },
            options: { tabSize: 4, insertSpaces: true },
        });
        expect(edits).toEqual([
            { range: { start: { line: 1, character: 0 }, end: { line: 3, character: 0 } }, newText: 'x    = 1\n\nblock { }\n' },
        ]);
        const broken = 'file:///virtual/broken.alloy';
        const b = client.nextDiagnostics(broken);
        client.open(broken, 'x=1 y=2\n');
        await b;
        expect(await client.request('textDocument/formatting', { textDocument: { uri: broken }, options: { tabSize: 4, insertSpaces: true } })).toEqual([]);
    });

    it('gives an outline labelled as Alloy shows blocks', async () => {
        const uri = 'file:///virtual/outline.alloy';
        const opened = client.nextDiagnostics(uri);
        client.open(uri, 'prometheus.scrape "default" {\n\ttargets = []\n\tbasic_auth {\n\t\tusername = "u"\n\t}\n}\n\ndeclare "add" { }\n');
        await opened;
        const symbols = await client.request<Array<{ name: string; kind: number; children?: Array<{ name: string; children?: unknown[] }> }>>(
            'textDocument/documentSymbol',
            { textDocument: { uri } },
        );
        expect(symbols.map((s) => s.name)).toEqual(['prometheus.scrape "default"', 'declare "add"']);
        expect(symbols[0].children!.map((c) => c.name)).toEqual(['targets', 'basic_auth']);
    });

    it('gives folding ranges for blocks and comment groups', async () => {
        const uri = 'file:///virtual/fold.alloy';
        const opened = client.nextDiagnostics(uri);
        client.open(uri, '// one\n// two\nblock {\n\tx = [\n\t\t1,\n\t]\n}\n');
        await opened;
        const ranges = await client.request<Array<{ startLine: number; endLine: number; kind?: string }>>('textDocument/foldingRange', { textDocument: { uri } });
        expect(ranges).toEqual(
            expect.arrayContaining([
                { startLine: 2, endLine: 5 },
                { startLine: 3, endLine: 4 },
                { startLine: 0, endLine: 1, kind: 'comment' },
            ]),
        );
    });

    it('gives semantic tokens for block names, labels, attributes, references and literals', async () => {
        const uri = 'file:///virtual/tokens.alloy';
        const opened = client.nextDiagnostics(uri);
        client.open(uri, 'prometheus.scrape "a" { // c\n\tforward_to = [prometheus.remote_write.x.receiver]\n\tn = string.format("%d", 1)\n}\n');
        await opened;
        const { data } = await client.request<{ data: number[] }>('textDocument/semanticTokens/full', { textDocument: { uri } });
        const legend = ['namespace', 'type', 'keyword', 'property', 'variable', 'function', 'string', 'number', 'comment', 'operator'];
        const tokens: string[] = [];
        let line = 0;
        let char = 0;
        const lines = 'prometheus.scrape "a" { // c\n\tforward_to = [prometheus.remote_write.x.receiver]\n\tn = string.format("%d", 1)\n}\n'.split('\n');
        for (let i = 0; i < data.length; i += 5) {
            line += data[i];
            char = data[i] === 0 ? char + data[i + 1] : data[i + 1];
            tokens.push(`${lines[line].slice(char, char + data[i + 2])}:${legend[data[i + 3]]}`);
        }
        expect(tokens).toEqual([
            'prometheus:namespace', 'scrape:type', '"a":string', '// c:comment',
            'forward_to:property', 'prometheus:variable', 'remote_write:property', 'x:property', 'receiver:property',
            'n:property', 'string:namespace', 'format:function', '"%d":string', '1:number',
        ]);
    });

    it('offers "Run pipeline" above the first block', async () => {
        const uri = 'file:///virtual/lens.alloy';
        const opened = client.nextDiagnostics(uri);
        client.open(uri, '// a pipeline\n\nlogging {\n\tlevel = "info"\n}\n');
        await opened;
        const lenses = await client.request<Array<{ range: { start: { line: number } }; command: { command: string; arguments: string[] } }>>('textDocument/codeLens', { textDocument: { uri } });
        expect(lenses).toEqual([{ range: { start: { line: 2, character: 0 }, end: { line: 2, character: 0 } }, command: { title: '▶ Run pipeline', command: 'flowlens.runPipeline', arguments: [uri] } }]);
    });
});
