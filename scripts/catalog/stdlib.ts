// Parses the standard-library reference pages into StdlibEntry records.
//
// Alloy: one page per namespace (`string.md` has `## string.format`, ...), plus the
// un-namespaced `coalesce` and `json_path` pages and `constants.md`, which lists
// `constants.*` fields as bullets. Agent Flow v0.40: one page per function.

import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { StdlibEntry } from '../../language/catalog/schema.js';
import { DEPRECATED_ALIASES } from '../../language/eval/stdlib.js';
import { stabilityOf } from './components.js';
import { IncludeResolver } from './includes.js';
import { cleanInline, codeBlocks, sections, splitFrontMatter, type Section } from './markdown.js';

/**
 * Deprecated un-namespaced Alloy names and their replacements: the evaluator's table
 * (notes §4). The docs only keep the old names as page aliases, which is checked below
 * so a drift between this table and the docs fails the build.
 */
export const ALLOY_DEPRECATED_ALIASES: Readonly<Record<string, string>> = DEPRECATED_ALIASES;

/**
 * Parameter lists for functions whose docs show no `name(params)` block, from the Go
 * implementations summarized in notes §4. Used only when the docs have no signature.
 */
const SIGNATURE_SUPPLEMENT: Readonly<Record<string, string>> = {
    'array.combine_maps': '(list1, list2, keys[, passthrough])',
    'array.concat': '(lists...)',
    'array.group_by': '(list, key, drop)',
    coalesce: '(values...)',
    concat: '(lists...)',
    'convert.nonsensitive': '(secret)',
    'encoding.from_base64': '(string)',
    'encoding.from_json': '(string)',
    'encoding.from_URLbase64': '(string)',
    'encoding.from_yaml': '(string)',
    'encoding.to_base64': '(string)',
    'encoding.to_json': '(object)',
    'encoding.to_URLbase64': '(string)',
    'encoding.url_decode': '(string)',
    'encoding.url_encode': '(string)',
    env: '(name)',
    'file.path_join': '(elements...)',
    json_decode: '(string)',
    json_path: '(json_string, path)',
    nonsensitive: '(secret)',
    'string.to_lower': '(string)',
    'string.to_upper': '(string)',
    'string.trim_prefix': '(string, prefix)',
    'string.trim_space': '(string)',
    'string.trim_suffix': '(string, suffix)',
    'sys.env': '(name)',
    to_lower: '(string)',
    to_upper: '(string)',
    trim_prefix: '(string, prefix)',
    trim_space: '(string)',
    trim_suffix: '(string, suffix)',
};

interface StdlibPage {
    readonly file: string;
    readonly title: string;
    readonly canonical: string;
    readonly stage?: string;
    readonly aliases: readonly string[];
    readonly sections: readonly Section[];
    readonly body: string;
}

function readPages(dir: string, docsFallback: (name: string) => string): StdlibPage[] {
    return readdirSync(dir)
        .filter((f) => f.endsWith('.md') && f !== '_index.md')
        .sort()
        .map((f) => {
            const file = join(dir, f);
            const raw = readFileSync(file, 'utf8');
            const { frontMatter, body } = splitFrontMatter(raw);
            const title = cleanInline(frontMatter.title ?? basename(f, '.md'));
            // Old page names kept as Hugo aliases: `./format/ # ...` → `format`.
            const aliases = [...raw.matchAll(/^\s*-\s*\.\/([A-Za-z0-9_]+)\/?/gm)].map((m) => m[1]);
            return {
                file,
                title,
                canonical: frontMatter.canonical?.startsWith('https://grafana.com/docs/') ? frontMatter.canonical : docsFallback(title),
                stage: frontMatter.stage,
                aliases,
                sections: sections(body),
                body,
            };
        });
}

const FUNCTION_NAME = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?$/;
const NOT_FUNCTIONS = /^examples?$/i;

