// Parses one component (or config-block) reference page into a ComponentSchema.
//
// The block tree is assembled from the `## Blocks` table's `>` chains; each block's
// attributes come from the section its row links to (or the heading named like it).

import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { AttributeSchema, BlockSchema, ComponentSchema, Stability } from '../../language/catalog/schema.js';
import { IncludeResolver } from './includes.js';
import {
    cleanInline,
    headingName,
    lastLinkTarget,
    linkReferences,
    sections,
    splitFrontMatter,
    tables,
    type FrontMatter,
    type Section,
} from './markdown.js';
import {
    attributesFrom,
    blockReferenceRowsFrom,
    blockRowsFrom,
    exportsFrom,
    isArgumentTable,
    isBlockTable,
    type BlockRow,
    type RowProblem,
} from './tables.js';

/** What the builder learns about pages it could not fully read; printed at the end. */
export interface PageReport {
    readonly file: string;
    readonly name: string;
    missingArguments?: boolean;
    missingBlocks?: boolean;
    missingExports?: boolean;
    /** Block rows whose section (and so whose attributes) could not be found. */
    readonly unresolvedBlocks: string[];
    /** Block rows without a section, filled from the standard shared fragment. */
    readonly fallbackBlocks: string[];
    /** Blocks whose section says "same arguments as the `x` block"; filled from `x`. */
    readonly sameAsBlocks: string[];
    readonly rowProblems: RowProblem[];
    skipped?: string;
}

/**
 * A block documented only as "refer to `prometheus.exporter.mysql` for the full list of
 * supported arguments and sub-blocks"; the builder copies that component's schema once
 * every page is parsed.
 */
export interface ComponentCopy {
    readonly path: readonly string[];
    readonly component: string;
    /** Attributes the block inherits from its parent instead (`data_source_name`). */
    readonly omit: readonly string[];
}

export interface PageOptions {
    readonly resolver: IncludeResolver;
    readonly kind: ComponentSchema['kind'];
    readonly label: (name: string) => ComponentSchema['label'];
    readonly docs: (frontMatter: FrontMatter, name: string) => string;
}

export interface PageResult {
    readonly schema?: ComponentSchema;
    readonly report: PageReport;
    readonly copies: readonly ComponentCopy[];
}

/** Front-matter `labels.stage` → Stability. Agent Flow's `beta` is Alloy's `public-preview`. */
export function stabilityOf(stage: string | undefined): Stability {
    switch (stage) {
        case 'experimental':
            return 'experimental';
        case 'public-preview':
        case 'beta':
            return 'public-preview';
        default:
            // `general-availability`, and pages without a stage (stable in Agent Flow,
            // community components in Alloy).
            return 'generally-available';
    }
}

export function parseComponentPage(file: string, options: PageOptions): PageResult {
    const { frontMatter, body: rawBody } = splitFrontMatter(readFileSync(file, 'utf8'));
    // Agent Flow titles its config-block pages `logging block`.
    const name = cleanInline(frontMatter.title ?? basename(file, '.md')).replace(/\s+block$/, '');
    const report: PageReport = { file, name, unresolvedBlocks: [], fallbackBlocks: [], sameAsBlocks: [], rowProblems: [] };

    // A removed component keeps a stub page that only points to its replacement
    // (otelcol.receiver.opencensus); it is not a component any more.
    if (new RegExp(`\`${escapeRegExp(name)}\` (is|has been) removed`).test(rawBody)) {
        report.skipped = 'page says the component is removed';
        return { report, copies: [] };
    }

    // Community components include the `stability/community.md` banner (and carry a
    // `Community` tag instead of a stage).
    const community =
        IncludeResolver.lookups(rawBody).some((l) => l.endsWith('stability/community.md')) ||
        frontMatter.tags.some((t) => t.toLowerCase() === 'community');
    const page = new PageIndex(options.resolver.expand(rawBody), options.resolver);
    const tree = new BlockTree(page, report);

    const argumentTables = tablesOf(page.topSection(/^arguments$/i)).filter(isArgumentTable);
    if (argumentTables.length === 0) report.missingArguments = true;

    const blockTables = tablesOf(page.topSection(/^blocks$/i)).filter(isBlockTable);
    if (blockTables.length === 0) report.missingBlocks = true;
    for (const table of blockTables) tree.addRows(tree.root, blockRowsFrom(table, report.rowProblems, page.nameFromLink), 0);
    tree.addRows(tree.root, blockReferenceRowsFrom(argumentTables, report.rowProblems), 0);
    tree.resolveImplicitParents(tree.root, []);

    const exportTables = tablesOf(page.topSection(/^(exported fields|exports)$/i)).filter(isArgumentTable);
    if (exportTables.length === 0) report.missingExports = true;

    const schema: ComponentSchema = {
        name,
        kind: options.kind,
        stability: stabilityOf(frontMatter.stage),
        ...(community ? { community: true } : {}),
        label: options.label(name),
        docs: options.docs(frontMatter, name),
        attributes: attributesFrom(argumentTables, report.rowProblems),
        blocks: freeze(tree.root).blocks,
        exports: exportsFrom(exportTables, report.rowProblems),
    };
    return { schema, report, copies: tree.copies };
}

