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

/** Colour on a terminal only, and never when NO_COLOR is set to anything but "" (no-color.org). */
export function colourEnabled(isTTY: boolean | undefined, env: NodeJS.ProcessEnv): boolean {
    return isTTY === true && !env.NO_COLOR && env.TERM !== 'dumb';
}

const SEVERITY_COLOUR: Readonly<Record<Diagnostic['severity'], string>> = {
    error: '\x1b[1;31m',
    warning: '\x1b[33m',
    information: '\x1b[36m',
    hint: '\x1b[2m',
};
const BOLD = '\x1b[1m';
const RESET = '\x1b[0m';

export function textReport(diagnostics: readonly Diagnostic[], files: FileViews, colour = false): string {
    return diagnostics
        .map((d) => {
            const view = files.get(d.file);
            const where = `${d.file}:${view ? alloyPosition(view, d.offset) : '1:1'}:`;
            if (!colour) return `${where} ${d.severity}: ${d.message}`;
            return `${BOLD}${where}${RESET} ${SEVERITY_COLOUR[d.severity]}${d.severity}${RESET}: ${d.message}`;
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
