// Interprets the docs' tables: argument tables, block tables and exported-field tables.
// Column names vary between pages and between the Alloy and Agent Flow docs
// (`Name`/`Attribute`/`name`, `Block`/`Name`/`Hierarchy`), so columns are found by name.

import type { AttributeSchema, ExportSchema } from '../../language/catalog/schema.js';
import { cleanInline, cleanInlineKeepCode, type Table } from './markdown.js';

const NAME_COLUMNS = ['name', 'attribute', 'argument', 'field'];
const BLOCK_COLUMNS = ['block', 'name'];

function column(table: Table, names: readonly string[]): number {
    return table.header.findIndex((h) => names.includes(h));
}

/** `| Name | Type | ... | Default | Required |` (Default/Required may be missing). */
export function isArgumentTable(table: Table): boolean {
    return column(table, NAME_COLUMNS) >= 0 && column(table, ['type']) >= 0;
}

/** `| Block | Description | Required |`, `| Hierarchy | Block | ... |`, `| Name | Description | Required |`. */
export function isBlockTable(table: Table): boolean {
    return (
        column(table, ['type']) < 0 &&
        column(table, ['required']) >= 0 &&
        (column(table, ['hierarchy']) >= 0 || column(table, BLOCK_COLUMNS) >= 0)
    );
}

/** An identifier as Alloy writes attribute and block names (block names may be dotted). */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$/;

export interface RowProblem {
    readonly cell: string;
    readonly reason: string;
}

/** Rows of argument tables → attributes, first occurrence of a name wins. */
export function attributesFrom(tablesIn: readonly Table[], problems: RowProblem[]): AttributeSchema[] {
    const out: AttributeSchema[] = [];
    const seen = new Set<string>();
    for (const table of tablesIn) {
        const nameCol = column(table, NAME_COLUMNS);
        const typeCol = column(table, ['type']);
        const defaultCol = column(table, ['default']);
        const requiredCol = column(table, ['required']);
        for (const row of table.rows) {
            if (isBlockReferenceRow(row[typeCol] ?? '')) continue;
            // `resource_filters` > `prefix` / `resource_filters.prefix` rows describe the
            // fields of an object-typed attribute, not attributes of the block.
            if (isObjectFieldRow(row[nameCol] ?? '')) continue;
            const name = cleanName(row[nameCol] ?? '', problems);
            if (name === undefined || seen.has(name)) continue;
            seen.add(name);
            const attribute: { name: string; type: string; required: boolean; default?: string } = {
                name,
                type: cleanType(row[typeCol] ?? ''),
                required: requiredCol >= 0 && isYes(row[requiredCol] ?? ''),
            };
            const def = defaultCol >= 0 ? cleanDefault(row[defaultCol] ?? '') : undefined;
            if (def !== undefined) attribute.default = def;
            out.push(attribute);
        }
    }
    return out;
}

/**
 * A row of an argument table whose Type cell links to a section is a block, not an
 * attribute: otelcol.receiver.vcenter `metrics` lists `vcenter.cluster.cpu.effective` of
 * type [`metric`][] (a block with `enabled`), resourcedetection detectors list
 * `resource_attributes` of type [`resource_attributes`][res-attr-cfg].
 */
function isBlockReferenceRow(typeCell: string): boolean {
    return /\[[^\]]*\](\[[^\]]*\]|\(#[^)]*\))/.test(typeCell);
}

/** The block-reference rows of argument tables (see {@link isBlockReferenceRow}). */
export function blockReferenceRowsFrom(tablesIn: readonly Table[], problems: RowProblem[]): BlockRow[] {
    const rows: BlockRow[] = [];
    for (const table of tablesIn) {
        const nameCol = column(table, NAME_COLUMNS);
        const typeCol = column(table, ['type']);
        const requiredCol = column(table, ['required']);
        for (const row of table.rows) {
            if (!isBlockReferenceRow(row[typeCol] ?? '')) continue;
            const name = cleanInline(row[nameCol] ?? '');
            if (!IDENTIFIER.test(name)) {
                problems.push({ cell: row[nameCol] ?? '', reason: 'block reference row without a block name' });
                continue;
            }
            rows.push({ path: [name], required: requiredCol >= 0 && isYes(row[requiredCol] ?? ''), linkCell: row[typeCol] ?? '' });
        }
    }
    return rows;
}

/** Rows of exported-field tables → exports. */
export function exportsFrom(tablesIn: readonly Table[], problems: RowProblem[]): ExportSchema[] {
    const out: ExportSchema[] = [];
    const seen = new Set<string>();
    for (const table of tablesIn) {
        const nameCol = column(table, NAME_COLUMNS);
        const typeCol = column(table, ['type']);
        for (const row of table.rows) {
            const name = cleanName(row[nameCol] ?? '', problems);
            if (name === undefined || seen.has(name)) continue;
            seen.add(name);
            out.push({ name, type: cleanType(row[typeCol] ?? '') });
        }
    }
    return out;
}

