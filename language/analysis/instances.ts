// The instance tree: every node Alloy would run, with its global ID. A custom
// component instance or an Agent Flow module runs its module under a child
// controller whose ID is the instance's global ID, so nested IDs join with '/':
// `module.file.a/prometheus.scrape.default`, `outer.x/inner.y/prometheus.relabel.z`.

import { arr, isUnknown, type Value } from '../eval/value.js';
import type { LoadedConfiguration } from '../model/loader.js';
import type { ModuleDef } from '../model/modules.js';
import type { Attribute, Block, Expression } from '../syntax/ast.js';
import { argumentsOf } from './body-checker.js';
import type { Evaluator } from './evaluator.js';
import { gate } from './gating.js';
import type { Reporter } from './reporter.js';
import type { ModuleInfo, NodeInfo } from './semantic-model.js';

/** Module instances nested deeper than this are not expanded. */
export const MAX_INSTANCE_DEPTH = 100;
/** The instance tree stops growing at this many nodes (modules can multiply exponentially). */
export const MAX_INSTANCES = 100_000;

export type InstanceKind = 'component' | 'custom' | 'module' | 'config' | 'service' | 'foreach';

export interface InstanceNode {
    readonly globalId: string;
    readonly localId: string;
    /** The ID of the controller the node runs in: '' at the root, else the owning instance's global ID. */
    readonly modulePath: string;
    readonly kind: InstanceKind;
    readonly node: NodeInfo;
    readonly parent?: InstanceNode;
    /** For custom components and modules: the nodes of the module it runs. */
    readonly children: InstanceNode[];
}

export interface InstanceTree {
    readonly nodes: readonly InstanceNode[];
    readonly byGlobalId: ReadonlyMap<string, InstanceNode>;
    /** Data-flow edges along references: [from, to] global IDs (to is what `from` reads). */
    readonly edges: ReadonlyArray<readonly [string, string]>;
    /** All instances of each node definition. */
    readonly instancesOf: ReadonlyMap<NodeInfo, readonly InstanceNode[]>;
    readonly truncated: boolean;
}

export function joinId(modulePath: string, localId: string): string {
    return modulePath ? `${modulePath}/${localId}` : localId;
}

export function buildInstances(configuration: LoadedConfiguration, modules: ReadonlyMap<ModuleDef, ModuleInfo>, evaluator: Evaluator, report: Reporter): InstanceTree {
    return new InstanceBuilder(configuration, modules, evaluator, report).build();
}


class InstanceBuilder {
    private readonly nodes: InstanceNode[] = [];
    private readonly byGlobalId = new Map<string, InstanceNode>();
    private readonly edges: Array<[string, string]> = [];
    private readonly instancesOf = new Map<NodeInfo, InstanceNode[]>();
    private readonly active: ModuleDef[] = [];
    /** Nodes whose stability was checked (once per definition, however often it runs). */
    private readonly gated = new Set<NodeInfo>();
    private truncated = false;

    constructor(
        private readonly configuration: LoadedConfiguration,
        private readonly modules: ReadonlyMap<ModuleDef, ModuleInfo>,
        private readonly evaluator: Evaluator,
        private readonly report: Reporter,
    ) {}

    build(): InstanceTree {
        this.instantiate(this.configuration.root, '', undefined, this.evaluator.moduleScope(this.configuration.root));
        return { nodes: this.nodes, byGlobalId: this.byGlobalId, edges: this.edges, instancesOf: this.instancesOf, truncated: this.truncated };
    }

    private instantiate(module: ModuleDef, controllerId: string, owner: InstanceNode | undefined, scope: ReadonlyMap<string, Value>): void {
        const info = this.modules.get(module);
        if (!info) return;
        const created = new Map<NodeInfo, InstanceNode>();
        for (const node of info.nodes.values()) {
            const instance = this.add(node, controllerId, owner);
            if (!instance) return;
            created.set(node, instance);
        }
        // Edges between nodes of this controller, along the references in their bodies.
        for (const ref of info.references) {
            if (!ref.from || !ref.target) continue;
            const from = created.get(ref.from);
            const to = created.get(ref.target);
            if (from && to && from !== to) this.edges.push([from.globalId, to.globalId]);
        }
        for (const [node, instance] of created) this.expand(node, instance, module, scope);
    }

    private add(node: NodeInfo, controllerId: string, owner: InstanceNode | undefined): InstanceNode | undefined {
        if (this.nodes.length >= MAX_INSTANCES) {
            this.truncated = true;
            return undefined;
        }
        const globalId = joinId(controllerId, node.id);
        if (this.byGlobalId.has(globalId)) return this.byGlobalId.get(globalId);
        const instance: InstanceNode = { globalId, localId: node.id, modulePath: controllerId, kind: kindOf(node), node, parent: owner, children: [] };
        this.nodes.push(instance);
        this.byGlobalId.set(globalId, instance);
        owner?.children.push(instance);
        if (!this.gated.has(node)) {
            this.gated.add(node);
            gate(node, this.evaluator.analysisOptions, this.report);
        }
        let list = this.instancesOf.get(node);
        if (!list) this.instancesOf.set(node, (list = []));
        list.push(instance);
        return instance;
    }

