// Resolves Hugo `{{< docs/shared lookup="..." >}}` includes in the reference docs.
// Shared fragments carry whole argument tables (tls_config, oauth2, output, ...), so the
// page text has to be expanded before it is split into sections and tables.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { splitFrontMatter } from './markdown.js';

const INCLUDE = /\{\{<\s*docs\/shared\s+lookup="([^"]+)"[^>]*>\}\}/g;

export class IncludeResolver {
    private readonly cache = new Map<string, string | undefined>();
    /** Lookups with no fragment on disk (e.g. `stability/*.md`, which hold only prose). */
    readonly missing = new Set<string>();

    /** @param sharedRoot the docs `shared/` directory the lookups are relative to. */
    constructor(private readonly sharedRoot: string) {}

    /** Every lookup path named in a text, unexpanded. */
    static lookups(text: string): string[] {
        return [...text.matchAll(INCLUDE)].map((m) => m[1]);
    }

    /**
     * Replaces each include with the fragment's body (front matter removed), recursively.
     * A missing fragment becomes an empty string; cycles are cut at the repeated fragment.
     */
    expand(text: string, stack: readonly string[] = []): string {
        return text.replace(INCLUDE, (_whole, lookup: string) => {
            if (stack.includes(lookup)) return '';
            const fragment = this.read(lookup);
            if (fragment === undefined) return '';
            // Keep the fragment on its own lines so a table inside it stays a table.
            return `\n${this.expand(fragment, [...stack, lookup])}\n`;
        });
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
