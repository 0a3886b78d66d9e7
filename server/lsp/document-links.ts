// Document links: the `filename` of an import.file or module.file opens the
// module file flowlens loaded for it (after path mappings, so a server path
// such as /etc/alloy/x.alloy opens the workspace's copy), and a string that is
// an http(s) URL opens in the browser. Nothing is linked on a guess: a module
// that was not loaded, or a string with escapes or template syntax, is not.

import type { AstNode, LangiumDocument } from 'langium';
import type { DocumentLinkProvider } from 'langium/lsp';
import type { DocumentLink, DocumentLinkParams } from 'vscode-languageserver';
import { URI } from 'vscode-uri';
import type { ModuleDef } from '../../language/model/modules.js';
import type { Block, Expression, StringLiteral } from '../../language/syntax/ast.js';
import { forEachNode } from '../../language/syntax/walk.js';
import { parsedFileOf } from './alloy-parser.js';
import type { AlloyWorkspace } from './alloy-workspace.js';
import { rangeOf } from './convert.js';

const URL_TEXT = /^https?:\/\/[^\s"'`<>{}$\\|^]+$/;

export class AlloyDocumentLinkProvider implements DocumentLinkProvider {
    constructor(private readonly workspace: () => AlloyWorkspace) {}

    getDocumentLinks(document: LangiumDocument, _params: DocumentLinkParams): DocumentLink[] {
        const links: DocumentLink[] = [];
        const linked = new Set<StringLiteral>();
        const ast = parsedFileOf(document).ast;
        const add = (literal: StringLiteral, target: string, tooltip?: string) => {
            if (linked.has(literal)) return;
            linked.add(literal);
            const cst = literal.$cstNode!;
            links.push({ range: rangeOf(document, cst.offset + 1, cst.end - 1), target, ...(tooltip ? { tooltip } : {}) });
        };
        for (const analysis of this.workspace().analysesFor(document.uri)) {
            const config = analysis.configuration;
            const targets: Array<[Block, ModuleDef | undefined]> = [
                ...config.modules.flatMap((m) => [...m.imports.values()]).filter((i) => i.kind === 'file').map((i): [Block, ModuleDef | undefined] => [i.stmt.node, i.module]),
                ...[...config.flowModules].map(([block, ref]): [Block, ModuleDef | undefined] => [block, ref.module]),
            ];
            for (const [block, module] of targets) {
                const literal = filenameLiteral(block);
                const file = module?.files.length === 1 ? module.files[0] : undefined;
                if (!literal || !file || file.host || rootOf(block) !== ast) continue;
                add(literal, URI.file(file.path).toString(), `Open ${file.path}`);
            }
        }
        forEachNode(ast, (node) => {
            if (node.$type !== 'StringLiteral') return;
            const literal = node as StringLiteral;
            // Only a plain "..." literal without escapes: its text is the URL as written.
            const inner = literal.value.slice(1, -1);
            if (!literal.value.startsWith('"') || !URL_TEXT.test(inner) || !isUrl(inner)) return;
            add(literal, inner);
        });
        return links;
    }
}

function filenameLiteral(block: Block): StringLiteral | undefined {
    const attribute = block.body.find((s) => s.$type === 'Attribute' && s.name === 'filename');
    const value: Expression | undefined = attribute?.$type === 'Attribute' ? attribute.value : undefined;
    return value?.$type === 'StringLiteral' ? value : undefined;
}

function rootOf(node: AstNode): AstNode {
    let at = node;
    while (at.$container) at = at.$container;
    return at;
}

function isUrl(text: string): boolean {
    try {
        return Boolean(new URL(text).host);
    } catch {
        return false;
    }
}
