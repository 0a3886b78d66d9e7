// `flowlens graph [--json] PATH`: the instance tree Alloy would run, with
// global IDs and the dependency edges between nodes.

import path from 'node:path';
import type { InstanceNode } from '../../language/analysis/instances.js';
import { DiskFileHost } from '../../language/model/host.js';
import { displayLocation } from '../../language/model/source-file.js';
import { ANALYSIS_FLAGS, analysesOf, analysisOptions } from './check-command.js';
import { parseCommandArgs, UsageError } from './usage.js';

export async function runGraph(args: string[]): Promise<number> {
    const { values, positionals } = parseCommandArgs(args, { json: { type: 'boolean', default: false }, ...ANALYSIS_FLAGS });
    if (positionals.length !== 1) throw new UsageError('graph takes exactly one PATH');
    // A directory's configuration, or the module a module-only file is.
    const [analysis] = analysesOf(path.resolve(positionals[0]), new DiskFileHost(), analysisOptions(values));

    const where = (n: InstanceNode) => {
        const block = n.node.stmt.node;
        const at = displayLocation(n.node.stmt.file, block.$cstNode!.offset, block.$cstNode!.offset);
        const { line, column } = at.file.parsed.lines.position(at.offset);
        return { file: path.relative(process.cwd(), at.file.path) || at.file.path, line, column };
    };
    const { nodes, edges } = analysis.instances;
    if (values.json) {
        const out = {
            nodes: nodes.map((n) => ({ globalId: n.globalId, localId: n.localId, modulePath: n.modulePath, kind: n.kind, ...where(n) })),
            edges: edges.map(([from, to]) => ({ from, to })),
            truncated: analysis.instances.truncated,
        };
        process.stdout.write(JSON.stringify(out, null, 2) + '\n');
    } else {
        const lines: string[] = [];
        const visit = (n: InstanceNode, depth: number) => {
            const w = where(n);
            lines.push(`${'  '.repeat(depth)}${n.globalId}  (${n.kind}, ${w.file}:${w.line}:${w.column})`);
            for (const child of n.children) visit(child, depth + 1);
        };
        for (const n of nodes) if (!n.parent) visit(n, 0);
        process.stdout.write(lines.join('\n') + `\n${nodes.length} nodes, ${edges.length} edges\n`);
    }
    return analysis.diagnostics.some((d) => d.severity === 'error') ? 1 : 0;
}
