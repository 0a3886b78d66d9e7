// Two instances of one Agent Flow module file share every local ID, and no
// edit of that shared file can change it: the only fix is for the other
// instances to load files of their own. This fix creates, for every instance
// but the first, a copy of the module whose labels name that instance, points
// the instance's `filename` at it, and renames what the caller sees of it: the
// attributes that set the module's arguments and the references to its exports.

import path from 'node:path';
import type { Fix, NewFile, TextEdit } from '../diagnostic.js';
import { formatParsed, formatSource } from '../format/format.js';
import { applyEdits } from '../format/text-diff.js';
import type { LoadedConfiguration } from '../model/loader.js';
import type { ModuleDef } from '../model/modules.js';
import type { SourceFile } from '../model/source-file.js';
import type { Attribute, Block, Statement } from '../syntax/ast.js';
import { editIn, labelEdits, slug, unique } from './fixes.js';
import { exportKey } from './module-targets.js';
import type { InstanceTree } from './instances.js';
import type { ModuleInfo, NodeInfo } from './semantic-model.js';

/** The fix for a node of a module file that several module.file blocks load, if one can be made. */
export function moduleCopyFix(
    site: NodeInfo,
    tree: InstanceTree,
    modules: ReadonlyMap<ModuleDef, ModuleInfo>,
    configuration: LoadedConfiguration,
    exists: (filePath: string) => boolean,
): Fix | undefined {
    const module = site.module;
    const info = modules.get(module);
    const files = module.files;
    if (module.kind !== 'flow-module' || !info || files.length !== 1 || files[0].host) return undefined;
    // Each instance must come from a module.file block that runs once, or a copy would collide with itself.
    const loaders = (tree.instancesOf.get(site) ?? []).map((i) => i.parent?.node);
    if (loaders.length < 2 || new Set(loaders).size !== loaders.length) return undefined;
    if (loaders.some((l) => !l || l.stmt.node.name !== 'module.file' || tree.instancesOf.get(l)?.length !== 1)) return undefined;
    const taken = new Set(configuration.files.map((f) => f.path));
    const edits: TextEdit[] = [];
    const creates: NewFile[] = [];
    for (const loader of loaders.slice(1) as NodeInfo[]) {
        const copy = copyFor(loader, info, files[0], modules, (p) => taken.has(p) || exists(p));
        if (!copy) return undefined;
        taken.add(copy.create.file);
        edits.push(...copy.edits);
        creates.push(copy.create);
    }
    const others = (loaders.slice(1) as NodeInfo[]).map((l) => l.id);
    const title = others.length === 1
        ? `Give ${others[0]} its own copy of ${path.basename(files[0].path)} with unique labels`
        : `Give ${others.join(', ')} their own copies of ${path.basename(files[0].path)} with unique labels`;
    return { title, edits, creates, preferred: true };
}

function copyFor(loader: NodeInfo, info: ModuleInfo, file: SourceFile, modules: ReadonlyMap<ModuleDef, ModuleInfo>, taken: (p: string) => boolean): { edits: TextEdit[]; create: NewFile } | undefined {
    const block = loader.stmt.node;
    const suffix = slug(block.label ?? loader.id);
    const filename = attribute(block.body, 'filename');
    // Only a plain literal naming the file can be pointed elsewhere without changing its meaning.
    if (filename?.value.$type !== 'StringLiteral') return undefined;
    const raw = filename.value.value;
    const base = path.basename(file.path);
    if (!raw.startsWith('"') || raw.includes('\\') || !raw.slice(1, -1).endsWith(base)) return undefined;
    const ext = path.extname(base);
    const newPath = path.join(path.dirname(file.path), unique(`${path.basename(base, ext)}_${suffix}`, (c) => taken(path.join(path.dirname(file.path), c + ext))) + ext);
    const literal = `"${raw.slice(1, -1 - base.length)}${path.basename(newPath)}"`;

    const inModule: TextEdit[] = [];
    const edits: Array<TextEdit | undefined> = [editIn(loader.stmt.file, filename.value.$cstNode!.offset, filename.value.$cstNode!.end, literal)];
    const labels = new Set(info.nodes.keys());
    for (const node of info.nodes.values()) {
        const label = node.stmt.node.label;
        if (!label) continue;
        const newLabel = unique(`${label}_${suffix}`, (c) => labels.has(`${node.stmt.node.name}.${c}`));
        labels.add(`${node.stmt.node.name}.${newLabel}`);
        const renamed = labelEdits(node, info, newLabel);
        if (!renamed || renamed.some((e) => e.file !== file.path)) return undefined;
        inModule.push(...renamed);
        if (node.stmt.node.name === 'argument') {
            const setter = attribute(nestedBlock(block.body, 'arguments')?.body ?? [], label);
            if (setter) edits.push(editIn(loader.stmt.file, setter.$cstNode!.offset, setter.$cstNode!.offset + label.length, newLabel));
        }
        if (node.stmt.node.name === 'export') edits.push(...exportReads(loader, label, newLabel, modules));
    }
    if (edits.some((e) => e === undefined)) return undefined;
    // A formatted module gives a formatted copy (renamed references change the alignment of trailing comments).
    const text = applyEdits(file.parsed.source.text, inModule);
    const formatted = file.parsed.errors.length === 0 && formatParsed(file.parsed) === file.parsed.source.text ? formatSource(text) : undefined;
    return { edits: edits as TextEdit[], create: { file: newPath, text: formatted?.ok ? formatted.text : text } };
}

/** Renames every `module.file.X.exports.<key>` read of one instance. */
function exportReads(loader: NodeInfo, key: string, newKey: string, modules: ReadonlyMap<ModuleDef, ModuleInfo>): Array<TextEdit | undefined> {
    const edits: Array<TextEdit | undefined> = [];
    for (const info of modules.values()) {
        for (const ref of info.references) {
            if (ref.target !== loader || exportKey(ref) !== key) continue;
            const offset = ref.traversal.offsets[ref.traversal.names.length - ref.fields.length + 1];
            edits.push(editIn(ref.file, offset, offset + key.length, newKey));
        }
    }
    return edits;
}

function attribute(body: readonly Statement[], name: string): Attribute | undefined {
    return body.find((s): s is Attribute => s.$type === 'Attribute' && s.name === name);
}

function nestedBlock(body: readonly Statement[], name: string): Block | undefined {
    return body.find((s): s is Block => s.$type === 'Block' && s.name === name);
}
