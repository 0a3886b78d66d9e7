// `flowlens check --fix`: applies the preferred fix of each diagnostic, skipping
// fixes whose edits overlap edits already taken, and writes the files.

import fs from 'node:fs';
import type { Diagnostic, TextEdit } from '../../language/diagnostic.js';
import { applyEdits } from '../../language/format/text-diff.js';
import type { FileView } from './report.js';

export function applyFixes(diagnostics: readonly Diagnostic[], views: ReadonlyMap<string, FileView>): { fixes: number; files: number } {
    const taken = new Map<string, TextEdit[]>();
    const seen = new Set<string>();
    let fixes = 0;
    for (const d of diagnostics) {
        const fix = d.fixes?.find((f) => f.preferred) ?? d.fixes?.[0];
        if (!fix) continue;
        const key = JSON.stringify(fix.edits);
        if (seen.has(key)) continue; // the same fix offered by several diagnostics
        const overlaps = fix.edits.some((e) => (taken.get(e.file) ?? []).some((t) => e.offset < t.end && t.offset < e.end));
        if (overlaps) continue;
        seen.add(key);
        for (const e of fix.edits) {
            const list = taken.get(e.file) ?? [];
            list.push(e);
            taken.set(e.file, list);
        }
        fixes++;
    }
    for (const [file, edits] of taken) {
        const view = views.get(file);
        const text = view ? view.parsed.source.text : fs.readFileSync(file, 'utf8');
        fs.writeFileSync(file, applyEdits(text, edits));
    }
    return { fixes, files: taken.size };
}
