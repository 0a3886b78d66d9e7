// Which files form a configuration. A file is one configuration; a directory's
// *.alloy / *.river files form one configuration, as `alloy run DIR` loads it,
// except files the others load as modules (import.file / module.file with a
// literal filename): those are checked as the modules they are.

import path from 'node:path';
import type { FileHost } from '../model/host.js';
import type { SourceFile } from '../model/source-file.js';
import { unquoteString } from '../eval/evaluate-expression.js';
import type { Block } from '../syntax/ast.js';

const MODULE_LOADERS = new Set(['import.file', 'module.file']);

/** The files a directory's configuration is made of. */
export function directoryConfiguration(dir: string, host: FileHost): SourceFile[] {
    const files = host.configFiles(dir).flatMap((f) => host.file(f) ?? []);
    const imported = new Set<string>();
    for (const file of files) {
        for (const target of literalModuleTargets(file)) {
            const resolved = path.resolve(path.dirname(file.path), target);
            if (host.isDirectory(resolved)) for (const f of host.configFiles(resolved)) imported.add(f);
            else imported.add(resolved);
        }
    }
    return files.filter((f) => !imported.has(f.path));
}

/** Filenames of import.file / module.file blocks written as string literals, at any depth. */
export function literalModuleTargets(file: SourceFile): string[] {
    const out: string[] = [];
    const stack: Block[] = file.parsed.ast.body.filter((s): s is Block => s.$type === 'Block');
    while (stack.length) {
        const block = stack.pop()!;
        if (MODULE_LOADERS.has(block.name)) {
            for (const s of block.body) {
                if (s.$type !== 'Attribute' || s.name !== 'filename' || s.value.$type !== 'StringLiteral') continue;
                // A literal being typed (`"`) is not a filename yet.
                const target = unquoteString(s.value.value);
                if (target) out.push(target);
            }
        }
        for (const s of block.body) if (s.$type === 'Block') stack.push(s);
    }
    return out;
}
