// How `flowlens check` prints diagnostics: Alloy's `FILE:LINE:COL` (byte
// columns) in text, 1-based UTF-16 columns in JSON (what editors count).

import type { Diagnostic, Fix } from '../../language/diagnostic.js';
import type { ParsedFile } from '../../language/syntax/parser.js';
import { LspLineMap } from '../../language/syntax/source.js';

export interface FileView {
    readonly parsed: ParsedFile;
    lsp?: LspLineMap;
}

export type FileViews = ReadonlyMap<string, FileView>;

export function alloyPosition(view: FileView, offset: number): string {
    const { line, column } = view.parsed.lines.position(offset);
    return `${line}:${column}`;
}

function lspPosition(view: FileView, offset: number): { line: number; column: number } {
    view.lsp ??= new LspLineMap(view.parsed.source.text);
    const p = view.lsp.position(offset);
    return { line: p.line + 1, column: p.character + 1 };
}

export function textReport(diagnostics: readonly Diagnostic[], files: FileViews): string {
    return diagnostics
        .map((d) => {
            const view = files.get(d.file);
            const where = view ? alloyPosition(view, d.offset) : '1:1';
            return `${d.file}:${where}: ${d.severity}: ${d.message}`;
        })
        .join('\n');
}

export function summary(diagnostics: readonly Diagnostic[], fileCount: number): string {
    const count = (severity: Diagnostic['severity']) => diagnostics.filter((d) => d.severity === severity).length;
    const parts: string[] = [];
    const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
    if (count('error')) parts.push(plural(count('error'), 'error'));
    if (count('warning')) parts.push(plural(count('warning'), 'warning'));
    if (count('information')) parts.push(plural(count('information'), 'info'));
    if (count('hint')) parts.push(plural(count('hint'), 'hint'));
    const files = plural(fileCount, 'file');
    return parts.length ? `${parts.join(', ')} in ${files} checked` : `No problems in ${files} checked`;
}

/** 1-based lines and UTF-16 columns of a range, what editors and code-scanning UIs count. */
export function utf16Range(files: FileViews, file: string, offset: number, end: number): { line: number; column: number; endLine: number; endColumn: number } {
    const view = files.get(file);
    if (!view) return { line: 1, column: 1, endLine: 1, endColumn: 1 };
    const start = lspPosition(view, offset);
    const stop = lspPosition(view, end);
    return { line: start.line, column: start.column, endLine: stop.line, endColumn: stop.column };
}

export function jsonReport(diagnostics: readonly Diagnostic[], files: FileViews, fileCount: number): unknown {
    const range = (file: string, offset: number, end: number) => utf16Range(files, file, offset, end);
    const fix = (f: Fix) => ({
        title: f.title,
        edits: f.edits.map((e) => ({ file: e.file, ...range(e.file, e.offset, e.end), newText: e.newText })),
        ...(f.creates?.length ? { creates: f.creates.map((c) => ({ file: c.file, text: c.text })) } : {}),
    });
    return {
        files: fileCount,
        diagnostics: diagnostics.map((d) => ({
            file: d.file,
            ...range(d.file, d.offset, d.end),
            severity: d.severity,
            code: d.code,
            message: d.message,
            fixes: (d.fixes ?? []).map(fix),
        })),
    };
}
