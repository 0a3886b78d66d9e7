// Checks one module the way `alloy validate` does: block classes and where
// they may appear, labels, duplicates per block class, component names,
// references and cycles. Body checks against schemas live in body-checker.ts.

import { isAtLeast } from '../catalog/catalog.js';
import { unquoteString } from '../eval/evaluate-expression.js';
import { EXPERIMENTAL_FUNCTIONS } from '../eval/stdlib.js';
import { classifyBlock, type ModuleDef, type Stmt, UNCONFIGURABLE_SERVICES } from '../model/modules.js';
import { type Block, blockId } from '../syntax/ast.js';
import { findCycles } from './cycles.js';
import type { AnalysisOptions } from './options.js';
import type { Fix } from '../diagnostic.js';
import { editIn, unique } from './fixes.js';
import { stabilityMessage } from './gating.js';
import type { Reporter } from './reporter.js';
import { type Catalogs, resolveBlockName } from './resolve.js';
import type { ModuleInfo, NodeInfo, RefInfo } from './semantic-model.js';
import { expressionsOf, traversalsIn } from './traversals.js';

/** Block names Alloy allows only at the root of a configuration. */
const ROOT_ONLY = new Set(['logging', 'tracing']);
/** Config blocks that need a label. */
const LABELLED_CONFIG = new Set(['argument', 'export', 'foreach', 'import.file', 'import.string', 'import.git', 'import.http']);

/** Names in scope everywhere in a module besides component nodes. */
export interface ScopeNames {
    /** Stdlib identifiers of the dialect (functions, namespaces, constants). */
    readonly stdlib: ReadonlySet<string>;
    /** Every declare name of the configuration, in or out of scope. */
    readonly declares: ReadonlySet<string>;
}

export class ModuleChecker {
    private readonly nodes = new Map<string, NodeInfo>();
    private readonly references: RefInfo[] = [];
    /** Nodes per foreach template, with the variable name. */
    private readonly templates: Array<{ foreach: NodeInfo; variable?: string; nodes: Map<string, NodeInfo> }> = [];

    constructor(
        private readonly module: ModuleDef,
        private readonly catalogs: Catalogs,
        private readonly options: AnalysisOptions,
        private readonly report: Reporter,
        private readonly scope: ScopeNames,
    ) {}

    check(): ModuleInfo {
        const seen = { declare: new Map<string, Stmt<Block>>(), config: new Map<string, Stmt<Block>>(), service: new Map<string, Stmt<Block>>(), component: new Map<string, Stmt<Block>>() };
        for (const s of this.module.statements) {
            if (s.node.$type === 'Attribute') {
                this.topLevelAttribute(s);
                continue;
            }
            const node = this.checkBlock(s as Stmt<Block>, seen, this.nodes);
            if (node && node.stmt.node.name === 'foreach') this.collectTemplate(node);
        }
        for (const node of this.nodes.values()) this.collectReferences(node, [this.nodes]);
        for (const t of this.templates) for (const node of t.nodes.values()) this.collectReferences(node, [t.nodes, this.nodes], t.variable);
        this.checkCycles();
        return { module: this.module, nodes: this.nodes, references: this.references, templates: this.templates };
    }

    private topLevelAttribute(s: Stmt): void {
        const attr = s.node as { name: string };
        if (this.module.kind === 'import') {
            this.report.atNode(s.file, s.node, 'error', 'misplaced-statement', 'only declare and import blocks are allowed in a module');
            return;
        }
        // Alloy's grammar accepts attributes outside blocks and its own docs show one;
        // it is the loader that rejects them, so flowlens warns rather than errs.
        const start = s.node.$cstNode!.offset;
        this.report.add(s.file, start, start + attr.name.length, 'warning', 'misplaced-statement', `unrecognized attribute ${attr.name}`);
    }

