// An import namespace or a declare named like a built-in namespace
// (`prometheus`, `local`, ...) matters only where a block of that namespace is
// written in its scope. Alloy's loader looks the block name's first fragment up
// among the custom components first: under an import, `prometheus.scrape` means
// the import's `scrape` (a warning: it reads like the built-in); under a declare,
// the lookup fails and the block does not load (an error, at each such block).
// Both come with a fix that renames the namespace and every use of it.

import type { Fix } from '../diagnostic.js';
import type { LoadedConfiguration } from '../model/loader.js';
import type { DeclareDef, ImportDef, ModuleDef, Stmt } from '../model/modules.js';
import type { Block } from '../syntax/ast.js';
import { AnalysisIndex } from './analysis-index.js';
import type { Analysis } from './analysis.js';
import { editIn, unique } from './fixes.js';
import type { Reporter } from './reporter.js';
import { type Catalogs, resolveBlockName } from './resolve.js';
import { type NamedSymbol, occurrencesOf } from './symbols.js';

export function reportShadowedNamespaces(analysis: Omit<Analysis, 'diagnostics'>, catalogs: Catalogs, report: Reporter): void {
    const config: LoadedConfiguration = analysis.configuration;
    const shadowingImports = new Set<ImportDef>();
    const blocked: Array<{ stmt: Stmt<Block>; declare: DeclareDef; message: string }> = [];
    for (const module of config.modules) {
        for (const stmt of blockStatements(module)) {
            const name = stmt.node.name;
            if (!name.includes('.')) continue;
            const r = resolveBlockName(module, name, stmt.file.dialect, catalogs);
            if (r.kind === 'imported' && catalogs.component(stmt.file.dialect, name)) shadowingImports.add(r.import);
            if (r.kind === 'unknown' && r.shadowedBy) blocked.push({ stmt, declare: r.shadowedBy, message: r.message });
        }
    }
    if (!shadowingImports.size && !blocked.length) return;

    const index = new AnalysisIndex(analysis as Analysis);
    const renames = new Map<DeclareDef | ImportDef, Fix | undefined>();
    const renameFix = (symbol: NamedSymbol & { kind: 'import' | 'declare' }, owner: ModuleDef): Fix | undefined => {
        const key = symbol.kind === 'import' ? symbol.import : symbol.declare;
        if (!renames.has(key)) renames.set(key, namespaceRename(symbol, owner, index));
        return renames.get(key);
    };

    for (const imp of shadowingImports) {
        const block = imp.stmt.node;
        const start = block.$labelOffset >= 0 ? block.$labelOffset : block.$cstNode!.offset;
        const fix = renameFix({ kind: 'import', import: imp }, ownerOf(imp, config));
        report.add(
            imp.stmt.file, start, start + imp.namespace.length + 2, 'warning', 'shadowed-namespace',
            `import namespace "${imp.namespace}" shadows the built-in ${imp.namespace}.* components: in this scope, blocks named ${imp.namespace}.<name> refer to it`,
            fix && [fix],
        );
    }
    for (const { stmt, declare, message } of blocked) {
        const start = stmt.node.$cstNode!.offset;
        const fix = renameFix({ kind: 'declare', declare }, ownerOf(declare, config));
        report.add(stmt.file, start, start + stmt.node.name.length, 'error', 'shadowed-namespace', message, fix && [fix]);
    }
}

/** Renames a namespace to `<name>_module` (unique in its module), with every use. */
function namespaceRename(symbol: NamedSymbol & { kind: 'import' | 'declare' }, owner: ModuleDef, index: AnalysisIndex): Fix | undefined {
    const occurrences = occurrencesOf(symbol, index);
    const taken = new Set([...owner.imports.keys(), ...owner.declares.keys()]);
    const newName = unique(`${occurrences.name}_module`, (c) => taken.has(c));
    const edits = [occurrences.definition, ...occurrences.uses].flatMap((span) => (span ? [editIn(span.file, span.offset, span.end, newName)] : []));
    if (!edits.every((e) => e !== undefined)) return undefined;
    return { title: `Rename "${occurrences.name}" to "${newName}"`, edits: edits as NonNullable<(typeof edits)[number]>[], preferred: true };
}

/** The module whose statements define an import or a declare. */
function ownerOf(def: DeclareDef | ImportDef, config: LoadedConfiguration): ModuleDef {
    return config.modules.find((m) => m.statements.some((s) => s.node === def.stmt.node))!;
}

/** A module's block statements, and those of its foreach templates. */
function blockStatements(module: ModuleDef): Stmt<Block>[] {
    const out: Stmt<Block>[] = [];
    const visit = (stmt: Stmt<Block>): void => {
        out.push(stmt);
        if (stmt.node.name !== 'foreach') return;
        for (const t of stmt.node.body) {
            if (t.$type !== 'Block' || t.name !== 'template') continue;
            for (const s of t.body) if (s.$type === 'Block') visit({ node: s, file: stmt.file });
        }
    };
    for (const s of module.statements) if (s.node.$type === 'Block') visit(s as Stmt<Block>);
    return out;
}
