// Turns Go argument structs into catalog schemas the way Alloy's decoder reads them
// (syntax/internal/syntaxtags): `alloy:"name,attr[,optional]"`, `block[,optional]`,
// `enum[,optional]` (a slice of structs whose block fields are prefixed `name.`), `label`
// and `squash` (embedded fields flattened into the parent). Types map to Alloy types:
// strings, numbers, bools, durations, sizes, secrets, capsules, lists, maps and objects.

import type { AttributeSchema, BlockSchema, ExportSchema } from '../../../language/catalog/schema.js';
import { DefaultsReader, type StructDefaults } from './defaults.js';
import { type Declared, type GoFile, type GoSource, type Node, unquote } from './source.js';

/** Leaf types from packages outside the Go tree (or whose Alloy meaning is a conversion rule). */
const KNOWN_TYPES: Readonly<Record<string, string>> = {
    'time.Duration': 'duration',
    'github.com/prometheus/common/model.Duration': 'duration',
    'github.com/alecthomas/units.Base2Bytes': 'bytes',
    'github.com/grafana/alloy/syntax/alloytypes.Secret': 'secret',
    'github.com/grafana/alloy/syntax/alloytypes.OptionalSecret': 'optional_secret',
    'github.com/grafana/alloy/internal/component/discovery.Target': 'map(string)',
    'github.com/prometheus/common/model.LabelName': 'string',
    'github.com/prometheus/common/model.LabelValue': 'string',
    'github.com/prometheus/common/model.LabelSet': 'map(string)',
    'regexp.Regexp': 'string',
    'net/url.URL': 'string',
    'net/url.Values': 'map(list(string))',
    'github.com/prometheus/prometheus/storage.Appendable': 'capsule(storage.Appendable)',
    'github.com/grafana/dskit/flagext.StringSlice': 'list(string)',
};

/** Types outside the tree that decode strings by rules of their own, by the name the catalog gives them. */
const DECODED_TYPES: Readonly<Record<string, string>> = {
    'time.Duration': 'time.Duration',
    'github.com/prometheus/common/model.Duration': 'model.Duration',
    'github.com/alecthomas/units.Base2Bytes': 'units.Base2Bytes',
};

const BASIC: Readonly<Record<string, string>> = {
    string: 'string',
    bool: 'bool',
    byte: 'number',
    rune: 'number',
    any: 'any',
    error: 'any',
};

export interface ParsedTag {
    readonly name: string;
    readonly kind: 'attr' | 'block' | 'enum' | 'label' | 'squash';
    readonly optional: boolean;
}

export function parseTag(tagLiteral: string | undefined): ParsedTag | undefined {
    if (!tagLiteral) return undefined;
    const m = /(?:^|\s)alloy:"([^"]*)"/.exec(unquote(tagLiteral));
    if (!m) return undefined;
    const [name, ...flags] = m[1].split(',');
    const kind = (['attr', 'block', 'enum', 'label', 'squash'] as const).find((k) => flags.includes(k));
    if (!kind) return undefined;
    return { name, kind, optional: flags.includes('optional') };
}

/** A type written in a Go file: its syntax node and the file whose imports qualify it. */
interface TypeRef {
    readonly node: Node;
    readonly file: GoFile;
}

/** A struct's Alloy body. */
export interface StructSchema {
    readonly attributes: AttributeSchema[];
    readonly blocks: BlockSchema[];
    /** The struct has a `,label` field: its block takes a label. */
    readonly label: boolean;
}

export interface ResolveStats {
    fields: number;
    /** Types the generator could not map (outside the tree, not in KNOWN_TYPES): `any`. */
    readonly opaque: Map<string, number>;
}

export class StructResolver {
    readonly stats: ResolveStats = { fields: 0, opaque: new Map() };
    private readonly defaults: DefaultsReader;

    constructor(private readonly source: GoSource) {
        this.defaults = new DefaultsReader(source);
    }

    /** The named struct `name` of the package `importPath`. */
    lookup(importPath: string, name: string): Declared | undefined {
        return this.source.packages.get(importPath)?.types.get(name);
    }

