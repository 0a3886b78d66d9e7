// Collects the diagnostics of an analysis. Findings in embedded content
// (import.string) are shown in the file that holds the string.

import path from 'node:path';
import type { AstNode } from 'langium';
import type { Diagnostic, Fix, Severity } from '../diagnostic.js';
import { displayLocation, type SourceFile } from '../model/source-file.js';

export class Reporter {
    readonly diagnostics: Diagnostic[] = [];
    private readonly seen = new Set<string>();

    /** `baseDir` is the configuration's directory; messages name files relative to it, as Alloy does. */
    constructor(private readonly baseDir: string) {}

    add(file: SourceFile, offset: number, end: number, severity: Severity, code: string, message: string, fixes?: Fix[]): void {
        const at = displayLocation(file, offset, end);
        const key = `${at.file.path}\0${at.offset}\0${code}\0${message}`;
        if (this.seen.has(key)) return; // a module instantiated twice is still reported once
        this.seen.add(key);
        this.diagnostics.push({ file: at.file.path, offset: at.offset, end: Math.max(at.end, at.offset), severity, code, message, fixes });
    }

    /** Reports on a whole AST node's span. */
    atNode(file: SourceFile, node: AstNode, severity: Severity, code: string, message: string, fixes?: Fix[]): void {
        this.add(file, node.$cstNode!.offset, node.$cstNode!.end, severity, code, message, fixes);
    }

    /** `FILE:LINE:COL` of an offset, the way Alloy names a position in messages. */
    where(file: SourceFile, offset: number): string {
        const at = displayLocation(file, offset, offset);
        const { line, column } = at.file.parsed.lines.position(at.offset);
        return `${this.displayName(at.file.path)}:${line}:${column}`;
    }

    displayName(filePath: string): string {
        const relative = path.relative(this.baseDir, filePath);
        return relative && !relative.startsWith('..') ? relative : filePath;
    }
}
