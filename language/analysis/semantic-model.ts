// The semantic model an analysis produces: for every module, its nodes (the
// blocks Alloy builds a graph node for) and the references between them. The
// language server answers hover, definition, references and rename from it.

import type { ModuleDef, Stmt } from '../model/modules.js';
import type { SourceFile } from '../model/source-file.js';
import type { Block } from '../syntax/ast.js';
import type { Resolution } from './resolve.js';
import type { Traversal } from './traversals.js';

export interface NodeInfo {
    /** The local ID: block name and label joined with '.' (`prometheus.scrape.default`, `argument.x`). */
    readonly id: string;
    readonly stmt: Stmt<Block>;
    readonly resolution: Resolution;
    readonly module: ModuleDef;
    /** Set for nodes inside a foreach template: the foreach node. */
    readonly foreach?: NodeInfo;
}

export interface RefInfo {
    readonly traversal: Traversal;
    readonly file: SourceFile;
    /** The node whose body holds the reference (undefined at module level). */
    readonly from?: NodeInfo;
    /** The node the chain resolves to, when it names one. */
    readonly target?: NodeInfo;
    /** The names after the node ID: the export and the path inside it. */
    readonly fields: readonly string[];
    /** True when the chain starts with a scope variable (stdlib, module_path, foreach var). */
    readonly scoped: boolean;
}

export interface ModuleInfo {
    readonly module: ModuleDef;
    readonly nodes: ReadonlyMap<string, NodeInfo>;
    readonly references: readonly RefInfo[];
    /** The nodes of each foreach template (a scope of their own inside the module). */
    readonly templates: ReadonlyArray<{ readonly foreach: NodeInfo; readonly nodes: ReadonlyMap<string, NodeInfo> }>;
}
