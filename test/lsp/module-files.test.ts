// Files that are modules are checked as modules through the LSP: a file that
// another workspace file loads (module.file, import.file, a local import.git
// clone), or one that only makes sense as a module (argument or export blocks
// at its top level), even when nothing loads it. No false errors, no
// "Run pipeline" lens, an Outline without problems.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { URI } from 'vscode-uri';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LspClient } from './lsp-client.js';

const ROOT = path.resolve(__dirname, '../..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowlens-module-files-'));
const files: Record<string, string> = {
    'agent/main.river': fs.readFileSync(path.join(ROOT, 'examples/agent-modules/main.river'), 'utf8'),
    'agent/modules/settings.river': fs.readFileSync(path.join(ROOT, 'examples/agent-modules/modules/settings.river'), 'utf8'),
    'lone/module.river': 'argument "path" {\n\toptional = true\n\tdefault = "/etc/hosts"\n}\n\nlocal.file "f" {\n\tfilename = argument.path.value\n}\n\nexport "content" {\n\tvalue = local.file.f.content\n}\n',
    'lone/module.alloy': 'argument "name" { }\n\nexport "greeting" {\n\tvalue = "hello " + argument.name.value\n}\n',
    'git/main.river': 'module.git "shared" {\n\trepository = "./clone"\n\tpath = "shared.river"\n}\n',
    'git/clone/shared.river': 'local.file "x" {\n\tfilename = "/etc/hosts"\n}\n',
};
for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
}
const uri = (name: string) => URI.file(path.join(dir, name)).toString();
let client: LspClient;

beforeAll(async () => {
    client = new LspClient();
    const checked = Object.keys(files).map((name) => client.nextDiagnostics(uri(name)));
    await client.initialize(URI.file(dir).toString());
    await Promise.all(checked);
});
afterAll(async () => {
    await client?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
});

async function diagnosticsOf(name: string) {
    const published = client.nextDiagnostics(uri(name));
    client.open(uri(name), files[name]);
    return (await published).map((d) => `${d.severity}:${d.message}`);
}

const lenses = (name: string) => client.request<Array<{ command: { title: string } }>>('textDocument/codeLens', { textDocument: { uri: uri(name) } });

describe('module files in the editor', () => {
    it('checks a module.file target as the module it is: no errors, no Run lens, a clean Outline', async () => {
        expect(await diagnosticsOf('agent/modules/settings.river')).toEqual([]);
        expect(await lenses('agent/modules/settings.river')).toEqual([]);
        const outline = await client.request<Array<{ name: string }>>('textDocument/documentSymbol', { textDocument: { uri: uri('agent/modules/settings.river') } });
        expect(outline.map((s) => s.name)).toEqual(['argument "path"', 'local.file "config"', 'export "output"']);
        // The configuration that loads it still runs.
        expect(await diagnosticsOf('agent/main.river')).toEqual([]);
        expect((await lenses('agent/main.river')).map((l) => l.command.title)).toEqual(['▶ Run pipeline']);
    });

    it('checks a lone file with argument or export blocks as a module (River and Alloy)', async () => {
        for (const name of ['lone/module.river', 'lone/module.alloy']) {
            expect(await diagnosticsOf(name)).toEqual([]);
            expect(await lenses(name)).toEqual([]);
        }
        // A real mistake inside the module is still reported.
        const broken = client.nextDiagnostics(uri('lone/module.alloy'), (d) => d.length > 0);
        client.change(uri('lone/module.alloy'), files['lone/module.alloy'].replace('argument.name.value', 'argument.nme.value'), 2);
        expect((await broken).map((d) => d.message)).toEqual([expect.stringContaining('argument.nme')]);
    });

    it('treats the file a local import.git clone loads as a module', async () => {
        expect(await diagnosticsOf('git/clone/shared.river')).toEqual([]);
        expect(await lenses('git/clone/shared.river')).toEqual([]);
    });

    it('turns a file into a module when another starts loading it, and back', async () => {
        const name = 'lone/later.river';
        const text = 'local.file "y" {\n\tfilename = "/etc/hosts"\n}\n';
        fs.writeFileSync(path.join(dir, name), text);
        files[name] = text;
        expect(await diagnosticsOf(name)).toEqual([]);
        expect(await lenses(name)).toHaveLength(1);
        const loader = 'agent/main.river';
        const loads = files[loader] + '\nmodule.file "later" {\n\tfilename = "../lone/later.river"\n}\n';
        const rechecked = client.nextDiagnostics(uri(loader));
        client.change(uri(loader), loads, 2);
        await rechecked;
        expect(await lenses(name)).toEqual([]);
        const back = client.nextDiagnostics(uri(loader));
        client.change(uri(loader), files[loader], 3);
        await back;
        expect(await lenses(name)).toHaveLength(1);
        expect(client.logs.filter((l) => l.type === 1)).toEqual([]);
    });
});
