// Quick fixes: renames that keep every reference working. A fix renames a
// label or an export and rewrites each reference to it, in every file of the
// configuration; it is offered only when its edits can be placed exactly.

import type { Fix, TextEdit } from '../diagnostic.js';
import type { LoadedConfiguration } from '../model/loader.js';
import type { ModuleDef } from '../model/modules.js';
import { displayLocation, type SourceFile } from '../model/source-file.js';
import type { Block } from '../syntax/ast.js';
import { exportKey, moduleBehind } from './module-targets.js';
import type { ModuleInfo, NodeInfo } from './semantic-model.js';

/** An edit of `file` at a UTF-16 range, mapped out of embedded content; undefined if it cannot be placed. */
export function editIn(file: SourceFile, offset: number, end: number, newText: string): TextEdit | undefined {
    for (let f: SourceFile | undefined = file; f?.host; f = f.host.file) {
        if (f.host.contentOffset < 0) return undefined; // inside a string whose escapes shift offsets
    }
    const at = displayLocation(file, offset, end);
    return { file: at.file.path, offset: at.offset, end: at.end, newText };
}

/** A label that is an identifier made from a module's name: `declare "my-mod"` → `my_mod`. */
export function slug(text: string): string {
    const cleaned = text.replace(/^(declare|import\.\w+|module\.\w+)\s+/, '').replace(/\.(alloy|river)$/, '').replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '');
    return /^[A-Za-z_]/.test(cleaned) ? cleaned : `m_${cleaned || 'module'}`;
}

/** The first `base`, `base_2`, `base_3`, ... that `taken` does not contain. */
export function unique(base: string, taken: (candidate: string) => boolean): string {
    if (!taken(base)) return base;
    for (let n = 2; ; n++) if (!taken(`${base}_${n}`)) return `${base}_${n}`;
}

/** Edits renaming a block's label to `newLabel`, and every reference to the node. */
export function labelEdits(node: NodeInfo, info: ModuleInfo, newLabel: string): TextEdit[] | undefined {
    const block = node.stmt.node;
    if (!block.label || block.$labelOffset < 0) return undefined;
    const edits: Array<TextEdit | undefined> = [editIn(node.stmt.file, block.$labelOffset + 1, block.$labelOffset + 1 + block.label.length, newLabel)];
    const labelIndex = block.$fragments.length;
    for (const ref of info.references) {
        if (ref.target !== node) continue;
        const offset = ref.traversal.offsets[labelIndex];
        edits.push(editIn(ref.file, offset, offset + block.label.length, newLabel));
    }
    return edits.every((e): e is TextEdit => e !== undefined) ? edits : undefined;
}

/** Renames a node's label to one that is unique in its module and names the module. */
export function renameNodeLabel(node: NodeInfo, modules: ReadonlyMap<ModuleDef, ModuleInfo>, title: string): Fix | undefined {
    const info = modules.get(node.module);
    const block = node.stmt.node;
    if (!info || !block.label) return undefined;
    const suffix = node.module.kind === 'root' ? 'root' : slug(node.module.name);
    const label = unique(`${block.label}_${suffix}`, (candidate) => info.nodes.has(`${block.name}.${candidate}`));
    const edits = labelEdits(node, info, label);
    return edits ? { title: `${title}: "${label}"`, edits } : undefined;
}

/**
 * Fixes for one consumer reading export `key` from several modules: rename
 * the export in one module definition and every reference to it, wherever
 * that definition is used. Offered only for definitions no other target shares.
 */
export function renameExportFixes(key: string, targets: readonly NodeInfo[], modules: ReadonlyMap<ModuleDef, ModuleInfo>, configuration: LoadedConfiguration): Fix[] {
    const definitions = targets.map((t) => moduleBehind(t, configuration));
    const fixes: Fix[] = [];
    targets.forEach((target, i) => {
        const definition = definitions[i];
        if (i === 0 || !definition || definitions.filter((d) => d === definition).length > 1) return;
        const exportBlock = definition.statements.find((s) => s.node.$type === 'Block' && s.node.name === 'export' && s.node.label === key);
        if (!exportBlock) return;
        const exports = new Set(definition.statements.filter((s) => s.node.$type === 'Block' && s.node.name === 'export').map((s) => (s.node as Block).label));
        const newKey = unique(`${key}_${slug(target.stmt.node.label ?? target.id)}`, (c) => exports.has(c));
        const block = exportBlock.node as Block;
        const edits: Array<TextEdit | undefined> = [editIn(exportBlock.file, block.$labelOffset + 1, block.$labelOffset + 1 + key.length, newKey)];
        for (const info of modules.values()) {
            for (const ref of info.references) {
                if (!ref.target || exportKey(ref) !== key || moduleBehind(ref.target, configuration) !== definition) continue;
                const index = ref.traversal.names.length - ref.fields.length + (ref.fields[0] === 'exports' && ref.fields[1] === key ? 1 : 0);
                const offset = ref.traversal.offsets[index];
                edits.push(editIn(ref.file, offset, offset + key.length, newKey));
            }
        }
        if (edits.every((e): e is TextEdit => e !== undefined)) {
            fixes.push({ title: `Rename export "${key}" of ${target.id} to "${newKey}"`, edits, preferred: fixes.length === 0 });
        }
    });
    return fixes;
}

/**
 * "Make all labels in this module unique": renames every labelled node of the
 * module whose local ID collides with a node of another module definition.
 */
export function uniqueLabelsFix(module: ModuleDef, modules: ReadonlyMap<ModuleDef, ModuleInfo>, collidingIds: ReadonlySet<string>): Fix | undefined {
    const info = modules.get(module);
    if (!info) return undefined;
    const edits: TextEdit[] = [];
    const taken = new Set(info.nodes.keys());
    const suffix = module.kind === 'root' ? 'root' : slug(module.name);
    for (const node of info.nodes.values()) {
        const block = node.stmt.node;
        if (!block.label || !collidingIds.has(node.id)) continue;
        const label = unique(`${block.label}_${suffix}`, (c) => taken.has(`${block.name}.${c}`));
        taken.add(`${block.name}.${label}`);
        const nodeEdits = labelEdits(node, info, label);
        if (nodeEdits) edits.push(...nodeEdits);
    }
    return edits.length ? { title: `Make all labels in ${module.name} unique`, edits } : undefined;
}
