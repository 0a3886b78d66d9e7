// Modules as Alloy loads them. Every body of statements that Alloy runs under
// its own controller is a module: the root configuration, the body of a
// `declare`, the content of an `import.file` / `import.string`, and an Agent
// Flow `module.file` / `module.string`. A module knows the custom components
// (declares) and import namespaces it defines; lookups walk up the lexical
// scope (a declare sees the declares and imports around it, imported content
// sees only its own).

import type { Block, Statement } from '../syntax/ast.js';
import type { SourceFile } from './source-file.js';

export type ModuleKind =
    /** The configuration itself: a file, or the files of a directory. */
    | 'root'
    /** The body of a `declare` block. */
    | 'declare'
    /** Content loaded by `import.file` or `import.string`: declares and imports only. */
    | 'import'
    /** Content loaded by Agent Flow's `module.file` / `module.string`: a full module with arguments and exports. */
    | 'flow-module';

/** A statement and the file it was written in. */
export interface Stmt<T extends Statement = Statement> {
    readonly node: T;
    readonly file: SourceFile;
}

export interface DeclareDef {
    readonly name: string;
    readonly stmt: Stmt<Block>;
    readonly body: ModuleDef;
}

export type ImportKind = 'file' | 'string' | 'git' | 'http';

export interface ImportDef {
    readonly namespace: string;
    readonly kind: ImportKind;
    readonly stmt: Stmt<Block>;
    /** The loaded content, when flowlens could load it locally. */
    module?: ModuleDef;
    /** Why the content is not available (not found, remote, not statically known). */
    unresolved?: string;
}

export class ModuleDef {
    /** Custom components defined directly in this module. */
    readonly declares = new Map<string, DeclareDef>();
    /** Import namespaces defined directly in this module. */
    readonly imports = new Map<string, ImportDef>();

    constructor(
        readonly kind: ModuleKind,
        /** A name for messages: the file, `declare "name"`, `import.file "ns"`. */
        readonly name: string,
        readonly statements: readonly Stmt[],
        /** The scope that encloses this one for declare and import lookup (declare bodies only). */
        readonly lexicalParent?: ModuleDef,
        /** The value of `module_path` inside this module (imported and flow modules). */
        readonly modulePath?: string,
    ) {}

    /** Whether `argument` and `export` blocks may appear here. */
    get acceptsArguments(): boolean {
        return this.kind === 'declare' || this.kind === 'flow-module';
    }

    /** Finds a declare by name in this scope or an enclosing one. */
    findDeclare(name: string): DeclareDef | undefined {
        for (let m: ModuleDef | undefined = this; m; m = m.lexicalParent) {
            const found = m.declares.get(name);
            if (found) return found;
        }
        return undefined;
    }

    /** Finds an import namespace in this scope or an enclosing one. */
    findImport(namespace: string): ImportDef | undefined {
        for (let m: ModuleDef | undefined = this; m; m = m.lexicalParent) {
            const found = m.imports.get(namespace);
            if (found) return found;
        }
        return undefined;
    }

    /** The files this module's statements come from. */
    get files(): SourceFile[] {
        return [...new Set(this.statements.map((s) => s.file))];
    }
}

/** How Alloy classifies a top-level block by its full name (labels do not matter). */
export type BlockClass = 'declare' | 'config' | 'service' | 'component';

const CONFIG_BLOCKS = new Set(['logging', 'tracing', 'argument', 'export', 'foreach', 'import.file', 'import.string', 'import.http', 'import.git']);
/** Services that take a configuration block. */
export const CONFIGURABLE_SERVICES = new Set(['http', 'remotecfg', 'livedebugging', 'labelstore']);
/** Services that exist but cannot be configured (`service %q does not support being configured`). */
export const UNCONFIGURABLE_SERVICES = new Set(['cluster', 'otel', 'ui']);

export function classifyBlock(name: string): BlockClass {
    if (name === 'declare') return 'declare';
    if (CONFIG_BLOCKS.has(name)) return 'config';
    if (CONFIGURABLE_SERVICES.has(name) || UNCONFIGURABLE_SERVICES.has(name)) return 'service';
    return 'component';
}

export function importKind(name: string): ImportKind | undefined {
    switch (name) {
        case 'import.file': return 'file';
        case 'import.string': return 'string';
        case 'import.git': return 'git';
        case 'import.http': return 'http';
        default: return undefined;
    }
}
