// Types every example and every real-world configuration into the real
// language server one character at a time (open empty, then one incremental
// didChange per keystroke, at the file's real path so its modules resolve) and,
// at sampled positions, asks for what an editor asks for while typing. The
// server must answer every request, stay alive and log no failure: not one
// feature failing soft, not one unhandled rejection.

import fs from 'node:fs';
import path from 'node:path';
import { URI } from 'vscode-uri';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHARED } from '../conformance/shared.js';
import { LspClient } from './lsp-client.js';

const ROOT = path.resolve(__dirname, '../..');
const REAL_CONFIGS = path.join(SHARED, 'real-configs/alloy-scenarios');
const CONFIG = /\.(alloy|river)$/;

function configFilesUnder(dir: string): string[] {
    if (!fs.existsSync(dir)) return [];
    return fs
        .readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile() && CONFIG.test(e.name))
        .map((e) => path.join(e.parentPath, e.name))
        .sort();
}

const examples = configFilesUnder(path.join(ROOT, 'examples'));
const realConfigs = configFilesUnder(REAL_CONFIGS);
if (realConfigs.length === 0) console.warn(`keystroke replay: ${REAL_CONFIGS} not found; only the examples are replayed`);

/**
 * Where the server must have analyzed the text typed so far: just after every
 * opening quote (a half-typed string literal is what broke the server) and at
 * a line end every `spacing` characters or so. At every `askEvery`-th of them
 * it is also asked for everything else.
 */
function checkpoints(text: string, spacing: number): number[] {
    const out: number[] = [];
    let last = 0;
    let inString = false;
    for (let i = 0; i < text.length; i++) {
        const c = text[i];
        if (c === '\\' && inString) {
            i++;
            continue;
        }
        const opening = c === '"' && !inString;
        if (c === '"') inString = !inString;
        if (opening || (c === '\n' && i + 1 - last >= spacing)) {
            out.push(i + 1);
            last = i + 1;
        }
    }
    if (out.at(-1) !== text.length) out.push(text.length);
    return out;
}

let client: LspClient;
const failures: string[] = [];

beforeAll(async () => {
    client = new LspClient();
    await client.initialize();
});
afterAll(async () => client?.stop());

const died = () =>
    client.exited.then(() => {
        throw new Error('the language server exited');
    });

/** Sends one request; an error answer is recorded as a failure. */
function ask(method: string, params: { textDocument?: { uri: string }; position?: { line: number; character: number }; [more: string]: unknown }): Promise<unknown> {
    return client.request(method, params).catch((e: unknown) => {
        const at = params.position ? `:${params.position.line + 1}:${params.position.character + 1}` : '';
        failures.push(`${method} at ${params.textDocument?.uri ?? ''}${at}: ${e instanceof Error ? e.message : String(e)}`);
    });
}

/** Everything else an editor asks while typing, at one position. */
function askEverything(uri: string, position: { line: number; character: number }): Promise<unknown> {
    const textDocument = { uri };
    return Promise.all([
        ask('textDocument/hover', { textDocument, position }),
        ask('textDocument/completion', { textDocument, position }),
        ask('textDocument/definition', { textDocument, position }),
        ask('textDocument/references', { textDocument, position, context: { includeDeclaration: true } }),
        ask('textDocument/documentHighlight', { textDocument, position }),
        ask('textDocument/signatureHelp', { textDocument, position }),
        ask('textDocument/documentLink', { textDocument }),
        ask('textDocument/selectionRange', { textDocument, positions: [position] }),
        ask('textDocument/prepareRename', { textDocument, position }),
        ask('textDocument/documentSymbol', { textDocument }),
        ask('textDocument/foldingRange', { textDocument }),
        ask('textDocument/semanticTokens/full', { textDocument }),
        ask('textDocument/inlayHint', { textDocument, range: { start: { line: 0, character: 0 }, end: position } }),
        ask('textDocument/codeLens', { textDocument }),
        ask('textDocument/formatting', { textDocument, options: { tabSize: 4, insertSpaces: false } }),
    ]);
}

/**
 * Types `text` into a new document at `file`'s path: one incremental change
 * per keystroke, sent in one didChange per checkpoint (as an editor batches
 * fast typing), then waits until the server has validated that prefix.
 */
async function replay(file: string, text: string): Promise<void> {
    const uri = URI.file(file).toString();
    client.open(uri, '', 1);
    let line = 0;
    let character = 0;
    let offset = 0;
    let version = 1;
    let n = 0;
    for (const stop of checkpoints(text, 60)) {
        const changes = [];
        // One change per code point: an editor never inserts half a surrogate pair.
        for (const c of text.slice(offset, stop)) {
            const at = { line, character };
            changes.push({ range: { start: at, end: at }, text: c });
            if (c === '\n') {
                line++;
                character = 0;
            } else {
                character += c.length;
            }
        }
        offset = stop;
        client.changes(uri, ++version, changes);
        const position = { line, character };
        // A code action request waits until the document is validated: this prefix was analyzed.
        const asked = [ask('textDocument/codeAction', { textDocument: { uri }, range: { start: position, end: position }, context: { diagnostics: [] } })];
        if (n++ % 8 === 0 || stop === text.length) asked.push(askEverything(uri, position));
        await Promise.race([died(), Promise.all(asked)]);
    }
    await ask('workspace/symbol', { query: '' });
    client.close(uri);
}

describe('typing every configuration keystroke by keystroke', () => {
    const files = [...examples, ...realConfigs];

    it(`keeps the server alive and failure-free over ${files.length} files`, { timeout: 240_000 }, async () => {
        let chars = 0;
        for (const file of files) {
            const text = fs.readFileSync(file, 'utf8');
            chars += text.length;
            await replay(file, text);
            expect(client.dead, `the server died while typing ${file}`).toBe(false);
        }
        const errors = client.logs.filter((l) => l.type === 1).map((l) => l.message);
        expect(failures).toEqual([]);
        expect(errors).toEqual([]);
        expect(client.stderr.join('')).toBe('');
        expect(chars).toBeGreaterThan(1000);
    });
});
