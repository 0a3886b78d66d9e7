// Stability and community gating. Alloy checks these when it builds a
// component, so a component inside a declare nobody uses is not gated.

import { isAtLeast } from '../catalog/catalog.js';
import type { Stability } from '../catalog/schema.js';
import type { AnalysisOptions } from './options.js';
import type { Reporter } from './reporter.js';
import type { NodeInfo } from './semantic-model.js';

export function stabilityMessage(what: string, level: Stability, minimum: Stability): string {
    return `${what} is at stability level "${level}", which is below the minimum allowed stability level "${minimum}". Use --stability.level command-line flag to enable "${level}" features`;
}

/** Reports a built node whose stability or community status the options do not allow. */
export function gate(node: NodeInfo, options: AnalysisOptions, report: Reporter): void {
    const r = node.resolution;
    const schema = r.kind === 'builtin' || r.kind === 'config' || r.kind === 'service' ? r.schema : undefined;
    // Agent Flow (v0.40) had no --stability.level nor community components: Alloy 1.0 brought both.
    if (!schema || (options.dialect ?? node.stmt.file.dialect) === 'river') return;
    const block = node.stmt.node;
    const start = block.$cstNode!.offset;
    const end = start + block.name.length;
    const minimum = options.stabilityLevel;
    if (minimum && !isAtLeast(schema.stability, minimum)) {
        const what = r.kind === 'builtin' ? `component "${schema.name}"` : `config block "${schema.name}"`;
        report.add(node.stmt.file, start, end, 'error', 'stability', stabilityMessage(what, schema.stability, minimum));
    }
    if (schema.community && options.communityComponents === false) {
        report.add(
            node.stmt.file, start, end, 'error', 'community-component',
            `the component "${schema.name}" is a community component. Use the --feature.community-components.enabled command-line flag to enable community components`,
        );
    }
}