function tablesOf(section: Section | undefined) {
    return section ? tables(section.ownLines) : [];
}

/** Headings, anchors and link references of one (include-expanded) page. */
class PageIndex {
    readonly sections: readonly Section[];
    readonly refs: ReadonlyMap<string, string>;

    constructor(
        body: string,
        private readonly resolver: IncludeResolver,
    ) {
        this.sections = sections(body);
        this.refs = linkReferences(body);
    }

    topSection(pattern: RegExp): Section | undefined {
        return this.sections.find((s) => s.level === 2 && pattern.test(cleanInline(s.text)));
    }

    /** The block name of the heading a cell links to (for rows with an empty link text). */
    readonly nameFromLink = (linkCell: string): string | undefined => {
        const target = lastLinkTarget(linkCell, this.refs);
        if (!target?.startsWith('#')) return undefined;
        const section = this.sections.find((s) => s.anchor === target.slice(1).toLowerCase());
        return section ? headingName(section.text) : undefined;
    };

    /**
     * The section documenting a block, most specific first:
     * 1. a heading spelling out the chain (`` #### `ec2` > `resource_attributes` ``),
     * 2. the heading the row links to (one page can document two same-named blocks),
     * 3. a heading named like the block (`` ### `tls_config` ``, `### tls_config block`).
     */
    blockSection(linkCell: string, path: readonly string[]): Section | undefined {
        const name = path[path.length - 1];
        if (path.length > 1) {
            const chain = normalizeName(`${path[path.length - 2]}>${name}`);
            const byChain = this.sections.find((s) => normalizeName(cleanInline(s.text)) === chain);
            if (byChain) return byChain;
        }
        const target = lastLinkTarget(linkCell, this.refs);
        if (target?.startsWith('#')) {
            const anchor = target.slice(1).toLowerCase();
            const byAnchor = this.sections.find((s) => s.anchor === anchor);
            if (byAnchor) return byAnchor;
        }
        const wanted = normalizeName(name);
        return this.sections.find((s) => s.level >= 3 && normalizeName(headingName(s.text)) === wanted);
    }

    /**
     * Lines documenting a block: its section, or — when a page lists a standard HTTP-client
     * block but has no section for it (Agent Flow discovery.ec2 `basic_auth`) — the shared
     * fragment every other page includes for that block.
     */
    blockLines(linkCell: string, path: readonly string[]): { lines: readonly string[]; fallback: boolean } | undefined {
        const section = this.blockSection(linkCell, path);
        if (section) return { lines: section.ownLines, fallback: false };
        const fragment = STANDARD_BLOCK_FRAGMENTS[path[path.length - 1]];
        const text = fragment === undefined ? undefined : this.resolver.expandFragment(fragment);
        return text === undefined ? undefined : { lines: text.split('\n'), fallback: true };
    }
}

/** Shared fragments for the standard HTTP-client blocks, by block name. */
const STANDARD_BLOCK_FRAGMENTS: Readonly<Record<string, string>> = {
    authorization: 'authorization-block.md',
    basic_auth: 'basic-auth-block.md',
    oauth2: 'oauth2-block.md',
    tls_config: 'tls-config-block.md',
};

function normalizeName(text: string): string {
    return text.toLowerCase().replace(/\s*>\s*/g, '>').replace(/[\s-]+/g, '_');
}

/**
 * "uses the same configuration options as the `instrument` block",
 * "supports the same arguments as the [`attributes`][attributes] block".
 */
