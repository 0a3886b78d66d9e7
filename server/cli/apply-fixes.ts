// `flowlens check --fix`: takes the preferred fix of each diagnostic, skipping
// fixes whose edits overlap edits already taken or that would create a file
// that exists; then writes the files (creating those a fix adds), or with
// `--dry-run` shows them as a unified diff.

import fs from 'node:fs';
import type { Diagnostic, TextEdit } from '../../language/diagnostic.js';
import { applyEdits } from '../../language/format/text-diff.js';
import type { FileView } from './report.js';

/** A fix that was applied: its title and the diagnostic it fixed. */
export interface AppliedFix {
    readonly title: string;
    readonly diagnostic: Diagnostic;
}

/** The fixes taken, and every file's text before and after them (`before` undefined: a new file). */
export interface FixPlan {
    readonly fixes: AppliedFix[];
    readonly files: Map<string, { before: string | undefined; after: string }>;
}

export function planFixes(diagnostics: readonly Diagnostic[], views: ReadonlyMap<string, FileView>): FixPlan {
    const taken = new Map<string, TextEdit[]>();
    const creates = new Map<string, string>();
    const seen = new Set<string>();
    const fixes: AppliedFix[] = [];
    for (const d of diagnostics) {
        const fix = d.fixes?.find((f) => f.preferred) ?? d.fixes?.[0];
        if (!fix) continue;
        const key = JSON.stringify([fix.edits, fix.creates]);
        if (seen.has(key)) continue; // the same fix offered by several diagnostics
        const overlaps = fix.edits.some((e) => (taken.get(e.file) ?? []).some((t) => e.offset < t.end && t.offset < e.end));
        if (overlaps || fix.creates?.some((c) => creates.has(c.file) || fs.existsSync(c.file))) continue;
        for (const c of fix.creates ?? []) creates.set(c.file, c.text);
        seen.add(key);
        for (const e of fix.edits) {
            const list = taken.get(e.file) ?? [];
            list.push(e);
            taken.set(e.file, list);
        }
        fixes.push({ title: fix.title, diagnostic: d });
    }
    const files = new Map<string, { before: string | undefined; after: string }>();
    for (const [file, edits] of taken) {
        const view = views.get(file);
        const text = view ? view.parsed.source.text : fs.readFileSync(file, 'utf8');
        files.set(file, { before: text, after: applyEdits(text, edits) });
    }
    for (const [file, text] of creates) files.set(file, { before: undefined, after: text });
    return { fixes, files };
}

/** Writes a plan's files; a file a fix creates is never overwritten. */
export function writeFixes(plan: FixPlan): void {
    for (const [file, { before, after }] of plan.files) {
        if (before === undefined) fs.writeFileSync(file, after, { flag: 'wx' });
        else fs.writeFileSync(file, after);
    }
}
