// Completion: component names by namespace, config blocks, custom components
// and import namespaces where a statement starts; attributes and blocks of the
// enclosing block; and in expressions, component references (namespace →
// component → label → export), stdlib functions, `argument.` names inside
// modules and export fields of custom components.

import type { LangiumDocument } from 'langium';
import type { CompletionProvider, CompletionProviderOptions } from 'langium/lsp';
import { type CompletionItem, CompletionItemKind, type CompletionList, type CompletionParams, InsertTextFormat, type MarkupContent, type Range } from 'vscode-languageserver';
import type { AnalysisIndex } from '../../language/analysis/analysis-index.js';
import { argumentsOf } from '../../language/analysis/body-checker.js';
import { moduleBehind } from '../../language/analysis/module-targets.js';
import type { NodeInfo } from '../../language/analysis/semantic-model.js';
import { findBlockSchema, loadCatalog } from '../../language/catalog/catalog.js';
import type { AttributeSchema, BlockSchema, ComponentSchema, Dialect } from '../../language/catalog/schema.js';
import { dialectForPath } from '../../language/catalog/catalog.js';
import { unquoteString } from '../../language/eval/evaluate-expression.js';
import type { ModuleDef } from '../../language/model/modules.js';
import type { Block, Statement } from '../../language/syntax/ast.js';
import type { AlloyWorkspace } from './alloy-workspace.js';
import { indexOf, pathOf } from './editor-context.js';
import { exportNames, schemaOf, stdlibDescription } from './node-facts.js';

interface Scope {
    index?: AnalysisIndex;
    module?: ModuleDef;
    /** The node whose body the cursor is in, and the nested block path inside it. */
    node?: NodeInfo;
    blockPath: string[];
    /** A foreach template's variable. */
    variable?: string;
    dialect: Dialect;
}

export class AlloyCompletionProvider implements CompletionProvider {
    readonly completionOptions: CompletionProviderOptions = { triggerCharacters: ['.'] };

    constructor(private readonly workspace: () => AlloyWorkspace) {}

    getCompletion(document: LangiumDocument, params: CompletionParams): CompletionList {
        const text = document.textDocument.getText();
        const offset = document.textDocument.offsetAt(params.position);
        const scope = this.scopeAt(document, offset);
        const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
        const chain = /[A-Za-z_\p{L}][\w.\p{L}]*$|$/u.exec(text.slice(lineStart, offset))![0];
        const range: Range = { start: document.textDocument.positionAt(offset - chain.length), end: params.position };
        const items = isExpressionPosition(text, offset - chain.length) ? this.expression(chain, scope, range) : this.statement(chain, scope, range);
        return { isIncomplete: false, items };
    }

    /** Finds the module, node and nested block around an offset. */
    private scopeAt(document: LangiumDocument, offset: number): Scope {
        const path = pathOf(document);
        const dialect = dialectForPath(document.uri.path);
        const analysis = this.workspace().analysesFor(document.uri)[0];
        if (!analysis) return { blockPath: [], dialect };
        const index = indexOf(analysis);
        const file = index.file(path);
        const scope: Scope = { index, blockPath: [], dialect };
        if (!file) return scope;
        scope.module = analysis.configuration.modules.find((m) => m.statements.some((s) => s.file === file));
        let body: readonly Statement[] = file.parsed.ast.body;
        for (;;) {
            const block = body.find((s): s is Block => s.$type === 'Block' && s.$lcurly < offset && offset <= s.$rcurly);
            if (!block) return scope;
            const declare = index.declareOfBlock.get(block);
            const node = index.nodeOfBlock.get(block);
            if (declare) {
                scope.module = declare.body;
                scope.node = undefined;
                scope.blockPath = [];
            } else if (node) {
                scope.node = node;
                scope.blockPath = [];
                if (block.name === 'foreach') {
                    const v = block.body.find((s) => s.$type === 'Attribute' && s.name === 'var');
                    if (v?.$type === 'Attribute' && v.value.$type === 'StringLiteral') scope.variable = unquoteString(v.value.value);
                }
            } else if (scope.node?.stmt.node.name === 'foreach' && block.name === 'template') {
                scope.node = undefined; // the template body is a module-like scope
            } else {
                scope.blockPath = [...scope.blockPath, block.name];
            }
            body = block.body;
        }
    }

