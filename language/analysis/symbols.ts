// Named things a user can navigate to, find and rename: a node (by its label),
// an export of a module, a custom component (declare), an import namespace.
// For each, where it is defined and every place that uses its name.

import type { DeclareDef, ImportDef, ModuleDef } from '../model/modules.js';
import type { SourceFile } from '../model/source-file.js';
import type { Block } from '../syntax/ast.js';
import type { AnalysisIndex, Located } from './analysis-index.js';
import { exportKey, moduleBehind } from './module-targets.js';
import type { NodeInfo } from './semantic-model.js';

export type NamedSymbol =
    | { readonly kind: 'node'; readonly node: NodeInfo }
    | { readonly kind: 'export'; readonly module: ModuleDef; readonly key: string }
    | { readonly kind: 'declare'; readonly declare: DeclareDef }
    | { readonly kind: 'import'; readonly import: ImportDef };

/** A span holding the symbol's name (labels without their quotes). */
export interface Span {
    readonly file: SourceFile;
    readonly offset: number;
    readonly end: number;
}

export interface Occurrences {
    readonly name: string;
    readonly definition?: Span;
    readonly uses: readonly Span[];
}

/** The symbol at a located position, if it has a name that can be navigated. */
export function symbolAt(located: Located, index: AnalysisIndex): NamedSymbol | undefined {
    const config = index.analysis.configuration;
    switch (located.kind) {
        case 'declare':
            return { kind: 'declare', declare: located.declare };
        case 'import':
            return { kind: 'import', import: located.import };
        case 'node': {
            const { node, part } = located;
            if (node.stmt.node.name === 'export' && part === 'label' && node.stmt.node.label) return { kind: 'export', module: node.module, key: node.stmt.node.label };
            // An import block is a node too; its label is the namespace.
            const imported = index.importOfBlock.get(node.stmt.node);
            if (imported && part === 'label') return { kind: 'import', import: imported };
            if (part === 'name') {
                const r = node.resolution;
                if (r.kind === 'custom') return { kind: 'declare', declare: r.declare };
                if (r.kind === 'imported') return r.declare ? { kind: 'declare', declare: r.declare } : { kind: 'import', import: r.import };
            }
            return { kind: 'node', node };
        }
        case 'reference': {
            const { ref, index: i } = located;
            if (!ref.target) return undefined;
            const idLength = ref.traversal.names.length - ref.fields.length;
            // `helper.x.out` names the declare; `lib.helper.x.out` the import, then the declare.
            const r = ref.target.resolution;
            const labelIndex = ref.target.stmt.node.$fragments.length;
            if (i < labelIndex && r.kind === 'custom') return { kind: 'declare', declare: r.declare };
            if (i < labelIndex && r.kind === 'imported') return i === 0 ? { kind: 'import', import: r.import } : r.declare && { kind: 'declare', declare: r.declare };
            if (i < idLength) return { kind: 'node', node: ref.target };
            const key = exportKey(ref);
            const module = moduleBehind(ref.target, config);
            const keyIndex = ref.fields[0] === 'exports' ? idLength + 1 : idLength;
            if (key && module && i === keyIndex) return { kind: 'export', module, key };
            return { kind: 'node', node: ref.target };
        }
        default:
            return undefined;
    }
}

