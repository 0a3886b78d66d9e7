// Whether a configuration can run in flowlens' embedded runtime. It is refused
// as a whole, with one message listing every reason, before anything starts:
// a half-started pipeline would be worse than none.

import type { Analysis } from '../../../language/analysis/analyze.js';
import type { InstanceNode } from '../../../language/analysis/instances.js';
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
        const { resolution, stmt } = n.node;
        if (n.kind === 'component' && resolution.kind === 'builtin' && !registry.has(stmt.node.name)) {
            const list = unsupported.get(stmt.node.name) ?? [];
            list.push(n);
            unsupported.set(stmt.node.name, list);
        } else if (n.kind === 'foreach') {
            foreach.push(n);
        } else if (n.kind === 'module' && !analysis.configuration.flowModules.get(stmt.node)?.module) {
            unresolved.push(n);
        } else if (n.kind === 'custom' && resolution.kind === 'imported' && !resolution.declare) {
            unresolved.push(n);
        }
    }
    if (unsupported.size > 0) {
        const names = [...unsupported.keys()].sort().map((name) => {
            const at = unsupported.get(name)!;
            return `${name} (${formatLocation(nodeLocation(at[0]))}${at.length > 1 ? `, +${at.length - 1} more` : ''})`;
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