    /** Where a statement starts: blocks, attributes and arguments. */
    private statement(prefix: string, scope: Scope, range: Range): CompletionItem[] {
        const catalog = loadCatalog(scope.dialect);
        const docs = this.workspace().docs;
        if (!scope.node) {
            const items: CompletionItem[] = [];
            const blocks: Array<[string, ComponentSchema | undefined, CompletionItemKind]> = [
                ...Object.values(catalog.components).map((c): [string, ComponentSchema, CompletionItemKind] => [c.name, c, CompletionItemKind.Class]),
                ...Object.values(catalog.configBlocks).map((c): [string, ComponentSchema, CompletionItemKind] => [c.name, c, CompletionItemKind.Keyword]),
            ];
            const custom = new Map<string, AttributeSchema[]>();
            const requiredArguments = (body: ModuleDef) => [...argumentsOf(body)].filter(([, a]) => a.required).map(([n]): AttributeSchema => ({ name: n, type: 'any', required: true }));
            for (let m: ModuleDef | undefined = scope.module; m; m = m.lexicalParent) {
                for (const [d, def] of m.declares) {
                    blocks.push([d, undefined, CompletionItemKind.Module]);
                    if (!custom.has(d)) custom.set(d, requiredArguments(def.body));
                }
                for (const imp of m.imports.values()) {
                    for (const [d, def] of imp.module?.declares ?? []) {
                        const name = `${imp.namespace}.${d}`;
                        blocks.push([name, undefined, CompletionItemKind.Module]);
                        if (!custom.has(name)) custom.set(name, requiredArguments(def.body));
                    }
                }
            }
            for (const [name, schema, kind] of blocks) {
                if (!name.startsWith(prefix)) continue;
                const labelled = !schema || schema.label === 'required';
                const required = schema ? { attributes: schema.attributes.filter((a) => a.required), blocks: schema.blocks.filter((b) => b.required) } : { attributes: custom.get(name) ?? [], blocks: [] };
                items.push({
                    label: name,
                    kind,
                    detail: schema ? `${schema.kind === 'config' ? 'config block' : 'component'}${schema.stability !== 'generally-available' ? ` (${schema.stability})` : ''}` : 'custom component',
                    documentation: schema?.docs ? markdown(docs.component(schema.docs), `[reference](${schema.docs})`) : undefined,
                    textEdit: { range, newText: blockSnippet(name, labelled, required.attributes, required.blocks) },
                    insertTextFormat: InsertTextFormat.Snippet,
                });
            }
            return items;
        }
        // Inside a node: its attributes and blocks.
        const existing = new Set(bodyAt(scope.node.stmt.node, scope.blockPath).filter((s) => s.$type === 'Attribute').map((s) => s.name));
        const members = membersOf(scope.node, scope.blockPath, scope.index);
        const url = schemaOf(scope.node)?.docs;
        const items: CompletionItem[] = [];
        for (const a of members.attributes) {
            if (existing.has(a.name) || !a.name.startsWith(prefix)) continue;
            items.push({
                label: a.name,
                kind: CompletionItemKind.Property,
                detail: `${a.type}${a.required ? ' (required)' : ''}`,
                documentation: markdown(url && docs.argument(url, scope.blockPath, a.name), a.default !== undefined ? `default: \`${a.default}\`` : undefined),
                sortText: `${a.required ? 0 : 1}${a.name}`,
                textEdit: { range, newText: `${a.name} = $0` },
                insertTextFormat: InsertTextFormat.Snippet,
            });
        }
        for (const b of members.blocks) {
            if (!b.name.startsWith(prefix)) continue;
            items.push({
                label: b.name,
                kind: CompletionItemKind.Struct,
                detail: `block${b.required ? ' (required)' : ''}`,
                documentation: markdown(url && docs.block(url, [...scope.blockPath, b.name])),
                sortText: `${b.required ? 0 : 2}${b.name}`,
                textEdit: { range, newText: blockSnippet(b.name, b.label === 'required', b.attributes.filter((a) => a.required), b.blocks.filter((x) => x.required)) },
                insertTextFormat: InsertTextFormat.Snippet,
            });
        }
        return items;
    }