    /** The Alloy body of a named struct type (component Arguments, a config block's Options). */
    structSchema(decl: Declared, path: string[] = [], stack: StackEntry[] = [], outer?: StructDefaults): StructSchema {
        const out: StructSchema = { attributes: [], blocks: [], label: false };
        const struct = this.structNode({ node: decl.node.childForFieldName('type')!, file: decl.file });
        if (!struct) return out;
        const own = this.defaults.of(decl);
        const defaults = outer && own ? own.under(outer) : (outer ?? own);
        this.addFields(struct, out, path, [...stack, { key: keyOf(decl), path }], defaults);
        return out;
    }

    /** Export fields (attributes only) of a named struct. */
    exports(decl: Declared): ExportSchema[] {
        return this.structSchema(decl).attributes.map((a) => ({ name: a.name, type: a.type }));
    }

    private addFields(struct: TypeRef, out: StructSchema, path: string[], stack: StackEntry[], defaults: StructDefaults | undefined, prefix = ''): void {
        const list = struct.node.namedChildren.find((n) => n?.type === 'field_declaration_list');
        for (const field of list?.namedChildren ?? []) {
            if (field?.type !== 'field_declaration') continue;
            const tag = parseTag(field.childForFieldName('tag')?.text);
            if (!tag) continue;
            const typeNode = field.childForFieldName('type')!;
            const goName = field.childForFieldName('name')?.text ?? typeNode.text.replace(/^\*/, '').split('.').pop()!;
            const ref: TypeRef = { node: typeNode, file: struct.file };
            const fieldDefaults = defaults?.nested(goName);
            switch (tag.kind) {
                case 'label':
                    (out as { label: boolean }).label = true;
                    break;
                case 'squash': {
                    const target = this.namedStruct(ref);
                    if (!target) break;
                    const inner = this.structNode({ node: target.node.childForFieldName('type')!, file: target.file });
                    // A squashed struct's fields are the parent's: the parent's literal sets them,
                    // or (through a nested literal) the embedded value, or the embedded type's own defaults.
                    const own = this.defaults.of(target);
                    const innerDefaults = [defaults, fieldDefaults, own].filter((d): d is StructDefaults => d !== undefined)
                        .reduceRight<StructDefaults | undefined>((acc, d) => (acc ? acc.under(d) : d), undefined);
                    if (inner) this.addFields(inner, out, path, stack, innerDefaults, prefix);
                    break;
                }
                case 'attr': {
                    this.stats.fields++;
                    const attribute: AttributeSchema = {
                        name: prefix + tag.name,
                        type: this.alloyType(ref),
                        required: !tag.optional,
                    };
                    const literal = defaults?.literal(goName, attribute.type);
                    const values = this.enumValues(ref);
                    const goType = this.decodedGoType(ref);
                    out.attributes.push({
                        ...attribute,
                        ...(literal !== undefined ? { default: literal } : {}),
                        ...(values ? { enum: values } : {}),
                        ...(goType ? { goType } : {}),
                    });
                    break;
                }
                case 'block':
                case 'enum': {
                    this.stats.fields++;
                    const element = this.unwrap(ref);
                    const target = this.namedStruct(element.ref);
                    const name = prefix + tag.name;
                    if (tag.kind === 'enum') {
                        // Each block field of the element struct becomes `name.<field>`, repeatable.
                        const again = target && stack.find((s) => s.key === keyOf(target) && s.enum);
                        if (again) {
                            (out as { blocksFrom?: string[] }).blocksFrom = again.path;
                            break;
                        }
                        if (!target) break;
                        const inner = this.structNode({ node: target.node.childForFieldName('type')!, file: target.file });
                        const enumOut: StructSchema = { attributes: [], blocks: [], label: false };
                        if (inner) this.addFields(inner, enumOut, path, [...stack, { key: keyOf(target), path, enum: true }], undefined, `${name}.`);
                        out.blocks.push(...enumOut.blocks.map((b) => ({ ...b, required: false, multiple: true })));
                        break;
                    }
                    const blockPath = [...path, name];
                    const recursive = target && stack.find((s) => s.key === keyOf(target));
                    let body: StructSchema & { blocksFrom?: string[]; freeform?: boolean };
                    // A block decoded into a map (module.* `arguments`) takes any attribute.
                    if (!target) body = { attributes: [], blocks: [], label: false, freeform: true };
                    else if (recursive) body = { attributes: [], blocks: [], label: false, blocksFrom: recursive.path };
                    else if (target) body = this.structSchema(target, blockPath, stack, fieldDefaults);
                    else body = { attributes: [], blocks: [], label: false };
                    const block: BlockSchema = {
                        name,
                        required: !tag.optional,
                        attributes: body.attributes,
                        blocks: body.blocks,
                        ...(element.repeated ? { multiple: true } : {}),
                        ...(body.label ? { label: 'required' as const } : {}),
                        ...(body.freeform ? { freeform: true } : {}),
                        ...(body.blocksFrom ? { blocksFrom: body.blocksFrom } : {}),
                    };
                    out.blocks.push(block);
                    break;
                }
            }
        }
    }