    /** Classifies, places and registers one block; returns its node when it gets one. */
    private checkBlock(
        s: Stmt<Block>,
        seen: Record<'declare' | 'config' | 'service' | 'component', Map<string, Stmt<Block>>>,
        nodes: Map<string, NodeInfo>,
        inForeach = false,
    ): NodeInfo | undefined {
        const block = s.node;
        const cls = classifyBlock(block.name);
        const id = blockId(block);
        const start = block.$cstNode!.offset;
        const nameEnd = start + block.name.length + (block.label ? block.label.length + 3 : 0);
        const err = (code: string, message: string) => this.report.add(s.file, start, nameEnd, 'error', code, message);

        if (this.module.kind === 'import' && cls !== 'declare' && !block.name.startsWith('import.')) {
            err('misplaced-statement', `only declare and import blocks are allowed in a module, got ${block.name}`);
            return undefined;
        }
        if (cls === 'declare') {
            if (!block.label) {
                err('missing-label', 'declare block must have a label');
                return undefined;
            }
            if (block.label === 'declare') err('invalid-label', "'declare' is not a valid label for a declare block");
            this.duplicate(s, seen.declare, id);
            return undefined;
        }
        if (cls === 'service' || ROOT_ONLY.has(block.name)) {
            if (this.module.kind !== 'root' || inForeach) {
                err('misplaced-statement', `${block.name} not allowed in ${inForeach ? 'foreach' : 'module'}`);
                return undefined;
            }
            if (UNCONFIGURABLE_SERVICES.has(block.name)) {
                err('unknown-component', `service "${block.name}" does not support being configured`);
                return undefined;
            }
        }
        if ((block.name === 'argument' || block.name === 'export') && !this.module.acceptsArguments) {
            err('misplaced-statement', `${block.name} blocks only allowed inside a module`);
            return undefined;
        }
        if (LABELLED_CONFIG.has(block.name) && !block.label) {
            err('missing-label', `${block.name} block must have a label`);
            return undefined;
        }

        const resolution = resolveBlockName(this.module, block.name, s.file.dialect, this.catalogs);
        // Reported with a fix that renames the declare (shadowing.ts); still a component ID for Alloy's loader.
        if (resolution.kind === 'unknown' && resolution.shadowedBy) {
            this.duplicate(s, seen.component, id);
            return undefined;
        }
        if (resolution.kind === 'unknown') {
            // Certain when the name is a typo in a known namespace or a declare
            // defined out of scope; a name flowlens knows nothing about may come
            // from a build of Alloy with components the docs do not list.
            const namespace = block.name.split('.')[0];
            const known =
                this.scope.declares.has(block.name) ||
                Object.keys(this.catalogs.forDialect(s.file.dialect).components).some((n) => n.startsWith(namespace + '.'));
            this.report.add(s.file, start, nameEnd, known ? 'error' : 'warning', 'unknown-component', resolution.message);
            return undefined;
        }
        if (resolution.kind === 'imported' && !resolution.declare && resolution.import.module) {
            err(
                'unknown-component',
                `Failed to build component: loading custom component controller: custom component config not found in the registry, namespace: "${resolution.import.namespace}", componentName: "${resolution.name}"`,
            );
            return undefined;
        }
        if (cls === 'component' && !block.label) {
            err('missing-label', `component "${block.name}" must have a label`);
        }

        const map = cls === 'service' ? seen.service : cls === 'component' ? seen.component : seen.config;
        if (!this.duplicate(s, map, id)) return undefined;
        const node: NodeInfo = { id, stmt: s, resolution, module: this.module };
        if (cls !== 'service' || resolution.kind === 'service') nodes.set(id, node);
        return node;
    }

    /** Reports a second block with the same ID in its class; returns false when `s` is a duplicate. */
    private duplicate(s: Stmt<Block>, seen: Map<string, Stmt<Block>>, id: string): boolean {
        const first = seen.get(id);
        if (!first) {
            seen.set(id, s);
            return true;
        }
        const block = s.node;
        const start = block.$cstNode!.offset;
        const nameEnd = start + block.name.length + (block.label ? block.label.length + 3 : 0);
        this.report.add(s.file, start, nameEnd, 'error', 'duplicate-block', `block ${id} already declared at ${this.report.where(first.file, first.node.$cstNode!.offset)}`, this.relabelFix(s));
        return false;
    }

    /**
     * Gives a duplicate a label no block of its class uses. References are left
     * alone: they resolve to the first block, as Alloy would resolve them.
     */
    private relabelFix(s: Stmt<Block>): Fix[] | undefined {
        const block = s.node;
        if (!block.label) return undefined;
        const ids = new Set(this.module.statements.map((x) => (x.node.$type === 'Block' ? blockId(x.node) : '')));
        const label = unique(`${block.label}_2`, (c) => ids.has(`${block.name}.${c}`));
        const edit = editIn(s.file, block.$labelOffset + 1, block.$labelOffset + 1 + block.label.length, label);
        return edit ? [{ title: `Rename the duplicate to "${label}"`, edits: [edit], preferred: true }] : undefined;
    }

