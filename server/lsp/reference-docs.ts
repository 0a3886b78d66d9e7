// Descriptions from Alloy's reference docs, read at run time from a local copy
// of its docs (the `flowlens.docsPath` setting: a directory with
// `reference/components/...` and `shared/...`, as in grafana/alloy's
// docs/sources). flowlens ships no prose of its own: the catalog links every
// component and stdlib entry to its page, and the page for that link is read
// here — the component's introduction, the Description column of its
// argument, block and export tables, a stdlib function's first paragraph.
// Pages are read once and kept; without the setting there is no prose.

import fs from 'node:fs';
import path from 'node:path';

const DOCS_URL = /^https:\/\/grafana\.com\/docs\/(?:alloy|agent)\/latest\/(.*?)\/?(?:#(.*))?$/;
const SHARED = /\{\{<\s*docs\/shared\s+lookup="([^"]+)"[^}]*\}\}/g;
const MAX_CHARS = 600;

interface Page {
    /** The paragraph(s) after the title. */
    readonly intro?: string;
    /** Description of each argument, by section: '' is the Arguments table, a block name its section. */
    readonly arguments: Map<string, Map<string, string>>;
    /** Description of each block, by name (the last name of its `a > b` path). */
    readonly blocks: Map<string, string>;
    readonly exports: Map<string, string>;
    /** The first paragraph under each `## heading` (stdlib functions), by heading text. */
    readonly sections: Map<string, string>;
}

export class ReferenceDocs {
    private readonly pages = new Map<string, Page | undefined>();

    constructor(private readonly root: string | undefined) {}

    component(docsUrl: string): string | undefined {
        return this.page(docsUrl)?.intro;
    }

    /** An argument of a component (`blockPath` empty) or of one of its blocks. */
    argument(docsUrl: string, blockPath: readonly string[], name: string): string | undefined {
        const page = this.page(docsUrl);
        const section = blockPath.length ? blockPath[blockPath.length - 1] : '';
        return page?.arguments.get(section)?.get(name);
    }

    block(docsUrl: string, blockPath: readonly string[]): string | undefined {
        return this.page(docsUrl)?.blocks.get(blockPath[blockPath.length - 1]);
    }

    export(docsUrl: string, name: string): string | undefined {
        return this.page(docsUrl)?.exports.get(name);
    }

    /** A stdlib entry: its docs link names the page and the heading (`#arrayconcat`). */
    stdlib(docsUrl: string, name: string): string | undefined {
        return this.page(docsUrl)?.sections.get(name);
    }

    private page(docsUrl: string): Page | undefined {
        const m = this.root ? DOCS_URL.exec(docsUrl) : undefined;
        if (!m) return undefined;
        const key = m[1];
        if (!this.pages.has(key)) this.pages.set(key, this.read(key));
        return this.pages.get(key);
    }

    private read(key: string): Page | undefined {
        const candidates = [`${key}.md`, `${key}/_index.md`].map((p) => path.join(this.root!, p));
        const file = candidates.find((f) => fs.existsSync(f));
        if (!file) return undefined;
        const text = fs.readFileSync(file, 'utf8').replace(SHARED, (_, lookup: string) => this.shared(lookup));
        return parsePage(text);
    }

    private shared(lookup: string): string {
        try {
            return stripFrontMatter(fs.readFileSync(path.join(this.root!, 'shared', lookup), 'utf8'));
        } catch {
            return '';
        }
    }
}

function stripFrontMatter(text: string): string {
    return text.replace(/^---\n[^]*?\n---\n/, '');
}

function parsePage(raw: string): Page {
    const text = stripFrontMatter(raw);
    const lines = text.split('\n');
    const page: Page = { arguments: new Map(), blocks: new Map(), exports: new Map(), sections: new Map() };
    let h2 = '';
    let h3 = '';
    let paragraph: string[] = [];
    let inCode = false;
    let afterTitle = false;
    const flushParagraph = () => {
        if (!paragraph.length) return;
        const prose = clean(paragraph.join(' '));
        paragraph = [];
        if (afterTitle && page.intro === undefined) (page as { intro?: string }).intro = prose;
        if (h2 && !h3 && !page.sections.has(h2)) page.sections.set(h2, prose);
    };
    for (let i = 0; i < lines.length; i++) {
        const line = lines[i];
        if (line.startsWith('```')) {
            inCode = !inCode;
            flushParagraph();
            continue;
        }
        if (inCode) continue;
        const heading = /^(#{1,3})\s+(.*)$/.exec(line);
        if (heading) {
            flushParagraph();
            const title = heading[2].replace(/`/g, '').trim();
            afterTitle = heading[1] === '#';
            if (heading[1] === '##') [h2, h3] = [title, ''];
            if (heading[1] === '###') h3 = title;
            continue;
        }
        if (line.startsWith('|')) {
            flushParagraph();
            const table: string[] = [];
            while (i < lines.length && lines[i].startsWith('|')) table.push(lines[i++]);
            i--;
            readTable(table, h2, h3, page);
            continue;
        }
        if (line.trim() === '' || line.startsWith('{{') || /^\[[^\]]+\]:\s/.test(line)) {
            flushParagraph();
            continue;
        }
        paragraph.push(line.trim());
    }
    flushParagraph();
    return page;
}

function cells(row: string): string[] {
    return row.replace(/^\|/, '').replace(/\|\s*$/, '').split(/(?<!\\)\|/).map((c) => c.trim());
}

function readTable(rows: readonly string[], h2: string, h3: string, page: Page): void {
    if (rows.length < 3) return;
    const header = cells(rows[0]).map((c) => c.toLowerCase());
    const nameAt = header.findIndex((c) => c === 'name' || c === 'block');
    const descriptionAt = header.indexOf('description');
    if (nameAt < 0 || descriptionAt < 0) return;
    for (const row of rows.slice(2)) {
        const c = cells(row);
        const names = [...(c[nameAt] ?? '').matchAll(/`([^`]+)`/g)].map((m) => m[1]);
        const name = names[names.length - 1];
        const description = clean(c[descriptionAt] ?? '');
        if (!name || !description) continue;
        if (header[nameAt] === 'block') {
            if (!page.blocks.has(name)) page.blocks.set(name, description);
        } else if (/^exported fields$/i.test(h2)) {
            page.exports.set(name, description);
        } else {
            const section = h3 || (/^arguments$/i.test(h2) ? '' : h2);
            let table = page.arguments.get(section);
            if (!table) page.arguments.set(section, (table = new Map()));
            if (!table.has(name)) table.set(name, description);
        }
    }
}

/** Markdown as a hover shows it: reference-style links become their text, shortcodes go. */
function clean(text: string): string {
    const out = text
        .replace(/\{\{[^}]*\}\}/g, '')
        .replace(/\[([^\]]+)\]\[[^\]]*\]/g, '$1')
        .replace(/\[([^\]]+)\]\((?!https?:)[^)]*\)/g, '$1')
        .replace(/<br\s*\/?>/g, ' ')
        .replace(/\s+/g, ' ')
        .trim();
    return out.length > MAX_CHARS ? out.slice(0, out.lastIndexOf(' ', MAX_CHARS)) + ' …' : out;
}
