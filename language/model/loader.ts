// Loads a configuration and everything it imports into modules: the root
// files, declare bodies, import.file / import.string content, and Agent Flow
// module.file / module.string content. Nothing is fetched from the network:
// import.git and import.http stay unresolved with a reason.

import path from 'node:path';
import type { Value } from '../eval/value.js';
import type { Attribute, Block, Expression, StringLiteral } from '../syntax/ast.js';
import { parse } from '../syntax/parser.js';
import { sourceFromString } from '../syntax/source.js';
import type { FileHost } from './host.js';
import { type DeclareDef, type ImportDef, importKind, ModuleDef, type ModuleKind, type Stmt } from './modules.js';
import type { SourceFile } from './source-file.js';

/** Evaluates an expression written directly in a module (stdlib, module_path, constants). */
export type ModuleEvaluator = (expr: Expression, module: ModuleDef) => Value;

/** How deep imports may nest before flowlens stops following them. */
export const MAX_IMPORT_DEPTH = 100;

/** What the files given to the loader are: a configuration, or a module checked on its own. */
export type RootKind = Extract<ModuleKind, 'root' | 'flow-module'>;

export interface LoadedConfiguration {
    readonly root: ModuleDef;
    /** The files the root module was loaded from. */
    readonly rootFiles: readonly SourceFile[];
    /** Every module reachable from the root, root first. */
    readonly modules: readonly ModuleDef[];
    /** Every file read, on disk or embedded. */
    readonly files: readonly SourceFile[];
    /** Agent Flow module.file / module.string components and the content they load. */
    readonly flowModules: ReadonlyMap<Block, FlowModuleRef>;
}

export interface FlowModuleRef {
    module?: ModuleDef;
    unresolved?: string;
}

/** Problems found while loading, reported by the analysis. */
export interface LoadProblem {
    readonly stmt: Stmt<Block>;
    readonly severity: 'error' | 'information';
    readonly code: string;
    readonly message: string;
}

export class ConfigurationLoader {
    private readonly modules: ModuleDef[] = [];
    private readonly files = new Set<SourceFile>();
    private readonly byPath = new Map<string, ModuleDef>();
    private readonly loading: string[] = [];
    private readonly flowModules = new Map<Block, FlowModuleRef>();
    readonly problems: LoadProblem[] = [];

    constructor(
        private readonly host: FileHost,
        private readonly evaluate: ModuleEvaluator,
        /** Maps a resolved module path (absolute server paths to the workspace); identity by default. */
        private readonly mapPath: (resolved: string) => string = (p) => p,
    ) {}

    /**
     * Loads the configuration made of `rootFiles` (a file, or the files of a
     * directory); `kind` 'flow-module' loads a module file on its own, with
     * its arguments unknown.
     */
    load(rootFiles: readonly SourceFile[], name: string, kind: RootKind = 'root'): LoadedConfiguration {
        const modulePath = rootFiles.length ? path.dirname(rootFiles[0].path) : '.';
        for (const f of rootFiles) this.files.add(f); // files with no statements count too
        const root = this.build(kind, name, statementsOf(rootFiles), undefined, modulePath);
        return { root, rootFiles, modules: this.modules, files: [...this.files], flowModules: this.flowModules };
    }

    private build(kind: ModuleKind, name: string, statements: Stmt[], parent: ModuleDef | undefined, modulePath: string | undefined): ModuleDef {
        const module = new ModuleDef(kind, name, statements, parent, modulePath);
        this.modules.push(module);
        for (const s of statements) this.files.add(s.file);
        for (const s of statements) {
            if (s.node.$type !== 'Block') continue;
            const block = s.node;
            const stmt = s as Stmt<Block>;
            // The first definition wins; duplicates are reported by the analysis.
            if (block.name === 'declare' && block.label && !module.declares.has(block.label)) {
                const body = this.build('declare', `declare "${block.label}"`, block.body.map((node) => ({ node, file: s.file })), module, modulePath);
                module.declares.set(block.label, { name: block.label, stmt, body } satisfies DeclareDef);
            }
            const kindOfImport = importKind(block.name);
            if (kindOfImport && block.label && !module.imports.has(block.label)) {
                const imp: ImportDef = { namespace: block.label, kind: kindOfImport, stmt };
                module.imports.set(block.label, imp);
                this.resolveImport(imp, module);
            }
            if ((block.name === 'module.file' || block.name === 'module.string') && s.file.dialect === 'river') {
                this.flowModules.set(block, this.loadFlowModule(stmt, module));
            }
        }
        return module;
    }

    private resolveImport(imp: ImportDef, importer: ModuleDef): void {
        const { stmt } = imp;
        switch (imp.kind) {
            case 'git':
            case 'http':
                imp.unresolved = `import.${imp.kind} "${imp.namespace}" is fetched by Alloy at run time; flowlens does not fetch it, so its components are not checked`;
                this.problems.push({ stmt, severity: 'information', code: 'module-not-resolved', message: imp.unresolved });
                return;
            case 'file': {
                const target = this.stringArgument(stmt, 'filename', importer);
                if (target === undefined) {
                    imp.unresolved = `the filename of import.file "${imp.namespace}" is only known at run time; its components are not checked`;
                    this.problems.push({ stmt, severity: 'information', code: 'module-not-resolved', message: imp.unresolved });
                    return;
                }
                const loaded = this.loadFileModule('import', `import.file "${imp.namespace}"`, stmt, target);
                imp.module = loaded.module;
                imp.unresolved = loaded.unresolved;
                return;
            }
            case 'string': {
                const content = this.stringArgument(stmt, 'content', importer);
                if (content === undefined) {
                    imp.unresolved = `the content of import.string "${imp.namespace}" is only known at run time; its components are not checked`;
                    this.problems.push({ stmt, severity: 'information', code: 'module-not-resolved', message: imp.unresolved });
                    return;
                }
                imp.module = this.embeddedModule('import', `import.string "${imp.namespace}"`, stmt, 'content', content, importer.modulePath);
                return;
            }
        }
    }

