// Checks what is inside blocks: attributes and nested blocks of built-in
// components against the catalog, arguments of custom components against
// their `argument` blocks, values whose type is certainly wrong, evaluation
// errors, and deprecated stdlib names.
//
// Alloy's catalog comes from its Go argument structs, so what it says is what
// Alloy's decoder (syntax/vm) says: errors, in its words. Agent Flow's catalog
// comes from the reference docs, which can lag the code: warnings there.

import type { AttributeSchema, BlockSchema } from '../catalog/schema.js';
import { ArgumentError, DEPRECATED_ALIASES, FunctionError } from '../eval/stdlib.js';
import { EvalError, typeName, type Value } from '../eval/value.js';
import type { LoadedConfiguration } from '../model/loader.js';
import type { ModuleDef, Stmt } from '../model/modules.js';
import type { SourceFile } from '../model/source-file.js';
import type { Attribute, Block, Expression, Statement } from '../syntax/ast.js';
import type { Evaluator } from './evaluator.js';
import type { AnalysisOptions } from './options.js';
import type { Reporter } from './reporter.js';
import type { ModuleInfo, NodeInfo } from './semantic-model.js';
import { unquoteString } from '../eval/evaluate-expression.js';
import { decodeError } from '../values/decode-rules.js';
import { certainTypeMismatch } from './types.js';
import { validateBlock, validateComponent, type Violation } from './validate-rules.js';

export function checkBodies(
    modules: ReadonlyMap<ModuleDef, ModuleInfo>,
    configuration: LoadedConfiguration,
    evaluator: Evaluator,
    options: AnalysisOptions,
    report: Reporter,
): void {
    for (const info of modules.values()) {
        const checker = new BodyChecker(info.module, evaluator, options, report, configuration);
        for (const node of info.nodes.values()) checker.checkNode(node);
        for (const ref of info.references) if (ref.scoped) checker.checkDeprecated(ref.traversal.names[0], ref.traversal.offsets[0], ref.file);
    }
}

class BodyChecker {
    private readonly scope: ReadonlyMap<string, Value>;

    constructor(
        module: ModuleDef,
        private readonly evaluator: Evaluator,
        private readonly options: AnalysisOptions,
        private readonly report: Reporter,
        private readonly configuration: LoadedConfiguration,
    ) {
        this.scope = evaluator.moduleScope(module);
    }

    checkNode(node: NodeInfo): void {
        const { stmt, resolution } = node;
        const block = stmt.node;
        switch (resolution.kind) {
            case 'builtin':
            case 'config':
            case 'service': {
                const severity = this.schemaSeverity(stmt.file);
                const component = resolution.kind === 'builtin' ? block.name : undefined;
                if (resolution.schema && block.name !== 'foreach') this.checkSchemaBody(stmt.file, block, resolution.schema.attributes, resolution.schema.blocks, false, severity, component);
                else if (block.name === 'foreach') this.checkSchemaBody(stmt.file, { ...block, body: block.body.filter((s) => s.$type === 'Attribute') } as Block, resolution.schema?.attributes ?? [], [], false, severity);
                if (block.name === 'module.file' || block.name === 'module.string') this.checkFlowModuleArguments(stmt);
                break;
            }
            case 'custom':
                this.checkCustomArguments(stmt, resolution.declare.body);
                break;
            case 'imported':
                if (resolution.declare) this.checkCustomArguments(stmt, resolution.declare.body);
                else this.evaluateAll(stmt.file, block.body);
                break;
            default:
                this.evaluateAll(stmt.file, block.body);
        }
    }

    /** Alloy's Go-derived catalog: errors; Agent Flow's docs-derived one: warnings. */
    private schemaSeverity(file: SourceFile): 'error' | 'warning' {
        return (this.options.dialect ?? file.dialect) === 'alloy' ? 'error' : 'warning';
    }