export interface BlockRow {
    /** Block names from the outermost to this block: `endpoint > oauth2 > tls_config`. */
    readonly path: readonly string[];
    readonly required: boolean;
    /** The cell holding the link to the block's section (raw, links intact). */
    readonly linkCell: string;
    /**
     * Per-row attribute defaults stated in the row, overriding the shared section's
     * (resourcedetection: "Sets `enabled` to `true` by default.").
     */
    readonly defaults?: Readonly<Record<string, string>>;
}

const ROW_DEFAULT = /Sets `([A-Za-z_]\w*)` to `([^`]+)` by default/g;

function rowDefaults(description: string): Record<string, string> | undefined {
    const found = [...description.matchAll(ROW_DEFAULT)];
    return found.length === 0 ? undefined : Object.fromEntries(found.map((m) => [m[1], m[2]]));
}

/** Rows of a block table. The path comes from the `Hierarchy` column when there is one. */
export function blockRowsFrom(table: Table, problems: RowProblem[], nameFromLink?: (linkCell: string) => string | undefined): BlockRow[] {
    const hierarchyCol = column(table, ['hierarchy']);
    const blockCol = column(table, BLOCK_COLUMNS);
    const pathCol = hierarchyCol >= 0 ? hierarchyCol : blockCol;
    const linkCol = blockCol >= 0 ? blockCol : pathCol;
    const requiredCol = column(table, ['required']);
    const descriptionCol = column(table, ['description']);
    const rows: BlockRow[] = [];
    for (const row of table.rows) {
        const raw = row[pathCol] ?? '';
        const linkCell = row[linkCol] ?? '';
        const required = isYes(row[requiredCol] ?? '');
        const defaults = descriptionCol >= 0 ? rowDefaults(row[descriptionCol] ?? '') : undefined;
        // A part's name is its code span when it has one: ``[`keepalive` client][keepalive_client]``
        // names the `keepalive` block (the word after it only disambiguates the section).
        const path = raw
            .split('>')
            .map((part) => /`([^`]+)`/.exec(part)?.[1].trim() ?? cleanInline(part))
            .filter((part) => part !== '');
        if (path.length === 0) {
            // A row with an empty link text, e.g. ``[``](#ec2--resource_attributes)``: the name
            // can only come from the heading the link points at.
            const recovered = nameFromLink?.(linkCell);
            if (recovered !== undefined && IDENTIFIER.test(recovered)) {
                rows.push({ path: [recovered], required, linkCell, ...(defaults ? { defaults } : {}) });
                continue;
            }
        }
        if (path.length === 0 || !path.every((p) => IDENTIFIER.test(p))) {
            problems.push({ cell: raw, reason: 'block path is not a `>` chain of identifiers' });
            continue;
        }
        rows.push({ path, required, linkCell, ...(defaults ? { defaults } : {}) });
    }
    return rows;
}

function isObjectFieldRow(cell: string): boolean {
    const text = cleanInline(cell);
    return /^[A-Za-z_][A-Za-z0-9_]*\s*(>|\.)\s*[A-Za-z_]/.test(text);
}

const ATTRIBUTE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function cleanName(cell: string, problems: RowProblem[]): string | undefined {
    const text = cleanInline(cell);
    if (ATTRIBUTE_NAME.test(text)) return text;
    // A few cells carry a note after the name, e.g. "`name` (deprecated)".
    const first = /^([A-Za-z_][A-Za-z0-9_]*)\b/.exec(text);
    problems.push({ cell, reason: first ? `name cell has extra text; using ${first[1]}` : 'no name in cell' });
    return first?.[1];
}

/** Types as written: backticks dropped, `\|` already unescaped by the row splitter. */
function cleanType(cell: string): string {
    return cleanInline(cell);
}

function isYes(cell: string): boolean {
    return /^yes\b/i.test(cleanInline(cell));
}

/**
 * Defaults: a single code span is an Alloy expression and loses its backticks only
 * (`` `"30s"` `` → `"30s"`); anything else is kept as (cleaned) prose.
 */
const MAX_PROSE_DEFAULT = 60;

function cleanDefault(cell: string): string | undefined {
    const text = cleanInlineKeepCode(cell);
    if (text === '') return undefined;
    const single = /^(`+)([^`]*)\1$/.exec(text);
    if (single) return single[2].trim();
    // `` `0` (disabled) ``, `` `"PT5M"` (5 minutes) ``: the expression, without the gloss.
    const glossed = /^`([^`]+)`\s*\([^)]*\)$/.exec(text);
    if (glossed) return glossed[1].trim();
    // Prose defaults are sometimes emphasized: `_See below_`, `__See below__`.
    const emphasized = /^(_{1,2}|\*{1,2})([^_*]+)\1$/.exec(text);
    const prose = emphasized ? emphasized[2].trim() : text;
    // Keep short prose facts ("component name", "See below") but not explanatory
    // sentences, which belong to the docs, not to the catalog.
    if (prose.length > MAX_PROSE_DEFAULT || /\.(\s|$)/.test(prose)) return undefined;
    return prose;
}
