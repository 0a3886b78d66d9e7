// Rename: what a position names, the edits that rename it everywhere one
// analysis sees it, and why a position cannot be renamed. The language server
// joins the edits of every configuration that includes the symbol and refuses
// the rename when re-checking the edited configurations reports anything else.

import type { Diagnostic, TextEdit } from '../diagnostic.js';
import type { Block } from '../syntax/ast.js';
import { isValidIdentifier } from '../syntax/chars.js';
import type { AnalysisIndex, Located } from './analysis-index.js';
import type { Analysis } from './analyze.js';
import { editIn } from './fixes.js';
import { moduleBehind } from './module-targets.js';
import { type NamedSymbol, occurrencesOf, type Span, symbolAt } from './symbols.js';

export type RenameTarget = { readonly symbol: NamedSymbol; readonly span: Span } | { readonly refused: string };

/**
 * The symbol a rename at `offset` of `filePath` renames, with the span of its
 * name under the cursor, or the reason it cannot be renamed; undefined when
 * nothing is there.
 */
export function renameTargetAt(index: AnalysisIndex, filePath: string, offset: number): RenameTarget | undefined {
    const located = index.locate(filePath, offset);
    if (!located) return undefined;
    const symbol = located.kind === 'attribute' ? argumentOfCall(located, index) : symbolAt(located, index);
    if (!symbol || 'refused' in symbol) return symbol ?? { refused: whyNotRenamable(located) };
    const { definition, uses } = occurrencesOf(symbol, index);
    const span = [definition, ...uses].find((s) => s && s.file.path === filePath && offset >= s.offset && offset <= s.end);
    if (!span) return { refused: whyNotRenamable(located) };
    return { symbol, span };
}

/** The edits renaming `symbol` in one analysis, or why it cannot be done. */
export function renameEdits(symbol: NamedSymbol, index: AnalysisIndex, newName: string): TextEdit[] | { refused: string } {
    if (!isValidIdentifier(newName)) return { refused: `"${newName}" is not a valid Alloy identifier` };
    const { name, definition, uses } = occurrencesOf(symbol, index);
    const edits: TextEdit[] = [];
    for (const span of [definition, ...uses]) {
        if (!span) continue;
        const edit = editIn(span.file, span.offset, span.end, newName);
        if (!edit) return { refused: `"${name}" is also used inside a string whose escapes shift positions (${span.file.host!.file.path}); rename it by hand` };
        edits.push(edit);
    }
    return dedupe(edits);
}

/** Edits of one file at the same place are one edit (configurations sharing a module find it twice). */
export function dedupe(edits: readonly TextEdit[]): TextEdit[] {
    const seen = new Map<string, TextEdit>();
    for (const e of edits) seen.set(`${e.file}\0${e.offset}\0${e.end}`, e);
    return [...seen.values()];
}

/**
 * What must stay the same when renaming: every diagnostic's file, line, code
 * and severity (a rename never changes line numbers; messages may quote names).
 */
export function diagnosticSignature(analysis: Pick<Analysis, 'configuration' | 'diagnostics'>): string[] {
    return analysis.diagnostics.map((d) => signatureOf(d, analysis)).sort();
}

export function signatureOf(d: Diagnostic, analysis: Pick<Analysis, 'configuration'>): string {
    const file = analysis.configuration.files.find((f) => f.path === d.file);
    const line = file ? file.parsed.lines.line(d.offset) : -1;
    return `${d.file}:${line} ${d.severity} ${d.code}`;
}

/** An attribute set on a custom component or Agent Flow module instance names the module's argument. */
function argumentOfCall(located: Located & { kind: 'attribute' }, index: AnalysisIndex): NamedSymbol | { refused: string } | undefined {
    const { node, attribute, blockPath } = located;
    const module = moduleBehind(node, index.analysis.configuration);
    const isFlowModule = node.stmt.node.name.startsWith('module.');
    const setsArgument = isFlowModule ? blockPath.length === 1 && blockPath[0] === 'arguments' : blockPath.length === 0 && (node.resolution.kind === 'custom' || node.resolution.kind === 'imported');
    if (!setsArgument) return undefined;
    if (!module) return { refused: `the module ${node.id} runs is not loaded, so its argument "${attribute.name}" cannot be renamed with it` };
    const argument = index.analysis.modules.get(module)?.nodes.get(`argument.${attribute.name}`);
    if (!argument) return { refused: `${module.name} has no argument "${attribute.name}"` };
    return { kind: 'node', node: argument };
}

/** Why the thing at a position keeps its name. */
function whyNotRenamable(located: Located): string {
    switch (located.kind) {
        case 'reference': {
            const { ref, index: i } = located;
            const name = ref.traversal.names[i];
            if (!ref.target) return `"${name}" is not a component of this configuration (standard library, module_path or a foreach variable); it cannot be renamed`;
            return `"${name}" is part of the built-in ${ref.target.stmt.node.name}'s name or exports; only labels and names defined in the configuration can be renamed`;
        }
        case 'attribute':
            return `"${located.attribute.name}" is an argument of ${located.node.stmt.node.name}, whose arguments are fixed`;
        case 'nested-block':
            return `"${located.block.name}" is a block of ${located.node.stmt.node.name}, whose blocks are fixed`;
        case 'node': {
            const block: Block = located.node.stmt.node;
            return block.label ? `${block.name} is a built-in name; rename its label "${block.label}" instead` : `${block.name} has no label to rename`;
        }
        default:
            return 'this name cannot be renamed';
    }
}