    private collectTemplate(foreach: NodeInfo): void {
        const block = foreach.stmt.node;
        const template = block.body.find((b): b is Block => b.$type === 'Block' && b.name === 'template');
        const varAttr = block.body.find((b) => b.$type === 'Attribute' && b.name === 'var');
        const variable = varAttr?.$type === 'Attribute' && varAttr.value.$type === 'StringLiteral' ? unquoteString(varAttr.value.value) : undefined;
        if (!template) return;
        const body: Stmt[] = template.body.map((node) => ({ node, file: foreach.stmt.file }));
        const nodes = new Map<string, NodeInfo>();
        const seen = { declare: new Map(), config: new Map(), service: new Map(), component: new Map() };
        for (const s of body) {
            if (s.node.$type === 'Attribute') {
                this.report.atNode(s.file, s.node, 'error', 'misplaced-statement', `unrecognized attribute ${s.node.name}`);
                continue;
            }
            const node = this.checkBlock(s as Stmt<Block>, seen, nodes, true);
            if (node) nodes.set(node.id, { ...node, foreach });
        }
        this.templates.push({ foreach, variable, nodes });
    }

    /**
     * Resolves the references in a node's body the way Alloy does: a chain
     * that names a node is a reference (even if it starts like a stdlib name,
     * which is then shadowed); otherwise it must start with a name in scope.
     */
    private collectReferences(node: NodeInfo, scopes: ReadonlyArray<ReadonlyMap<string, NodeInfo>>, variable?: string): void {
        const block = node.stmt.node;
        const file = node.stmt.file;
        // A foreach's template is checked as its own scope; only its own attributes count here.
        const body = block.name === 'foreach' ? block.body.filter((s) => s.$type === 'Attribute') : block.body;
        for (const expr of expressionsOf(body)) {
            for (const t of traversalsIn(expr)) {
                const head = t.names[0];
                const headEnd = t.offsets[0] + head.length;
                const found = findNode(t.names, scopes);
                if (found) {
                    if (this.scope.stdlib.has(head)) {
                        this.report.add(file, t.offsets[0], headEnd, 'warning', 'shadowed-namespace', 'a component is shadowing an existing stdlib name');
                    }
                    if (found.node === node) {
                        const start = block.$cstNode!.offset;
                        this.report.add(file, start, start + block.name.length, 'error', 'cycle', 'cannot reference self');
                    }
                    this.references.push({ traversal: t, file, from: node, target: found.node, fields: t.names.slice(found.length), scoped: false });
                    continue;
                }
                if (this.scope.stdlib.has(head) || head === 'module_path' || head === variable) {
                    this.experimental(t.names, t.offsets[0], t.node.$cstNode!.end, file);
                    this.references.push({ traversal: t, file, from: node, fields: t.names.slice(1), scoped: true });
                    continue;
                }
                this.report.add(file, t.offsets[0], t.node.$cstNode!.end, 'error', 'unknown-reference', `component "${t.names.join('.')}" does not exist or is out of scope`);
                this.references.push({ traversal: t, file, from: node, fields: [], scoped: false });
            }
        }
    }

    /** Experimental stdlib functions are gated by the stability level. */
    private experimental(names: readonly string[], start: number, end: number, file: Stmt['file']): void {
        const name = names.join('.');
        const minimum = this.options.stabilityLevel;
        if (!minimum || !EXPERIMENTAL_FUNCTIONS.has(name) || isAtLeast('experimental', minimum)) return;
        this.report.add(file, start, end, 'error', 'stability', stabilityMessage(name, 'experimental', minimum));
    }

    private checkCycles(): void {
        const edges = new Map<NodeInfo, Set<NodeInfo>>();
        for (const r of this.references) {
            if (!r.from || !r.target || r.from === r.target) continue;
            if (r.target.module !== this.module || r.from.foreach !== r.target.foreach) continue;
            let set = edges.get(r.from);
            if (!set) edges.set(r.from, (set = new Set()));
            set.add(r.target);
        }
        for (const cycle of findCycles([...edges.keys()], (n) => edges.get(n) ?? [])) {
            const ids = cycle.map((n) => n.id).sort();
            for (const n of cycle) {
                const start = n.stmt.node.$cstNode!.offset;
                this.report.add(n.stmt.file, start, start + n.stmt.node.name.length, 'error', 'cycle', `cycle detected: ${ids.join(', ')}`);
            }
        }
    }
}

/** The longest prefix of `names` that is a node ID in one of the scopes (innermost first). */
function findNode(names: readonly string[], scopes: ReadonlyArray<ReadonlyMap<string, NodeInfo>>): { node: NodeInfo; length: number } | undefined {
    for (const scope of scopes) {
        for (let length = names.length; length >= 1; length--) {
            const node = scope.get(names.slice(0, length).join('.'));
            if (node) return { node, length };
        }
    }
    return undefined;
}

