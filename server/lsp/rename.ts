// Rename: complete across the whole workspace or refused with the reason.
// The symbol is renamed in every configuration that includes its definition
// (all files of each directory and every module they load, open or not); the
// edited configurations are then checked again in memory, and the rename is
// refused when that would report anything they do not report now.

import type { LangiumDocument } from 'langium';
import type { RenameProvider } from 'langium/lsp';
import { LSPErrorCodes, type Position, type Range, type RenameParams, ResponseError, type TextDocumentPositionParams, type WorkspaceEdit } from 'vscode-languageserver';
import type { Analysis } from '../../language/analysis/analyze.js';
import { dedupe, diagnosticSignature, renameEdits, renameTargetAt, signatureOf } from '../../language/analysis/rename.js';
import { occurrencesOf } from '../../language/analysis/symbols.js';
import type { TextEdit } from '../../language/diagnostic.js';
import { applyEdits } from '../../language/format/text-diff.js';
import type { AlloyWorkspace } from './alloy-workspace.js';
import { fileOf, indexOf, pathOf, rangeIn, workspaceEdit } from './editor-context.js';

const refuse = (reason: string): never => {
    throw new ResponseError(LSPErrorCodes.RequestFailed, `Cannot rename: ${reason}`);
};

export class AlloyRenameProvider implements RenameProvider {
    constructor(private readonly workspace: () => AlloyWorkspace) {}

    prepareRename(document: LangiumDocument, params: TextDocumentPositionParams): Range | undefined {
        const found = this.targetAt(document, params.position);
        return found && rangeIn(found.target.span.file, found.target.span.offset, found.target.span.end);
    }

    rename(document: LangiumDocument, params: RenameParams): WorkspaceEdit | undefined {
        const found = this.targetAt(document, params.position);
        if (!found) return undefined;
        const { symbol } = found.target;
        const { name, definition } = occurrencesOf(symbol, indexOf(found.analysis));
        if (params.newName === name) return { changes: {} };
        // Every configuration that includes the definition renames it too.
        const anchor = definition ?? found.target.span;
        const analyses = [found.analysis, ...this.workspace().allAnalyses().filter((a) => a !== found.analysis && a.configuration.files.some((f) => f.path === anchor.file.path))];
        const edits: TextEdit[] = [];
        for (const analysis of analyses) {
            const target = renameTargetAt(indexOf(analysis), anchor.file.path, anchor.offset);
            if (!target || 'refused' in target) return refuse(`"${name}" means something else in the configuration of ${analysis.configuration.root.name}`);
            const more = renameEdits(target.symbol, indexOf(analysis), params.newName);
            if (!Array.isArray(more)) return refuse((more as { refused: string }).refused);
            edits.push(...more);
        }
        const all = dedupe(edits);
        this.verify(analyses, all, name, params.newName);
        return workspaceEdit(analyses, all);
    }

    private targetAt(document: LangiumDocument, position: Position) {
        const offset = document.textDocument.offsetAt(position);
        const path = pathOf(document);
        for (const analysis of this.workspace().analysesFor(document.uri)) {
            const target = renameTargetAt(indexOf(analysis), path, offset);
            if (!target) continue;
            if ('refused' in target) return refuse(target.refused);
            return { analysis, target };
        }
        return undefined;
    }

    /** Refuses the rename when an edited configuration would report anything it does not report now. */
    private verify(analyses: readonly Analysis[], edits: readonly TextEdit[], name: string, newName: string): void {
        const texts = new Map<string, string>();
        for (const path of new Set(edits.map((e) => e.file))) {
            texts.set(path, applyEdits(fileOf(analyses, path)!.parsed.source.text, edits.filter((e) => e.file === path)));
        }
        for (const analysis of analyses) {
            const after = this.workspace().analysisWith(analysis, texts);
            if (!after) continue;
            const before = diagnosticSignature(analysis);
            const remaining = [...before];
            const added = after.diagnostics.filter((d) => {
                const i = remaining.indexOf(signatureOf(d, after));
                if (i < 0) return true;
                remaining.splice(i, 1);
                return false;
            });
            if (added.length) {
                const d = added[0];
                const line = fileOf([after], d.file)?.parsed.lines.line(d.offset);
                refuse(`renaming "${name}" to "${newName}" would report ${d.severity} "${d.message}" at ${d.file}:${line}`);
            }
        }
    }
}
