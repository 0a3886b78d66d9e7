// Signature help for standard library calls: the function's parameters from
// the catalog, with the one being typed highlighted. The call is found by
// scanning the tokens of the statement around the cursor with Alloy's own
// scanner (strings and comments cannot fool it, and a half-typed call that
// the parser cannot build yet is still found), so it costs one statement.

import type { LangiumDocument } from 'langium';
import type { SignatureHelpProvider } from 'langium/lsp';
import type { ParameterInformation, SignatureHelp, SignatureHelpOptions, SignatureHelpParams } from 'vscode-languageserver';
import { dialectForPath, loadCatalog } from '../../language/catalog/catalog.js';
import type { Block, Statement } from '../../language/syntax/ast.js';
import { Scanner } from '../../language/syntax/scanner.js';
import { sourceFromString } from '../../language/syntax/source.js';
import { Tok } from '../../language/syntax/token.js';
import { parsedFileOf } from './alloy-parser.js';
import { stdlibDescription } from './node-facts.js';

interface OpenBracket {
    /** The function name when the bracket opens a call. */
    readonly callee?: string;
    commas: number;
}

export class AlloySignatureHelpProvider implements SignatureHelpProvider {
    readonly signatureHelpOptions: SignatureHelpOptions = { triggerCharacters: ['(', ','], retriggerCharacters: [','] };

    provideSignatureHelp(document: LangiumDocument, params: SignatureHelpParams): SignatureHelp | undefined {
        const text = document.textDocument.getText();
        const offset = document.textDocument.offsetAt(params.position);
        const call = openCallAt(text, statementStart(parsedFileOf(document).ast.body, offset), offset);
        if (!call) return undefined;
        const dialect = dialectForPath(document.uri.path);
        const entry = loadCatalog(dialect).stdlib[call.callee];
        if (!entry || entry.kind !== 'function' || !entry.signature) return undefined;
        const label = `${call.callee}${entry.signature}`;
        const parameters = parametersOf(label, call.callee.length);
        const variadic = parameters.length > 0 && label.slice(...(parameters[parameters.length - 1].label as [number, number])).endsWith('...');
        const active = parameters.length === 0 ? undefined : Math.min(call.commas, parameters.length - 1);
        if (active !== undefined && call.commas >= parameters.length && !variadic) return undefined; // more arguments than it takes
        return {
            signatures: [{ label, parameters, documentation: { kind: 'markdown', value: stdlibDescription(call.callee, dialect) ?? '' } }],
            activeSignature: 0,
            activeParameter: active,
        };
    }
}

/** Where the statement holding `offset` starts: the innermost attribute, or the innermost block body. */
function statementStart(body: readonly Statement[], offset: number): number {
    let start = 0;
    for (;;) {
        const attribute = body.find((s) => s.$type === 'Attribute' && s.$cstNode!.offset < offset && offset <= s.$cstNode!.end);
        if (attribute) return attribute.$cstNode!.offset;
        const block = body.find((s): s is Block => s.$type === 'Block' && s.$lcurly < offset && (offset <= s.$rcurly || s.$rcurly < s.$lcurly));
        if (!block) return start;
        start = block.$lcurly + 1;
        body = block.body;
    }
}

/** The innermost call whose parentheses are open at `offset`, and how many of its arguments precede it. */
function openCallAt(text: string, from: number, offset: number): { callee: string; commas: number } | undefined {
    const scanner = new Scanner(sourceFromString(text.slice(from, offset)), () => {});
    const stack: OpenBracket[] = [];
    let chain: string[] = [];
    let afterDot = false;
    for (scanner.scan(); scanner.tok !== Tok.EOF; scanner.scan()) {
        const tok = scanner.tok;
        if (tok === Tok.COMMENT || tok === Tok.TERMINATOR) continue;
        if (tok === Tok.LPAREN || tok === Tok.LBRACK || tok === Tok.LCURLY) {
            stack.push({ callee: tok === Tok.LPAREN && chain.length ? chain.join('.') : undefined, commas: 0 });
        } else if (tok === Tok.RPAREN || tok === Tok.RBRACK || tok === Tok.RCURLY) {
            stack.pop();
        } else if (tok === Tok.COMMA && stack.length) {
            stack[stack.length - 1].commas++;
        }
        // The dotted name just before a `(` is the callee.
        if (tok === Tok.IDENT) chain = afterDot ? [...chain, scanner.lit] : [scanner.lit];
        else if (tok !== Tok.DOT) chain = [];
        afterDot = tok === Tok.DOT;
    }
    const top = stack[stack.length - 1];
    return top?.callee ? { callee: top.callee, commas: top.commas } : undefined;
}

/** The parameters of `name(a, b[, c])` / `name(spec, values...)` as label offsets. */
function parametersOf(label: string, nameLength: number): ParameterInformation[] {
    const out: ParameterInformation[] = [];
    for (const m of label.slice(nameLength).matchAll(/[A-Za-z_]\w*(?:\.\.\.)?/g)) {
        const start = nameLength + m.index!;
        out.push({ label: [start, start + m[0].length] });
    }
    return out;
}
