// Which files form a configuration. A file is one configuration; a directory's
// *.alloy / *.river files form one configuration, as `alloy run DIR` loads it,
// except files the others load as modules (import.file / module.file with a
// literal filename): those are checked as the modules they are. For checking,
// a file that only makes sense as a module (argument or export blocks at its
// top level) is not part of its directory's configuration either: if nothing
// loads it, it is checked on its own, as a module.

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Analysis, analyzeConfiguration } from '../analysis/analyze.js';
import type { AnalysisOptions } from '../analysis/options.js';
import { unquoteString } from '../eval/evaluate-expression.js';
import type { FileHost } from '../model/host.js';
import type { SourceFile } from '../model/source-file.js';
import type { Block } from '../syntax/ast.js';

const MODULE_LOADERS = new Set(['import.file', 'module.file']);
const GIT_LOADERS = new Set(['import.git', 'module.git']);

/** The files a directory's configuration is made of, as `alloy run DIR` loads it. */
export function directoryConfiguration(dir: string, host: FileHost): SourceFile[] {
    const files = host.configFiles(dir).flatMap((f) => host.file(f) ?? []);
    const imported = loadedByLiteral(files, host);
    return files.filter((f) => !imported.has(f.path));
}

export interface DirectoryConfigurations {
    /** The files that form the directory's configuration. */
    readonly root: SourceFile[];
    /** Module-only files that no file of the directory loads by a literal filename. */
    readonly modules: SourceFile[];
}

/**
 * A directory as it is checked: its configuration without the files that only
 * make sense as modules, and those files apart. `loadedElsewhere` holds files
 * that configurations outside the directory load as modules: they belong to
 * neither.
 */
export function directoryConfigurations(dir: string, host: FileHost, loadedElsewhere: ReadonlySet<string> = new Set()): DirectoryConfigurations {
    const files = host.configFiles(dir).flatMap((f) => host.file(f) ?? []);
    const imported = loadedByLiteral(files, host);
    const own = files.filter((f) => !imported.has(f.path) && !loadedElsewhere.has(f.path));
    return { root: own.filter((f) => !isModuleOnly(f)), modules: own.filter(isModuleOnly) };
}

/** Whether a file only makes sense as a module: it has argument or export blocks at its top level. */
export function isModuleOnly(file: SourceFile): boolean {
    return file.parsed.ast.body.some((s) => s.$type === 'Block' && (s.name === 'argument' || s.name === 'export'));
}

/** Analyses a file given on its own: a configuration, or the module it can only be. */
export function analyzeFile(file: SourceFile, host: FileHost, options: AnalysisOptions): Analysis {
    return analyzeConfiguration([file], host, options, path.dirname(file.path), isModuleOnly(file) ? 'flow-module' : 'root');
}

/**
 * Analyses a directory as `flowlens check DIR` does: its configuration, then
 * each module-only file that the configuration does not load, on its own.
 */
export function analyzeDirectory(dir: string, host: FileHost, options: AnalysisOptions): Analysis[] {
    const { root, modules } = directoryConfigurations(dir, host);
    const out = root.length ? [analyzeConfiguration(root, host, options, dir)] : [];
    for (const m of modules) {
        if (!out.some((a) => a.configuration.files.includes(m))) out.push(analyzeConfiguration([m], host, options, dir, 'flow-module'));
    }
    return out;
}

/** The files that `files` load as modules by literal filenames (a directory stands for its files). */
export function loadedByLiteral(files: readonly SourceFile[], host: FileHost): Set<string> {
    const loaded = new Set<string>();
    for (const file of files) {
        for (const target of literalModuleTargets(file)) {
            const resolved = path.resolve(path.dirname(file.path), target);
            if (host.isDirectory(resolved)) for (const f of host.configFiles(resolved)) loaded.add(f);
            else loaded.add(resolved);
        }
    }
    return loaded;
}

/**
 * Files that import.file / module.file blocks load by a literal filename, and
 * import.git / module.git blocks whose repository is a local clone, at any depth.
 */
export function literalModuleTargets(file: SourceFile): string[] {
    const out: string[] = [];
    const stack: Block[] = file.parsed.ast.body.filter((s): s is Block => s.$type === 'Block');
    while (stack.length) {
        const block = stack.pop()!;
        if (MODULE_LOADERS.has(block.name)) {
            const target = literalAttribute(block, 'filename');
            if (target) out.push(target);
        } else if (GIT_LOADERS.has(block.name)) {
            const repository = localRepository(literalAttribute(block, 'repository'));
            const inside = literalAttribute(block, 'path');
            if (repository && inside) out.push(path.join(repository, inside));
        }
        for (const s of block.body) if (s.$type === 'Block') stack.push(s);
    }
    return out;
}

/** The value of a string literal attribute; a literal being typed (`"`) has none. */
function literalAttribute(block: Block, name: string): string | undefined {
    for (const s of block.body) {
        if (s.$type === 'Attribute' && s.name === name && s.value.$type === 'StringLiteral') return unquoteString(s.value.value) || undefined;
    }
    return undefined;
}

/** A git repository that is a directory on this machine (a path or a file:// URL). */
function localRepository(repository: string | undefined): string | undefined {
    if (!repository) return undefined;
    if (repository.startsWith('file://')) {
        try {
            return fileURLToPath(repository);
        } catch {
            return undefined;
        }
    }
    return path.isAbsolute(repository) || repository.startsWith('./') || repository.startsWith('../') ? repository : undefined;
}
