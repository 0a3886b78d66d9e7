// The controller's view of one instance-tree node: what it exports, its
// health and statistics, and for built-in components the running component.
// Nodes are keyed by global ID and survive reloads that keep their ID and
// block name.

import type { InstanceNode } from '../../../language/analysis/instances.js';
import { obj, type ObjectValue, type Value } from '../../../language/eval/value.js';
import type { ArgumentBody, Component, ComponentDefinition } from '../component.js';
import type { ComponentInstruments } from '../metrics.js';
import { NodeHealth } from './health.js';

/**
 * What the controller does with a node: run a component, feed a module's
 * argument, collect a module's export, run a module instance (custom
 * component or Agent Flow module), apply a config block, or nothing.
 */
export type NodeRole = 'component' | 'argument' | 'export' | 'instance' | 'logging' | 'tracing' | 'inert';

export function roleOf(node: InstanceNode): NodeRole {
    const name = node.node.stmt.node.name;
    switch (node.kind) {
        case 'component':
            return 'component';
        case 'custom':
        case 'module':
            return 'instance';
        case 'config':
            if (name === 'argument') return 'argument';
            if (name === 'export') return 'export';
            if (name === 'logging') return 'logging';
            if (name === 'tracing') return 'tracing';
            return 'inert'; // import.file / import.string: structure only
        default:
            return 'inert'; // services (http, livedebugging, ...) are not run by flowlens
    }
}

export interface NodeStats {
    evaluations: number;
    evaluationSeconds: number;
    lastEvaluationSeconds: number;
    samplesIn: number;
    samplesOut: number;
    errors: number;
    /** Items the component lost (never delivered). */
    dropped: number;
}

export class RuntimeNode {
    readonly globalId: string;
    readonly localId: string;
    readonly modulePath: string;
    readonly role: NodeRole;
    /** The block name: `prometheus.scrape`, `argument`, `module.string`, a custom component's name. */
    readonly name: string;
    instance: InstanceNode;

    /** What references to this node see (`<id>.<field>`). */
    exports: ReadonlyMap<string, Value> = new Map();
    exportsValue: ObjectValue = obj(new Map());
    readonly health = new NodeHealth();
    /** Set when the first evaluation starts: from then on, changes upstream re-evaluate it. */
    evaluated = false;
    alive = true;
    readonly stats: NodeStats = { evaluations: 0, evaluationSeconds: 0, lastEvaluationSeconds: 0, samplesIn: 0, samplesOut: 0, errors: 0, dropped: 0 };
    /** Set when the node is not run (it cannot run, and the run was allowed to be partial): it is neither evaluated nor started. */
    skipReason?: string;
    /** The message of the last evaluation, when it failed. */
    evaluationError?: string;
    /** The health last reported in an event, to report changes only. */
    reportedHealth = '';

    // Built-in components.
    definition?: ComponentDefinition;
    component?: Component;
    abort?: AbortController;
    instruments?: ComponentInstruments;
    /** Identifies this component instance to the registry's ownership tracking. */
    metricsOwner?: number;
    /** The arguments of the last successful update(). */
    lastArgs?: ArgumentBody;
    started = false;
    sourcePaused = false;

    // Module instances: the arguments passed, and the values of the module's export blocks.
    args: ReadonlyMap<string, Value> = new Map();
    readonly moduleExports = new Map<string, Value>();

    constructor(instance: InstanceNode) {
        this.instance = instance;
        this.globalId = instance.globalId;
        this.localId = instance.localId;
        this.modulePath = instance.modulePath;
        this.role = roleOf(instance);
        this.name = instance.node.stmt.node.name;
    }

    /** The block's label (`argument "x"` → x). */
    get label(): string {
        return this.instance.node.stmt.node.label ?? '';
    }

    setExports(exports: ReadonlyMap<string, Value>): void {
        this.exports = exports;
        this.exportsValue = obj(exports);
    }
}
