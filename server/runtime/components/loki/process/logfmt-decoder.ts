// A logfmt decoder with go-logfmt's rules (github.com/go-logfmt/logfmt, decode.go), which stage.logfmt
// uses: records are lines; a key runs up to `=` or a space; a value is bare (up to a space) or quoted
// (JSON escapes). A key without `=` has an empty value. Malformed input stops the scan with an error,
// after the pairs read before it.

export interface LogfmtPair {
    readonly key: string;
    readonly value: string;
}

export class LogfmtSyntaxError extends Error {}

function unquote(quoted: string): string | undefined {
    try {
        const v: unknown = JSON.parse(quoted);
        return typeof v === 'string' ? v : undefined;
    } catch {
        return undefined;
    }
}

/** Calls `onPair` for every pair in order; throws LogfmtSyntaxError where go-logfmt's Err() would be set. */
export function decodeLogfmt(input: string, onPair: (key: string, value: string) => void): void {
    for (const line of input.split('\n')) {
        const text = line.endsWith('\r') ? line.slice(0, -1) : line;
        decodeLine(text, onPair);
    }
}

function decodeLine(line: string, onPair: (key: string, value: string) => void): void {
    const n = line.length;
    let pos = 0;
    const fail = (what: string): never => {
        throw new LogfmtSyntaxError(`logfmt syntax error at pos ${pos + 1}: ${what}`);
    };
    for (;;) {
        while (pos < n && line.charCodeAt(pos) <= 32) pos++;
        if (pos >= n) return;
        // key
        const keyStart = pos;
        while (pos < n) {
            const c = line.charCodeAt(pos);
            if (c === 61 /* = */ || c === 34 /* " */ || c <= 32) break;
            pos++;
        }
        const key = line.slice(keyStart, pos);
        if (pos >= n || line.charCodeAt(pos) <= 32) {
            onPair(key, '');
            continue;
        }
        if (line.charCodeAt(pos) === 34) fail(`unexpected '"'`);
        if (key === '') fail(`unexpected '='`);
        pos++; // '='
        if (pos >= n || line.charCodeAt(pos) <= 32) {
            onPair(key, '');
            continue;
        }
        if (line.charCodeAt(pos) === 34) {
            const start = pos;
            let esc = false;
            let hasEsc = false;
            let end = -1;
            for (let i = pos + 1; i < n; i++) {
                const c = line.charCodeAt(i);
                if (esc) esc = false;
                else if (c === 92 /* \ */) hasEsc = esc = true;
                else if (c === 34) {
                    end = i;
                    break;
                }
            }
            if (end < 0) {
                pos = n;
                fail('unterminated quoted value');
            }
            pos = end + 1;
            const raw = line.slice(start, pos);
            const value = hasEsc ? unquote(raw) : raw.slice(1, -1);
            if (value === undefined) fail('invalid quoted value');
            onPair(key, value!);
            continue;
        }
        const valueStart = pos;
        while (pos < n) {
            const c = line.charCodeAt(pos);
            if (c === 61 || c === 34) fail(`unexpected '${String.fromCharCode(c)}'`);
            if (c <= 32) break;
            pos++;
        }
        onPair(key, line.slice(valueStart, pos));
    }
}