    /** In an expression: references, stdlib, arguments. */
    private expression(chain: string, scope: Scope, range: Range): CompletionItem[] {
        const parts = chain.split('.');
        const partial = parts.pop()!;
        const qualifier = parts.join('.');
        const partialStart = { line: range.end.line, character: range.end.character - partial.length };
        const replace: Range = { start: partialStart, end: range.end };
        const candidates = new Map<string, { kind: CompletionItemKind; detail?: string; documentation?: string }>();
        const add = (name: string, kind: CompletionItemKind, detail?: string, documentation?: string) => {
            if (name.startsWith(partial) && !candidates.has(name)) candidates.set(name, { kind, detail, documentation });
        };

        const nodes = scope.index && scope.module ? [...(scope.index.analysis.modules.get(scope.module)?.nodes.values() ?? [])] : [];
        const catalog = loadCatalog(scope.dialect);
        // Component IDs and their exports.
        for (const node of nodes) {
            const id = node.id;
            if (qualifier === '' || id.startsWith(qualifier + '.')) {
                const rest = qualifier === '' ? id : id.slice(qualifier.length + 1);
                const next = rest.split('.')[0];
                add(next, next === rest ? CompletionItemKind.Variable : CompletionItemKind.Module, next === rest ? node.stmt.node.name : undefined);
            } else if (qualifier === id) {
                for (const e of exportsFor(node, scope.index)) add(e.name, CompletionItemKind.Field, e.type);
            } else if (qualifier === `${id}.exports` && node.stmt.node.name.startsWith('module.')) {
                const module = scope.index && moduleBehind(node, scope.index.analysis.configuration);
                for (const name of module ? exportNames(module.statements.map((s) => s.node)) : []) add(name, CompletionItemKind.Field, 'module export');
            }
        }
        // The standard library.
        for (const name of Object.keys(catalog.stdlib)) {
            if (qualifier === '' ? true : name.startsWith(qualifier + '.')) {
                const rest = qualifier === '' ? name : name.slice(qualifier.length + 1);
                const next = rest.split('.')[0];
                const entry = catalog.stdlib[name];
                const kind = next !== rest ? CompletionItemKind.Module : entry.kind === 'function' ? CompletionItemKind.Function : CompletionItemKind.Constant;
                const documentation = next === rest ? [stdlibDescription(name, scope.dialect), this.workspace().docs.stdlib(entry.docs, name)].filter(Boolean).join('\n\n') : undefined;
                if (next === rest || qualifier === '') add(next, kind, next === rest ? entry.signature : 'namespace', documentation);
            }
        }
        // Module arguments and scope variables.
        if (scope.module?.acceptsArguments) {
            if (qualifier === '') add('argument', CompletionItemKind.Module, 'module arguments');
            if (qualifier === 'argument') for (const [name, arg] of argumentsOf(scope.module)) add(name, CompletionItemKind.Variable, arg.required ? 'required argument' : 'optional argument');
            if (parts.length === 2 && parts[0] === 'argument') add('value', CompletionItemKind.Field, 'the argument value');
        }
        if (qualifier === '') {
            add('module_path', CompletionItemKind.Constant, 'directory of the module');
            if (scope.variable) add(scope.variable, CompletionItemKind.Variable, 'foreach item');
            add('true', CompletionItemKind.Keyword);
            add('false', CompletionItemKind.Keyword);
            add('null', CompletionItemKind.Keyword);
        }
        return [...candidates].map(([label, c]) => ({
            label,
            kind: c.kind,
            detail: c.detail,
            documentation: c.documentation ? { kind: 'markdown', value: c.documentation } : undefined,
            textEdit: { range: replace, newText: label },
        }));
    }
}

/** Markdown documentation from the parts that are known, or nothing. */
function markdown(...parts: Array<string | undefined | false | ''>): MarkupContent | undefined {
    const value = parts.filter(Boolean).join('\n\n');
    return value ? { kind: 'markdown', value } : undefined;
}

/**
 * A snippet for a block with its required attributes and blocks (nested
 * blocks' required ones too) as tab stops: the label first, then each value
 * in order, `$0` last in the body.
 */
