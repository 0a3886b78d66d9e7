// Static evaluation of expressions in a module: literals, operators and the
// standard library are computed; `module_path`, `argument.NAME.value` (when an
// instance passes it) and `sys.env` (from the configured environment) are
// known; component exports are only known to the running pipeline and stay
// unknown, which propagates without errors.

import type { Dialect } from '../catalog/schema.js';
import { evaluateExpression } from '../eval/evaluate-expression.js';
import { createStdlib } from '../eval/stdlib.js';
import { EvalError, NULL, obj, str, unknown, type Value } from '../eval/value.js';
import type { ModuleDef } from '../model/modules.js';
import type { Expression } from '../syntax/ast.js';
import type { AnalysisOptions } from './options.js';
import type { Catalogs } from './resolve.js';

export class Evaluator {
    private readonly stdlibs = new Map<Dialect, ReadonlyMap<string, Value>>();
    private readonly moduleScopes = new WeakMap<ModuleDef, Map<string, Value>>();

    constructor(
        private readonly options: AnalysisOptions,
        private readonly catalogs: Catalogs,
    ) {}

    stdlib(dialect: Dialect): ReadonlyMap<string, Value> {
        const d = this.options.dialect ?? dialect;
        let lib = this.stdlibs.get(d);
        if (!lib) {
            lib = createStdlib({ dialect: d, env: this.options.env });
            this.stdlibs.set(d, lib);
        }
        return lib;
    }

    /** The identifiers the stdlib of a dialect puts in scope. */
    stdlibNames(dialect: Dialect): ReadonlySet<string> {
        return new Set(this.stdlib(dialect).keys());
    }

    /** The scope of expressions written directly in a module (no instance arguments). */
    moduleScope(module: ModuleDef): Map<string, Value> {
        let scope = this.moduleScopes.get(module);
        if (!scope) {
            const dialect = module.statements[0]?.file.dialect ?? 'alloy';
            scope = new Map(this.stdlib(dialect));
            if (module.modulePath !== undefined) scope.set('module_path', str(module.modulePath));
            this.moduleScopes.set(module, scope);
        }
        return scope;
    }

    /**
     * Components whose name starts with a stdlib name shadow it in their module
     * (Alloy resolves a chain to a component first). Their exports are only known
     * at run time, so the shadowed name evaluates to unknown there.
     */
    shadow(module: ModuleDef, componentIds: Iterable<string>): void {
        const scope = this.moduleScope(module);
        for (const id of componentIds) {
            const head = id.split('.')[0];
            if (scope.has(head) && head !== 'module_path') scope.delete(head);
        }
    }

    /**
     * The scope inside one instance of a module: the module scope plus
     * `argument` with the values the instance passes (or the defaults).
     */
    instanceScope(module: ModuleDef, args: ReadonlyMap<string, Value>, defaults: ReadonlyMap<string, Value>, extra?: ReadonlyMap<string, Value>): Map<string, Value> {
        const scope = new Map(this.moduleScope(module));
        if (module.acceptsArguments) {
            const fields = new Map<string, Value>();
            for (const [name, value] of defaults) fields.set(name, obj({ value }));
            for (const [name, value] of args) fields.set(name, obj({ value }));
            scope.set('argument', obj(fields));
        }
        for (const [k, v] of extra ?? []) scope.set(k, v);
        return scope;
    }

    /** Evaluates; throws EvalError for certain errors; unknown names are unknown. */
    evaluate(expr: Expression, scope: ReadonlyMap<string, Value>): Value {
        return evaluateExpression(expr, scope, { resolveIdentifier: () => unknown() });
    }

    /** Evaluates, turning errors into unknown (for loading, where errors are reported elsewhere). */
    evaluateQuietly(expr: Expression, scope: ReadonlyMap<string, Value>): Value {
        try {
            return this.evaluate(expr, scope);
        } catch (e) {
            if (e instanceof EvalError) return unknown();
            throw e;
        }
    }

    evaluateInModule(expr: Expression, module: ModuleDef): Value {
        return this.evaluateQuietly(expr, this.moduleScope(module));
    }

    /** The default of an `argument` block, `null` when it has none. */
    argumentDefault(defaultExpr: Expression | undefined, module: ModuleDef): Value {
        return defaultExpr ? this.evaluateInModule(defaultExpr, module) : NULL;
    }

    get analysisOptions(): AnalysisOptions {
        return this.options;
    }

    get componentCatalogs(): Catalogs {
        return this.catalogs;
    }
}
