// Whether a configuration can run in flowlens' embedded runtime. It is refused
// as a whole, with one message listing every reason, before anything starts:
// a half-started pipeline would be worse than none.

import type { Analysis } from '../../../language/analysis/analyze.js';
import type { InstanceNode } from '../../../language/analysis/instances.js';
import type { Diagnostic } from '../../../language/diagnostic.js';
import type { ReadinessReport } from '../../../protocol/runtime.js';
import { NOT_RUNNABLE_REASONS } from '../components/index.js';
import type { ComponentRegistry } from '../registry.js';
import { diagnosticLocation, formatLocation, nodeLocation } from './location.js';

export class ConfigurationRefusedError extends Error {
    constructor(readonly problems: readonly string[]) {
        super(problems.join('\n'));
        this.name = 'ConfigurationRefusedError';
    }
}

const MAX_LISTED_ERRORS = 20;

/** Every reason the configuration cannot run; empty when it can. */
export function refusalReasons(analysis: Analysis, registry: ComponentRegistry): string[] {
    const problems: string[] = [];
    const errors = analysis.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length > 0) {
        const lines = errors.slice(0, MAX_LISTED_ERRORS).map((d) => `  ${formatLocation(diagnosticLocation(analysis, d.file, d.offset))}: ${d.message}`);
        if (errors.length > MAX_LISTED_ERRORS) lines.push(`  … and ${errors.length - MAX_LISTED_ERRORS} more`);
        problems.push(`the configuration has ${errors.length} error${errors.length === 1 ? '' : 's'}; fix ${errors.length === 1 ? 'it' : 'them'} before running it:\n${lines.join('\n')}`);
    }

    const unsupported = new Map<string, InstanceNode[]>();
    const foreach: InstanceNode[] = [];
    const unresolved: InstanceNode[] = [];
    for (const n of analysis.instances.nodes) {
        const gap = staticGap(n, analysis, registry);
        if (gap === 'not-implemented') {
            const name = n.node.stmt.node.name;
            unsupported.set(name, [...(unsupported.get(name) ?? []), n]);
        } else if (gap === 'foreach') {
            foreach.push(n);
        } else if (gap === 'unresolved') {
            unresolved.push(n);
        }
    }
    if (unsupported.size > 0) {
        const names = [...unsupported.keys()].sort().map((name) => {
            const at = unsupported.get(name)!;
            const why = NOT_RUNNABLE_REASONS[name];
            return `${name} (${formatLocation(nodeLocation(at[0]))}${at.length > 1 ? `, +${at.length - 1} more` : ''}${why ? `: ${why}` : ''})`;
        });
        problems.push(`these components run on Grafana Alloy; they are not in flowlens' embedded runtime: ${names.join(', ')}`);
    }
    if (foreach.length > 0) {
        problems.push(`foreach blocks are not supported by flowlens' embedded runtime yet: ${foreach.map((n) => n.globalId).join(', ')}`);
    }
    if (unresolved.length > 0) {
        problems.push(
            `the content of these modules is only known to Alloy at run time (remote imports, or a filename or content computed from other components), so flowlens cannot run them: ${unresolved.map((n) => n.globalId).join(', ')}`,
        );
    }
    if (analysis.instances.truncated) problems.push('the configuration expands to too many nodes for flowlens to run');
    return problems;
}

type StaticGap = 'not-implemented' | 'foreach' | 'unresolved';

/** Why a node cannot run, known before anything is evaluated. */
function staticGap(n: InstanceNode, analysis: Analysis, registry: ComponentRegistry): StaticGap | undefined {
    const { resolution, stmt } = n.node;
    if (n.kind === 'component' && resolution.kind === 'builtin' && !registry.has(stmt.node.name)) return 'not-implemented';
    if (n.kind === 'foreach') return 'foreach';
    if (n.kind === 'module' && !analysis.configuration.flowModules.get(stmt.node)?.module) return 'unresolved';
    if (n.kind === 'custom' && resolution.kind === 'imported' && !resolution.declare) return 'unresolved';
    return undefined;
}

