// Builds the two catalogs and serializes them deterministically: Alloy's from its Go source
// (../shared/alloy/go) with the docs adding page links, Agent Flow's from its reference docs
// (no Go source for it here). Used by scripts/build-catalog.ts and by the drift test.

import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { AttributeSchema, BlockSchema, Catalog, ComponentSchema, Dialect, StdlibEntry } from '../../language/catalog/schema.js';
import { parseComponentPage, type ComponentCopy, type PageReport } from './components.js';
import { IncludeResolver } from './includes.js';
import type { FrontMatter } from './markdown.js';
import { readGoCatalog } from './go/components.js';
import { mergeComponent, type Disagreement } from './go/merge.js';
import { GoSource } from './go/source.js';
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
    /** Set when the catalog comes from Go source. */
    readonly go?: GoReport;
}

export interface GoReport {
    readonly files: number;
    readonly components: number;
    readonly configBlocks: number;
    readonly fields: number;
    /** Facts where the docs said otherwise; Go's value is in the catalog. */
    readonly disagreements: readonly Disagreement[];
    /** Go types outside the tree that the generator could not map (their fields are `any`). */
    readonly opaque: ReadonlyMap<string, number>;
    readonly problems: readonly string[];
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

    const commit = sourceCommit(source.root);
    const catalog: Catalog = {
        dialect,
        source:
            dialect === 'river'
                ? `${source.repo} docs @${commit} (Agent Flow v0.40: derived from the reference docs, as no Go source for it is at hand)`
                : `${source.repo} docs @${commit}`,
        version: dialect === 'river' ? 'v0.40' : commit,
        components,
        configBlocks,
        stdlib,
    };
    return { catalog, report: { dialect, pages, missingIncludes: [...resolver.missing].sort(), problems } };
}

/** The Go source tree the Alloy catalog is generated from, below the shared directory. */
export const GO_SOURCE_DIR = 'alloy/go';

/**
 * The Alloy catalog from Go source: components and the config blocks whose structs are in the
 * tree come from Go; the docs give page links, the other config blocks (declare, foreach,
 * import.*, remotecfg) and the stdlib.
 */
export async function buildAlloyFromGo(sharedDir: string, fromDocs: BuildResult): Promise<BuildResult> {
    const source = await GoSource.load(join(sharedDir, GO_SOURCE_DIR));
    const go = readGoCatalog(source);
    const docs = fromDocs.catalog;
    const disagreements: Disagreement[] = [];
    const components: Record<string, ComponentSchema> = {};
    for (const schema of Object.values(go.components)) {
        const url = `https://grafana.com/docs/alloy/latest/reference/components/${schema.name.split('.')[0]}/${schema.name}/`;
        components[schema.name] = mergeComponent(schema, docs.components[schema.name], url, disagreements);
    }
    for (const name of Object.keys(docs.components)) {
        if (!components[name]) disagreements.push({ component: name, path: '', fact: 'component', docs: name, go: '(not registered)' });
    }
    const configBlocks: Record<string, ComponentSchema> = { ...docs.configBlocks };
    for (const schema of Object.values(go.configBlocks)) {
        const url = `https://grafana.com/docs/alloy/latest/reference/config-blocks/${schema.name}/`;
        configBlocks[schema.name] = mergeComponent(schema, docs.configBlocks[schema.name], url, disagreements);
    }
    const commit = sourceCommit(join(sharedDir, 'alloy'));
    const catalog: Catalog = {
        ...docs,
        source: `grafana/alloy Go source @${commit} (argument structs, defaults, registrations); docs @${commit} (links, declare/foreach/import/remotecfg blocks, stdlib)`,
        version: commit,
        components,
        configBlocks,
    };
    const report: GoReport = {
        files: source.fileCount,
        components: Object.keys(go.components).length,
        configBlocks: Object.keys(go.configBlocks).length,
        fields: go.resolver.stats.fields,
        disagreements,
        opaque: go.resolver.stats.opaque,
        problems: go.problems,
    };
    return { catalog, report: { ...fromDocs.report, go: report } };
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
        ...(catalog.version !== undefined ? { version: catalog.version } : {}),
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
        attributes: c.attributes.map(orderAttribute),
        blocks: c.blocks.map(orderBlock),
        exports: c.exports.map((e) => ({ name: e.name, type: e.type })),
    };
}

function orderBlock(b: BlockSchema): BlockSchema {
    return {
        name: b.name,
        required: b.required,
        attributes: b.attributes.map(orderAttribute),
        blocks: b.blocks.map(orderBlock),
        ...(b.freeform ? { freeform: true } : {}),
        ...(b.blocksFrom ? { blocksFrom: [...b.blocksFrom] } : {}),
        ...(b.multiple ? { multiple: true } : {}),
        ...(b.label ? { label: b.label } : {}),
    };
}

function orderAttribute(a: AttributeSchema): AttributeSchema {
    return {
        name: a.name,
        type: a.type,
        required: a.required,
        ...(a.default !== undefined ? { default: a.default } : {}),
        ...(a.enum !== undefined ? { enum: [...a.enum] } : {}),
        ...(a.goType !== undefined ? { goType: a.goType } : {}),
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
export async function buildAll(sharedDir: string): Promise<{ results: BuildResult[]; files: Record<Dialect, string> }> {
    const results: BuildResult[] = [];
    for (const d of DIALECTS) {
        const fromDocs = buildCatalog(sharedDir, d);
        results.push(d === 'alloy' ? await buildAlloyFromGo(sharedDir, fromDocs) : fromDocs);
    }
    const files = Object.fromEntries(results.map((r) => [r.catalog.dialect, serializeCatalog(r.catalog)])) as Record<Dialect, string>;
    return { results, files };
}

/** Builds both catalogs and writes `<outDir>/alloy.json` and `<outDir>/river.json`. */
export async function writeCatalogs(sharedDir: string, outDir: string): Promise<{ results: BuildResult[]; written: Record<Dialect, string> }> {
    const { results, files } = await buildAll(sharedDir);
    mkdirSync(outDir, { recursive: true });
    const written = {} as Record<Dialect, string>;
    for (const dialect of DIALECTS) {
        written[dialect] = join(outDir, `${dialect}.json`);
        writeFileSync(written[dialect], files[dialect]);
    }
    return { results, written };
}

/** The doc trees the builder reads, relative to the shared directory. */
export const REQUIRED_DOC_DIRS: readonly string[] = ['alloy/docs/reference', 'agent-flow/docs/reference', GO_SOURCE_DIR];
