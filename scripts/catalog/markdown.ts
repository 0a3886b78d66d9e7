// Minimal Markdown helpers for the Grafana reference docs (Hugo + Goldmark flavour).
// Only what the catalog builder needs: front matter, headings with Hugo anchors,
// pipe tables (with or without outer pipes) and inline clean-up of table cells.

/** The few front-matter fields the catalog uses. */
export interface FrontMatter {
    readonly title?: string;
    readonly canonical?: string;
    /** `labels.stage`, e.g. `general-availability`, `experimental`, `beta`. */
    readonly stage?: string;
    /** `labels.tags[].text`, e.g. `Community`. */
    readonly tags: readonly string[];
}

export interface SplitPage {
    readonly frontMatter: FrontMatter;
    readonly body: string;
}

/**
 * Splits `---`-delimited YAML front matter from the body. The docs only use a tiny
 * YAML subset, so a line-based reader is enough and avoids a YAML dependency.
 */
export function splitFrontMatter(text: string): SplitPage {
    const normalized = text.replace(/\r\n?/g, '\n');
    const match = /^---\n([\s\S]*?)\n---\n?/.exec(normalized);
    if (!match) return { frontMatter: { tags: [] }, body: normalized };
    const yaml = match[1];
    const scalar = (key: string): string | undefined => {
        const m = new RegExp(`^${key}:[ \\t]*(.+)$`, 'm').exec(yaml);
        return m ? unquote(m[1].trim()) : undefined;
    };
    const stage = /^labels:\n(?:[ \t]+.*\n)*?[ \t]+stage:[ \t]*(\S+)/m.exec(yaml + '\n');
    const tags = [...yaml.matchAll(/^[ \t]+-[ \t]+text:[ \t]*(.+)$/gm)].map((m) => unquote(m[1].trim()));
    return {
        frontMatter: { title: scalar('title'), canonical: scalar('canonical'), stage: stage?.[1], tags },
        body: normalized.slice(match[0].length),
    };
}

function unquote(value: string): string {
    const m = /^(['"])(.*)\1$/.exec(value);
    return m ? m[2] : value;
}

export interface Heading {
    readonly level: number;
    /** Heading text as written (inline markup kept). */
    readonly text: string;
    /** Hugo/Goldmark auto-generated id, de-duplicated with `-1`, `-2`, ... like Hugo does. */
    readonly anchor: string;
    /** Line index of the heading in the body. */
    readonly line: number;
}

/** The text of a section: from its heading to the next heading of any level. */
export interface Section extends Heading {
    /** Lines after the heading, up to (excluding) the next heading of any level. */
    readonly ownLines: readonly string[];
    /** Lines after the heading, up to the next heading of the same or a higher level. */
    readonly allLines: readonly string[];
}

/**
 * Goldmark's "github" auto heading IDs, as used by Hugo: lower-case, drop everything that
 * isn't a letter, digit, space, `-` or `_`, then spaces become `-`.
 * `` `stage.cri` `` → `stagecri`, `endpoint block` → `endpoint-block`.
 */
export function hugoAnchor(headingText: string): string {
    return headingText
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{N} _-]/gu, '')
        .replace(/ /g, '-');
}

