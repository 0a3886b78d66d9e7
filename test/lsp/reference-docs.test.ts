// Hover and completion descriptions from Alloy's reference docs, read from
// the copy that flowlens.docsPath names (../shared/alloy/docs here): each
// description shown is the docs' own text for that component, argument,
// block, export or function; without the setting, no prose is shown.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { URI } from 'vscode-uri';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHARED } from '../conformance/shared.js';
import { LspClient } from './lsp-client.js';

const DOCS = path.join(SHARED, 'alloy/docs');
const available = fs.existsSync(path.join(DOCS, 'reference/components'));
if (!available) console.warn(`reference docs: ${DOCS} not found; the description tests are skipped`);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowlens-docs-'));
const MAIN = `prometheus.remote_write "default" {
	external_labels = { cluster = "a" }
	endpoint {
		url = string.format("https://%s/api/v1/push", "mimir")
		basic_auth {
			username = "me"
		}
	}
}

local.file "sink" {
	filename = prometheus.remote_write.default.receiver
}
`;
const uri = URI.file(path.join(dir, 'main.alloy')).toString();
let client: LspClient;

function pos(needle: string, delta = 0) {
    const at = MAIN.indexOf(needle);
    const before = MAIN.slice(0, at + delta);
    return { line: before.split('\n').length - 1, character: before.length - before.lastIndexOf('\n') - 1 };
}

const hover = async (needle: string, delta = 0) => (await client.request<{ contents: { value: string } }>('textDocument/hover', { textDocument: { uri }, position: pos(needle, delta) })).contents.value;
/** The docs' text of a page (and the shared parts), whitespace collapsed. */
const page = (...files: string[]) => files.map((f) => fs.readFileSync(path.join(DOCS, f), 'utf8')).join(' ').replace(/\s+/g, ' ');
/** The prose paragraph of a hover: the last one. */
const prose = (markdown: string) => markdown.split('\n\n').pop()!;

describe.skipIf(!available)('descriptions from the reference docs', () => {
    beforeAll(async () => {
        fs.writeFileSync(path.join(dir, 'main.alloy'), MAIN);
        client = new LspClient();
        await client.initialize(URI.file(dir).toString());
        const ready = client.nextDiagnostics(uri);
        client.configure({ docsPath: DOCS });
        client.open(uri, MAIN);
        await ready;
    });
    afterAll(async () => {
        await client.stop();
        fs.rmSync(dir, { recursive: true, force: true });
    });

    const remoteWrite = 'reference/components/prometheus/prometheus.remote_write.md';

    it('hovers a component, an argument, a nested block and its argument with the docs text', async () => {
        const component = await hover('prometheus.remote_write "default"', 3);
        expect(component).toContain('**prometheus.remote_write** "default"');
        expect(component.split('\n\n')[1].length).toBeGreaterThan(40);
        // Its first sentence as written (later ones may hold links, shown as their text).
        expect(page(remoteWrite)).toContain(component.split('\n\n')[1].split('. ')[0]);
        for (const [needle, file] of [['external_labels', remoteWrite], ['url =', remoteWrite], ['endpoint {', remoteWrite], ['username', 'shared/reference/components/basic-auth-block.md']]) {
            const text = prose(await hover(needle, 1));
            expect(text.length, needle).toBeGreaterThan(10);
            expect(page(file), needle).toContain(text);
        }
        expect(await hover('url =', 1)).toContain('`url`: `string` (required)');
    });

    it('hovers an export and a stdlib function with the docs text', async () => {
        const exported = prose(await hover('.receiver', 2));
        expect(page(remoteWrite)).toContain(exported);
        const fn = prose(await hover('string.format', 8));
        expect(fn.length).toBeGreaterThan(20);
        expect(page('reference/stdlib/string.md')).toContain(fn);
    });

    it('documents completion items: components, attributes and functions', async () => {
        const doc = URI.file(path.join(dir, 'main.alloy')).toString();
        const items = async (position: { line: number; character: number }) =>
            (await client.request<{ items: Array<{ label: string; documentation?: { value: string } }> }>('textDocument/completion', { textDocument: { uri: doc }, position })).items;
        const inEndpoint = await items({ line: 4, character: 2 });
        const timeout = inEndpoint.find((i) => i.label === 'remote_timeout')!;
        expect(page(remoteWrite)).toContain(timeout.documentation!.value.split('\n\n')[0]);
        expect(timeout.documentation!.value).toContain('default: `"30s"`');
        const fns = await items(pos('string.format', 7));
        expect(page('reference/stdlib/string.md')).toContain(prose(fns.find((i) => i.label === 'format')!.documentation!.value));
    });

    it('shows no prose without the setting', async () => {
        const withDocs = await hover('external_labels', 1);
        const plain = client.nextDiagnostics(uri);
        client.configure({});
        await plain;
        const without = await hover('external_labels', 1);
        expect(without).toContain('`external_labels`: `map(string)`');
        expect(withDocs).toBe(`${without}\n\n${prose(withDocs)}`);
    });
});
