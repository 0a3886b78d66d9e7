// Builds the two catalogs (alloy, river) from the reference docs and serializes them
// deterministically. Used by scripts/build-catalog.ts and by the freshness test.

import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { BlockSchema, Catalog, ComponentSchema, Dialect, StdlibEntry } from '../../language/catalog/schema.js';
import { parseComponentPage, type ComponentCopy, type PageReport } from './components.js';
import { IncludeResolver } from './includes.js';
import type { FrontMatter } from './markdown.js';
import { parseAlloyStdlib, parseRiverStdlib } from './stdlib.js';

/** Where each dialect's docs live below the shared directory. */
interface DialectSource {
    readonly dialect: Dialect;
    readonly root: string;
    /** Directory the `docs/shared lookup="..."` paths are relative to. */
    readonly sharedRoot: string;
    readonly repo: string;
    readonly docs: (frontMatter: FrontMatter, section: 'components' | 'config-blocks', name: string) => string;
    readonly parseStdlib: (dir: string) => StdlibEntry[];
}

/** The page's canonical URL, unless it is malformed (Agent Flow remotecfg says `remotecfgs://`). */
function canonicalOf(frontMatter: FrontMatter): string | undefined {
    return frontMatter.canonical?.startsWith('https://grafana.com/docs/') ? frontMatter.canonical : undefined;
}

/** Agent Flow pages point at `/docs/agent/latest/`; pin them to the v0.40 docs they describe. */
function pinAgentDocs(url: string): string {
    return url.replace('/docs/agent/latest/', '/docs/agent/v0.40/');
}

function sourcesFor(sharedDir: string): DialectSource[] {
    const alloyRoot = join(sharedDir, 'alloy');
    const agentRoot = join(sharedDir, 'agent-flow');
    return [
        {
            dialect: 'alloy',
            root: alloyRoot,
            sharedRoot: join(alloyRoot, 'docs', 'shared'),
            repo: 'grafana/alloy',
            docs: (fm, section, name) => canonicalOf(fm) ?? `https://grafana.com/docs/alloy/latest/reference/${section}/${name}/`,
            parseStdlib: parseAlloyStdlib,
        },
        {
            dialect: 'river',
            root: agentRoot,
            sharedRoot: join(agentRoot, 'docs', 'shared'),
            repo: 'grafana/agent',
            docs: (fm, section, name) =>
                pinAgentDocs(canonicalOf(fm) ?? `https://grafana.com/docs/agent/v0.40/flow/reference/${section}/${name}/`),
            parseStdlib: (dir) => parseRiverStdlib(dir).map((e) => ({ ...e, docs: pinAgentDocs(e.docs) })),
        },
    ];
}

/**
 * Config blocks that take a label. The rest (`logging`, `tracing`, `http`, `remotecfg`,
 * `livedebugging`) are singletons written without one (notes §2.1).
 */
const LABELLED_CONFIG_BLOCKS = new Set([
    'argument',
    'export',
    'declare',
    'foreach',
    'import.file',
    'import.git',
    'import.http',
    'import.string',
]);

/**
 * Facts the tables cannot express (notes §2.4, §2.5, loki.process docs prose):
 * blocks whose body is user-defined, and blocks that nest their parent's blocks.
 */
const FREEFORM_BLOCKS: readonly { component: string; path: readonly string[] }[] = [
    // `arguments { NAME = value ... }` passes arbitrary values to the loaded module.
    { component: 'module.file', path: ['arguments'] },
    { component: 'module.git', path: ['arguments'] },
    { component: 'module.http', path: ['arguments'] },
    { component: 'module.string', path: ['arguments'] },
    // `template { ... }` holds components.
    { component: 'foreach', path: ['template'] },
];
const RECURSIVE_BLOCKS: readonly { component: string; path: readonly string[]; blocksFrom: readonly string[] }[] = [
    // `stage.match` runs a nested pipeline of any top-level `stage.*` blocks.
    { component: 'loki.process', path: ['stage.match'], blocksFrom: [] },
];

export interface BuildReport {
    readonly dialect: Dialect;
    readonly pages: readonly PageReport[];
    readonly missingIncludes: readonly string[];
    readonly problems: string[];
}

export interface BuildResult {
    readonly catalog: Catalog;
    readonly report: BuildReport;
}