    /**
     * Attributes and blocks of a body against a schema, recursively, with the
     * decoder's rules: known names, attribute vs block, required ones present,
     * a block given once unless it may repeat, a label exactly where the block's
     * struct has one.
     */
    private checkSchemaBody(
        file: SourceFile,
        block: Block,
        attributes: readonly AttributeSchema[],
        blocks: readonly BlockSchema[],
        freeform: boolean,
        severity: 'error' | 'warning',
        component?: string,
    ): void {
        if (freeform) {
            this.evaluateAll(file, block.body);
            return;
        }
        const fromGo = severity === 'error';
        const seenAttributes = new Map<string, Attribute>();
        const seenBlocks = new Set<string>();
        const values = new Map<string, { node: Attribute; value: Value | undefined }>();
        const firstBlocks = new Map<string, Block>();
        for (const s of block.body) {
            if (s.$type === 'Attribute') {
                const schema = attributes.find((a) => a.name === s.name);
                if (seenAttributes.has(s.name)) {
                    this.error(file, s, 'duplicate-attribute', `attribute "${s.name}" may only be provided once`);
                }
                seenAttributes.set(s.name, s);
                if (!schema) {
                    if (blocks.some((b) => b.name === s.name)) this.error(file, s, 'unknown-attribute', `"${s.name}" must be a block, but is used as an attribute`, severity);
                    else this.error(file, s, 'unknown-attribute', `unrecognized attribute name "${s.name}"`, severity);
                    this.evaluate(file, s.value);
                    continue;
                }
                const value = this.evaluate(file, s.value);
                if (value) this.checkType(file, s.value, value, schema.type);
                const decodes = !(fromGo && schema.goType) || this.checkDecode(file, s.value, schema.goType);
                // A value that fails to decode never reaches Validate().
                values.set(s.name, { node: s, value: decodes ? value : undefined });
                continue;
            }
            const schema = blocks.find((b) => b.name === s.name);
            const again = seenBlocks.has(s.name);
            seenBlocks.add(s.name);
            if (!again) firstBlocks.set(s.name, s);
            if (!schema) {
                if (attributes.some((a) => a.name === s.name)) this.error(file, s, 'unknown-block', `"${s.name}" must be an attribute, but is used as a block`, severity);
                else this.error(file, s, 'unknown-block', `unrecognized block name "${s.name}"`, severity);
                this.evaluateAll(file, s.body);
                continue;
            }
            if (fromGo) {
                if (again && !schema.multiple && !schema.freeform) this.report.add(file, s.$cstNode!.offset, s.$cstNode!.end, 'error', 'duplicate-block', `block "${s.name}" may only be specified once`);
                if (schema.label && !s.label) this.error(file, s, 'missing-label', `block "${s.name}" requires non-empty label`);
                else if (!schema.label && s.label !== undefined) this.error(file, s, 'invalid-label', `block "${s.name}" does not support specifying labels`);
            }
            const nested = schema.blocksFrom !== undefined ? [...schema.blocks, ...blocks] : schema.blocks;
            this.checkSchemaBody(file, s, schema.attributes, nested, schema.freeform === true, severity, component);
        }
        if (fromGo && component !== undefined) {
            const facts = { block, attributeSchemas: attributes, blockSchemas: blocks, attributes: values, blocks: firstBlocks };
            const violation = block.name === component ? validateComponent(component, facts) : validateBlock(component, facts);
            if (violation) this.reportViolation(file, violation);
        }
        const start = block.$cstNode!.offset;
        const headerEnd = start + block.name.length + (block.label ? block.label.length + 3 : 0);
        for (const a of attributes) {
            if (a.required && !seenAttributes.has(a.name)) {
                this.report.add(file, start, headerEnd, severity, 'missing-attribute', `missing required attribute "${a.name}"`);
            }
        }
        for (const b of blocks) {
            if (b.required && !seenBlocks.has(b.name)) {
                this.report.add(file, start, headerEnd, severity, 'missing-block', `missing required block "${b.name}"`);
            }
        }
    }

    /** A custom component instance: its attributes are the declare's arguments. */
    private checkCustomArguments(stmt: Stmt<Block>, body: ModuleDef): void {
        const block = stmt.node;
        const declared = argumentsOf(body);
        const given = new Set<string>();
        for (const s of block.body) {
            if (s.$type === 'Block') {
                this.error(stmt.file, s, 'unknown-block', `unrecognized block name "${s.name}"`);
                continue;
            }
            given.add(s.name);
            if (!declared.has(s.name)) this.error(stmt.file, s, 'unknown-argument', `unrecognized attribute name "${s.name}"`);
            this.evaluate(stmt.file, s.value);
        }
        const start = block.$cstNode!.offset;
        for (const [name, arg] of declared) {
            if (arg.required && !given.has(name)) {
                this.report.add(stmt.file, start, start + block.name.length, 'error', 'missing-argument', `missing required attribute "${name}"`);
            }
        }
    }

    /** Agent Flow module.file / module.string: the `arguments` block against the module's arguments. */
    private checkFlowModuleArguments(stmt: Stmt<Block>): void {
        const ref = this.configuration.flowModules.get(stmt.node);
        if (!ref?.module) return;
        const declared = argumentsOf(ref.module);
        const argsBlock = stmt.node.body.find((s): s is Block => s.$type === 'Block' && s.name === 'arguments');
        const given = new Set<string>();
        for (const s of argsBlock?.body ?? []) {
            if (s.$type !== 'Attribute') continue;
            given.add(s.name);
            if (!declared.has(s.name)) this.error(stmt.file, s, 'unknown-argument', `Provided argument "${s.name}" is not defined in the module`);
        }
        const start = stmt.node.$cstNode!.offset;
        for (const [name, arg] of declared) {
            if (arg.required && !given.has(name)) {
                this.report.add(stmt.file, start, start + stmt.node.name.length, 'error', 'missing-argument', `missing required argument "${name}" to module`);
            }
        }
    }

