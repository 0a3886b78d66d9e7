// The parser. It implements the grammar of alloy.langium the way Alloy's own
// LL(1) parser does, including its error recovery, so that every syntax error
// carries Alloy's message at Alloy's position, at most one per line (scanner
// errors aside, which Alloy reports unconditionally). It builds the AST types
// generated from the grammar, linked for Langium ($container, $cstNode).

import type { AstNode } from 'langium';
import type * as ast from './ast.js';
import type { Comment, CommentGroup } from './ast.js';
import { goQuote, isValidIdentifier } from './chars.js';
import { SyntaxNode, SyntaxRoot } from './cst.js';
import { Scanner } from './scanner.js';
import { LineIndex, type SourceText, sourceFromString } from './source.js';
import { binaryPrecedence, type BinaryOperator, Tok, tokenName } from './token.js';

/** A syntax error at a UTF-16 offset range. */
export interface SyntaxError {
    readonly offset: number;
    readonly end: number;
    readonly message: string;
}

export interface ParsedFile {
    readonly ast: ast.ConfigFile;
    readonly errors: readonly SyntaxError[];
    readonly source: SourceText;
    readonly lines: LineIndex;
}

/**
 * Nesting deeper than this is reported as an error instead of parsed: the
 * recursive passes over the AST (evaluation, printing, LSP features) must not
 * overflow the stack on hostile input. Real configurations stay far below it.
 */
export const MAX_NESTING = 300;

