// An in-memory file system for analysis tests: paths are absolute under /cfg.

import path from 'node:path';
import { analyzeConfiguration, type Analysis } from '../../language/analysis/analyze.js';
import { type AnalysisOptions, DEFAULT_OPTIONS } from '../../language/analysis/options.js';
import { dialectForPath } from '../../language/catalog/catalog.js';
import type { Diagnostic } from '../../language/diagnostic.js';
import { applyEdits } from '../../language/format/text-diff.js';
import type { FileHost } from '../../language/model/host.js';
import type { SourceFile } from '../../language/model/source-file.js';
import { parse } from '../../language/syntax/parser.js';
import { directoryConfiguration } from '../../language/workspace/configurations.js';
import { isConfigFileName } from '../../language/workspace/files.js';

export const ROOT = '/cfg';

export class MemoryHost implements FileHost {
    readonly texts = new Map<string, string>();

    constructor(files: Record<string, string>) {
        for (const [name, text] of Object.entries(files)) this.texts.set(path.join(ROOT, name), text);
    }

    file(filePath: string): SourceFile | undefined {
        const text = this.texts.get(filePath);
        return text === undefined ? undefined : { path: filePath, parsed: parse(text), dialect: dialectForPath(filePath) };
    }

    isDirectory(dirPath: string): boolean {
        const prefix = dirPath.endsWith('/') ? dirPath : dirPath + '/';
        return [...this.texts.keys()].some((p) => p.startsWith(prefix));
    }

    configFiles(dirPath: string): string[] {
        return [...this.texts.keys()].filter((p) => path.dirname(p) === dirPath && isConfigFileName(p)).sort();
    }
}

/** Analyzes files given by name; the root is `main` (a file name) or the whole /cfg directory. */
export function analyze(files: Record<string, string>, options: Partial<AnalysisOptions> = {}, main?: string): { analysis: Analysis; host: MemoryHost } {
    const host = new MemoryHost(files);
    const roots = main ? [host.file(path.join(ROOT, main))!] : directoryConfiguration(ROOT, host);
    const analysis = analyzeConfiguration(roots, host, { ...DEFAULT_OPTIONS, ...options }, ROOT);
    return { analysis, host };
}

/** Diagnostics as `file:line:col severity code: message`, sorted. */
export function describe(analysis: Analysis, host: MemoryHost, filter: (d: Diagnostic) => boolean = () => true): string[] {
    return analysis.diagnostics
        .filter(filter)
        .map((d) => {
            const parsed = host.file(d.file)!.parsed;
            const { line, column } = parsed.lines.position(d.offset);
            return `${path.relative(ROOT, d.file)}:${line}:${column} ${d.severity} ${d.code}: ${d.message}`;
        })
        .sort();
}

/** Shortcut: diagnostics of a single main.alloy. */
export function check(text: string, options: Partial<AnalysisOptions> = {}, extra: Record<string, string> = {}): string[] {
    const { analysis, host } = analyze({ 'main.alloy': text, ...extra }, options, 'main.alloy');
    return describe(analysis, host);
}

/** Applies a fix's edits to the in-memory files and returns the new texts. */
export function applyFix(host: MemoryHost, fix: NonNullable<Diagnostic['fixes']>[number]): Record<string, string> {
    const byFile = new Map<string, typeof fix.edits[number][]>();
    for (const e of fix.edits) byFile.set(e.file, [...(byFile.get(e.file) ?? []), e]);
    const out: Record<string, string> = {};
    for (const [file, text] of host.texts) out[path.relative(ROOT, file)] = byFile.has(file) ? applyEdits(text, byFile.get(file)!) : text;
    return out;
}
