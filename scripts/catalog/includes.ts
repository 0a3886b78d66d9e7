// Resolves Hugo `{{< docs/shared lookup="..." >}}` includes in the reference docs.
// Shared fragments carry whole argument tables (tls_config, oauth2, output, ...), so the
// page text has to be expanded before it is split into sections and tables.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { splitFrontMatter } from './markdown.js';

// Attribute values may contain `>` (`version="<ALLOY_VERSION>"`) and come in any order,
// so match a list of quoted attributes and pick `lookup` out of it.
const INCLUDE = /\{\{<\s*docs\/shared((?:\s+[\w-]+="[^"]*")*)\s*>\}\}/g;

function lookupOf(attributes: string): string | undefined {
    return /\blookup="([^"]+)"/.exec(attributes)?.[1];
}

export class IncludeResolver {
    private readonly cache = new Map<string, string | undefined>();
    /** Lookups with no fragment on disk (e.g. `stability/*.md`, which hold only prose). */
    readonly missing = new Set<string>();

    /** @param sharedRoot the docs `shared/` directory the lookups are relative to. */
    constructor(private readonly sharedRoot: string) {}

    /** Every lookup path named in a text, unexpanded. */
    static lookups(text: string): string[] {
        return [...text.matchAll(INCLUDE)].flatMap((m) => lookupOf(m[1]) ?? []);
    }

    /**
     * Replaces each include with the fragment's body (front matter removed), recursively.
     * A missing fragment becomes an empty string; cycles are cut at the repeated fragment.
     */
    expand(text: string, stack: readonly string[] = []): string {
        return text.replace(INCLUDE, (_whole, attributes: string) => {
            const lookup = lookupOf(attributes);
            if (lookup === undefined || stack.includes(lookup)) return '';
            const fragment = this.read(lookup);
            if (fragment === undefined) return '';
            // Keep the fragment on its own lines so a table inside it stays a table.
            return `\n${this.expand(fragment, [...stack, lookup])}\n`;
        });
    }

    /**
     * Expands a component fragment by file name (`basic-auth-block.md`), wherever this docs
     * tree keeps them: `reference/components/` (Alloy) or `flow/reference/components/` (Agent).
     */
    expandFragment(fileName: string): string | undefined {
        for (const dir of ['reference/components', 'flow/reference/components']) {
            const lookup = `${dir}/${fileName}`;
            if (!existsSync(join(this.sharedRoot, lookup))) continue;
            const body = this.read(lookup);
            if (body !== undefined) return this.expand(body, [lookup]);
        }
        return undefined;
    }

    private read(lookup: string): string | undefined {
        if (this.cache.has(lookup)) return this.cache.get(lookup);
        const path = join(this.sharedRoot, lookup);
        let body: string | undefined;
        if (existsSync(path)) body = splitFrontMatter(readFileSync(path, 'utf8')).body;
        else this.missing.add(lookup);
        this.cache.set(lookup, body);
        return body;
    }
}
