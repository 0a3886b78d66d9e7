// Lookups over an analysis for editor features: which node a block is, which
// references sit in a file or point at a node, and what is under a position.

import type { DeclareDef, ImportDef } from '../model/modules.js';
import type { SourceFile } from '../model/source-file.js';
import type { Attribute, Block, Statement } from '../syntax/ast.js';
import type { Analysis } from './analysis.js';
import type { ModuleInfo, NodeInfo, RefInfo } from './semantic-model.js';

/** What sits at a position of a file. */
export type Located =
    /** A block header that defines a node: `prometheus.scrape "x" {`. */
    | { readonly kind: 'node'; readonly node: NodeInfo; readonly part: 'name' | 'label' }
    /** One name of a reference chain: `prometheus.remote_write.x.receiver`. */
    | { readonly kind: 'reference'; readonly ref: RefInfo; readonly index: number }
    /** An attribute name inside a block (at any depth) of a node. */
    | { readonly kind: 'attribute'; readonly node: NodeInfo; readonly attribute: Attribute; readonly blockPath: readonly string[] }
    /** A nested block name inside a node (`endpoint` in prometheus.remote_write). */
    | { readonly kind: 'nested-block'; readonly node: NodeInfo; readonly block: Block; readonly blockPath: readonly string[] }
    /** The label of a declare block. */
    | { readonly kind: 'declare'; readonly declare: DeclareDef }
    /** The label of an import block. */
    | { readonly kind: 'import'; readonly import: ImportDef };

export class AnalysisIndex {
    readonly nodeOfBlock = new Map<Block, NodeInfo>();
    readonly infoOfNode = new Map<NodeInfo, ModuleInfo>();
    readonly refsByFile = new Map<string, RefInfo[]>();
    readonly refsByTarget = new Map<NodeInfo, RefInfo[]>();
    readonly declareOfBlock = new Map<Block, DeclareDef>();
    readonly importOfBlock = new Map<Block, ImportDef>();

    constructor(readonly analysis: Analysis) {
        for (const info of analysis.modules.values()) {
            const nodes = [...info.nodes.values(), ...info.templates.flatMap((t) => [...t.nodes.values()])];
            for (const node of nodes) {
                this.nodeOfBlock.set(node.stmt.node, node);
                this.infoOfNode.set(node, info);
            }
            for (const ref of info.references) {
                push(this.refsByFile, ref.file.path, ref);
                if (ref.target) push(this.refsByTarget, ref.target, ref);
            }
            for (const d of info.module.declares.values()) this.declareOfBlock.set(d.stmt.node, d);
            for (const i of info.module.imports.values()) this.importOfBlock.set(i.stmt.node, i);
        }
    }

    /** The source file of the configuration at a path, if the analysis read it. */
    file(filePath: string): SourceFile | undefined {
        return this.analysis.configuration.files.find((f) => f.path === filePath);
    }

    /** All references to a node. */
    referencesTo(node: NodeInfo): readonly RefInfo[] {
        return this.refsByTarget.get(node) ?? [];
    }

    /** What is at `offset` in `filePath`. */
    locate(filePath: string, offset: number): Located | undefined {
        for (const ref of this.refsByFile.get(filePath) ?? []) {
            const { offsets, names } = ref.traversal;
            for (let i = 0; i < names.length; i++) {
                if (offset >= offsets[i] && offset <= offsets[i] + names[i].length) return { kind: 'reference', ref, index: i };
            }
        }
        const file = this.file(filePath);
        if (!file) return undefined;
        return this.locateInBody(file.parsed.ast.body, offset, undefined, []);
    }

    private locateInBody(body: readonly Statement[], offset: number, owner: NodeInfo | undefined, path: readonly string[]): Located | undefined {
        for (const s of body) {
            const cst = s.$cstNode!;
            if (offset < cst.offset || offset > cst.end) continue;
            if (s.$type === 'Attribute') {
                if (owner && offset <= cst.offset + s.name.length) return { kind: 'attribute', node: owner, attribute: s, blockPath: path };
                return undefined;
            }
            const nameEnd = cst.offset + s.name.length;
            const labelEnd = s.label ? s.$labelOffset + s.label.length + 2 : nameEnd;
            const inHeader = offset <= Math.max(nameEnd, labelEnd);
            const node = this.nodeOfBlock.get(s);
            if (inHeader) {
                const part = s.label && offset >= s.$labelOffset ? 'label' : 'name';
                if (node) return { kind: 'node', node, part };
                const declare = this.declareOfBlock.get(s);
                if (declare) return { kind: 'declare', declare };
                const imported = this.importOfBlock.get(s);
                if (imported) return { kind: 'import', import: imported };
                if (owner) return { kind: 'nested-block', node: owner, block: s, blockPath: [...path, s.name] };
                return undefined;
            }
            if (node) return this.locateInBody(s.body, offset, node, []);
            if (owner) return this.locateInBody(s.body, offset, owner, [...path, s.name]);
            // A declare body, a foreach template: nodes live below.
            return this.locateInBody(s.body, offset, undefined, []);
        }
        return undefined;
    }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
    const list = map.get(key);
    if (list) list.push(value);
    else map.set(key, [value]);
}
