// Typed access to the generated component catalogs (language/catalog/generated/*.json,
// produced by scripts/build-catalog.ts from Alloy's Go source and the reference docs). The JSON is imported statically so esbuild
// bundles it into the language server and the CLI; no file system access at runtime.

import alloyJson from './generated/alloy.json';
import riverJson from './generated/river.json';
import type { BlockSchema, Catalog, ComponentSchema, Dialect, Stability } from './schema.js';

export type * from './schema.js';

// The JSON's inferred literal types are not useful (and are wider than the schema's
// unions), so the data is viewed through the schema it was generated from.
const sources: Readonly<Record<Dialect, unknown>> = { alloy: alloyJson, river: riverJson };
const cache = new Map<Dialect, Catalog>();

/** The catalog of a dialect: `alloy` for `.alloy` files, `river` for Agent Flow `.river` files. */
export function loadCatalog(dialect: Dialect): Catalog {
    let catalog = cache.get(dialect);
    if (!catalog) {
        catalog = sources[dialect] as Catalog;
        if (catalog?.dialect !== dialect) throw new Error(`no component catalog for dialect ${String(dialect)}`);
        cache.set(dialect, catalog);
    }
    return catalog;
}

/** `.river` files are Grafana Agent Flow configs; everything else is Alloy. */
export function dialectForPath(path: string): Dialect {
    return /\.river$/i.test(path) ? 'river' : 'alloy';
}

/** All built-in component names, sorted. */
export function componentNames(catalog: Catalog): string[] {
    return Object.keys(catalog.components).sort();
}

/** First name fragments of all components (`discovery`, `local`, `loki`, `otelcol`, ...), sorted. */
export function namespaces(catalog: Catalog): string[] {
    return uniqueSorted(Object.keys(catalog.components).map(firstFragment));
}

/**
 * Namespaces of the standard library (`array`, `constants`, `encoding`, `string`, `sys`, ...):
 * the first fragment of every dotted stdlib name, sorted.
 */
export function stdlibNamespaces(catalog: Catalog): string[] {
    return uniqueSorted(
        Object.keys(catalog.stdlib)
            .filter((name) => name.includes('.'))
            .map(firstFragment),
    );
}

/**
 * The schema of a nested block, by block names from the component down:
 * `findBlockSchema(remoteWrite, ['endpoint', 'queue_config'])`. Follows `blocksFrom` for
 * recursive blocks (loki.process `stage.match` > `stage.json`). Undefined when unknown or
 * when `path` is empty.
 */
export function findBlockSchema(component: ComponentSchema, path: readonly string[]): BlockSchema | undefined {
    let blocks: readonly BlockSchema[] = component.blocks;
    let found: BlockSchema | undefined;
    for (const name of path) {
        found = blocks.find((b) => b.name === name) ?? inheritedBlock(component, found, name);
        if (!found) return undefined;
        blocks = found.blocks;
    }
    return found;
}

/** A block that `parent` accepts through its `blocksFrom` path (resolved from the component root). */
function inheritedBlock(component: ComponentSchema, parent: BlockSchema | undefined, name: string): BlockSchema | undefined {
    if (parent?.blocksFrom === undefined) return undefined;
    const from = parent.blocksFrom.length === 0 ? component.blocks : (findDirect(component, parent.blocksFrom)?.blocks ?? []);
    return from.find((b) => b.name === name);
}

/** Path lookup without `blocksFrom` (used to resolve a `blocksFrom` target itself). */
function findDirect(component: ComponentSchema, path: readonly string[]): BlockSchema | undefined {
    let blocks: readonly BlockSchema[] = component.blocks;
    let found: BlockSchema | undefined;
    for (const name of path) {
        found = blocks.find((b) => b.name === name);
        if (!found) return undefined;
        blocks = found.blocks;
    }
    return found;
}

const STABILITY_ORDER: readonly Stability[] = ['experimental', 'public-preview', 'generally-available'];

/**
 * Whether `level` is allowed under `--stability.level=minimum`:
 * `isAtLeast('public-preview', 'experimental')` is true, `isAtLeast('experimental', 'generally-available')` is false.
 */
export function isAtLeast(level: Stability, minimum: Stability): boolean {
    return STABILITY_ORDER.indexOf(level) >= STABILITY_ORDER.indexOf(minimum);
}

function firstFragment(name: string): string {
    const dot = name.indexOf('.');
    return dot < 0 ? name : name.slice(0, dot);
}

function uniqueSorted(values: readonly string[]): string[] {
    return [...new Set(values)].sort();
}