    /**
     * The values of a string type that decodes itself with UnmarshalText and names its
     * accepted values as constants of the type (logging `level`, `format`).
     */
    private enumValues(ref: TypeRef): string[] | undefined {
        const element = this.unwrap(ref);
        const named = this.named(element.ref);
        if (!named || element.repeated) return undefined;
        const name = named.node.childForFieldName('name')!.text;
        const unmarshal = named.file.pkg.methods.get(name)?.get('UnmarshalText');
        const values = named.file.pkg.constants.get(name);
        if (!unmarshal || !values?.length || named.node.childForFieldName('type')?.text !== 'string') return undefined;
        return [...values];
    }

    /**
     * The Go type that decodes a string attribute at load time with rules of its own: a duration
     * (`time.Duration` or `model.Duration`, parsed differently), `units.Base2Bytes`, or a type of
     * the tree that implements encoding.TextUnmarshaler (`relabel.Regexp`, `relabel.Action`, `config.URL`).
     */
    private decodedGoType(ref: TypeRef): string | undefined {
        let current = ref;
        while (current.node.type === 'pointer_type') current = { node: current.node.namedChildren[0]!, file: current.file };
        const qualified = this.qualifiedName(current);
        if (qualified && DECODED_TYPES[qualified]) return DECODED_TYPES[qualified];
        const named = this.named(current);
        if (!named) return undefined;
        const typeName = named.node.childForFieldName('name')!.text;
        if (!named.file.pkg.methods.get(typeName)?.has('UnmarshalText')) return undefined;
        return `${named.file.pkg.importPath.split('/').pop()}.${typeName}`;
    }

    /**
     * The element type of a block field: `T`, `*T`, `[]T`, `[]*T`, or a named type for one of
     * those (`type TargetBlock []SNMPTarget`); repeated for slices.
     */
    private unwrap(ref: TypeRef): { ref: TypeRef; repeated: boolean } {
        let current = ref;
        let repeated = false;
        for (let i = 0; i < 10; i++) {
            const node = current.node;
            if (node.type === 'pointer_type') current = { node: node.namedChildren[0]!, file: current.file };
            else if (node.type === 'slice_type' || node.type === 'array_type') {
                repeated = true;
                current = { node: node.childForFieldName('element')!, file: current.file };
            } else {
                const named = this.named(current);
                const underlying = named?.node.childForFieldName('type');
                if (!named || !underlying || !['pointer_type', 'slice_type', 'array_type'].includes(underlying.type)) break;
                current = { node: underlying, file: named.file };
            }
        }
        return { ref: current, repeated };
    }

    /** The `struct_type` node behind a type, following named types and pointers. */
    private structNode(ref: TypeRef, depth = 0): TypeRef | undefined {
        if (depth > 10) return undefined;
        const node = ref.node;
        if (node.type === 'struct_type') return ref;
        if (node.type === 'pointer_type') return this.structNode({ node: node.namedChildren[0]!, file: ref.file }, depth + 1);
        const named = this.named(ref);
        if (named) return this.structNode({ node: named.node.childForFieldName('type')!, file: named.file }, depth + 1);
        return undefined;
    }

