// What a block name refers to in a module: a built-in component, a config
// block, a service, or a custom component (a declare, or a declare inside an
// imported module), following Alloy's lookup rules.

import { loadCatalog } from '../catalog/catalog.js';
import type { Catalog, ComponentSchema, Dialect } from '../catalog/schema.js';
import { classifyBlock, CONFIGURABLE_SERVICES, type DeclareDef, type ImportDef, type ModuleDef } from '../model/modules.js';
import type { AnalysisOptions } from './options.js';

export type Resolution =
    | { readonly kind: 'builtin'; readonly schema: ComponentSchema }
    | { readonly kind: 'config'; readonly schema?: ComponentSchema }
    | { readonly kind: 'service'; readonly schema?: ComponentSchema }
    | { readonly kind: 'declare-block' }
    | { readonly kind: 'custom'; readonly declare: DeclareDef }
    /** `ns.name` of an import; `declare` is missing when the import is unresolved or lacks the name. */
    | { readonly kind: 'imported'; readonly import: ImportDef; readonly name: string; readonly declare?: DeclareDef }
    /** `shadowedBy`: the name's namespace is a declare in scope, which Alloy then looks up as an import and fails. */
    | { readonly kind: 'unknown'; readonly message: string; readonly shadowedBy?: DeclareDef };

/** The catalogs of both dialects, with the test components an analysis may add. */
export class Catalogs {
    private readonly extra = new Map<string, ComponentSchema>();

    constructor(private readonly options: AnalysisOptions) {
        for (const c of options.extraComponents ?? []) this.extra.set(c.name, c);
    }

    forDialect(dialect: Dialect): Catalog {
        return loadCatalog(this.options.dialect ?? dialect);
    }

    component(dialect: Dialect, name: string): ComponentSchema | undefined {
        return this.extra.get(name) ?? this.forDialect(dialect).components[name];
    }

    configBlock(dialect: Dialect, name: string): ComponentSchema | undefined {
        return this.forDialect(dialect).configBlocks[name];
    }
}

export function resolveBlockName(module: ModuleDef, name: string, dialect: Dialect, catalogs: Catalogs): Resolution {
    const cls = classifyBlock(name);
    if (cls === 'declare') return { kind: 'declare-block' };
    if (cls === 'config') return { kind: 'config', schema: catalogs.configBlock(dialect, name) };
    if (cls === 'service') return { kind: 'service', schema: CONFIGURABLE_SERVICES.has(name) ? catalogs.configBlock(dialect, name) : undefined };

    // A name that matches a declare, or whose first fragment is an import
    // namespace, is always a custom component, even if it looks like a built-in.
    const declare = module.findDeclare(name);
    if (declare) return { kind: 'custom', declare };
    const dot = name.indexOf('.');
    if (dot > 0) {
        const imported = module.findImport(name.slice(0, dot));
        if (imported) {
            const declareName = name.slice(dot + 1);
            return { kind: 'imported', import: imported, name: declareName, declare: imported.module?.declares.get(declareName) };
        }
        // Alloy's loader treats a block whose first name fragment is a declare in
        // scope as a custom component too, then looks that fragment up as an
        // import namespace and fails: `declare "local"` breaks every `local.*` block.
        const shadowedBy = module.findDeclare(name.slice(0, dot));
        if (shadowedBy) {
            return {
                kind: 'unknown',
                shadowedBy,
                message: `custom component "${shadowedBy.name}" shadows the built-in ${shadowedBy.name}.* components, so Alloy fails to build ${name}: custom component config not found in the registry, namespace: "${shadowedBy.name}", componentName: "${name.slice(dot + 1)}"`,
            };
        }
    }
    const schema = catalogs.component(dialect, name);
    if (schema) return { kind: 'builtin', schema };
    return { kind: 'unknown', message: `cannot find the definition of component name "${name}"` };
}