    /** Runs the module behind a custom component, an Agent Flow module or a foreach template. */
    private expand(node: NodeInfo, instance: InstanceNode, module: ModuleDef, scope: ReadonlyMap<string, Value>): void {
        const { resolution, stmt } = node;
        let child: ModuleDef | undefined;
        let argumentBody: readonly (Attribute | Block)[] = [];
        if (resolution.kind === 'custom' || (resolution.kind === 'imported' && resolution.declare)) {
            child = resolution.kind === 'custom' ? resolution.declare.body : resolution.declare!.body;
            argumentBody = stmt.node.body;
        } else if (stmt.node.name === 'module.file' || stmt.node.name === 'module.string') {
            child = this.configuration.flowModules.get(stmt.node)?.module;
            const args = stmt.node.body.find((s): s is Block => s.$type === 'Block' && s.name === 'arguments');
            argumentBody = args?.body ?? [];
        } else if (stmt.node.name === 'foreach') {
            this.expandForeach(node, instance, module, scope);
            return;
        }
        if (!child) return;
        if (this.active.includes(child) || this.active.length >= MAX_INSTANCE_DEPTH) {
            this.tooDeep(node, child);
            return;
        }
        const args = new Map<string, Value>();
        for (const s of argumentBody) {
            if (s.$type === 'Attribute') args.set(s.name, this.evaluator.evaluateQuietly(s.value, scope));
        }
        const defaults = new Map<string, Value>();
        for (const [name, arg] of argumentsOf(child)) defaults.set(name, this.evaluator.argumentDefault(arg.defaultValue, child));
        this.active.push(child);
        this.instantiate(child, instance.globalId, instance, this.evaluator.instanceScope(child, args, defaults));
        this.active.pop();
    }

    /** Each item of a statically known collection gets its own controller. */
    private expandForeach(node: NodeInfo, instance: InstanceNode, module: ModuleDef, scope: ReadonlyMap<string, Value>): void {
        const block = node.stmt.node;
        const attr = (name: string): Expression | undefined => (block.body.find((s) => s.$type === 'Attribute' && s.name === name) as Attribute | undefined)?.value;
        const collectionExpr = attr('collection');
        const varExpr = attr('var');
        const collection = collectionExpr ? this.evaluator.evaluateQuietly(collectionExpr, scope) : arr([]);
        const variable = varExpr ? this.evaluator.evaluateQuietly(varExpr, scope) : undefined;
        if (collection.kind !== 'array' || variable?.kind !== 'string') return;
        const info = this.modules.get(module);
        const template = info && templateNodesOf(info, node);
        if (!template) return;
        collection.items.forEach((item, i) => {
            const controllerId = `${instance.globalId}/foreach_${itemKey(item)}_${i + 1}`;
            for (const templateNode of template) {
                if (!this.add(templateNode, controllerId, instance)) return;
            }
            const itemScope = new Map(scope);
            itemScope.set(variable.value, item);
            for (const templateNode of template) {
                const created = this.byGlobalId.get(joinId(controllerId, templateNode.id));
                if (created) this.expand(templateNode, created, module, itemScope);
            }
        });
    }

    private tooDeep(node: NodeInfo, child: ModuleDef): void {
        const start = node.stmt.node.$cstNode!.offset;
        const end = start + node.stmt.node.name.length;
        if (this.active.includes(child)) {
            const chain = [...this.active.slice(this.active.indexOf(child)), child].map((m) => m.name.replace(/^declare "(.*)"$/, 'declare.$1'));
            this.report.add(node.stmt.file, start, end, 'error', 'cycle', chain.length === 2 && chain[0] === chain[1] ? `self reference: ${chain[0]}` : `cycle: ${chain.join(', ')}`);
        } else {
            this.truncated = true;
            this.report.add(node.stmt.file, start, end, 'information', 'module-too-deep', `modules are nested more than ${MAX_INSTANCE_DEPTH} levels deep here; flowlens does not expand them further`);
        }
    }
}

function kindOf(node: NodeInfo): InstanceKind {
    switch (node.resolution.kind) {
        case 'custom':
        case 'imported':
            return 'custom';
        case 'config':
            return node.stmt.node.name === 'foreach' ? 'foreach' : 'config';
        case 'service':
            return 'service';
        default:
            return node.stmt.node.name === 'module.file' || node.stmt.node.name === 'module.string' ? 'module' : 'component';
    }
}

/** The part of a foreach child's ID that names the item; '/' would read as nesting, so it is replaced. */
function itemKey(item: Value): string {
    let key: string;
    if (item.kind === 'string') key = item.value;
    else if (item.kind === 'number' || item.kind === 'bool') key = String(item.value);
    else key = isUnknown(item) ? 'unknown' : item.kind;
    return key.replace(/[^A-Za-z0-9_.-]/g, '_');
}

function templateNodesOf(info: ModuleInfo, foreach: NodeInfo): NodeInfo[] | undefined {
    const template = info.templates.find((t) => t.foreach === foreach);
    return template ? [...template.nodes.values()] : undefined;
}
