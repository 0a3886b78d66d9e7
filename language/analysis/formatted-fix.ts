// Fixes keep a formatted file formatted. Renaming a label or an argument
// changes the width of a line, and `alloy fmt` aligns `=` signs and trailing
// comments across neighbouring lines: applied as bare replacements, a fix would
// leave those columns misaligned. For files that `alloy fmt` would not change,
// a fix's edits become the line edits to the formatted result when the bare
// replacements would leave it unformatted.

import type { Diagnostic, Fix, TextEdit } from '../diagnostic.js';
import { formatParsed, formatSource } from '../format/format.js';
import { applyEdits, lineEdits } from '../format/text-diff.js';
import type { SourceFile } from '../model/source-file.js';

export function keepFormatted(diagnostics: readonly Diagnostic[], files: readonly SourceFile[]): Diagnostic[] {
    const byPath = new Map(files.filter((f) => !f.host).map((f) => [f.path, f]));
    const clean = new Map<string, boolean>();
    const isClean = (file: SourceFile): boolean => {
        let known = clean.get(file.path);
        if (known === undefined) clean.set(file.path, (known = file.parsed.errors.length === 0 && formatParsed(file.parsed) === file.parsed.source.text));
        return known;
    };
    return diagnostics.map((d) => (d.fixes?.length ? { ...d, fixes: d.fixes.map((f) => formattedFix(f, byPath, isClean)) } : d));
}

function formattedFix(fix: Fix, files: ReadonlyMap<string, SourceFile>, isClean: (file: SourceFile) => boolean): Fix {
    const edits: TextEdit[] = [];
    for (const path of new Set(fix.edits.map((e) => e.file))) {
        const own = fix.edits.filter((e) => e.file === path);
        const file = files.get(path);
        const applied = file && isClean(file) ? applyEdits(file.parsed.source.text, own) : undefined;
        const formatted = applied === undefined ? undefined : formatSource(applied);
        if (formatted?.ok && formatted.text !== applied) edits.push(...lineEdits(file!.parsed.source.text, formatted.text).map((e) => ({ file: path, ...e })));
        else edits.push(...own);
    }
    return { ...fix, edits };
}
