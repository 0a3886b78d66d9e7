// Lexical tokens of the Alloy syntax. Their names are part of Alloy's error
// messages ("expected TERMINATOR, got IDENT"), so they print exactly as Alloy's.

export const enum Tok {
    ILLEGAL,
    EOF,
    COMMENT,
    IDENT,
    NUMBER,
    FLOAT,
    STRING,
    BOOL,
    NULL,
    OR, // ||
    AND, // &&
    NOT, // !
    ASSIGN, // =
    EQ, // ==
    NEQ, // !=
    LT, // <
    LTE, // <=
    GT, // >
    GTE, // >=
    ADD, // +
    SUB, // -
    MUL, // *
    DIV, // /
    MOD, // %
    POW, // ^
    LCURLY, // {
    RCURLY, // }
    LPAREN, // (
    RPAREN, // )
    LBRACK, // [
    RBRACK, // ]
    COMMA, // ,
    DOT, // .
    TERMINATOR, // a newline or EOF that ends a statement
}

const NAMES: readonly string[] = [
    'ILLEGAL', 'EOF', 'COMMENT', 'IDENT', 'NUMBER', 'FLOAT', 'STRING', 'BOOL', 'NULL',
    '||', '&&', '!', '=', '==', '!=', '<', '<=', '>', '>=',
    '+', '-', '*', '/', '%', '^',
    '{', '}', '(', ')', '[', ']', ',', '.',
    'TERMINATOR',
];

export function tokenName(tok: Tok): string {
    return NAMES[tok] ?? 'ILLEGAL';
}

/** Binary operator precedence; 0 for tokens that are not binary operators. */
export function binaryPrecedence(tok: Tok): number {
    switch (tok) {
        case Tok.OR: return 1;
        case Tok.AND: return 2;
        case Tok.EQ: case Tok.NEQ: case Tok.LT: case Tok.LTE: case Tok.GT: case Tok.GTE: return 3;
        case Tok.ADD: case Tok.SUB: return 4;
        case Tok.MUL: case Tok.DIV: case Tok.MOD: return 5;
        case Tok.POW: return 6;
        default: return 0;
    }
}

export type BinaryOperator = '||' | '&&' | '==' | '!=' | '<' | '<=' | '>' | '>=' | '+' | '-' | '*' | '/' | '%' | '^';
export type UnaryOperator = '!' | '-';
