// Go's regexp package as the stages use it (RE2 syntax, unanchored, leftmost-first). re2js parses the
// pattern, so what Go rejects is rejected with Go's words ("error parsing regexp: missing closing ):
// `(abc`"); matching then runs on an equivalent JavaScript RegExp where the project's RE2 translation
// covers the pattern (much faster), and on re2js itself otherwise.

import { RE2JS } from 're2js';
import { translateRe2 } from '../../../protocols/re2.js';

export class GoRegexp {
    /** Capture group names by index (index 0 is the whole match, ''), like Go's SubexpNames(). */
    readonly subexpNames: readonly string[];
    private readonly js: RegExp | undefined;
    private readonly jsGlobal: RegExp | undefined;
    private readonly re2: RE2JS;

    /** Throws an Error with Go's message when the pattern is not valid RE2. */
    constructor(readonly source: string) {
        this.re2 = RE2JS.compile(source);
        const names: string[] = new Array<string>(this.re2.groupCount() + 1).fill('');
        for (const [name, index] of Object.entries(this.re2.namedGroups() as Record<string, number>)) names[index] = name;
        this.subexpNames = names;
        let js: RegExp | undefined;
        try {
            const { source: translated, flags } = translateRe2(source);
            js = new RegExp(translated, flags);
            // Only trust the translation when it numbers the groups as RE2 does.
            if (new RegExp(`${translated}|`, flags).exec('')!.length !== names.length) js = undefined;
        } catch {
            js = undefined;
        }
        this.js = js;
        this.jsGlobal = js === undefined ? undefined : new RegExp(js.source, js.flags + 'g');
    }

    test(s: string): boolean {
        if (this.js !== undefined) return this.js.test(s);
        return this.re2.matcher(s).find();
    }

    /** Go's FindStringSubmatch: the match and its groups ('' for a group that did not take part), or null. */
    exec(s: string): string[] | null {
        if (this.js !== undefined) {
            const m = this.js.exec(s);
            if (m === null) return null;
            const out = new Array<string>(m.length);
            for (let i = 0; i < m.length; i++) out[i] = m[i] ?? '';
            return out;
        }
        const m = this.re2.matcher(s);
        if (!m.find()) return null;
        const out: string[] = [];
        for (let i = 0; i < this.subexpNames.length; i++) out.push(m.group(i) ?? '');
        return out;
    }

    /**
     * Go's FindAllStringSubmatchIndex: every non-overlapping match as [start, end] pairs per group (-1 for a group
     * that did not take part), in UTF-16 offsets of `s`.
     */
    execAll(s: string): number[][] {
        const out: number[][] = [];
        if (this.jsGlobal !== undefined) {
            const re = new RegExp(this.jsGlobal.source, this.jsGlobal.flags + 'd');
            let m: RegExpExecArray | null;
            let prevEnd = -1;
            while ((m = re.exec(s)) !== null) {
                const start = m.index;
                const end = start + m[0].length;
                if (m[0].length === 0) {
                    // Go skips an empty match right after the previous match; both advance one character.
                    re.lastIndex = end + (s.codePointAt(end)! > 0xffff ? 2 : 1);
                    if (start === prevEnd) continue;
                }
                const idx: number[] = [];
                for (let i = 0; i < m.length; i++) {
                    const r = m.indices![i];
                    idx.push(r === undefined ? -1 : r[0], r === undefined ? -1 : r[1]);
                }
                out.push(idx);
                prevEnd = end;
                if (re.lastIndex > s.length) break;
            }
            return out;
        }
        const m = this.re2.matcher(s);
        let prevEnd = -1;
        let from = 0;
        while (from <= s.length && m.find(from)) {
            const start = m.start(0);
            const end = m.end(0);
            from = end === start ? end + 1 : end;
            if (end === start && start === prevEnd) continue;
            const idx: number[] = [];
            for (let i = 0; i < this.subexpNames.length; i++) {
                const g = m.group(i);
                idx.push(g === null ? -1 : m.start(i), g === null ? -1 : m.end(i));
            }
            out.push(idx);
            prevEnd = end;
        }
        return out;
    }

    /** Go's ReplaceAllString with a literal replacement (no `$` expansion). */
    replaceAllLiteral(s: string, replacement: string): string {
        if (this.jsGlobal !== undefined) {
            this.jsGlobal.lastIndex = 0;
            return s.replace(this.jsGlobal, () => replacement);
        }
        let out = '';
        let last = 0;
        for (const idx of this.execAll(s)) {
            out += s.slice(last, idx[0]) + replacement;
            last = idx[1];
        }
        return out + s.slice(last);
    }
}

/** Go's regexp.QuoteMeta. */
export function quoteMeta(s: string): string {
    return s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}
