// Facts about a node for hovers and completion details: what it is, where its
// instances run (global IDs), what it exports, and export values known statically.

import { argumentsOf } from '../../language/analysis/body-checker.js';
import type { Analysis } from '../../language/analysis/analyze.js';
import { moduleBehind } from '../../language/analysis/module-targets.js';
import type { NodeInfo } from '../../language/analysis/semantic-model.js';
import { loadCatalog } from '../../language/catalog/catalog.js';
import type { ComponentSchema, Dialect } from '../../language/catalog/schema.js';
import { EvalError, type Value } from '../../language/eval/value.js';
import type { Attribute, Block } from '../../language/syntax/ast.js';

const MAX_IDS = 6;

export function describeNode(node: NodeInfo): string {
    const r = node.resolution;
    const block = node.stmt.node;
    const label = block.label ? ` "${block.label}"` : '';
    switch (r.kind) {
        case 'builtin':
        case 'config':
        case 'service': {
            const schema = r.schema;
            const stability = schema && schema.stability !== 'generally-available' ? ` · _${schema.stability}_` : '';
            const community = schema?.community ? ' · _community_' : '';
            const docs = schema?.docs ? ` · [docs](${schema.docs})` : '';
            return `**${block.name}**${label} — ${r.kind === 'builtin' ? 'component' : r.kind === 'service' ? 'service' : 'config block'}${stability}${community}${docs}`;
        }
        case 'custom':
        case 'imported': {
            const declare = r.declare;
            const file = declare?.stmt.file.path.split('/').pop();
            const line = declare ? declare.stmt.file.parsed.lines.line(declare.stmt.node.$cstNode!.offset) : 0;
            const where = declare ? ` declared in \`${file}:${line}\`` : r.kind === 'imported' ? ` from import "${r.import.namespace}" (${r.import.unresolved ?? 'not found'})` : '';
            const args = declare ? [...argumentsOf(declare.body)].map(([n, a]) => (a.required ? `\`${n}\`` : `\`${n}\`?`)).join(', ') : '';
            return `**${block.name}**${label} — custom component${where}${args ? `\n\narguments: ${args}` : ''}`;
        }
        default:
            return `**${block.name}**${label}`;
    }
}

/** "Runs as: a.one/…, a.two/…" — the global IDs of a node's instances. */
export function instancesLine(node: NodeInfo, analysis: Analysis): string | undefined {
    const ids = (analysis.instances.instancesOf.get(node) ?? []).map((i) => i.globalId);
    if (ids.length === 0) return node.module.kind === 'root' ? undefined : 'not instantiated: no instance of this module is used';
    if (ids.length === 1 && ids[0] === node.id) return undefined;
    const listed = ids.slice(0, MAX_IDS).map((id) => `\`${id}\``).join(', ');
    return `runs as ${listed}${ids.length > MAX_IDS ? ` and ${ids.length - MAX_IDS} more` : ''}`;
}

export function exportsOf(node: NodeInfo, analysis: Analysis): string | undefined {
    const r = node.resolution;
    if ((r.kind === 'builtin' || r.kind === 'config') && r.schema?.exports.length) {
        return `exports: ${r.schema.exports.map((e) => `\`${e.name}\` (${e.type})`).join(', ')}`;
    }
    const module = moduleBehind(node, analysis.configuration);
    if (module) {
        const names = exportNames(module.statements.map((s) => s.node));
        if (names.length) return `exports: ${names.map((n) => `\`${n}\``).join(', ')}`;
    }
    return undefined;
}

export function exportNames(statements: readonly (Attribute | Block)[]): string[] {
    return statements.filter((s): s is Block => s.$type === 'Block' && s.name === 'export' && !!s.label).map((s) => s.label!);
}

/**
 * The value a custom component or module instance exports under `key`, when
 * it follows statically from the instance's arguments.
 */
export function staticExportValue(node: NodeInfo, key: string, analysis: Analysis): Value | undefined {
    const module = moduleBehind(node, analysis.configuration);
    if (!module) return undefined;
    const exportBlock = module.statements.find((s) => s.node.$type === 'Block' && s.node.name === 'export' && s.node.label === key)?.node as Block | undefined;
    const valueExpr = (exportBlock?.body.find((s) => s.$type === 'Attribute' && s.name === 'value') as Attribute | undefined)?.value;
    if (!valueExpr) return undefined;
    const evaluator = analysis.evaluator;
    const parentScope = evaluator.moduleScope(node.module);
    const argumentBody = node.stmt.node.name.startsWith('module.')
        ? (node.stmt.node.body.find((s): s is Block => s.$type === 'Block' && s.name === 'arguments')?.body ?? [])
        : node.stmt.node.body;
    try {
        const args = new Map<string, Value>();
        for (const s of argumentBody) if (s.$type === 'Attribute') args.set(s.name, evaluator.evaluateQuietly(s.value, parentScope));
        const defaults = new Map<string, Value>();
        for (const [name, arg] of argumentsOf(module)) defaults.set(name, evaluator.argumentDefault(arg.defaultValue, module));
        const value = evaluator.evaluate(valueExpr, evaluator.instanceScope(module, args, defaults));
        return value.kind === 'unknown' ? undefined : value;
    } catch (e) {
        if (e instanceof EvalError) return undefined;
        throw e;
    }
}

/** The catalog schema of a built-in component, config block or service. */
export function schemaOf(node: NodeInfo): ComponentSchema | undefined {
    const r = node.resolution;
    return r.kind === 'builtin' || r.kind === 'config' || r.kind === 'service' ? r.schema : undefined;
}

/** Markdown for a stdlib name, from the catalog. */
export function stdlibDescription(name: string, dialect: Dialect): string | undefined {
    const entry = loadCatalog(dialect).stdlib[name];
    if (!entry) return undefined;
    const signature = entry.signature ? `${name}${entry.signature}` : name;
    const parts = [`\`${signature}\` — standard library ${entry.kind}`];
    if (entry.stability !== 'generally-available') parts.push(`_${entry.stability}_`);
    if (entry.replacement) parts.push(`deprecated: use \`${entry.replacement}\``);
    if (entry.docs) parts.push(`[docs](${entry.docs})`);
    return parts.join(' · ');
}