const GAP_REASONS: Readonly<Record<StaticGap, string>> = {
    'not-implemented': "component not implemented in flowlens' embedded runtime (it runs on Grafana Alloy)",
    foreach: "foreach blocks are not supported by flowlens' embedded runtime yet",
    unresolved: 'module content only known to Alloy at run time (a remote import, or a filename or content computed from other components)',
};

/**
 * What the analysis alone says about each node, by global ID: the reason it cannot run (a missing
 * implementation, foreach, an unresolved module, or an error inside its block). `problems` are the
 * errors that fall inside no node, and limits of the configuration as a whole.
 */
export function staticReadiness(analysis: Analysis, registry: ComponentRegistry): { reasons: Map<string, string>; problems: string[] } {
    const reasons = new Map<string, string>();
    const errors = analysis.diagnostics.filter((d) => d.severity === 'error');
    const placed = new Set<Diagnostic>();
    for (const n of analysis.instances.nodes) {
        const gap = staticGap(n, analysis, registry);
        if (gap) {
            reasons.set(n.globalId, (gap === 'not-implemented' && NOT_RUNNABLE_REASONS[n.node.stmt.node.name]) || GAP_REASONS[gap]);
            continue;
        }
        const inside = errors.filter((d) => innermostNodeHolds(n, d, analysis));
        for (const d of inside) placed.add(d);
        if (inside.length > 0) reasons.set(n.globalId, `error: ${inside[0].message}${inside.length > 1 ? ` (+${inside.length - 1} more)` : ''}`);
    }
    const problems = errors.filter((d) => !placed.has(d)).map((d) => `${formatLocation(diagnosticLocation(analysis, d.file, d.offset))}: ${d.message}`);
    if (analysis.instances.truncated) problems.push('the configuration expands to too many nodes for flowlens to run');
    return { reasons, problems };
}

/** True when `d` lies in the node's block and in none of the blocks of the nodes inside the same module. */
function innermostNodeHolds(n: InstanceNode, d: Diagnostic, analysis: Analysis): boolean {
    if (!blockHolds(n, d)) return false;
    return !analysis.instances.nodes.some((o) => o !== n && o.node.stmt.file === n.node.stmt.file && blockHolds(o, d) && span(o) < span(n));
}

function blockHolds(n: InstanceNode, d: Diagnostic): boolean {
    const cst = n.node.stmt.node.$cstNode;
    return !!cst && n.node.stmt.file.path === d.file && d.offset >= cst.offset && d.offset < cst.end;
}

function span(n: InstanceNode): number {
    const cst = n.node.stmt.node.$cstNode;
    return cst ? cst.end - cst.offset : Infinity;
}

const MAX_LISTED_NODES = 50;

/**
 * Why an evaluated configuration is refused: the problems of the whole configuration, and either
 * every node that cannot run or (`allowPartial`) the absence of any component that can.
 */
export function readinessProblems(report: ReadinessReport, allowPartial: boolean, runsSomething: boolean): string[] {
    const out = [...report.problems];
    const blocked = report.nodes.filter((n) => !n.runnable);
    if (!allowPartial && blocked.length > 0) {
        const lines = blocked.slice(0, MAX_LISTED_NODES).map((n) => `  ${n.id}: ${n.reason}`);
        if (blocked.length > MAX_LISTED_NODES) lines.push(`  … and ${blocked.length - MAX_LISTED_NODES} more`);
        out.push(`${blocked.length} of ${report.nodes.length} nodes cannot run (--allow-partial runs the others):\n${lines.join('\n')}`);
    } else if (allowPartial && !runsSomething && out.length === 0) {
        out.push(`none of the ${report.nodes.length} nodes is a component that can run: there is nothing to run`);
    }
    return out;
}
