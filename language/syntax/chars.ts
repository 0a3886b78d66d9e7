// Character classes and Go-style quoting that Alloy's messages and printer use.

const LETTER = /\p{L}/u;
const DIGIT = /\p{Nd}/u;
const PRINTABLE = /[\p{L}\p{M}\p{N}\p{P}\p{S}]/u;

/** Go's unicode.IsLetter, plus `_` (an identifier may start with either). */
export function isLetter(cp: number): boolean {
    if (cp < 0x80) return (cp >= 0x61 && cp <= 0x7a) || (cp >= 0x41 && cp <= 0x5a) || cp === 0x5f;
    return LETTER.test(String.fromCodePoint(cp));
}

/** Go's unicode.IsDigit (decimal digits of any script). */
export function isDigit(cp: number): boolean {
    if (cp < 0x80) return cp >= 0x30 && cp <= 0x39;
    return DIGIT.test(String.fromCodePoint(cp));
}

/** Go's strconv.IsPrint. */
export function isPrint(cp: number): boolean {
    if (cp < 0x80) return cp >= 0x20 && cp < 0x7f;
    return PRINTABLE.test(String.fromCodePoint(cp));
}

/** True when `s` scans as exactly one identifier (keywords excluded), like Alloy's IsValidIdentifier. */
export function isValidIdentifier(s: string): boolean {
    if (s.length === 0 || s === 'true' || s === 'false' || s === 'null') return false;
    let first = true;
    for (const ch of s) {
        const cp = ch.codePointAt(0)!;
        if (!(isLetter(cp) || (!first && isDigit(cp)))) return false;
        first = false;
    }
    return true;
}

function hex(n: number, width: number): string {
    return n.toString(16).padStart(width, '0');
}

/** Go's strconv.Quote: the `%q` of a string. */
export function goQuote(s: string): string {
    let out = '"';
    for (const ch of s) {
        const cp = ch.codePointAt(0)!;
        if (cp === 0x22 || cp === 0x5c) {
            out += '\\' + ch;
        } else if (isPrint(cp)) {
            out += ch;
        } else {
            switch (cp) {
                case 0x07: out += '\\a'; break;
                case 0x08: out += '\\b'; break;
                case 0x0c: out += '\\f'; break;
                case 0x0a: out += '\\n'; break;
                case 0x0d: out += '\\r'; break;
                case 0x09: out += '\\t'; break;
                case 0x0b: out += '\\v'; break;
                default:
                    if (cp < 0x20 || cp === 0x7f) out += '\\x' + hex(cp, 2);
                    else if (cp >= 0xd800 && cp <= 0xdfff) out += '\\ufffd';
                    else if (cp < 0x10000) out += '\\u' + hex(cp, 4);
                    else out += '\\U' + hex(cp, 8);
            }
        }
    }
    return out + '"';
}

/** Go's `%#U` of a rune: `U+0023 '#'`, or just `U+0000` when it is not printable. */
export function goRuneDescription(cp: number): string {
    const code = 'U+' + cp.toString(16).toUpperCase().padStart(4, '0');
    return isPrint(cp) ? `${code} '${String.fromCodePoint(cp)}'` : code;
}