/** Finds ATX headings outside fenced code blocks. */
export function sections(body: string): Section[] {
    const lines = body.split('\n');
    const headings: Heading[] = [];
    const seen = new Map<string, number>();
    let fence: string | undefined;
    lines.forEach((line, index) => {
        const fenceMatch = /^\s*(```|~~~)/.exec(line);
        if (fenceMatch) {
            if (fence === undefined) fence = fenceMatch[1];
            else if (fence === fenceMatch[1]) fence = undefined;
            return;
        }
        if (fence !== undefined) return;
        const m = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
        if (!m) return;
        // `### label block {#extract-label-block}` sets the id explicitly.
        const custom = /^(.*?)\s*\{#([^}\s]+)\}$/.exec(m[2]);
        const text = custom ? custom[1] : m[2];
        let anchor = custom ? custom[2].toLowerCase() : hugoAnchor(text);
        const count = seen.get(anchor) ?? 0;
        seen.set(anchor, count + 1);
        if (!custom && count > 0) anchor = `${anchor}-${count}`;
        headings.push({ level: m[1].length, text, anchor, line: index });
    });
    return headings.map((h, i) => {
        const nextAny = headings[i + 1]?.line ?? lines.length;
        const nextSameOrHigher = headings.slice(i + 1).find((o) => o.level <= h.level)?.line ?? lines.length;
        return { ...h, ownLines: lines.slice(h.line + 1, nextAny), allLines: lines.slice(h.line + 1, nextSameOrHigher) };
    });
}

/**
 * Plain block name of a heading: `` `tls_config` block `` → `tls_config`,
 * `wal block (experimental)` → `wal`, `` `ec2` > `resource_attributes` `` → `resource_attributes`.
 */
export function headingName(text: string): string {
    const last = cleanInline(text).split('>').pop() ?? '';
    return last
        .replace(/\s*\([^)]*\)\s*$/, '')
        .replace(/\s+(block|blocks|argument|arguments)$/i, '')
        .trim();
}

export interface Table {
    /** Lower-cased, cleaned header names. */
    readonly header: readonly string[];
    /** Raw cell text (not cleaned), one array per body row. */
    readonly rows: readonly (readonly string[])[];
}

const SEPARATOR_CELL = /^\s*:?-{2,}:?\s*$/;

/** Splits a table row on unescaped `|` (GFM: escaped pipes stay in the cell, even in code spans). */
export function splitRow(line: string): string[] {
    let text = line.trim();
    if (text.startsWith('|')) text = text.slice(1);
    if (text.endsWith('|') && !text.endsWith('\\|')) text = text.slice(0, -1);
    const cells: string[] = [];
    let current = '';
    for (let i = 0; i < text.length; i++) {
        const ch = text[i];
        if (ch === '\\' && text[i + 1] === '|') {
            current += '|';
            i++;
        } else if (ch === '|') {
            cells.push(current.trim());
            current = '';
        } else {
            current += ch;
        }
    }
    cells.push(current.trim());
    return cells;
}

function isSeparatorRow(line: string): boolean {
    if (!line.includes('-') || !/^[\s|:-]+$/.test(line)) return false;
    const cells = splitRow(line);
    return cells.length >= 2 && cells.every((c) => SEPARATOR_CELL.test(c));
}

/**
 * Finds pipe tables in a list of lines. A table is a header row, a separator row
 * (`---|---`) and the following non-blank rows containing a `|`. Outer pipes are optional
 * (the Agent Flow docs omit them).
 */
export function tables(lines: readonly string[]): Table[] {
    const result: Table[] = [];
    let fence: string | undefined;
    for (let i = 0; i < lines.length; i++) {
        const fenceMatch = /^\s*(```|~~~)/.exec(lines[i]);
        if (fenceMatch) {
            if (fence === undefined) fence = fenceMatch[1];
            else if (fence === fenceMatch[1]) fence = undefined;
            continue;
        }
        if (fence !== undefined) continue;
        if (!lines[i].includes('|') || i + 1 >= lines.length || !isSeparatorRow(lines[i + 1])) continue;
        const header = splitRow(lines[i]).map((c) => cleanInline(c).toLowerCase());
        const rows: string[][] = [];
        let j = i + 2;
        for (; j < lines.length && lines[j].trim() !== '' && lines[j].includes('|'); j++) {
            rows.push(splitRow(lines[j]));
        }
        result.push({ header, rows });
        i = j - 1;
    }
    return result;
}

/**
 * Cleans inline Markdown of a cell or heading: unwraps links (`[text][ref]`, `[text](url)`,
 * `[text][]`), replaces `<br>` with a space, drops Hugo shortcodes and backticks, and
 * collapses whitespace.
 */
export function cleanInline(text: string): string {
    return collapse(stripCodeTicks(unwrapLinks(text)));
}

/** Like {@link cleanInline} but keeps backticks, for prose values such as defaults. */
export function cleanInlineKeepCode(text: string): string {
    return collapse(unwrapLinks(text));
}

function unwrapLinks(text: string): string {
    return text
        .replace(/<br\s*\/?>/gi, ' ')
        .replace(/\{\{[<%].*?[%>]\}\}/g, '')
        .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
        .replace(/\[([^\]]*)\]\[[^\]]*\]/g, '$1');
}

function stripCodeTicks(text: string): string {
    return text.replace(/`+/g, '');
}

function collapse(text: string): string {
    return text.replace(/\s+/g, ' ').trim();
}

/** Link reference definitions of a page: `[tls_config]: #tls_config` → `tls_config` ↦ `#tls_config`. */
export function linkReferences(body: string): Map<string, string> {
    const refs = new Map<string, string>();
    for (const m of body.matchAll(/^\s{0,3}\[([^\]]+)\]:\s*(\S+)/gm)) {
        const key = m[1].toLowerCase();
        if (!refs.has(key)) refs.set(key, m[2]);
    }
    return refs;
}

/**
 * The target of the last link in a cell, resolved through the page's reference definitions:
 * ``[`endpoint`][endpoint]`` → `#endpoint`, `[stage.cri][]` → `#stagecri-block`.
 */
export function lastLinkTarget(cell: string, refs: ReadonlyMap<string, string>): string | undefined {
    let target: string | undefined;
    for (const m of cell.matchAll(/\[([^\]]*)\](?:\(([^)]*)\)|\[([^\]]*)\])/g)) {
        if (m[2] !== undefined) target = m[2];
        else {
            const key = (m[3] === '' ? m[1] : m[3]).toLowerCase();
            target = refs.get(key) ?? target;
        }
    }
    return target;
}

/** Fenced code blocks' contents within some lines. */
export function codeBlocks(lines: readonly string[]): string[] {
    const blocks: string[] = [];
    let current: string[] | undefined;
    let fence = '';
    for (const line of lines) {
        const m = /^\s*(```|~~~)/.exec(line);
        if (m && current === undefined) {
            current = [];
            fence = m[1];
        } else if (m && m[1] === fence && current !== undefined) {
            blocks.push(current.join('\n'));
            current = undefined;
        } else if (current !== undefined) {
            current.push(line);
        }
    }
    return blocks;
}
