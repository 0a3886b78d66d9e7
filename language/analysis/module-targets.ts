// What a node or a reference points into: the module a node runs, the export a reference reads.
// Below collisions, fixes and symbols, which all ask.

import type { LoadedConfiguration } from '../model/loader.js';
import type { ModuleDef } from '../model/modules.js';
import type { NodeInfo, RefInfo } from './semantic-model.js';

/** The module a custom component or Agent Flow module node runs. */
export function moduleBehind(node: NodeInfo, configuration: LoadedConfiguration): ModuleDef | undefined {
    const r = node.resolution;
    if (r.kind === 'custom') return r.declare.body;
    if (r.kind === 'imported') return r.declare?.body;
    return configuration.flowModules.get(node.stmt.node)?.module;
}

/** The export key a reference reads from a module instance, if it reads one. */
export function exportKey(ref: RefInfo): string | undefined {
    const target = ref.target;
    if (!target) return undefined;
    const name = target.stmt.node.name;
    if (name === 'module.file' || name === 'module.string' || name === 'module.git' || name === 'module.http') {
        return ref.fields[0] === 'exports' ? ref.fields[1] : undefined;
    }
    if (target.resolution.kind === 'custom' || target.resolution.kind === 'imported') return ref.fields[0];
    return undefined;
}
