// The shape of flowlens' component catalogs (language/catalog/generated/*.json),
// generated from the component reference docs by scripts/build-catalog.ts.
// Facts only: names, types, defaults, required flags, stability, a docs link.

export type Dialect = 'alloy' | 'river';

/** Alloy's stability levels, lowest first. */
export type Stability = 'experimental' | 'public-preview' | 'generally-available';

export interface AttributeSchema {
    readonly name: string;
    /** The type as the docs write it: `string`, `duration`, `list(map(string))`, `capsule(...)`, `any`, ... */
    readonly type: string;
    readonly required: boolean;
    /** The default as written in the docs table (an Alloy expression or prose), when there is one. */
    readonly default?: string;
}

export interface BlockSchema {
    /** The block name inside its parent; may be dotted (`stage.json`). */
    readonly name: string;
    readonly required: boolean;
    readonly attributes: readonly AttributeSchema[];
    readonly blocks: readonly BlockSchema[];
    /**
     * The body is user-defined and not described by the catalog: any attribute (module
     * `arguments { NAME = value }`) or any block (foreach `template { ... }`).
     */
    readonly freeform?: boolean;
    /**
     * The block also accepts every block accepted at this path, relative to the component
     * (`[]` = the component's own top-level blocks). Used for recursive blocks such as
     * loki.process `stage.match`, which nests any `stage.*` block.
     */
    readonly blocksFrom?: readonly string[];
}

export interface ExportSchema {
    readonly name: string;
    readonly type: string;
}

/** A built-in component (`prometheus.scrape`) or a config block (`logging`, `import.file`). */
export interface ComponentSchema {
    readonly name: string;
    readonly kind: 'component' | 'config';
    readonly stability: Stability;
    /** Community components need --feature.community-components.enabled. */
    readonly community?: boolean;
    /** Whether the block takes a label: components always require one. */
    readonly label: 'required' | 'forbidden';
    /** Link to the reference page on grafana.com. */
    readonly docs: string;
    readonly attributes: readonly AttributeSchema[];
    readonly blocks: readonly BlockSchema[];
    readonly exports: readonly ExportSchema[];
}

export interface StdlibEntry {
    /** Full name as written in a config: `string.format`, `env`, `constants.hostname`. */
    readonly name: string;
    readonly kind: 'function' | 'constant';
    /** Parameter list as documented, e.g. `(spec, values...)`; absent for constants. */
    readonly signature?: string;
    readonly stability: Stability;
    /** Set for deprecated aliases: the name to use instead. */
    readonly replacement?: string;
    readonly docs: string;
}

export interface Catalog {
    readonly dialect: Dialect;
    /** Where the facts came from, e.g. `grafana/alloy docs @66ebea856d`. */
    readonly source: string;
    readonly components: Readonly<Record<string, ComponentSchema>>;
    readonly configBlocks: Readonly<Record<string, ComponentSchema>>;
    readonly stdlib: Readonly<Record<string, StdlibEntry>>;
}