    /** The named type declaration a type expression refers to, inside the tree. */
    private named(ref: TypeRef): Declared | undefined {
        const node = ref.node;
        if (node.type === 'type_identifier') return ref.file.pkg.types.get(node.text);
        if (node.type === 'qualified_type') {
            const pkg = this.source.packageOf(ref.file, node.childForFieldName('package')!.text);
            return pkg?.types.get(node.childForFieldName('name')!.text);
        }
        if (node.type === 'generic_type') return this.named({ node: node.childForFieldName('type')!, file: ref.file });
        return undefined;
    }

    private namedStruct(ref: TypeRef): Declared | undefined {
        let current = ref;
        for (let i = 0; i < 10; i++) {
            if (current.node.type === 'pointer_type') {
                current = { node: current.node.namedChildren[0]!, file: current.file };
                continue;
            }
            const named = this.named(current);
            if (!named) return undefined;
            const type = named.node.childForFieldName('type')!;
            if (type.type === 'struct_type') return named;
            current = { node: type, file: named.file };
        }
        return undefined;
    }

    /** `pkg.Name` with the full import path, for KNOWN_TYPES. */
    private qualifiedName(ref: TypeRef): string | undefined {
        const node = ref.node;
        if (node.type === 'type_identifier') return `${ref.file.pkg.importPath}.${node.text}`;
        if (node.type === 'qualified_type') {
            const path = this.source.importPathOf(ref.file, node.childForFieldName('package')!.text);
            return path && `${path}.${node.childForFieldName('name')!.text}`;
        }
        return undefined;
    }

    /** The Alloy type of a Go type expression, as the catalog writes it. */
    alloyType(ref: TypeRef, depth = 0): string {
        if (depth > 12) return 'any';
        const node = ref.node;
        const child = (n: Node | null): TypeRef => ({ node: n!, file: ref.file });
        switch (node.type) {
            case 'pointer_type':
                return this.alloyType(child(node.namedChildren[0]), depth + 1);
            case 'slice_type':
            case 'array_type': {
                const element = node.childForFieldName('element')!;
                if (element.text === 'byte') return 'string';
                return `list(${this.alloyType(child(element), depth + 1)})`;
            }
            case 'map_type': {
                const key = this.alloyType(child(node.childForFieldName('key')), depth + 1);
                const value = this.alloyType(child(node.childForFieldName('value')), depth + 1);
                return key === 'string' ? `map(${value})` : 'any';
            }
            case 'interface_type':
                return 'any';
            case 'struct_type':
                return 'object';
            case 'parenthesized_type':
                return this.alloyType(child(node.namedChildren[0]), depth + 1);
            case 'generic_type':
                return this.alloyType(child(node.childForFieldName('type')), depth + 1);
        }
        if (node.type === 'type_identifier' && !ref.file.pkg.types.has(node.text)) {
            if (BASIC[node.text]) return BASIC[node.text];
            if (/^(u?int(8|16|32|64)?|float(32|64)|uintptr)$/.test(node.text)) return 'number';
        }
        const qualified = this.qualifiedName(ref);
        if (qualified && KNOWN_TYPES[qualified]) return KNOWN_TYPES[qualified];
        const named = this.named(ref);
        if (!named) {
            const key = qualified ?? node.text;
            this.stats.opaque.set(key, (this.stats.opaque.get(key) ?? 0) + 1);
            return 'any';
        }
        const typeName = named.node.childForFieldName('name')!.text;
        const methods = named.file.pkg.methods.get(typeName);
        const pkgName = named.file.pkg.importPath.split('/').pop();
        if (methods?.has('AlloyCapsule')) return `capsule(${pkgName}.${typeName})`;
        const underlying = named.node.childForFieldName('type')!;
        if (underlying.type === 'interface_type') return `capsule(${pkgName}.${typeName})`;
        // encoding.TextUnmarshaler: Alloy decodes the type from a string.
        if (methods?.has('UnmarshalText')) return 'string';
        return this.alloyType({ node: underlying, file: named.file }, depth + 1);
    }
}

interface StackEntry {
    readonly key: string;
    readonly path: string[];
    readonly enum?: boolean;
}

function keyOf(decl: Declared): string {
    return `${decl.file.pkg.importPath}.${decl.node.childForFieldName('name')!.text}`;
}

