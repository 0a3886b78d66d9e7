// Reading typed component arguments from an evaluated ArgumentBody, with
// errors that name the argument (`endpoint > queue_config > capacity: ...`).
//
// Every component declares the subset of its catalog entry that flowlens'
// embedded runtime implements. `Args` checks a body against that schema once
// per update: an attribute or block the catalog lists but the runtime does not
// implement is refused ("... is not supported by flowlens' embedded runtime;
// it runs on Grafana Alloy") unless the component marked it as harmless to
// ignore; a name the catalog does not know at all is refused as unknown.

import type { Value } from '../../../language/eval/value.js';
import { loadCatalog } from '../../../language/catalog/catalog.js';
import type { BlockSchema, ComponentSchema } from '../../../language/catalog/catalog.js';
import type { ArgumentBody, ArgumentSchema, ArgumentSchemaEntry, LogsReceiver, MetricsReceiver, TracesConsumer } from '../component.js';
import { formatGoDuration, goDurationMs } from '../../../language/values/go-duration.js';

/** An invalid argument; the message names the argument. */
export class ArgumentError extends Error {
    constructor(message: string) {
        super(message);
        this.name = 'ArgumentError';
    }
}

export const UNSUPPORTED_SUFFIX = "is not supported by flowlens' embedded runtime; it runs on Grafana Alloy";

// ---------------------------------------------------------------------------------------------
// Schema construction
// ---------------------------------------------------------------------------------------------

export function attr(name: string, type: string, required = false): ArgumentSchemaEntry {
    return { name, type, required };
}

export function block(
    name: string,
    required: boolean,
    attributes: readonly ArgumentSchemaEntry[] = [],
    blocks: readonly ArgumentSchemaEntry[] = [],
): ArgumentSchemaEntry {
    return { name, type: 'block', required, block: { attributes, blocks, exports: [] } };
}

export function schema(
    attributes: readonly ArgumentSchemaEntry[],
    blocks: readonly ArgumentSchemaEntry[] = [],
    exports: readonly { name: string; type: string }[] = [],
): ArgumentSchema {
    return { attributes, blocks, exports };
}

/** The relabel `rule` block shared by prometheus.relabel, discovery.relabel and write_relabel_config. */
export const RULE_ATTRIBUTES: readonly ArgumentSchemaEntry[] = [
    attr('action', 'string'),
    attr('modulus', 'uint'),
    attr('regex', 'string'),
    attr('replacement', 'string'),
    attr('separator', 'string'),
    attr('source_labels', 'list(string)'),
    attr('target_label', 'string'),
];

// ---------------------------------------------------------------------------------------------
// Durations (Go's time.ParseDuration)
// ---------------------------------------------------------------------------------------------

/** Milliseconds (fractions kept) of a duration as Go's `time.ParseDuration` reads it; throws Go's error. */
export function parseDuration(text: string): number {
    return goDurationMs(text);
}

/** Formats milliseconds as Go's Duration.String() (`1m30s`, `500ms`, `1h0m0s`, `0s`). */
export function formatDuration(ms: number): string {
    return formatGoDuration(BigInt(Math.round(ms * 1e6)));
}

// ---------------------------------------------------------------------------------------------
// Catalog lookup (to tell "not implemented here" from "no such argument")
// ---------------------------------------------------------------------------------------------

interface CatalogNode {
    readonly attributes: readonly { readonly name: string }[];
    readonly blocks: readonly BlockSchema[];
}

function catalogEntry(component: string): ComponentSchema | undefined {
    try {
        return loadCatalog('alloy').components[component];
    } catch {
        return undefined;
    }
}

// ---------------------------------------------------------------------------------------------
// Args
// ---------------------------------------------------------------------------------------------

export interface ArgsOptions {
    /**
     * Dotted paths (relative to the component, e.g. `debug_metrics`, `endpoint.queue_config.max_shards`) of
     * catalog arguments and blocks the component accepts and ignores because ignoring them is harmless.
     */
    readonly ignored?: readonly string[];
}

type SchemaNode = Pick<ArgumentSchema, 'attributes' | 'blocks'>;