export function occurrencesOf(symbol: NamedSymbol, index: AnalysisIndex): Occurrences {
    const config = index.analysis.configuration;
    switch (symbol.kind) {
        case 'node': {
            const block = symbol.node.stmt.node;
            const file = symbol.node.stmt.file;
            if (!block.label) return { name: block.name, definition: nameSpan(file, block), uses: [] };
            const labelIndex = block.$fragments.length;
            const uses = index.referencesTo(symbol.node).map((ref) => {
                const offset = ref.traversal.offsets[labelIndex];
                return { file: ref.file, offset, end: offset + block.label!.length };
            });
            // An argument is also named by the attributes that set it on each instance.
            if (block.name === 'argument') uses.push(...argumentSetters(symbol.node.module, block.label, index));
            return { name: block.label, definition: labelSpan(file, block), uses };
        }
        case 'export': {
            const exportNode = [...(index.analysis.modules.get(symbol.module)?.nodes.values() ?? [])].find((n) => n.id === `export.${symbol.key}`);
            const uses: Span[] = [];
            for (const [target, refs] of index.refsByTarget) {
                if (moduleBehind(target, config) !== symbol.module) continue;
                for (const ref of refs) {
                    if (exportKey(ref) !== symbol.key) continue;
                    const i = ref.traversal.names.length - ref.fields.length + (ref.fields[0] === 'exports' ? 1 : 0);
                    const offset = ref.traversal.offsets[i];
                    uses.push({ file: ref.file, offset, end: offset + symbol.key.length });
                }
            }
            return { name: symbol.key, definition: exportNode ? labelSpan(exportNode.stmt.file, exportNode.stmt.node) : undefined, uses };
        }
        case 'declare': {
            const d = symbol.declare;
            const uses: Span[] = [];
            for (const node of index.nodeOfBlock.values()) {
                const r = node.resolution;
                const block = node.stmt.node;
                const start = block.$cstNode!.offset;
                if (r.kind === 'custom' && r.declare === d) uses.push({ file: node.stmt.file, offset: start, end: start + block.name.length });
                if (r.kind === 'imported' && r.declare === d) {
                    const dot = block.name.indexOf('.');
                    uses.push({ file: node.stmt.file, offset: start + dot + 1, end: start + block.name.length });
                }
                // References to an instance's exports spell the declare's name too.
                if ((r.kind === 'custom' || r.kind === 'imported') && r.declare === d) uses.push(...referenceNameSpans(node, r.kind === 'custom' ? 0 : 1, index));
            }
            return { name: d.name, definition: labelSpan(d.stmt.file, d.stmt.node), uses };
        }
        case 'import': {
            const imp = symbol.import;
            const uses: Span[] = [];
            for (const node of index.nodeOfBlock.values()) {
                if (node.resolution.kind !== 'imported' || node.resolution.import !== imp) continue;
                const start = node.stmt.node.$cstNode!.offset;
                uses.push({ file: node.stmt.file, offset: start, end: start + imp.namespace.length });
                uses.push(...referenceNameSpans(node, 0, index));
            }
            return { name: imp.namespace, definition: labelSpan(imp.stmt.file, imp.stmt.node), uses };
        }
    }
}

/** The `i`-th name of every reference to a node (a fragment of its block name). */
function referenceNameSpans(node: NodeInfo, i: number, index: AnalysisIndex): Span[] {
    return index.referencesTo(node).map((ref) => ({ file: ref.file, offset: ref.traversal.offsets[i], end: ref.traversal.offsets[i] + ref.traversal.names[i].length }));
}

/** Attributes named `name` on instances of `module` (custom components and Agent Flow modules). */
function argumentSetters(module: ModuleDef, name: string, index: AnalysisIndex): Span[] {
    const spans: Span[] = [];
    for (const node of index.nodeOfBlock.values()) {
        if (moduleBehind(node, index.analysis.configuration) !== module) continue;
        const block = node.stmt.node;
        const body = block.name.startsWith('module.') ? (block.body.find((s): s is Block => s.$type === 'Block' && s.name === 'arguments')?.body ?? []) : block.body;
        for (const s of body) {
            if (s.$type === 'Attribute' && s.name === name) spans.push({ file: node.stmt.file, offset: s.$cstNode!.offset, end: s.$cstNode!.offset + name.length });
        }
    }
    return spans;
}

function labelSpan(file: SourceFile, block: Block): Span {
    return block.label ? { file, offset: block.$labelOffset + 1, end: block.$labelOffset + 1 + block.label.length } : nameSpan(file, block);
}

function nameSpan(file: SourceFile, block: Block): Span {
    return { file, offset: block.$cstNode!.offset, end: block.$cstNode!.offset + block.name.length };
}