function blockSnippet(name: string, labelled: boolean, attributes: readonly AttributeSchema[], blocks: readonly BlockSchema[]): string {
    let stop = 0;
    const lines = (attrs: readonly AttributeSchema[], nested: readonly BlockSchema[], indent: string, depth: number): string[] => [
        ...attrs.map((a) => `${indent}${a.name} = ${placeholder(a.type, ++stop)}`),
        ...nested.flatMap((b) =>
            depth > 3
                ? []
                : [
                      `${indent}${b.name}${b.label === 'required' ? ` "\${${++stop}:name}"` : ''} {`,
                      ...lines(b.attributes.filter((a) => a.required), b.blocks.filter((x) => x.required), indent + '\t', depth + 1),
                      `${indent}}`,
                  ],
        ),
    ];
    const label = labelled ? ` "\${${++stop}:default}"` : '';
    const body = lines(attributes, blocks, '\t', 0);
    return `${name}${label} {\n${[...body, '\t$0'].join('\n')}\n}`;
}

/** A tab stop shaped like a value of the type: `"$1"` for a string, `[$1]` for a list. */
function placeholder(type: string, stop: number): string {
    if (type === 'string' || type === 'secret' || type === 'optional_secret' || type === 'duration') return `"\${${stop}}"`;
    if (type.startsWith('list(')) return `[\${${stop}}]`;
    if (type.startsWith('map(') || type === 'object') return `{\${${stop}}}`;
    return `\${${stop}}`;
}

/** Whether the text before `offset` puts it inside an expression (after `=`, in brackets or a call). */
function isExpressionPosition(text: string, offset: number): boolean {
    let depth = 0;
    for (let i = offset - 1; i >= 0; i--) {
        const ch = text[i];
        if (ch === ')' || ch === ']' || ch === '}') depth++;
        else if (ch === '(' || ch === '[') {
            if (depth === 0) return true;
            depth--;
        } else if (ch === '{') {
            if (depth === 0) {
                // An object literal follows `=`, `,`, `(` or `[`; a block body follows a name or label.
                const before = text.slice(0, i).trimEnd();
                return /[=,([]$/.test(before);
            }
            depth--;
        } else if (ch === '=' && depth === 0 && text[i - 1] !== '=' && text[i + 1] !== '=' && !'!<>'.includes(text[i - 1])) {
            return true;
        } else if (ch === '\n' && depth === 0) {
            // A newline ends a statement unless the line before continues an expression.
            const before = text.slice(0, i).trimEnd();
            if (!/[-+*/%^=,([{&|!<>]$/.test(before)) return false;
        }
    }
    return false;
}

function bodyAt(block: Block, path: readonly string[]): readonly Statement[] {
    let body: readonly Statement[] = block.body;
    for (const name of path) {
        const next = body.find((s): s is Block => s.$type === 'Block' && s.name === name);
        if (!next) return [];
        body = next.body;
    }
    return body;
}

function membersOf(node: NodeInfo, path: readonly string[], index?: AnalysisIndex): { attributes: AttributeSchema[]; blocks: BlockSchema[] } {
    const r = node.resolution;
    if (r.kind === 'builtin' || r.kind === 'config' || r.kind === 'service') {
        if (!r.schema) return { attributes: [], blocks: [] };
        const target = path.length ? findBlockSchema(r.schema, path) : r.schema;
        return { attributes: [...(target?.attributes ?? [])], blocks: [...(target?.blocks ?? [])] };
    }
    const module = index ? moduleBehind(node, index.analysis.configuration) : undefined;
    if (!module) return { attributes: [], blocks: [] };
    const isFlowModule = node.stmt.node.name.startsWith('module.');
    if (isFlowModule && path[0] !== 'arguments') return { attributes: [], blocks: [{ name: 'arguments', required: false, attributes: [], blocks: [] }] };
    const args = [...argumentsOf(module)].map(([name, a]): AttributeSchema => ({ name, type: 'any', required: a.required }));
    return { attributes: args, blocks: [] };
}

function exportsFor(node: NodeInfo, index?: AnalysisIndex): Array<{ name: string; type: string }> {
    const r = node.resolution;
    if ((r.kind === 'builtin' || r.kind === 'config') && r.schema) return [...r.schema.exports];
    const module = index ? moduleBehind(node, index.analysis.configuration) : undefined;
    return module ? exportNames(module.statements.map((s) => s.node)).map((name) => ({ name, type: 'export' })) : [];
}