/** `(spec, values...)` from a fenced block that is exactly `string.format(spec, values...)`. */
function signatureOf(lines: readonly string[], names: readonly string[]): string | undefined {
    for (const code of codeBlocks(lines)) {
        const text = code.trim();
        for (const name of names) {
            const m = new RegExp(`^${name.replace(/\./g, '\\.')}(\\([^\\n]*\\))$`).exec(text);
            // Skip examples such as `encoding.from_json("15")`: a signature has no literals.
            if (m && !/["\d]/.test(m[1])) return m[1];
        }
    }
    return undefined;
}

/** Experimental functions include the `stability/experimental*.md` banner in their section. */
function sectionStage(lines: readonly string[], pageStage: string | undefined): string | undefined {
    const lookups = IncludeResolver.lookups(lines.join('\n'));
    if (lookups.some((l) => /stability\/experimental/.test(l))) return 'experimental';
    if (lookups.some((l) => /stability\/public_preview/.test(l))) return 'public-preview';
    return pageStage;
}

/** `constants.md`: `* \`constants.hostname\`: ...` bullets. */
function constantsOf(page: StdlibPage): StdlibEntry[] {
    return [...page.body.matchAll(/^\s*[*-]\s+`([A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*)`\s*:/gm)].map((m) => ({
        name: m[1],
        kind: 'constant' as const,
        stability: stabilityOf(page.stage),
        docs: page.canonical,
    }));
}

function functionsOf(page: StdlibPage): StdlibEntry[] {
    const headings = page.sections.filter((s) => s.level === 2 && !NOT_FUNCTIONS.test(cleanInline(s.text)));
    const named = headings.filter((s) => FUNCTION_NAME.test(cleanInline(s.text)));
    if (named.length === 0) {
        // A page documenting a single function, named by its title (`coalesce`, `env`).
        const signature = signatureOf(page.body.split('\n'), [page.title]);
        return [
            {
                name: page.title,
                kind: 'function',
                ...(signature ? { signature } : {}),
                stability: stabilityOf(sectionStage(page.body.split('\n'), page.stage)),
                docs: page.canonical,
            },
        ];
    }
    return named.map((section) => {
        const heading = cleanInline(section.text);
        // `convert.md` writes `## nonsensitive` for `convert.nonsensitive`.
        const name = heading.includes('.') ? heading : `${page.title}.${heading}`;
        const signature = signatureOf(section.allLines, [name, heading]);
        return {
            name,
            kind: 'function' as const,
            ...(signature ? { signature } : {}),
            stability: stabilityOf(sectionStage(section.allLines, page.stage)),
            docs: `${page.canonical}#${section.anchor}`,
        };
    });
}

function parsePages(pages: readonly StdlibPage[]): StdlibEntry[] {
    return pages
        .flatMap((page) => (page.title === 'constants' ? constantsOf(page) : functionsOf(page)))
        .map((entry) =>
            entry.kind === 'function' && entry.signature === undefined && SIGNATURE_SUPPLEMENT[entry.name] !== undefined
                ? { ...entry, signature: SIGNATURE_SUPPLEMENT[entry.name] }
                : entry,
        );
}

export function parseAlloyStdlib(dir: string): StdlibEntry[] {
    const pages = readPages(dir, (name) => `https://grafana.com/docs/alloy/latest/reference/stdlib/${name}/`);
    const entries = parsePages(pages);
    const byName = new Map(entries.map((e) => [e.name, e]));
    for (const [alias, replacement] of Object.entries(ALLOY_DEPRECATED_ALIASES)) {
        const target = byName.get(replacement);
        if (!target) throw new Error(`stdlib: replacement ${replacement} for deprecated ${alias} is not documented`);
        const page = pages.find((p) => replacement.startsWith(`${p.title}.`));
        if (!page?.aliases.includes(alias)) {
            throw new Error(`stdlib: ${page?.file ?? replacement} does not list ./${alias}/ as an alias`);
        }
        entries.push({
            name: alias,
            kind: 'function',
            ...(target.signature ? { signature: target.signature } : {}),
            stability: target.stability,
            replacement,
            docs: target.docs,
        });
    }
    return entries;
}

export function parseRiverStdlib(dir: string): StdlibEntry[] {
    const pages = readPages(dir, (name) => `https://grafana.com/docs/agent/v0.40/flow/reference/stdlib/${name}/`);
    return parsePages(pages);
}
