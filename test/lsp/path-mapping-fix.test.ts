// The quick fix for a module file missing at an absolute path: it adds a
// flowlens.pathMappings entry to the workspace settings when the workspace has
// a file of that name; applied (the settings file written and sent as VS Code
// would), the configuration checks clean.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'jsonc-parser';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { URI } from 'vscode-uri';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LspClient } from './lsp-client.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowlens-pathmap-'));
const files: Record<string, string> = {
    'server/main.alloy': 'import.file "lib" {\n\tfilename = "/etc/alloy/modules/helper.alloy"\n}\n\nlib.helper "x" { }\n',
    'deploy/alloy/modules/helper.alloy': 'declare "helper" { }\n',
    'broken/main.alloy': 'import.file "lib" {\n\tfilename = "/opt/conf/broken.alloy"\n}\n\nlib.helper "x" { }\n',
    // Loading it would report an error the configuration does not report now.
    'elsewhere/broken.alloy': 'declare "helper" {\n\tprometheus.no_such_component "x" { }\n}\n',
    'missing/main.alloy': 'import.file "lib" {\n\tfilename = "/etc/alloy/nowhere.alloy"\n}\n',
};
const uri = (name: string) => URI.file(path.join(dir, name)).toString();
const settingsFile = path.join(dir, '.vscode/settings.json');
let client: LspClient;

interface Action {
    title: string;
    edit: {
        changes?: Record<string, Array<{ range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string }>>;
        documentChanges?: Array<{ kind?: string; uri?: string; edits?: Array<{ newText: string }> }>;
    };
}

async function diagnosticsOf(name: string): Promise<Diagnostic[]> {
    const pending = client.nextDiagnostics(uri(name));
    client.open(uri(name), fs.readFileSync(path.join(dir, name), 'utf8'));
    return pending;
}

async function actionsFor(name: string, d: Diagnostic): Promise<Action[]> {
    return client.request<Action[]>('textDocument/codeAction', { textDocument: { uri: uri(name) }, range: d.range, context: { diagnostics: [d] } });
}

/** Applies a WorkspaceEdit's text edits to a file's text (offsets from line/character). */
function applied(text: string, edits: NonNullable<Action['edit']['changes']>[string]): string {
    const lines = text.split('\n');
    const offset = (p: { line: number; character: number }) => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
    return [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start)).reduce((t, e) => t.slice(0, offset(e.range.start)) + e.newText + t.slice(offset(e.range.end)), text);
}

beforeAll(async () => {
    for (const [name, content] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
        fs.writeFileSync(path.join(dir, name), content);
    }
    client = new LspClient();
    await client.initialize(URI.file(dir).toString());
    client.configure({});
});
afterAll(async () => {
    await client.stop();
    fs.rmSync(dir, { recursive: true, force: true });
});

describe('path mapping quick fix', () => {
    it('creates the workspace settings with the mapping; applied, the configuration checks clean', async () => {
        const d = (await diagnosticsOf('server/main.alloy')).find((x) => x.code === 'module-not-found')!;
        expect(d).toBeDefined();
        const actions = await actionsFor('server/main.alloy', d);
        expect(actions.map((a) => a.title)).toEqual(['Map /etc/alloy to ${workspaceFolder}/deploy/alloy in flowlens.pathMappings (workspace settings)']);
        const [create, content] = actions[0].edit.documentChanges!;
        expect(create).toMatchObject({ kind: 'create', uri: URI.file(settingsFile).toString() });
        fs.mkdirSync(path.dirname(settingsFile), { recursive: true });
        fs.writeFileSync(settingsFile, content.edits![0].newText);
        const settings = parse(fs.readFileSync(settingsFile, 'utf8')) as Record<string, unknown>;
        expect(settings).toEqual({ 'flowlens.pathMappings': { '/etc/alloy': '${workspaceFolder}/deploy/alloy' } });
        // VS Code sends the changed section.
        const clean = client.nextDiagnostics(uri('server/main.alloy'), (ds) => ds.length === 0);
        client.configure({ pathMappings: settings['flowlens.pathMappings'] });
        expect(await clean).toEqual([]);
    });

    it('adds to existing settings and keeps their comments', async () => {
        const missingAgain = client.nextDiagnostics(uri('server/main.alloy'), (ds) => ds.some((x) => x.code === 'module-not-found'));
        client.configure({});
        fs.writeFileSync(settingsFile, '{\n\t// tabs, please\n\t"editor.insertSpaces": false\n}\n');
        const d = (await missingAgain).find((x) => x.code === 'module-not-found')!;
        const [action] = await actionsFor('server/main.alloy', d);
        const edits = action.edit.changes![URI.file(settingsFile).toString()];
        const text = applied(fs.readFileSync(settingsFile, 'utf8'), edits);
        expect(text).toContain('// tabs, please');
        expect(parse(text)).toEqual({ 'editor.insertSpaces': false, 'flowlens.pathMappings': { '/etc/alloy': '${workspaceFolder}/deploy/alloy' } });
    });

    it('is not offered when no workspace file has the name, nor when loading the file found would add an error', async () => {
        const missing = (await diagnosticsOf('missing/main.alloy')).find((x) => x.code === 'module-not-found')!;
        expect(await actionsFor('missing/main.alloy', missing)).toEqual([]);
        const broken = (await diagnosticsOf('broken/main.alloy')).find((x) => x.code === 'module-not-found')!;
        expect(broken).toBeDefined();
        expect(await actionsFor('broken/main.alloy', broken)).toEqual([]);
    });
});