function describe(v: Value): string {
    switch (v.kind) {
        case 'string':
            return `string ${JSON.stringify(v.value.length > 40 ? v.value.slice(0, 40) + '…' : v.value)}`;
        case 'number':
            return `number ${v.value}`;
        case 'bool':
            return `bool ${v.value}`;
        case 'array':
            return 'list';
        case 'object':
            return 'object';
        case 'capsule':
            return `capsule(${v.type})`;
        case 'secret':
            return 'secret';
        case 'function':
            return 'function';
        case 'null':
            return 'null';
        case 'unknown':
            return 'an unknown value';
    }
}

/**
 * A checked view of one block body (the component's top level or a nested block). Construct with
 * {@link Args.of}; the constructor validates names and required entries recursively.
 */
export class Args {
    private constructor(
        readonly body: ArgumentBody,
        private readonly node: SchemaNode,
        private readonly catalog: CatalogNode | undefined,
        /** Block names from the component down, e.g. ['endpoint', 'queue_config']. */
        readonly path: readonly string[],
        private readonly ignored: ReadonlySet<string>,
    ) {
        this.validate();
    }

    /** Checks `body` against the component's schema and returns typed accessors. Throws {@link ArgumentError}. */
    static of(component: string, componentSchema: ArgumentSchema, body: ArgumentBody, options: ArgsOptions = {}): Args {
        return new Args(body, componentSchema, catalogEntry(component), [], new Set(options.ignored ?? []));
    }

    private where(name: string): string {
        return [...this.path, name].join(' > ');
    }

    private dotted(name: string): string {
        return [...this.path, name].join('.');
    }

    fail(name: string, problem: string): never {
        throw new ArgumentError(`${this.where(name)}: ${problem}`);
    }

    private validate(): void {
        for (const name of this.body.attributes.keys()) {
            if (this.node.attributes.some((a) => a.name === name)) continue;
            if (this.ignored.has(this.dotted(name))) continue;
            if (this.catalog?.attributes.some((a) => a.name === name)) {
                throw new ArgumentError(`argument "${this.where(name)}" ${UNSUPPORTED_SUFFIX}`);
            }
            throw new ArgumentError(`unknown argument "${this.where(name)}"`);
        }
        for (const b of this.body.blocks) {
            if (this.node.blocks.some((e) => e.name === b.name)) continue;
            if (this.ignored.has(this.dotted(b.name))) continue;
            if (this.catalog?.blocks.some((e) => e.name === b.name)) {
                throw new ArgumentError(`block "${this.where(b.name)}" ${UNSUPPORTED_SUFFIX}`);
            }
            throw new ArgumentError(`unknown block "${this.where(b.name)}"`);
        }
        for (const a of this.node.attributes) {
            if (!a.required) continue;
            const v = this.body.attributes.get(a.name);
            if (v === undefined || v.kind === 'null') throw new ArgumentError(`missing required argument "${this.where(a.name)}"`);
        }
        for (const e of this.node.blocks) {
            if (e.required && !this.body.blocks.some((b) => b.name === e.name)) {
                throw new ArgumentError(`missing required block "${this.where(e.name)}"`);
            }
        }
        // Nested blocks are validated when they are constructed below (eagerly, so errors surface at update).
        for (const b of this.body.blocks) {
            if (this.node.blocks.some((e) => e.name === b.name)) this.child(b.name, b.body);
        }
    }

    private child(name: string, body: ArgumentBody): Args {
        const entry = this.node.blocks.find((e) => e.name === name)!;
        const catalogChild = this.catalog?.blocks.find((b) => b.name === name);
        return new Args(body, entry.block ?? { attributes: [], blocks: [] }, catalogChild, [...this.path, name], this.ignored);
    }

    /** The raw value of an attribute; undefined when absent or null. Unknown values are an error. */
    value(name: string): Value | undefined {
        const v = this.body.attributes.get(name);
        if (v === undefined || v.kind === 'null') return undefined;
        if (v.kind === 'unknown') this.fail(name, 'value is not known (it depends on something the running pipeline does not have)');
        return v;
    }

    has(name: string): boolean {
        return this.value(name) !== undefined;
    }

    string(name: string): string | undefined;
    string(name: string, fallback: string): string;
    string(name: string, fallback?: string): string | undefined {
        const v = this.value(name);
        if (v === undefined) return fallback;
        if (v.kind !== 'string') this.fail(name, `expected string, got ${describe(v)}`);
        return v.value;
    }

