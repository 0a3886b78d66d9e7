// No false errors on real configurations: every complete example in Alloy's
// reference docs that parses cleanly must check without errors. An example is
// complete when it is in a page's "Example" section, has no <PLACEHOLDER>
// values, and defines every component it references (snippets elsewhere in a
// page illustrate one argument and are not meant to run).

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeConfiguration } from '../../language/analysis/analyze.js';
import { DEFAULT_OPTIONS } from '../../language/analysis/options.js';
import { DiskFileHost } from '../../language/model/host.js';
import { parse } from '../../language/syntax/parser.js';
import { SHARED } from './shared.js';

/**
 * Reviewed: examples in the docs that the Go argument structs reject, as Alloy would.
 * gelf and scrape#3 leave out required attributes (`forward_to`, `targets`), datadog#1 puts
 * `resource_attributes_as_tags` in `metrics` (it belongs in `metrics > exporter`), and
 * remote.http#1 gives prometheus.remote_write a `client` block (it is `endpoint`).
 */
const DOCS_EXAMPLES_GO_REJECTS: Record<string, string[]> = {
    'components/loki/loki.source.gelf.md#1': ['missing-attribute: missing required attribute "forward_to"'],
    'components/otelcol/otelcol.exporter.datadog.md#1': ['unknown-attribute: unrecognized attribute name "resource_attributes_as_tags"'],
    'components/prometheus/prometheus.scrape.md#3': ['missing-attribute: missing required attribute "targets"', 'missing-attribute: missing required attribute "forward_to"'],
    'components/remote/remote.http.md#1': ['unknown-block: unrecognized block name "client"'],
};

const DOCS = path.join(SHARED, 'alloy/docs/reference');

function markdownFiles(dir: string): string[] {
    if (!fs.existsSync(dir)) return [];
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? markdownFiles(path.join(dir, e.name)) : e.name.endsWith('.md') ? [path.join(dir, e.name)] : []));
}

interface Example {
    page: string;
    index: number;
    text: string;
}

function examples(): Example[] {
    const out: Example[] = [];
    for (const file of markdownFiles(DOCS)) {
        const md = fs.readFileSync(file, 'utf8');
        let index = 0;
        let section = '';
        for (const m of md.matchAll(/^(#{2,3}) (.*)$|```alloy\n([\s\S]*?)```/gm)) {
            if (m[1]?.length === 2) section = m[2];
            if (m[3] === undefined) continue;
            const text = m[3];
            if (/^examples?\b/i.test(section) && !/<[A-Z_]+>/.test(text)) out.push({ page: path.relative(DOCS, file), index, text });
            index++;
        }
    }
    return out;
}

describe.skipIf(!fs.existsSync(DOCS))('Alloy docs examples', () => {
    const all = examples();
    const host = new DiskFileHost();
    const results = all
        .filter((e) => parse(e.text).errors.length === 0)
        .map((e) => {
            const file = { path: `/docs/${e.page.replace(/\//g, '_')}_${e.index}.alloy`, parsed: parse(e.text), dialect: 'alloy' as const };
            const analysis = analyzeConfiguration([file], host, { ...DEFAULT_OPTIONS, env: {} }, '/docs');
            return { example: e, diagnostics: analysis.diagnostics };
        });
    const complete = results.filter((r) => !r.diagnostics.some((d) => d.code === 'unknown-reference' || (d.code === 'unknown-component' && d.severity === 'warning')));

    it('finds the examples', () => {
        console.log(`docs examples: ${all.length} fences, ${results.length} parse cleanly, ${complete.length} complete`);
        expect(complete.length).toBeGreaterThan(100);
    });

    it('checks every complete example without errors, except the reviewed ones Alloy\'s Go structs reject', () => {
        const failures = complete
            .map((r) => ({ where: `${r.example.page}#${r.example.index}`, errors: r.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code}: ${d.message}`) }))
            .filter((f) => f.errors.length > 0);
        expect(Object.fromEntries(failures.map((f) => [f.where, f.errors]))).toEqual(DOCS_EXAMPLES_GO_REJECTS);
    });
});