export function parse(input: SourceText | string): ParsedFile {
    const source = typeof input === 'string' ? sourceFromString(input) : input;
    return new Parser(source).parseFile();
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type Node = Mutable<AstNode> & Record<string, unknown>;

const STATEMENT_END = new Set([Tok.TERMINATOR, Tok.RPAREN, Tok.RCURLY, Tok.RBRACK, Tok.COMMA]);

class Parser {
    private readonly scanner: Scanner;
    private readonly lines: LineIndex;
    private readonly root: SyntaxRoot;
    private readonly errors: SyntaxError[] = [];
    private readonly comments: CommentGroup[] = [];
    private lastErrorLine = -1;
    private depth = 0;

    // The current token. `tok` is read through `tok()` so that TypeScript does not
    // narrow it across calls to next().
    private pos = 0;
    private current: Tok = Tok.EOF;
    private lit = '';

    private tok(): Tok {
        return this.current;
    }

    constructor(private readonly source: SourceText) {
        this.lines = new LineIndex(source);
        this.scanner = new Scanner(source, (offset, message) => this.addErrorAt(offset, message, true));
        const file = { $type: 'ConfigFile', body: [], $comments: this.comments } as unknown as ast.ConfigFile;
        this.root = new SyntaxRoot(source.text, file);
        (file as unknown as Node).$cstNode = this.root;
        this.next();
    }

    parseFile(): ParsedFile {
        const file = this.root.astNode as ast.ConfigFile;
        const body = this.parseBody(Tok.EOF, file);
        (file as unknown as Node).body = body;
        this.errors.sort((a, b) => a.offset - b.offset);
        return { ast: file, errors: this.errors, source: this.source, lines: this.lines };
    }

    // ---- tokens ----------------------------------------------------------

    /** Advances to the next non-comment token, collecting comment groups. */
    private next(): void {
        this.next0();
        while (this.tok() === Tok.COMMENT) this.consumeCommentGroup();
    }

    private next0(): void {
        const s = this.scanner;
        s.scan();
        this.pos = s.pos;
        this.current = s.tok;
        this.lit = s.lit;
    }

    private consumeCommentGroup(): void {
        const group: Comment[] = [];
        let endLine = this.lines.line(this.pos);
        while (this.tok() === Tok.COMMENT && this.lines.line(this.pos) <= endLine + 1) {
            endLine = this.lines.line(this.pos);
            if (this.lit.charCodeAt(1) === 0x2a) {
                for (let i = 0; i < this.lit.length; i++) if (this.lit.charCodeAt(i) === 0x0a) endLine++;
            }
            group.push({ offset: this.pos, text: this.lit });
            this.next0();
        }
        this.comments.push(exactSize(group));
    }

    /** Skips tokens up to (not including) `to`, or EOF. */
    private advance(to: Tok): void {
        while (this.tok() !== Tok.EOF && this.tok() !== to) this.next();
    }

    private advanceAny(to: ReadonlySet<Tok>): void {
        while (this.tok() !== Tok.EOF && !to.has(this.tok())) this.next();
    }

    /** Consumes the current token, reporting an error when it is not `t`; returns its offset and kind. */
    private expect(t: Tok): { pos: number; tok: Tok } {
        const pos = this.pos;
        const tok = this.tok();
        if (tok !== t) this.addError(`expected ${tokenName(t)}, got ${tokenName(tok)}`);
        this.next();
        return { pos, tok };
    }

    /** Reports an error at the current token, unless one was reported on its line already. */
    private addError(message: string): void {
        this.addErrorAt(this.pos, message, false);
    }

    private addErrorAt(offset: number, message: string, always: boolean, end?: number): void {
        if (!always) {
            const line = this.lines.line(offset);
            if (line === this.lastErrorLine) return;
            this.lastErrorLine = line;
        }
        this.errors.push({ offset, end: end ?? this.tokenEnd(offset), message });
    }

    /** End of the token at `offset`, for underlining; at least one character. */
    private tokenEnd(offset: number): number {
        if (offset === this.pos && this.tok() !== Tok.EOF && this.tok() !== Tok.TERMINATOR && this.lit.length > 0) {
            return offset + this.lit.length;
        }
        if (offset === this.pos && this.tok() !== Tok.EOF && this.tok() !== Tok.TERMINATOR) {
            return offset + tokenName(this.tok()).length;
        }
        return Math.min(offset + 1, this.source.text.length);
    }

    // ---- AST construction ------------------------------------------------

    private node<T extends AstNode>(type: T['$type'], offset: number, end: number, props: Record<string, unknown>): T {
        // Every property Langium links is in the literal, so that a node's properties stay
        // in the object itself rather than in a separate property array (saves ~60 bytes a node).
        const n = { $type: type, $container: undefined, $containerProperty: undefined, $containerIndex: undefined, $cstNode: undefined, ...props } as unknown as Node;
        n.$cstNode = new SyntaxNode(this.root, offset, Math.min(end, this.source.text.length), n);
        for (const key in props) {
            if (key.charCodeAt(0) === 0x24) continue; // '$'
            const value = props[key];
            if (Array.isArray(value)) {
                for (let i = 0; i < value.length; i++) adopt(n, value[i] as Node, key, i);
            } else if (value && typeof value === 'object' && '$type' in value) {
                adopt(n, value as Node, key);
            }
        }
        return n as unknown as T;
    }

    // ---- statements ------------------------------------------------------

    /** Body = [ Statement { terminator Statement } ], up to `until`. */
    private parseBody(until: Tok, owner: AstNode): ast.Statement[] {
        const body: ast.Statement[] = [];
        while (this.tok() !== until && this.tok() !== Tok.EOF) {
            const stmt = this.parseStatement();
            if (stmt) body.push(stmt);
            if (this.tok() === until) break;
            if (this.tok() !== Tok.TERMINATOR) {
                this.addError(`expected TERMINATOR, got ${tokenName(this.tok())}`);
                this.consumeStatement();
            }
            this.next();
        }
        const statements = exactSize(body);
        for (let i = 0; i < statements.length; i++) adopt(owner as Node, statements[i] as unknown as Node, 'body', i);
        return statements;
    }

    /** Skips the rest of a statement: up to a terminator outside any brackets it opened. */
    private consumeStatement(): void {
        let curly = 0;
        let brack = 0;
        let paren = 0;
        while (this.tok() !== Tok.EOF) {
            switch (this.tok()) {
                case Tok.LCURLY: curly++; break;
                case Tok.RCURLY: curly--; break;
                case Tok.LBRACK: brack++; break;
                case Tok.RBRACK: brack--; break;
                case Tok.LPAREN: paren++; break;
                case Tok.RPAREN: paren--; break;
                case Tok.TERMINATOR:
                    if (curly <= 0 && brack <= 0 && paren <= 0) return;
            }
            this.next();
        }
    }

    /** Statement = Attribute | Block. */
    private parseStatement(): ast.Statement | undefined {
        const name = this.parseBlockName();
        if (!name) {
            this.advance(Tok.IDENT);
            return undefined;
        }
        switch (this.tok()) {
            case Tok.ASSIGN: {
                const assign = this.pos;
                this.next();
                if (name.fragments.length !== 1) {
                    const joined = name.fragments.join('.');
                    this.addErrorAt(name.start, 'attribute names may only consist of a single identifier with no "."', true, name.start + joined.length);
                } else if (name.labelOffset >= 0) {
                    this.addErrorAt(name.labelOffset, 'attribute names may not have labels', true, name.labelOffset + name.label.length + 2);
                }
                const value = this.parseExpression();
                return this.node<ast.Attribute>('Attribute', name.start, value.$cstNode!.end, {
                    name: name.fragments[0],
                    value,
                    $nameOffset: name.start,
                    $assignOffset: assign,
                });
            }
            case Tok.LCURLY: {
                if (this.depth >= MAX_NESTING) return this.skipTooDeep(name.start) as undefined;
                this.depth++;
                const lcurly = this.expect(Tok.LCURLY).pos;
                const block = { $type: 'Block' } as unknown as Node;
                const body = this.parseBody(Tok.RCURLY, block as unknown as AstNode);
                const rcurly = this.expect(Tok.RCURLY).pos;
                this.depth--;
                Object.assign(block, {
                    name: name.fragments.join('.'),
                    label: name.label || undefined,
                    body,
                    $fragments: name.fragments,
                    $labelOffset: name.labelOffset,
                    $lcurly: lcurly,
                    $rcurly: rcurly,
                });
                block.$cstNode = new SyntaxNode(this.root, name.start, Math.min(rcurly + 1, this.source.text.length), block as unknown as AstNode);
                return block as unknown as ast.Block;
            }
            default:
                if (name.fragments.length === 1 && name.label === '') {
                    this.addError(`expected attribute assignment or block body, got ${tokenName(this.tok())}`);
                } else {
                    this.addError(`expected block body, got ${tokenName(this.tok())}`);
                }
                this.advance(Tok.IDENT);
                return undefined;
        }
    }

    /** BlockName = identifier { "." identifier } [ string ]. */
    private parseBlockName(): { fragments: string[]; start: number; label: string; labelOffset: number } | undefined {
        if (this.tok() !== Tok.IDENT) {
            this.addError(`expected identifier, got ${tokenName(this.tok())}`);
            return undefined;
        }
        const fragments = [this.lit];
        const start = this.pos;
        this.next();
        while (this.tok() === Tok.DOT) {
            this.next();
            if (this.tok() !== Tok.IDENT) this.addError(`expected identifier, got ${tokenName(this.tok())}`);
            // Keep going with a malformed name, as Alloy does.
            fragments.push(this.lit);
            this.next();
        }
        let label = '';
        let labelOffset = -1;
        if (this.tok() !== Tok.ASSIGN && this.tok() !== Tok.LCURLY) {
            if (this.tok() === Tok.STRING) {
                if (this.lit.charCodeAt(0) !== 0x22) {
                    this.addError(`expected block label to be a double quoted string, but got ${goQuote(this.lit)}`);
                }
                if (this.lit.length > 2) {
                    label = this.lit.slice(1, -1);
                    if (!isValidIdentifier(label)) {
                        this.addError(`expected block label to be a valid identifier, but got ${goQuote(label)}`);
                    }
                }
                labelOffset = this.pos;
            } else {
                this.addError(`expected block label, got ${tokenName(this.tok())}`);
            }
            this.next();
        }
        return { fragments: exactSize(fragments), start, label, labelOffset };
    }

    // ---- expressions -----------------------------------------------------

    /** Expression = BinOpExpr. */
    parseExpression(): ast.Expression {
        return this.parseBinOp(1);
    }

    /**
     * Left-associative binary operators at precedence >= minPrec (PowExpr
     * handles `^`). Each operator of a chain nests the AST one level deeper, so
     * it counts against MAX_NESTING.
     */
    private parseBinOp(minPrec: number): ast.Expression {
        let lhs = this.parsePowExpr();
        let links = 0;
        for (;;) {
            const tok = this.tok();
            const prec = binaryPrecedence(tok);
            if (prec < minPrec || prec === 0) break;
            if (!this.deeper()) {
                this.advanceAny(STATEMENT_END);
                break;
            }
            links++;
            const opOffset = this.pos;
            this.next();
            const rhs = this.parseBinOp(prec + 1);
            lhs = this.node<ast.BinaryExpression>('BinaryExpression', lhs.$cstNode!.offset, rhs.$cstNode!.end, {
                left: lhs,
                operator: tokenName(tok) as BinaryOperator,
                right: rhs,
                $operatorOffset: opOffset,
            });
        }
        this.depth -= links;
        return lhs;
    }

    /** PowExpr = UnaryExpr [ "^" PowExpr ] (right-associative). */
    private parsePowExpr(): ast.Expression {
        const lhs = this.parseUnaryExpr();
        if (this.tok() !== Tok.POW) return lhs;
        const opOffset = this.pos;
        this.next();
        if (!this.enter()) return lhs;
        const rhs = this.parsePowExpr();
        this.depth--;
        return this.node<ast.BinaryExpression>('BinaryExpression', lhs.$cstNode!.offset, rhs.$cstNode!.end, {
            left: lhs,
            operator: '^',
            right: rhs,
            $operatorOffset: opOffset,
        });
    }

    /** UnaryExpr = OperExpr | unary_op UnaryExpr; OperExpr = PrimaryExpr { access | index | call }. */
    private parseUnaryExpr(): ast.Expression {
        if (this.tok() === Tok.NOT || this.tok() === Tok.SUB) {
            const op = this.tok() === Tok.NOT ? '!' : '-';
            const start = this.pos;
            this.next();
            if (!this.enter()) return this.nullAt(start);
            const operand = this.parseUnaryExpr();
            this.depth--;
            return this.node<ast.UnaryExpression>('UnaryExpression', start, operand.$cstNode!.end, { operator: op, operand });
        }

        let primary = this.parsePrimaryExpr();
        // Each access, index or call nests the AST one level deeper.
        let links = 0;
        loop: for (;;) {
            const tok = this.tok();
            if (tok !== Tok.DOT && tok !== Tok.LBRACK && tok !== Tok.LPAREN && tok !== Tok.STRING && tok !== Tok.LCURLY) break;
            if (!this.deeper()) {
                this.advanceAny(STATEMENT_END);
                break;
            }
            links++;
            switch (tok) {
                case Tok.DOT: {
                    const dot = this.pos;
                    this.next();
                    const pos = this.pos;
                    const isIdent = this.tok() === Tok.IDENT;
                    const member = this.lit;
                    this.expect(Tok.IDENT);
                    const end = isIdent ? pos + member.length : pos;
                    primary = this.node<ast.AccessExpression>('AccessExpression', primary.$cstNode!.offset, Math.max(end, primary.$cstNode!.end), {
                        receiver: primary,
                        member: isIdent ? member : '',
                        $memberOffset: pos,
                        $dotOffset: dot,
                    });
                    break;
                }
                case Tok.LBRACK: {
                    const lbrack = this.expect(Tok.LBRACK).pos;
                    const index = this.parseExpression();
                    const rbrack = this.expect(Tok.RBRACK).pos;
                    primary = this.node<ast.IndexExpression>('IndexExpression', primary.$cstNode!.offset, rbrack + 1, {
                        receiver: primary,
                        index,
                        $lbrack: lbrack,
                        $rbrack: rbrack,
                    });
                    break;
                }
                case Tok.LPAREN: {
                    const lparen = this.expect(Tok.LPAREN).pos;
                    const args = this.tok() !== Tok.RPAREN ? this.parseExpressionList(Tok.RPAREN) : [];
                    const rparen = this.expect(Tok.RPAREN).pos;
                    primary = this.node<ast.CallExpression>('CallExpression', primary.$cstNode!.offset, rparen + 1, {
                        callee: primary,
                        args,
                        $lparen: lparen,
                        $rparen: rparen,
                    });
                    break;
                }
                default: {
                    // Someone assigning a block to an attribute: parse the rest as a block
                    // body to say so; give up on the statement when it is not one.
                    if (tok === Tok.STRING) this.next();
                    if (this.expect(Tok.LCURLY).tok !== Tok.LCURLY) {
                        this.consumeStatement();
                        break loop;
                    }
                    this.parseBody(Tok.RCURLY, { $type: 'Block' } as AstNode);
                    const { pos: end, tok: closing } = this.expect(Tok.RCURLY);
                    if (closing !== Tok.RCURLY) {
                        this.consumeStatement();
                        break loop;
                    }
                    this.addErrorAt(primary.$cstNode!.offset, 'cannot use a block as an expression', true, end + 1);
                }
            }
        }
        this.depth -= links;
        return primary;
    }

    /**
     * PrimaryExpr = identifier | string | number | float | bool | null
     *             | "(" Expression ")" | "[" [ ExpressionList ] "]" | "{" [ FieldList ] "}".
     */
    private parsePrimaryExpr(): ast.Expression {
        const start = this.pos;
        const lit = this.lit;
        switch (this.tok()) {
            case Tok.IDENT:
                this.next();
                return this.node<ast.IdentifierExpression>('IdentifierExpression', start, start + lit.length, { name: lit });
            case Tok.STRING:
                this.next();
                return this.node<ast.StringLiteral>('StringLiteral', start, start + lit.length, { value: lit });
            case Tok.NUMBER:
            case Tok.FLOAT:
                this.next();
                return this.node<ast.NumberLiteral>('NumberLiteral', start, start + lit.length, { value: lit });
            case Tok.BOOL:
                this.next();
                return this.node<ast.BooleanLiteral>('BooleanLiteral', start, start + lit.length, { value: lit as 'true' | 'false' });
            case Tok.NULL:
                this.next();
                return this.node<ast.NullLiteral>('NullLiteral', start, start + lit.length, { value: 'null' });
            case Tok.LPAREN: {
                this.expect(Tok.LPAREN);
                if (!this.enter()) return this.nullAt(start);
                const inner = this.parseExpression();
                this.depth--;
                const rparen = this.expect(Tok.RPAREN).pos;
                return this.node<ast.ParenExpression>('ParenExpression', start, rparen + 1, { inner });
            }
            case Tok.LBRACK: {
                this.expect(Tok.LBRACK);
                if (!this.enter()) return this.nullAt(start);
                const elements = this.tok() !== Tok.RBRACK ? this.parseExpressionList(Tok.RBRACK) : [];
                this.depth--;
                const rbrack = this.expect(Tok.RBRACK).pos;
                return this.node<ast.ArrayExpression>('ArrayExpression', start, rbrack + 1, { elements });
            }
            case Tok.LCURLY: {
                this.expect(Tok.LCURLY);
                if (!this.enter()) return this.nullAt(start);
                const fields = this.tok() !== Tok.RCURLY ? this.parseFieldList(Tok.RCURLY) : [];
                this.depth--;
                const rcurly = this.expect(Tok.RCURLY).pos;
                return this.node<ast.ObjectExpression>('ObjectExpression', start, rcurly + 1, { fields });
            }
        }
        this.addError(`expected expression, got ${tokenName(this.tok())}`);
        const bad = this.nullAt(start);
        this.advanceAny(STATEMENT_END); // eat up the rest of the line
        return bad;
    }

    /** ExpressionList = Expression { "," Expression } [ "," ]. */
    private parseExpressionList(until: Tok): ast.Expression[] {
        const exprs: ast.Expression[] = [];
        while (this.tok() !== until && this.tok() !== Tok.EOF) {
            exprs.push(this.parseExpression());
            if (this.tok() === until) break;
            if (this.tok() !== Tok.COMMA) this.addError("missing ',' in expression list");
            this.next();
        }
        return exactSize(exprs);
    }

    /** FieldList = Field { "," Field } [ "," ]. */
    private parseFieldList(until: Tok): ast.ObjectField[] {
        const fields: ast.ObjectField[] = [];
        while (this.tok() !== until && this.tok() !== Tok.EOF) {
            fields.push(this.parseField());
            if (this.tok() === until) break;
            if (this.tok() !== Tok.COMMA) this.addError("missing ',' in field list");
            this.next();
        }
        return exactSize(fields);
    }

    /** Field = ( string | identifier ) "=" Expression. */
    private parseField(): ast.ObjectField {
        const start = this.pos;
        let name = '';
        let quoted = false;
        if (this.tok() === Tok.STRING || this.tok() === Tok.IDENT) {
            name = this.lit;
            if (this.tok() === Tok.STRING && this.lit.length > 2) {
                name = this.lit.slice(1, -1);
                quoted = true;
            }
            this.next();
        } else {
            this.addError(`expected field name (string or identifier), got ${tokenName(this.tok())}`);
            this.advance(Tok.ASSIGN);
        }
        const assign = this.expect(Tok.ASSIGN).pos;
        const value = this.parseExpression();
        return this.node<ast.ObjectField>('ObjectField', start, Math.max(value.$cstNode!.end, start + 1), { name, value, $quoted: quoted, $assignOffset: assign });
    }

    // ---- nesting limit ---------------------------------------------------

    /** Enters one nesting level, or reports and skips the too-deep construct. */
    private enter(): boolean {
        if (this.deeper()) return true;
        this.skipBalanced();
        return false;
    }

    /** Goes one nesting level deeper, or reports that the limit is reached. */
    private deeper(): boolean {
        if (this.depth < MAX_NESTING) {
            this.depth++;
            return true;
        }
        this.addErrorAt(this.pos, nestingMessage(), false);
        return false;
    }

    /** Reports a block nested too deeply and skips it; the statement is dropped. */
    private skipTooDeep(start: number): undefined {
        this.addErrorAt(start, nestingMessage(), false);
        this.skipBalanced();
        return undefined;
    }

    /** Skips tokens until the brackets opened from here on are closed again. */
    private skipBalanced(): void {
        let open = 0;
        while (this.tok() !== Tok.EOF) {
            if (this.tok() === Tok.LCURLY || this.tok() === Tok.LBRACK || this.tok() === Tok.LPAREN) open++;
            else if (this.tok() === Tok.RCURLY || this.tok() === Tok.RBRACK || this.tok() === Tok.RPAREN) {
                open--;
                if (open <= 0) {
                    if (open === 0) this.next();
                    return;
                }
            } else if (open === 0 && this.tok() === Tok.TERMINATOR) {
                return;
            }
            this.next();
        }
    }

    private nullAt(offset: number): ast.NullLiteral {
        return this.node<ast.NullLiteral>('NullLiteral', offset, offset, { value: 'null' });
    }
}

function nestingMessage(): string {
    return `nesting too deep: flowlens handles at most ${MAX_NESTING} levels of nested blocks, brackets and operators`;
}

/**
 * A copy of an array built with push() without its spare capacity: V8 grows a one-element
 * array to 17 slots, and a large file has tens of thousands of small lists in its AST.
 */
function exactSize<T>(items: T[]): T[] {
    return items.length === 0 ? items : items.slice();
}

function adopt(parent: Node, child: Node, property: string, index?: number): void {
    child.$container = parent;
    child.$containerProperty = property;
    if (index !== undefined) child.$containerIndex = index;
}
