// The components a runtime can run, by block name. The runtime starts from
// BUILTIN_COMPONENTS; tests (and the test-only loader in extra-components.ts)
// register their own definitions on top.

import { loadCatalog } from '../../language/catalog/catalog.js';
import type { BlockSchema, ComponentSchema } from '../../language/catalog/schema.js';
import type { ArgumentSchema, ArgumentSchemaEntry, ComponentDefinition } from './component.js';
import { BUILTIN_COMPONENTS } from './components/index.js';

export class ComponentRegistry {
    private readonly definitions = new Map<string, ComponentDefinition>();

    constructor(definitions: Iterable<ComponentDefinition> = []) {
        for (const d of definitions) this.register(d);
    }

    /** The built-in components plus `extra` (which replace built-ins of the same name). */
    static withBuiltins(extra: Iterable<ComponentDefinition> = []): ComponentRegistry {
        const registry = new ComponentRegistry(BUILTIN_COMPONENTS);
        for (const d of extra) registry.register(d, true);
        return registry;
    }

    /** Adds a definition; a second definition of a name is an error unless `replace`. */
    register(definition: ComponentDefinition, replace = false): void {
        if (!replace && this.definitions.has(definition.name)) throw new Error(`component ${definition.name} is registered twice`);
        this.definitions.set(definition.name, definition);
    }

    get(name: string): ComponentDefinition | undefined {
        return this.definitions.get(name);
    }

    has(name: string): boolean {
        return this.definitions.has(name);
    }

    names(): string[] {
        return [...this.definitions.keys()].sort();
    }

    /**
     * Catalog entries for the definitions neither catalog knows (test
     * components), so the analysis resolves their blocks like built-ins.
     */
    extraCatalogEntries(): ComponentSchema[] {
        const alloy = loadCatalog('alloy').components;
        const river = loadCatalog('river').components;
        return [...this.definitions.values()].filter((d) => !alloy[d.name] && !river[d.name]).map((d) => catalogEntry(d.name, d.schema));
    }
}

function catalogEntry(name: string, schema: ArgumentSchema): ComponentSchema {
    return {
        name,
        kind: 'component',
        stability: 'generally-available',
        label: 'required',
        docs: '',
        attributes: schema.attributes.map((a) => ({ name: a.name, type: a.type, required: a.required })),
        blocks: schema.blocks.map(blockEntry),
        exports: schema.exports.map((e) => ({ name: e.name, type: e.type })),
    };
}

function blockEntry(entry: ArgumentSchemaEntry): BlockSchema {
    return {
        name: entry.name,
        required: entry.required,
        attributes: entry.block?.attributes.map((a) => ({ name: a.name, type: a.type, required: a.required })) ?? [],
        blocks: entry.block?.blocks.map(blockEntry) ?? [],
    };
}