const SAME_AS = /same (?:configuration options|arguments|attributes) as (?:the )?\[?`([A-Za-z_][\w.]*)`/;
/** "The attributes and behavior of the `calls_dimension` block match the [`dimension`](#dimension) block." */
const MATCHES = /block match(?:es)? the \[?`([A-Za-z_][\w.]*)`/;
/** "Refer to [`prometheus.exporter.mysql`](...) docs for the full list of supported arguments" */
const REFER_TO_COMPONENT = /Refer to \[`([a-z_]+(?:\.[a-z_]+)+)`\]\([^)]*\) docs for the full list of supported arguments/;
/** "The `data_source_name` is inherited from the parent block." */
const INHERITED = /The `([A-Za-z_]\w*)` (?:argument )?is inherited from the parent block/g;

/** Mutable block node while the `>` chains are being assembled. */
interface BlockNode {
    readonly name: string;
    required: boolean;
    attributes: AttributeSchema[];
    readonly children: Map<string, BlockNode>;
    resolved: boolean;
}

function newNode(name: string): BlockNode {
    return { name, required: false, attributes: [], children: new Map(), resolved: false };
}

/** Deep enough for the docs' deepest chain (4 levels) plus nested block tables. */
const MAX_DEPTH = 8;

class BlockTree {
    readonly root: BlockNode;
    readonly copies: ComponentCopy[] = [];

    constructor(
        private readonly page: PageIndex,
        private readonly report: PageReport,
    ) {
        this.root = newNode(report.name);
    }

    addRows(parent: BlockNode, rows: readonly BlockRow[], depth: number, parentPath: readonly string[] = []): void {
        for (const row of rows) this.addRow(parent, parentPath, row, depth);
    }

    private addRow(parent: BlockNode, parentPath: readonly string[], row: BlockRow, depth: number): void {
        let node = parent;
        for (const part of row.path) {
            let child = node.children.get(part);
            if (!child) {
                child = newNode(part);
                node.children.set(part, child);
            }
            node = child;
        }
        node.required = node.required || row.required;
        if (node.resolved || depth > MAX_DEPTH) return;
        node.resolved = true;
        this.fill(node, [...parentPath, ...row.path], row.linkCell, depth);
        const defaults = row.defaults;
        if (defaults) {
            node.attributes = node.attributes.map((a) => (defaults[a.name] !== undefined ? { ...a, default: defaults[a.name] } : a));
        }
    }

    /** Reads a block's section: its attributes, and any inner blocks it lists itself. */
    private fill(node: BlockNode, path: readonly string[], linkCell: string, depth: number): void {
        const found = this.page.blockLines(linkCell, path);
        if (!found) {
            this.report.unresolvedBlocks.push(path.join(' > '));
            return;
        }
        if (found.fallback) this.report.fallbackBlocks.push(path.join(' > '));
        const own = tables(found.lines);
        let argumentTables = own.filter(isArgumentTable);
        const blockTables = own.filter(isBlockTable);

        if (argumentTables.length === 0 && blockTables.length === 0) {
            const text = found.lines.join('\n');
            const same = SAME_AS.exec(text)?.[1] ?? MATCHES.exec(text)?.[1];
            const sameSection = same === undefined ? undefined : this.page.blockSection('', [same]);
            if (sameSection) {
                argumentTables = tables(sameSection.ownLines).filter(isArgumentTable);
                this.report.sameAsBlocks.push(`${path.join(' > ')} = ${same}`);
            }
            const component = REFER_TO_COMPONENT.exec(text)?.[1];
            if (component) this.copies.push({ path, component, omit: [...text.matchAll(INHERITED)].map((m) => m[1]) });
        }

        node.attributes = attributesFrom(argumentTables, this.report.rowProblems);
        // A block section may list its own inner blocks, relative to the block
        // (loki.process `stage.metrics` → `metric.counter`, loki.source.gcplog `pull` → `limit`),
        // as a block table or as block-typed rows of its argument table (vcenter `metrics`).
        for (const table of blockTables) {
            this.addRows(node, blockRowsFrom(table, this.report.rowProblems, this.page.nameFromLink), depth + 1, path);
        }
        this.addRows(node, blockReferenceRowsFrom(argumentTables, this.report.rowProblems), depth + 1, path);
    }

    /**
     * A chain like `a > b > c` can name a parent that has no row of its own; look its
     * section up by name so its attributes are not lost.
     */
    resolveImplicitParents(node: BlockNode, path: readonly string[]): void {
        for (const child of node.children.values()) {
            const childPath = [...path, child.name];
            if (!child.resolved) {
                child.resolved = true;
                this.fill(child, childPath, '', 0);
            }
            this.resolveImplicitParents(child, childPath);
        }
    }
}

function freeze(node: BlockNode): BlockSchema {
    return {
        name: node.name,
        required: node.required,
        attributes: node.attributes,
        blocks: [...node.children.values()].map(freeze),
    };
}

function escapeRegExp(text: string): string {
    return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
