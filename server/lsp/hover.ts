// Hover: what a block is (built-in or custom, stability, docs), the global IDs
// of its instances, the type and statically known value of attributes and
// references.

import type { LangiumDocument } from 'langium';
import type { HoverProvider } from 'langium/lsp';
import type { Hover, HoverParams } from 'vscode-languageserver';
import type { Analysis } from '../../language/analysis/analyze.js';
import type { NodeInfo, RefInfo } from '../../language/analysis/semantic-model.js';
import { findBlockSchema, loadCatalog } from '../../language/catalog/catalog.js';
import type { AttributeSchema } from '../../language/catalog/schema.js';
import { printValue } from '../../language/eval/print-value.js';
import { EvalError, type Value } from '../../language/eval/value.js';
import type { Expression } from '../../language/syntax/ast.js';
import type { AlloyWorkspace } from './alloy-workspace.js';
import { contextAt } from './editor-context.js';
import { describeNode, exportsOf, instancesLine, schemaOf, staticExportValue, stdlibDescription } from './node-facts.js';

const MAX_VALUE = 200;

export class AlloyHoverProvider implements HoverProvider {
    constructor(private readonly workspace: () => AlloyWorkspace) {}

    getHoverContent(document: LangiumDocument, params: HoverParams): Hover | undefined {
        const ctx = contextAt(this.workspace(), document, params.position);
        const located = ctx?.located;
        if (!ctx || !located) return undefined;
        const { analysis } = ctx;
        const docs = this.workspace().docs;
        let markdown: string | undefined;
        switch (located.kind) {
            case 'node': {
                const url = schemaOf(located.node)?.docs;
                markdown = [describeNode(located.node), url && docs.component(url), instancesLine(located.node, analysis), exportsOf(located.node, analysis)].filter(Boolean).join('\n\n');
                break;
            }
            case 'reference':
                markdown = this.reference(located.ref, located.index, analysis);
                break;
            case 'attribute': {
                const url = schemaOf(located.node)?.docs;
                const prose = url && docs.argument(url, located.blockPath, located.attribute.name);
                markdown = [this.attribute(located.node, located.attribute.name, located.blockPath, located.attribute.value, analysis), prose].filter(Boolean).join('\n\n');
                break;
            }
            case 'nested-block': {
                const url = schemaOf(located.node)?.docs;
                const prose = url && docs.block(url, [...located.blockPath, located.block.name]);
                markdown = [`block \`${located.block.name}\` of ${describeNode(located.node)}`, prose].filter(Boolean).join('\n\n');
                break;
            }
            case 'declare':
                markdown = `**declare** \`${located.declare.name}\` — a custom component; use it as \`${located.declare.name} "label" { }\``;
                break;
            case 'import': {
                const imp = located.import;
                markdown = `**import.${imp.kind}** \`${imp.namespace}\` — ${imp.module ? `declares ${[...imp.module.declares.keys()].map((d) => `\`${imp.namespace}.${d}\``).join(', ') || 'nothing'}` : imp.unresolved ?? 'not loaded'}`;
                break;
            }
        }
        return markdown ? { contents: { kind: 'markdown', value: markdown } } : undefined;
    }

    private reference(ref: RefInfo, index: number, analysis: Analysis): string | undefined {
        if (!ref.target) {
            if (!ref.scoped) return undefined;
            const name = ref.traversal.names.slice(0, index + 1).join('.');
            const entry = loadCatalog(ref.file.dialect).stdlib[name];
            const prose = entry && this.workspace().docs.stdlib(entry.docs, name);
            return [stdlibDescription(name, ref.file.dialect) ?? `\`${name}\``, prose].filter(Boolean).join('\n\n');
        }
        const url = schemaOf(ref.target)?.docs;
        const nodeIdLength = ref.traversal.names.length - ref.fields.length;
        if (index < nodeIdLength) return [describeNode(ref.target), url && this.workspace().docs.component(url), instancesLine(ref.target, analysis)].filter(Boolean).join('\n\n');
        const field = ref.fields[index - nodeIdLength];
        const exported = exportTypeOf(ref.target, field);
        const value = staticExportValue(ref.target, field, analysis);
        const lines = [`\`${ref.traversal.names.slice(0, index + 1).join('.')}\`${exported ? `: \`${exported}\`` : ''}`];
        const prose = url && index === nodeIdLength && this.workspace().docs.export(url, field);
        if (value) lines.push(`value: \`${printValue(value, MAX_VALUE)}\``);
        else lines.push('value: known when the pipeline runs');
        if (prose) lines.push(prose);
        return lines.join('\n\n');
    }

    private attribute(node: NodeInfo, name: string, blockPath: readonly string[], expr: Expression, analysis: Analysis): string {
        const schema = attributeSchema(node, name, blockPath);
        const lines = [`\`${name}\`${schema ? `: \`${schema.type}\`` : ''}${schema?.required ? ' (required)' : ''}`];
        if (schema?.default !== undefined) lines.push(`default: \`${schema.default}\``);
        const value = evaluateStatic(expr, node, analysis);
        if (value && value.kind !== 'unknown') {
            const secret = schema && /secret/.test(schema.type);
            lines.push(`value: \`${secret ? '(secret)' : printValue(value, MAX_VALUE)}\``);
        }
        return lines.join('\n\n');
    }
}

function attributeSchema(node: NodeInfo, name: string, blockPath: readonly string[]): AttributeSchema | undefined {
    const r = node.resolution;
    const schema = r.kind === 'builtin' || r.kind === 'config' || r.kind === 'service' ? r.schema : undefined;
    if (!schema) return undefined;
    const attributes = blockPath.length ? findBlockSchema(schema, blockPath)?.attributes : schema.attributes;
    return attributes?.find((a) => a.name === name);
}

function exportTypeOf(node: NodeInfo, field: string): string | undefined {
    const r = node.resolution;
    return r.kind === 'builtin' || r.kind === 'config' ? r.schema?.exports.find((e) => e.name === field)?.type : undefined;
}

function evaluateStatic(expr: Expression, node: NodeInfo, analysis: Analysis): Value | undefined {
    try {
        return analysis.evaluator.evaluate(expr, analysis.evaluator.moduleScope(node.module));
    } catch (e) {
        if (e instanceof EvalError) return undefined;
        throw e;
    }
}

