// The AST: the types generated from alloy.langium, plus the token positions
// that Alloy's printer and diagnostics need and the grammar cannot name.
// Every offset is a UTF-16 offset into the file's text; `$cstNode.offset` and
// `$cstNode.end` span the node from its first to one past its last character,
// exactly like Alloy's ast.StartPos and ast.EndPos.

import type * as Gen from '../generated/ast.js';

export * from '../generated/ast.js';

/** A `//` or `/* *\/` comment; `text` has carriage returns removed. */
export interface Comment {
    readonly offset: number;
    readonly text: string;
}

/** Comments on consecutive lines, the unit Alloy's printer re-attaches. */
export type CommentGroup = readonly Comment[];

declare module '../generated/ast.js' {
    interface ConfigFile {
        /** All comment groups of the file, in source order. */
        $comments: CommentGroup[];
    }
    interface Attribute {
        /** Offset of the name (the statement's start). */
        $nameOffset: number;
        $assignOffset: number;
    }
    interface Block {
        /** The dotted name split into fragments (`prometheus.scrape` → ['prometheus', 'scrape']). */
        $fragments: string[];
        /** Offset of the label's opening quote, or -1 when the block has no label. */
        $labelOffset: number;
        $lcurly: number;
        $rcurly: number;
    }
    interface AccessExpression {
        $dotOffset: number;
        $memberOffset: number;
    }
    interface IndexExpression {
        $lbrack: number;
        $rbrack: number;
    }
    interface CallExpression {
        $lparen: number;
        $rparen: number;
    }
    interface BinaryExpression {
        $operatorOffset: number;
    }
    interface ObjectField {
        /** True when the key was written as a string (its raw text between the quotes is `name`). */
        $quoted: boolean;
        $assignOffset: number;
    }
}

/** A literal as Alloy's LiteralExpr sees it. */
export type Literal = Gen.StringLiteral | Gen.NumberLiteral | Gen.BooleanLiteral | Gen.NullLiteral;

export function isLiteral(node: Gen.Expression): node is Literal {
    return node.$type === 'StringLiteral' || node.$type === 'NumberLiteral' || node.$type === 'BooleanLiteral' || node.$type === 'NullLiteral';
}

/** A block's ID as Alloy forms it: name fragments and label joined with '.'. */
export function blockId(block: Gen.Block): string {
    return block.label ? `${block.name}.${block.label}` : block.name;
}

/** Whether a NumberLiteral's text is a FLOAT token (fraction or exponent) rather than a NUMBER. */
export function isFloatText(text: string): boolean {
    return /[.eE]/.test(text);
}