    /** A `secret` argument: strings and secrets are both accepted. */
    secret(name: string): string | undefined {
        const v = this.value(name);
        if (v === undefined) return undefined;
        if (v.kind !== 'string' && v.kind !== 'secret') this.fail(name, `expected secret, got ${describe(v)}`);
        return v.value;
    }

    bool(name: string, fallback: boolean): boolean {
        const v = this.value(name);
        if (v === undefined) return fallback;
        if (v.kind !== 'bool') this.fail(name, `expected bool, got ${describe(v)}`);
        return v.value;
    }

    number(name: string, fallback: number): number {
        const v = this.value(name);
        if (v === undefined) return fallback;
        if (v.kind !== 'number') this.fail(name, `expected number, got ${describe(v)}`);
        return v.value;
    }

    int(name: string, fallback: number, min = Number.MIN_SAFE_INTEGER): number {
        const n = this.number(name, fallback);
        if (!Number.isSafeInteger(n)) this.fail(name, `expected an integer, got ${n}`);
        if (n < min) this.fail(name, `must be at least ${min}, got ${n}`);
        return n;
    }

    /** Milliseconds. */
    duration(name: string, fallbackMs: number, opts: { min?: number; allowZero?: boolean } = {}): number {
        const v = this.value(name);
        if (v === undefined) return fallbackMs;
        if (v.kind !== 'string') this.fail(name, `expected duration string (e.g. "15s"), got ${describe(v)}`);
        let ms: number;
        try {
            ms = parseDuration(v.value);
        } catch (e) {
            this.fail(name, (e as Error).message);
        }
        if (ms < 0) this.fail(name, `duration must not be negative, got ${JSON.stringify(v.value)}`);
        if (ms === 0 && opts.allowZero === false) this.fail(name, 'duration must be greater than zero');
        if (opts.min !== undefined && ms < opts.min && !(ms === 0 && opts.allowZero)) {
            this.fail(name, `duration must be at least ${formatDuration(opts.min)}, got ${JSON.stringify(v.value)}`);
        }
        return ms;
    }

    private list(name: string): readonly Value[] | undefined {
        const v = this.value(name);
        if (v === undefined) return undefined;
        if (v.kind !== 'array') this.fail(name, `expected list, got ${describe(v)}`);
        return v.items;
    }

    stringList(name: string): string[] | undefined {
        const items = this.list(name);
        if (items === undefined) return undefined;
        return items.map((item, i) => {
            if (item.kind !== 'string') this.fail(`${name}[${i}]`, `expected string, got ${describe(item)}`);
            return item.value;
        });
    }

    private object(name: string): ReadonlyMap<string, Value> | undefined {
        const v = this.value(name);
        if (v === undefined) return undefined;
        if (v.kind !== 'object') this.fail(name, `expected map, got ${describe(v)}`);
        return v.fields;
    }

    /** `map(string)`; with `allowSecret`, secret values are accepted too. */
    stringMap(name: string, allowSecret = false): Map<string, string> | undefined {
        const fields = this.object(name);
        if (fields === undefined) return undefined;
        const out = new Map<string, string>();
        for (const [k, v] of fields) {
            if (v.kind === 'string' || (allowSecret && v.kind === 'secret')) out.set(k, v.value);
            else this.fail(`${name}["${k}"]`, `expected string, got ${describe(v)}`);
        }
        return out;
    }

    /** `map(list(string))` (or `map(list(secret))` with `allowSecret`). */
    stringListMap(name: string, allowSecret = false): Map<string, string[]> | undefined {
        const fields = this.object(name);
        if (fields === undefined) return undefined;
        const out = new Map<string, string[]>();
        for (const [k, v] of fields) {
            if (v.kind !== 'array') this.fail(`${name}["${k}"]`, `expected list, got ${describe(v)}`);
            out.set(
                k,
                v.items.map((item, i) => {
                    if (item.kind === 'string' || (allowSecret && item.kind === 'secret')) return item.value;
                    this.fail(`${name}["${k}"][${i}]`, `expected string, got ${describe(item)}`);
                }),
            );
        }
        return out;
    }

