// The shape of flowlens' component catalogs (language/catalog/generated/*.json), generated
// by scripts/build-catalog.ts: for Alloy from its Go source (argument structs, SetToDefault,
// component.Register), with a docs link per page; for Agent Flow from its reference docs.
// Facts only: names, types, defaults, required flags, stability, a docs link.

export type Dialect = 'alloy' | 'river';

/** Alloy's stability levels, lowest first. */
export type Stability = 'experimental' | 'public-preview' | 'generally-available';

export interface AttributeSchema {
    readonly name: string;
    /**
     * The Alloy type. From Go: `string`, `number`, `bool`, `duration`, `bytes` (a size such as
     * `"10KiB"` or a number), `secret`, `optional_secret`, `capsule(pkg.Type)`, `list(T)`,
     * `map(T)`, `object`, `any`. Agent Flow's docs-derived catalog writes the docs' words.
     */
    readonly type: string;
    readonly required: boolean;
    /** The default as an Alloy expression (from SetToDefault where it is a literal; else the docs' value). */
    readonly default?: string;
    /** The accepted values, where the Go type names them as constants. */
    readonly enum?: readonly string[];
    /**
     * The Go type Alloy decodes a string into at load time, where that type has parsing rules of
     * its own: `time.Duration`, `model.Duration`, `units.Base2Bytes`, or a TextUnmarshaler of
     * Alloy's tree as `package.Type` (`relabel.Regexp`, `relabel.Action`, `config.URL`).
     */
    readonly goType?: string;
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
    /** The block may be given more than once (a slice in Go); otherwise only once. */
    readonly multiple?: boolean;
    /** The block takes a label (`rule "name" { ... }`); absent: labels are not allowed. */
    readonly label?: 'required';
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
    /** Where the facts came from, e.g. `grafana/alloy Go source @66ebea856d, docs @66ebea856d`. */
    readonly source: string;
    /**
     * The release (or commit) of Alloy / Agent Flow the catalog describes. One catalog file
     * holds one version; more versions are more files (`alloy@VERSION.json`) keyed by it.
     */
    readonly version?: string;
    readonly components: Readonly<Record<string, ComponentSchema>>;
    readonly configBlocks: Readonly<Record<string, ComponentSchema>>;
    readonly stdlib: Readonly<Record<string, StdlibEntry>>;
}