    private evaluateAll(file: SourceFile, body: readonly Statement[]): void {
        for (const s of body) {
            if (s.$type === 'Attribute') this.evaluate(file, s.value);
            else this.evaluateAll(file, s.body);
        }
    }

    /** Evaluates an attribute value, reporting errors that are certain. */
    private evaluate(file: SourceFile, expr: Expression): Value | undefined {
        try {
            return this.evaluator.evaluate(expr, this.scope);
        } catch (e) {
            if (!(e instanceof EvalError)) throw e;
            const at = (e.node as Expression | undefined)?.$cstNode ?? expr.$cstNode!;
            // flowlens re-implements the stdlib in TypeScript; where a function
            // rejects its arguments, Alloy's Go function may differ in detail, so
            // those findings are information. Operator and type errors are errors.
            const fromFunction = e instanceof ArgumentError || e instanceof FunctionError;
            this.report.add(file, at.offset, at.end, fromFunction ? 'information' : 'error', 'evaluation', e.message);
            return undefined;
        }
    }

    private checkType(file: SourceFile, expr: Expression, value: Value, type: string): void {
        const expected = certainTypeMismatch(value, type);
        if (expected) {
            const cst = expr.$cstNode!;
            this.report.add(file, cst.offset, cst.end, 'error', 'type-mismatch', `${cst.text} should be ${expected}, got ${typeName(value)}`);
        }
    }

    /**
     * A literal that Alloy's decoder parses at load time (a duration, a size, a regexp, a name from a
     * fixed set): Go's error, after the literal as Alloy prints it, on the literal (syntax/vm makeDiagnostic).
     */
    private checkDecode(file: SourceFile, expr: Expression, goType: string): boolean {
        const text = literalText(expr);
        if (text === undefined) return true;
        const message = decodeError(goType, text);
        if (message === undefined) return true;
        const cst = expr.$cstNode!;
        this.report.add(file, cst.offset, cst.end, 'error', 'decode', `${cst.text} ${message}`);
        return false;
    }

    /**
     * A Validate() error. Alloy reports it on the whole component as `Failed to build component:
     * decoding configuration: ...` (the loader wraps the plain error); flowlens shows those words
     * on the value the rule is about, or on the header of the block it checks.
     */
    private reportViolation(file: SourceFile, violation: Violation): void {
        const node = violation.node;
        const message = `Failed to build component: decoding configuration: ${violation.message}`;
        if (node.$type === 'Attribute') {
            const cst = node.value.$cstNode!;
            this.report.add(file, cst.offset, cst.end, 'error', 'validate', message);
        } else {
            this.error(file, node, 'validate', message);
        }
    }

    checkDeprecated(name: string, offset: number, file: SourceFile): void {
        if (file.dialect !== 'alloy' || this.options.dialect === 'river') return;
        const replacement = DEPRECATED_ALIASES[name];
        if (!replacement) return;
        this.report.add(file, offset, offset + name.length, 'warning', 'deprecated-stdlib', 'this stdlib function is deprecated; please refer to the documentation for updated usage and alternatives', [
            { title: `Use ${replacement}`, edits: [{ file: file.path, offset, end: offset + name.length, newText: replacement }], preferred: true },
        ]);
    }

    private error(file: SourceFile, node: Statement, code: string, message: string, severity: 'error' | 'warning' = 'error'): void {
        const start = node.$cstNode!.offset;
        const end = node.$type === 'Attribute' ? start + node.name.length : start + node.name.length + (node.label ? node.label.length + 3 : 0);
        this.report.add(file, start, end, severity, code, message);
    }

}

/**
 * The string Alloy decodes from a literal: a string's value, or an integer's digits (Alloy
 * converts numbers to strings where a string is expected). Undefined for anything else.
 */
function literalText(expr: Expression): string | undefined {
    if (expr.$type === 'StringLiteral') return unquoteString(expr.value);
    if (expr.$type === 'NumberLiteral' && /^\d+$/.test(expr.$cstNode!.text)) return expr.$cstNode!.text;
    return undefined;
}

export interface ArgumentInfo {
    readonly stmt: Block;
    readonly required: boolean;
    readonly defaultValue?: Expression;
}

/** The `argument` blocks of a module: name → whether required and its default. */
export function argumentsOf(module: ModuleDef): Map<string, ArgumentInfo> {
    const out = new Map<string, ArgumentInfo>();
    for (const s of module.statements) {
        const block = s.node;
        if (block.$type !== 'Block' || block.name !== 'argument' || !block.label || out.has(block.label)) continue;
        const attr = (name: string) => (block.body.find((b) => b.$type === 'Attribute' && b.name === name) as Attribute | undefined)?.value;
        // Required unless `optional` is set to anything but a literal false (an
        // expression flowlens cannot evaluate must not cause false errors).
        const optional = attr('optional');
        const required = !optional || (optional.$type === 'BooleanLiteral' && optional.value === 'false');
        out.set(block.label, { stmt: block, required, defaultValue: attr('default') });
    }
    return out;
}
