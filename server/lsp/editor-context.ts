// Shared plumbing of the editor features: from an LSP position to what is
// there in the analysis, and from analysis offsets back to LSP locations in
// any file of the configuration (open or not).

import type { LangiumDocument } from 'langium';
import type { Location, Position, Range, TextEdit as LspTextEdit, WorkspaceEdit } from 'vscode-languageserver';
import { URI } from 'vscode-uri';
import { AnalysisIndex, type Located } from '../../language/analysis/analysis-index.js';
import type { Analysis } from '../../language/analysis/analyze.js';
import type { NewFile, TextEdit } from '../../language/diagnostic.js';
import { displayLocation, type SourceFile } from '../../language/model/source-file.js';
import { LspLineMap } from '../../language/syntax/source.js';
import type { AlloyWorkspace } from './alloy-workspace.js';

const indexes = new WeakMap<Analysis, AnalysisIndex>();
const lineMaps = new WeakMap<object, LspLineMap>();

export function indexOf(analysis: Analysis): AnalysisIndex {
    let index = indexes.get(analysis);
    if (!index) indexes.set(analysis, (index = new AnalysisIndex(analysis)));
    return index;
}

/** The path the analysis knows a document by. */
export function pathOf(document: LangiumDocument): string {
    return document.uri.scheme === 'file' ? document.uri.fsPath : document.uri.toString();
}

export function uriOfPath(filePath: string): string {
    return filePath.includes('://') || filePath.startsWith('untitled:') ? filePath : URI.file(filePath).toString();
}

export interface EditorContext {
    readonly analysis: Analysis;
    readonly index: AnalysisIndex;
    readonly path: string;
    readonly offset: number;
    readonly located?: Located;
}

/** What is at a position, in the first configuration that includes the document. */
export function contextAt(workspace: AlloyWorkspace, document: LangiumDocument, position: Position): EditorContext | undefined {
    const offset = document.textDocument.offsetAt(position);
    const path = pathOf(document);
    for (const analysis of workspace.analysesFor(document.uri)) {
        const index = indexOf(analysis);
        const located = index.locate(path, offset);
        if (located) return { analysis, index, path, offset, located };
    }
    const first = workspace.analysesFor(document.uri)[0];
    return first ? { analysis: first, index: indexOf(first), path, offset } : undefined;
}

function lineMap(file: SourceFile): LspLineMap {
    let map = lineMaps.get(file.parsed);
    if (!map) lineMaps.set(file.parsed, (map = new LspLineMap(file.parsed.source.text)));
    return map;
}

/** The LSP location of a span of a file (embedded content maps to its host file). */
export function locationOf(file: SourceFile, offset: number, end: number): Location {
    const at = displayLocation(file, offset, end);
    return { uri: uriOfPath(at.file.path), range: lineMap(at.file).range(at.offset, at.end) };
}

export function rangeIn(file: SourceFile, offset: number, end: number): Range {
    return locationOf(file, offset, end).range;
}

/**
 * Core text edits (offsets) as an LSP WorkspaceEdit; files are looked up in the
 * analyses. Files to create make it a list of document changes: each
 * `CreateFile` then an edit that inserts its text.
 */
export function workspaceEdit(analyses: Analysis | readonly Analysis[], edits: readonly TextEdit[], creates: readonly NewFile[] = []): WorkspaceEdit {
    const all = Array.isArray(analyses) ? (analyses as readonly Analysis[]) : [analyses as Analysis];
    const changes: Record<string, LspTextEdit[]> = {};
    for (const e of edits) {
        const file = fileOf(all, e.file);
        if (!file) throw new Error(`an edit of ${e.file}, which no configuration read`);
        (changes[uriOfPath(e.file)] ??= []).push({ range: lineMap(file).range(e.offset, e.end), newText: e.newText });
    }
    if (!creates.length) return { changes };
    const start = { line: 0, character: 0 };
    return {
        documentChanges: [
            ...creates.flatMap((c) => [
                { kind: 'create' as const, uri: uriOfPath(c.file), options: { overwrite: false, ignoreIfExists: false } },
                { textDocument: { uri: uriOfPath(c.file), version: null }, edits: [{ range: { start, end: start }, newText: c.text }] },
            ]),
            ...Object.entries(changes).map(([uri, fileEdits]) => ({ textDocument: { uri, version: null }, edits: fileEdits })),
        ],
    };
}

/** A file (not embedded content) some analysis read. */
export function fileOf(analyses: readonly Analysis[], filePath: string): SourceFile | undefined {
    for (const a of analyses) {
        const file = a.configuration.files.find((f) => f.path === filePath && !f.host);
        if (file) return file;
    }
    return undefined;
}
