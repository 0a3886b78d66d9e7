// The field a reference reads from a node must exist: an export of a built-in
// component (as the catalog lists them), an `export` block of a custom
// component or module, or `value` of an argument.

import type { LoadedConfiguration } from '../model/loader.js';
import type { ModuleDef } from '../model/modules.js';
import type { Block } from '../syntax/ast.js';
import { moduleBehind } from './module-targets.js';
import type { Reporter } from './reporter.js';
import type { ModuleInfo, RefInfo } from './semantic-model.js';

export function exportedNames(module: ModuleDef): Set<string> {
    return new Set(module.statements.filter((s) => s.node.$type === 'Block' && s.node.name === 'export' && s.node.label).map((s) => (s.node as Block).label!));
}

export function checkExportFields(modules: ReadonlyMap<ModuleDef, ModuleInfo>, configuration: LoadedConfiguration, report: Reporter): void {
    for (const info of modules.values()) {
        for (const ref of info.references) {
            if (!ref.target || ref.fields.length === 0) continue;
            const problem = missingField(ref, configuration);
            if (!problem) continue;
            const i = ref.traversal.names.length - ref.fields.length + problem.index;
            const offset = ref.traversal.offsets[i];
            report.add(ref.file, offset, offset + ref.traversal.names[i].length, problem.severity, 'unknown-reference', `field "${ref.traversal.names[i]}" does not exist`);
        }
    }
}

function missingField(ref: RefInfo, configuration: LoadedConfiguration): { index: number; severity: 'error' | 'warning' } | undefined {
    const target = ref.target!;
    const [first, second] = ref.fields;
    if (target.stmt.node.name === 'argument') return first === 'value' ? undefined : { index: 0, severity: 'error' };
    const r = target.resolution;
    if ((r.kind === 'builtin' || r.kind === 'config') && r.schema) {
        // The catalog comes from the docs, which can lag the code: a warning.
        if (r.schema.exports.length === 0 || r.schema.exports.some((e) => e.name === first)) return undefined;
        return { index: 0, severity: 'warning' };
    }
    const module = moduleBehind(target, configuration);
    if (!module) return undefined;
    const names = exportedNames(module);
    if (target.stmt.node.name.startsWith('module.')) {
        if (first !== 'exports') return { index: 0, severity: 'error' };
        return second === undefined || names.has(second) ? undefined : { index: 1, severity: 'error' };
    }
    return names.has(first) ? undefined : { index: 0, severity: 'error' };
}