    /** `list(map(string))`, e.g. targets. */
    targets(name: string): Record<string, string>[] | undefined {
        const items = this.list(name);
        if (items === undefined) return undefined;
        return items.map((item, i) => {
            if (item.kind !== 'object') this.fail(`${name}[${i}]`, `expected map(string), got ${describe(item)}`);
            const rec: Record<string, string> = Object.create(null) as Record<string, string>;
            for (const [k, v] of item.fields) {
                if (v.kind === 'unknown') this.fail(`${name}[${i}]["${k}"]`, 'value is not known');
                if (v.kind !== 'string') this.fail(`${name}[${i}]["${k}"]`, `expected string, got ${describe(v)}`);
                rec[k] = v.value;
            }
            return rec;
        });
    }

    /**
     * A list of capsules of `capsuleType` (e.g. `MetricsReceiver`, `otelcol.Consumer`) whose payload passes
     * `isPayload`; returns the payloads.
     */
    capsules<T>(name: string, capsuleType: string, isPayload: (p: unknown) => p is T): T[] {
        const items = this.list(name) ?? [];
        return items.map((item, i) => {
            if (item.kind === 'unknown') this.fail(`${name}[${i}]`, 'value is not known yet');
            if (item.kind !== 'capsule') this.fail(`${name}[${i}]`, `expected ${capsuleType}, got ${describe(item)}`);
            if (item.type !== capsuleType) this.fail(`${name}[${i}]`, `expected ${capsuleType}, got capsule(${item.type})`);
            if (!isPayload(item.payload)) this.fail(`${name}[${i}]`, `${capsuleType} capsule has no runtime value (not produced by the running pipeline)`);
            return item.payload;
        });
    }

    /** The single block `name`, or undefined; more than one is an error. */
    block(name: string): Args | undefined {
        const found = this.body.blocks.filter((b) => b.name === name);
        if (found.length > 1) this.fail(name, `block may appear only once, found ${found.length}`);
        return found.length === 0 ? undefined : this.child(name, found[0].body);
    }

    /** Every block `name`, in source order. */
    blocks(name: string): Args[] {
        return this.body.blocks.filter((b) => b.name === name).map((b) => this.child(name, b.body));
    }
}

// ---------------------------------------------------------------------------------------------
// Small validators shared by components
// ---------------------------------------------------------------------------------------------

/** Parses `host:port` (IPv6 as `[::1]:4318`); port 0 means an ephemeral port. */
export function parseHostPort(text: string, where: string): { host: string; port: number } {
    const m = /^(?:\[([^\]]*)\]|([^:[\]]*)):(\d{1,5})$/.exec(text);
    if (m === null) throw new ArgumentError(`${where}: expected "host:port", got ${JSON.stringify(text)}`);
    const port = Number(m[3]);
    if (port > 65535) throw new ArgumentError(`${where}: port ${port} out of range`);
    return { host: m[1] ?? m[2], port };
}

export function isMetricsReceiver(p: unknown): p is MetricsReceiver {
    return typeof p === 'object' && p !== null && typeof (p as { appendSamples?: unknown }).appendSamples === 'function';
}

export function isLogsReceiver(p: unknown): p is LogsReceiver {
    return typeof p === 'object' && p !== null && typeof (p as { appendEntries?: unknown }).appendEntries === 'function';
}

export function isTracesConsumer(p: unknown): p is TracesConsumer {
    return typeof p === 'object' && p !== null && typeof (p as { consumeTraces?: unknown }).consumeTraces === 'function';
}

const SIZE_UNITS: Readonly<Record<string, number>> = {
    '': 1,
    b: 1,
    kb: 1e3,
    mb: 1e6,
    gb: 1e9,
    kib: 1024,
    mib: 1024 ** 2,
    gib: 1024 ** 3,
};

/** Parses a byte size like `"20MiB"`, `"512KiB"`, `"4MB"` or `"1024"`; throws on malformed input. */
export function parseByteSize(text: string): number {
    const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
    const factor = m === null ? undefined : SIZE_UNITS[m[2].toLowerCase()];
    if (m === null || factor === undefined) throw new Error(`invalid size ${JSON.stringify(text)} (expected e.g. "20MiB", "512KiB", "4MB")`);
    return Math.floor(Number(m[1]) * factor);
}
