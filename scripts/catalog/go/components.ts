// Every component registered with `component.Register(component.Registration{...})` below
// internal/component, and the config blocks whose argument structs are in the tree, as
// catalog schemas read from Alloy's Go source.

import type { ComponentSchema, ExportSchema, Stability } from '../../../language/catalog/schema.js';
import { type GoFile, type GoSource, type Node, unquote } from './source.js';
import { StructResolver } from './types.js';

/** A component or config block as the Go source defines it (no docs link yet). */
export type GoSchema = Omit<ComponentSchema, 'docs'>;

const STABILITY: Readonly<Record<string, Stability>> = {
    StabilityExperimental: 'experimental',
    StabilityPublicPreview: 'public-preview',
    StabilityGenerallyAvailable: 'generally-available',
};

/** Config blocks read from their Go structs: name → package directory and type. */
const CONFIG_BLOCKS: readonly { name: string; dir: string; type: string }[] = [
    { name: 'logging', dir: 'internal/runtime/logging', type: 'Options' },
    { name: 'tracing', dir: 'internal/runtime/tracing', type: 'Options' },
    { name: 'http', dir: 'internal/service/http', type: 'Arguments' },
    { name: 'livedebugging', dir: 'internal/service/livedebugging', type: 'Arguments' },
];

export interface GoCatalog {
    readonly components: Record<string, GoSchema>;
    readonly configBlocks: Record<string, GoSchema>;
    readonly problems: string[];
    readonly resolver: StructResolver;
}

export function readGoCatalog(source: GoSource): GoCatalog {
    const resolver = new StructResolver(source);
    const problems: string[] = [];
    const components: Record<string, GoSchema> = {};
    for (const pkg of source.packages.values()) {
        if (!pkg.dir.startsWith('internal/component/') || pkg.dir.startsWith('internal/component/all')) continue;
        for (const file of pkg.files) {
            for (const call of file.root.descendantsOfType('call_expression')) {
                if (call?.childForFieldName('function')?.text !== 'component.Register') continue;
                const registration = call.childForFieldName('arguments')?.namedChildren[0];
                if (!registration) continue;
                const schema = readRegistration(resolver, file, registration, problems);
                // Platform-specific files register a component twice (the real one and a
                // stub for other platforms): the larger argument struct is the real one.
                const previous = schema && components[schema.name];
                if (schema && (!previous || size(schema) > size(previous))) components[schema.name] = schema;
            }
        }
    }
    const configBlocks: Record<string, GoSchema> = {};
    for (const block of CONFIG_BLOCKS) {
        const decl = resolver.lookup(`github.com/grafana/alloy/${block.dir}`, block.type);
        if (!decl) {
            problems.push(`config block ${block.name}: no type ${block.type} in ${block.dir}`);
            continue;
        }
        const body = resolver.structSchema(decl);
        configBlocks[block.name] = {
            name: block.name,
            kind: 'config',
            stability: 'generally-available',
            label: 'forbidden',
            attributes: body.attributes,
            blocks: body.blocks,
            exports: [],
        };
    }
    return { components, configBlocks, problems, resolver };
}

function readRegistration(resolver: StructResolver, file: GoFile, literal: Node, problems: string[]): GoSchema | undefined {
    const fields = new Map<string, Node>();
    for (const element of literal.childForFieldName('body')?.namedChildren ?? []) {
        if (element?.type !== 'keyed_element') continue;
        const [key, value] = element.namedChildren.map((n) => (n?.type === 'literal_element' ? n.namedChildren[0] : n));
        if (key && value) fields.set(key.text, value);
    }
    let nameNode = fields.get('Name');
    // `Name: name` with a package-level constant.
    if (nameNode?.type === 'identifier') nameNode = file.pkg.values.get(nameNode.text)?.node;
    if (!nameNode?.type.endsWith('string_literal')) {
        problems.push(`${file.path}: a registration without a literal name`);
        return undefined;
    }
    const name = unquote(nameNode.text);
    const community = fields.get('Community')?.text === 'true';
    const stabilityName = fields.get('Stability')?.text.split('.').pop() ?? '';
    // Community components have no stability level: they are gated by the community flag alone.
    const stability = community ? 'generally-available' : STABILITY[stabilityName];
    if (!stability) problems.push(`${name}: stability ${fields.get('Stability')?.text ?? '(none)'} is not a featuregate constant; taken as experimental`);
    const structOf = (key: string) => {
        const value = fields.get(key);
        if (value?.type !== 'composite_literal') return undefined;
        const type = value.childForFieldName('type')!;
        const [qualifier, typeName] = type.type === 'qualified_type' ? [type.childForFieldName('package')!.text, type.childForFieldName('name')!.text] : [undefined, type.text];
        const pkg = packagePath(file, qualifier);
        const decl = pkg && resolver.lookup(pkg, typeName);
        if (!decl) problems.push(`${name}: ${key} type ${type.text} not found`);
        return decl;
    };
    const args = structOf('Args');
    const body = args ? resolver.structSchema(args) : { attributes: [], blocks: [] };
    const exportsDecl = fields.has('Exports') ? structOf('Exports') : undefined;
    const exports: ExportSchema[] = exportsDecl ? resolver.exports(exportsDecl) : [];
    return {
        name,
        kind: 'component',
        stability: stability ?? 'experimental',
        ...(community ? { community: true } : {}),
        label: 'required',
        attributes: body.attributes,
        blocks: body.blocks,
        exports,
    };
}

/** The import path a qualifier names in `file` (or the file's own package). */
function packagePath(file: GoFile, qualifier: string | undefined): string | undefined {
    return qualifier ? file.imports.get(qualifier) : file.pkg.importPath;
}

function size(schema: GoSchema): number {
    return schema.attributes.length + schema.blocks.length + schema.exports.length;
}
