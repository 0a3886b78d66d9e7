// An index of Alloy's Go source (../shared/alloy/go) parsed with tree-sitter's Go grammar:
// per package its type declarations, methods by receiver type, functions, package-level
// variables and each file's imports. The catalog generator resolves argument structs
// across packages with it; nothing here knows about Alloy's tags yet.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { Language, Parser, type Node } from 'web-tree-sitter';

export type { Node } from 'web-tree-sitter';

/** Import paths of the packages below the Go root (`internal/...` and the `syntax` module). */
const MODULE_PATH = 'github.com/grafana/alloy';

export interface GoFile {
    readonly path: string;
    readonly pkg: GoPackage;
    /** Local name → import path. */
    readonly imports: ReadonlyMap<string, string>;
    readonly root: Node;
}

/** A declaration with the file it sits in (types in it resolve against that file's imports). */
export interface Declared {
    readonly node: Node;
    readonly file: GoFile;
}

export interface GoPackage {
    readonly importPath: string;
    readonly dir: string;
    readonly types: Map<string, Declared>;
    /** Receiver type name → method name → the method declaration. */
    readonly methods: Map<string, Map<string, Declared>>;
    readonly funcs: Map<string, Declared>;
    /** Package-level `var`/`const` name → its value expression. */
    readonly values: Map<string, Declared>;
    /** Named type → the string constants declared with that type (`LevelInfo Level = "info"`). */
    readonly constants: Map<string, string[]>;
    readonly files: GoFile[];
}

export class GoSource {
    readonly packages = new Map<string, GoPackage>();
    fileCount = 0;

    private constructor(readonly root: string) {}

    /** Parses every non-test `.go` file below `root`. */
    static async load(root: string): Promise<GoSource> {
        await Parser.init();
        const require = createRequire(import.meta.url);
        const language = await Language.load(require.resolve('tree-sitter-go/tree-sitter-go.wasm'));
        const parser = new Parser();
        parser.setLanguage(language);
        const source = new GoSource(root);
        source.walk(root, parser);
        return source;
    }

    private walk(dir: string, parser: Parser): void {
        const entries = readdirSync(dir).sort();
        for (const entry of entries) {
            const path = join(dir, entry);
            if (statSync(path).isDirectory()) this.walk(path, parser);
            else if (entry.endsWith('.go') && !entry.endsWith('_test.go')) this.addFile(path, parser);
        }
    }

    private addFile(path: string, parser: Parser): void {
        const dir = relative(this.root, join(path, '..'));
        const importPath = `${MODULE_PATH}/${dir}`;
        let pkg = this.packages.get(importPath);
        if (!pkg) {
            pkg = { importPath, dir, types: new Map(), methods: new Map(), funcs: new Map(), values: new Map(), constants: new Map(), files: [] };
            this.packages.set(importPath, pkg);
        }
        const tree = parser.parse(readFileSync(path, 'utf8'));
        if (!tree) throw new Error(`cannot parse ${path}`);
        const imports = new Map<string, string>();
        const file: GoFile = { path, pkg, imports, root: tree.rootNode };
        pkg.files.push(file);
        this.fileCount++;
        for (const decl of tree.rootNode.namedChildren) {
            if (!decl) continue;
            switch (decl.type) {
                case 'import_declaration':
                    for (const spec of decl.descendantsOfType('import_spec')) {
                        if (!spec) continue;
                        const target = unquote(spec.childForFieldName('path')?.text ?? '');
                        const alias = spec.childForFieldName('name')?.text;
                        imports.set(alias ?? target.split('/').filter((p) => !/^v\d+$/.test(p)).pop()!, target);
                    }
                    break;
                case 'type_declaration':
                    for (const spec of decl.namedChildren) {
                        if (spec && (spec.type === 'type_spec' || spec.type === 'type_alias')) pkg.types.set(spec.childForFieldName('name')!.text, { node: spec, file });
                    }
                    break;
                case 'function_declaration':
                    pkg.funcs.set(decl.childForFieldName('name')!.text, { node: decl, file });
                    break;
                case 'method_declaration': {
                    const receiver = decl.childForFieldName('receiver')?.descendantsOfType('type_identifier')[0]?.text;
                    if (!receiver) break;
                    let methods = pkg.methods.get(receiver);
                    if (!methods) pkg.methods.set(receiver, (methods = new Map()));
                    methods.set(decl.childForFieldName('name')!.text, { node: decl, file });
                    break;
                }
                case 'var_declaration':
                case 'const_declaration':
                    for (const child of decl.namedChildren) {
                        const specs = child?.type === 'var_spec_list' ? child.namedChildren : [child];
                        for (const spec of specs) {
                            if (spec?.type !== 'var_spec' && spec?.type !== 'const_spec') continue;
                            const names = spec.childrenForFieldName('name').filter((n): n is Node => n !== null);
                            const values = spec.childForFieldName('value')?.namedChildren ?? [];
                            const type = spec.childForFieldName('type');
                            names.forEach((n, i) => {
                                const value = values[i];
                                if (value) pkg!.values.set(n.text, { node: value, file });
                                if (spec.type === 'const_spec' && type?.type === 'type_identifier' && value?.type.endsWith('string_literal')) {
                                    const list = pkg!.constants.get(type.text) ?? [];
                                    if (!list.includes(unquote(value.text))) list.push(unquote(value.text));
                                    pkg!.constants.set(type.text, list);
                                }
                            });
                        }
                    }
                    break;
            }
        }
    }

    /** The package a name written in `file` refers to: `""` = the file's own package. */
    packageOf(file: GoFile, qualifier: string | undefined): GoPackage | undefined {
        if (!qualifier) return file.pkg;
        const path = file.imports.get(qualifier);
        return path === undefined ? undefined : this.packages.get(path);
    }

    /** The import path a qualifier stands for in `file` (also for packages outside the tree). */
    importPathOf(file: GoFile, qualifier: string): string | undefined {
        return file.imports.get(qualifier);
    }
}

/** A Go string literal's value (interpreted or raw). */
export function unquote(literal: string): string {
    if (literal.startsWith('`')) return literal.slice(1, -1);
    try {
        return JSON.parse(literal) as string;
    } catch {
        return literal.slice(1, -1);
    }
}
