// `flowlens lsp` driven the way Neovim, Helix, Zed or Emacs drive it: an
// external JSON-RPC client that starts the command from the README and speaks
// LSP over its standard streams (or a loopback socket).

import { type ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createMessageConnection, type MessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { ROOT } from './run-cli.js';

const BIN = path.join(ROOT, 'bin', 'flowlens.cjs');
const URI = pathToFileURL(path.join(ROOT, 'virtual', 'main.alloy')).href;
const TEXT = 'local.file "data" {\n  filename = "/etc/hosts"\n}\n\nlocal.file "copy" {\n\tfilename = local.file.data.content\n\tbogus = 1 2\n}\n';

interface Editor {
    rpc: MessageConnection;
    diagnostics: Promise<Array<{ message: string; range: { start: { line: number } } }>>;
}

function attach(input: NodeJS.ReadableStream, output: NodeJS.WritableStream): Editor {
    const rpc = createMessageConnection(new StreamMessageReader(input), new StreamMessageWriter(output));
    const diagnostics = new Promise<Editor['diagnostics'] extends Promise<infer T> ? T : never>((resolve) => {
        rpc.onNotification('textDocument/publishDiagnostics', (p: { uri: string; diagnostics: never[] }) => {
            if (p.uri === URI && p.diagnostics.length > 0) resolve(p.diagnostics);
        });
    });
    rpc.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => null));
    rpc.onRequest('client/registerCapability', () => null);
    rpc.onRequest('window/workDoneProgress/create', () => null);
    rpc.listen();
    return { rpc, diagnostics };
}

async function initialize(rpc: MessageConnection): Promise<{ capabilities: Record<string, unknown> }> {
    const result = await rpc.sendRequest<{ capabilities: Record<string, unknown> }>('initialize', {
        processId: process.pid,
        rootUri: null,
        capabilities: { textDocument: { publishDiagnostics: {}, hover: { contentFormat: ['markdown'] }, rename: { prepareSupport: true } } },
    });
    await rpc.sendNotification('initialized', {});
    return result;
}

function exited(child: ChildProcess): Promise<number | null> {
    return new Promise((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))));
}

const children: ChildProcess[] = [];
afterAll(() => {
    for (const child of children) if (child.exitCode === null) child.kill();
});

describe('flowlens lsp --stdio', () => {
    it('serves diagnostics, hover, formatting and rename, then shuts down and exits', async () => {
        const child = spawn(process.execPath, [BIN, 'lsp', '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
        children.push(child);
        const { rpc, diagnostics } = attach(child.stdout!, child.stdin!);

        const init = await initialize(rpc);
        expect(init.capabilities).toMatchObject({ hoverProvider: true, documentFormattingProvider: true });
        expect(init.capabilities.renameProvider).toBeTruthy();

        await rpc.sendNotification('textDocument/didOpen', { textDocument: { uri: URI, languageId: 'alloy', version: 1, text: TEXT } });
        const found = await diagnostics;
        expect(found.map((d) => [d.range.start.line, d.message])).toContainEqual([6, 'expected TERMINATOR, got NUMBER']);

        const hover = await rpc.sendRequest<{ contents: { value: string } }>('textDocument/hover', { textDocument: { uri: URI }, position: { line: 0, character: 2 } });
        expect(hover.contents.value).toContain('local.file');

        // Formatting needs a file without syntax errors: fix it first.
        const fixed = TEXT.replace('\tbogus = 1 2\n', '');
        await rpc.sendNotification('textDocument/didChange', { textDocument: { uri: URI, version: 2 }, contentChanges: [{ text: fixed }] });
        const edits = await rpc.sendRequest<Array<{ newText: string }>>('textDocument/formatting', { textDocument: { uri: URI }, options: { tabSize: 4, insertSpaces: false } });
        expect(edits.length).toBeGreaterThan(0);
        expect(edits.map((e) => e.newText).join('')).toContain('\t');

        const rename = await rpc.sendRequest<{ changes?: Record<string, Array<{ newText: string }>>; documentChanges?: unknown[] }>('textDocument/rename', {
            textDocument: { uri: URI },
            position: { line: 0, character: 13 },
            newName: 'source',
        });
        const renameEdits = rename.changes?.[URI] ?? [];
        expect(renameEdits.length).toBe(2); // the label and the reference
        expect(renameEdits.every((e) => e.newText.includes('source'))).toBe(true);

        await rpc.sendRequest('shutdown');
        await rpc.sendNotification('exit');
        expect(await exited(child)).toBe(0);
        rpc.dispose();
    }, 60_000);
});

describe('flowlens lsp --socket', () => {
    it('listens on 127.0.0.1, prints the port, and serves the editor that connects', async () => {
        const child = spawn(process.execPath, [BIN, 'lsp', '--socket', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
        children.push(child);
        const port = await new Promise<number>((resolve, reject) => {
            let err = '';
            child.stderr!.on('data', (d) => {
                err += String(d);
                const m = /listening on 127\.0\.0\.1:(\d+)/.exec(err);
                if (m) resolve(Number(m[1]));
            });
            child.once('exit', () => reject(new Error(`exited: ${err}`)));
        });
        const socket = net.connect(port, '127.0.0.1');
        const { rpc } = attach(socket, socket);
        const init = await initialize(rpc);
        expect(init.capabilities).toMatchObject({ hoverProvider: true });
        await rpc.sendRequest('shutdown');
        await rpc.sendNotification('exit');
        expect(await exited(child)).toBe(0);
        rpc.dispose();
        socket.destroy();
    }, 60_000);

    it('refuses a transport it does not know, with a suggestion', async () => {
        const child = spawn(process.execPath, [BIN, 'lsp', '--stdoi'], { stdio: ['ignore', 'ignore', 'pipe'] });
        let err = '';
        child.stderr!.on('data', (d) => (err += String(d)));
        expect(await exited(child)).toBe(2);
        expect(err).toBe('flowlens: unknown option --stdoi (did you mean --stdio?)\nsee `flowlens help lsp`\n');
    });
});