/** Markdown pages of a directory tree (`components/<ns>/<name>.md` or flat), sorted. */
function markdownFiles(dir: string): string[] {
    const out: string[] = [];
    for (const entry of readdirSync(dir).sort()) {
        const path = join(dir, entry);
        if (statSync(path).isDirectory()) out.push(...markdownFiles(path));
        else if (entry.endsWith('.md') && entry !== '_index.md') out.push(path);
    }
    return out;
}

/** The commit named in the reference data's README (`... at commit 66ebea856d.`). */
function sourceCommit(root: string): string {
    const readme = join(root, 'README.md');
    if (!existsSync(readme)) return 'unknown';
    return /commit\s+`?([0-9a-f]{7,40})/.exec(readFileSync(readme, 'utf8'))?.[1] ?? 'unknown';
}

export function buildCatalog(sharedDir: string, dialect: Dialect): BuildResult {
    const source = sourcesFor(sharedDir).find((s) => s.dialect === dialect)!;
    const reference = join(source.root, 'docs', 'reference');
    if (!existsSync(reference)) throw new Error(`reference docs not found: ${reference}`);
    const resolver = new IncludeResolver(source.sharedRoot);
    const pages: PageReport[] = [];
    const problems: string[] = [];

    const copies: { owner: string; copy: ComponentCopy }[] = [];
    const parseDir = (section: 'components' | 'config-blocks'): Record<string, ComponentSchema> => {
        const result: Record<string, ComponentSchema> = {};
        for (const file of markdownFiles(join(reference, section))) {
            const isConfig = section === 'config-blocks';
            const { schema, report, copies: pageCopies } = parseComponentPage(file, {
                resolver,
                kind: isConfig ? 'config' : 'component',
                // Built-in components always take a label; config blocks per LABELLED_CONFIG_BLOCKS.
                label: (name) => (!isConfig || LABELLED_CONFIG_BLOCKS.has(name) ? 'required' : 'forbidden'),
                docs: (fm, name) => source.docs(fm, section, name),
            });
            pages.push({ ...report, file: relative(sharedDir, file) });
            if (!schema) continue;
            if (result[schema.name]) problems.push(`duplicate page for ${schema.name}: ${relative(sharedDir, file)}`);
            copies.push(...pageCopies.map((copy) => ({ owner: schema.name, copy })));
            result[schema.name] = applyFacts(schema, problems);
        }
        return result;
    };

    const components = parseDir('components');
    const configBlocks = parseDir('config-blocks');
    for (const { owner, copy } of copies) {
        const from = components[copy.component];
        const target = components[owner];
        if (!from || !target) {
            problems.push(`${owner}: block ${copy.path.join(' > ')} refers to unknown component ${copy.component}`);
            continue;
        }
        const blocks = updateBlock(
            target.blocks,
            copy.path,
            (b) => ({ ...b, attributes: from.attributes.filter((a) => !copy.omit.includes(a.name)), blocks: from.blocks }),
            () => problems.push(`${owner}: no block ${copy.path.join(' > ')} to copy ${copy.component} into`),
        );
        components[owner] = { ...target, blocks };
    }
    const stdlib: Record<string, StdlibEntry> = {};
    for (const entry of source.parseStdlib(join(reference, 'stdlib'))) {
        if (stdlib[entry.name]) problems.push(`duplicate stdlib entry ${entry.name}`);
        stdlib[entry.name] = entry;
    }

    const catalog: Catalog = {
        dialect,
        source: `${source.repo} docs @${sourceCommit(source.root)}`,
        components,
        configBlocks,
        stdlib,
    };
    return { catalog, report: { dialect, pages, missingIncludes: [...resolver.missing].sort(), problems } };
}

function applyFacts(schema: ComponentSchema, problems: string[]): ComponentSchema {
    let blocks = schema.blocks;
    for (const fact of FREEFORM_BLOCKS.filter((f) => f.component === schema.name)) {
        blocks = updateBlock(blocks, fact.path, (b) => ({ ...b, freeform: true }), () =>
            problems.push(`${schema.name}: no block ${fact.path.join(' > ')} to mark freeform`),
        );
    }
    for (const fact of RECURSIVE_BLOCKS.filter((f) => f.component === schema.name)) {
        blocks = updateBlock(blocks, fact.path, (b) => ({ ...b, blocksFrom: fact.blocksFrom }), () =>
            problems.push(`${schema.name}: no block ${fact.path.join(' > ')} to mark recursive`),
        );
    }
    return { ...schema, blocks };
}

function updateBlock(
    blocks: readonly BlockSchema[],
    path: readonly string[],
    update: (block: BlockSchema) => BlockSchema,
    missing: () => void,
): readonly BlockSchema[] {
    const index = blocks.findIndex((b) => b.name === path[0]);
    if (index < 0) {
        missing();
        return blocks;
    }
    const block = blocks[index];
    const next = path.length === 1 ? update(block) : { ...block, blocks: updateBlock(block.blocks, path.slice(1), update, missing) };
    return blocks.map((b, i) => (i === index ? next : b));
}

// ---------------------------------------------------------------------------------------
// Deterministic serialization

/**
 * Compact JSON with a fixed key order: record keys (component, config-block and stdlib
 * names) are sorted; object fields follow the schema's declaration order; lists keep the
 * docs' order. Regenerating from the same docs gives identical bytes.
 */
export function serializeCatalog(catalog: Catalog): string {
    const sortedRecord = <T, U>(record: Readonly<Record<string, T>>, map: (value: T) => U): Record<string, U> =>
        Object.fromEntries(
            Object.keys(record)
                .sort()
                .map((k) => [k, map(record[k])]),
        );
    const ordered = {
        dialect: catalog.dialect,
        source: catalog.source,
        components: sortedRecord(catalog.components, orderComponent),
        configBlocks: sortedRecord(catalog.configBlocks, orderComponent),
        stdlib: sortedRecord(catalog.stdlib, orderStdlib),
    };
    return `${JSON.stringify(ordered)}\n`;
}

function orderComponent(c: ComponentSchema): ComponentSchema {
    return {
        name: c.name,
        kind: c.kind,
        stability: c.stability,
        ...(c.community ? { community: true } : {}),
        label: c.label,
        docs: c.docs,
        attributes: c.attributes.map((a) => ({
            name: a.name,
            type: a.type,
            required: a.required,
            ...(a.default !== undefined ? { default: a.default } : {}),
        })),
        blocks: c.blocks.map(orderBlock),
        exports: c.exports.map((e) => ({ name: e.name, type: e.type })),
    };
}

function orderBlock(b: BlockSchema): BlockSchema {
    return {
        name: b.name,
        required: b.required,
        attributes: b.attributes.map((a) => ({
            name: a.name,
            type: a.type,
            required: a.required,
            ...(a.default !== undefined ? { default: a.default } : {}),
        })),
        blocks: b.blocks.map(orderBlock),
        ...(b.freeform ? { freeform: true } : {}),
        ...(b.blocksFrom ? { blocksFrom: [...b.blocksFrom] } : {}),
    };
}

function orderStdlib(e: StdlibEntry): StdlibEntry {
    return {
        name: e.name,
        kind: e.kind,
        ...(e.signature !== undefined ? { signature: e.signature } : {}),
        stability: e.stability,
        ...(e.replacement !== undefined ? { replacement: e.replacement } : {}),
        docs: e.docs,
    };
}

export const DIALECTS: readonly Dialect[] = ['alloy', 'river'];

/** Builds and serializes both catalogs: `{ alloy: '...json...', river: '...json...' }`. */
export function buildAll(sharedDir: string): { results: BuildResult[]; files: Record<Dialect, string> } {
    const results = DIALECTS.map((d) => buildCatalog(sharedDir, d));
    const files = Object.fromEntries(results.map((r) => [r.catalog.dialect, serializeCatalog(r.catalog)])) as Record<Dialect, string>;
    return { results, files };
}

/** Builds both catalogs and writes `<outDir>/alloy.json` and `<outDir>/river.json`. */
export function writeCatalogs(sharedDir: string, outDir: string): { results: BuildResult[]; written: Record<Dialect, string> } {
    const { results, files } = buildAll(sharedDir);
    mkdirSync(outDir, { recursive: true });
    const written = {} as Record<Dialect, string>;
    for (const dialect of DIALECTS) {
        written[dialect] = join(outDir, `${dialect}.json`);
        writeFileSync(written[dialect], files[dialect]);
    }
    return { results, written };
}

/** The doc trees the builder reads, relative to the shared directory. */
export const REQUIRED_DOC_DIRS: readonly string[] = ['alloy/docs/reference', 'agent-flow/docs/reference'];