    private loadFlowModule(stmt: Stmt<Block>, parent: ModuleDef): FlowModuleRef {
        const block = stmt.node;
        const label = block.label ?? '';
        if (block.name === 'module.string') {
            const content = this.stringArgument(stmt, 'content', parent);
            if (content === undefined) return { unresolved: `the content of module.string "${label}" is only known at run time` };
            return { module: this.embeddedModule('flow-module', `module.string "${label}"`, stmt, 'content', content, parent.modulePath) };
        }
        const target = this.stringArgument(stmt, 'filename', parent);
        if (target === undefined) return { unresolved: `the filename of module.file "${label}" is only known at run time` };
        return this.loadFileModule('flow-module', `module.file "${label}"`, stmt, target);
    }

    /** Loads a file or directory module, relative to the importing file. */
    private loadFileModule(kind: ModuleKind, name: string, stmt: Stmt<Block>, target: string): FlowModuleRef {
        const resolved = this.mapPath(path.resolve(path.dirname(stmt.file.host ? rootFileOf(stmt.file).path : stmt.file.path), target));
        const key = `${kind}:${resolved}`;
        const cached = this.byPath.get(key);
        if (cached) return { module: cached };
        if (this.loading.includes(key)) {
            const chain = [...this.loading.slice(this.loading.indexOf(key)), key].map((k) => path.basename(k.slice(k.indexOf(':') + 1)));
            const message = `import cycle: ${chain.join(' → ')}`;
            this.problems.push({ stmt, severity: 'error', code: 'import-cycle', message });
            return { unresolved: message };
        }
        if (this.loading.length >= MAX_IMPORT_DEPTH) {
            const message = `modules are nested more than ${MAX_IMPORT_DEPTH} levels deep; flowlens stops following imports here`;
            this.problems.push({ stmt, severity: 'error', code: 'module-too-deep', message });
            return { unresolved: message };
        }
        let files: SourceFile[];
        if (this.host.isDirectory(resolved)) {
            files = this.host.configFiles(resolved).flatMap((f) => this.host.file(f) ?? []);
        } else {
            const file = this.host.file(resolved);
            if (!file) {
                const message = `module file "${target}" not found (looked for ${resolved}); its components are not checked`;
                this.problems.push({ stmt, severity: 'information', code: 'module-not-found', message });
                return { unresolved: message };
            }
            files = [file];
        }
        for (const f of files) this.files.add(f);
        this.loading.push(key);
        try {
            const modulePath = this.host.isDirectory(resolved) ? resolved : path.dirname(resolved);
            const module = this.build(kind, name, statementsOf(files), undefined, modulePath);
            this.byPath.set(key, module);
            return { module };
        } finally {
            this.loading.pop();
        }
    }

    /** Parses string content as an embedded file whose diagnostics map back into the string literal. */
    private embeddedModule(kind: ModuleKind, name: string, stmt: Stmt<Block>, attribute: string, content: string, modulePath: string | undefined): ModuleDef {
        const literal = attributeValue(stmt.node, attribute);
        const literalOffset = literal?.$cstNode?.offset ?? stmt.node.$cstNode!.offset;
        // Offsets map one to one only for a raw string literal whose text is the content.
        const raw = literal?.$type === 'StringLiteral' && (literal as StringLiteral).value.startsWith('`') && (literal as StringLiteral).value.slice(1, -1) === content;
        const file: SourceFile = {
            path: `${stmt.file.path}#${literalOffset}`,
            parsed: parse(sourceFromString(content)),
            dialect: stmt.file.dialect,
            host: { file: stmt.file, contentOffset: raw ? literalOffset + 1 : -1, literalOffset },
        };
        return this.build(kind, name, statementsOf([file]), undefined, modulePath);
    }

    /** The statically known string value of an attribute of a block. */
    private stringArgument(stmt: Stmt<Block>, attribute: string, module: ModuleDef): string | undefined {
        const expr = attributeValue(stmt.node, attribute);
        if (!expr) return undefined;
        const value = this.evaluate(expr, module);
        return value.kind === 'string' ? value.value : value.kind === 'secret' ? value.value : undefined;
    }
}

function statementsOf(files: readonly SourceFile[]): Stmt[] {
    return files.flatMap((file) => file.parsed.ast.body.map((node) => ({ node, file })));
}

function attributeValue(block: Block, name: string): Expression | undefined {
    return (block.body.find((s) => s.$type === 'Attribute' && s.name === name) as Attribute | undefined)?.value;
}

function rootFileOf(file: SourceFile): SourceFile {
    let f = file;
    while (f.host) f = f.host.file;
    return f;
}
