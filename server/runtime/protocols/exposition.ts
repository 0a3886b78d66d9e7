/**
 * Parser for the Prometheus text exposition format, version 0.0.4, as a scraper needs it.
 *
 * Design notes:
 * - The page is scanned once with `charCodeAt`; no regular expressions and no per-line `split`.
 * - A malformed line is reported (1-based line number + message) and skipped; parsing never throws.
 * - Labels are returned sorted, `__name__` included. Empty label values are dropped (an empty value is
 *   the same as an absent label in the Prometheus data model).
 * - {@link ExpositionParser} keeps a small generational cache from the raw series text
 *   (`name{labels}`) to its parsed, immutable label set. A target exposes the same series on every scrape,
 *   so steady-state scrapes skip label parsing and allocation entirely, and repeated scrapes of one series
 *   yield the *same* `Labels` object (downstream caches can key on identity).
 */

import { type Label, type Labels, type Sample, METRIC_NAME_LABEL } from './labels.js';

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

const METRIC_TYPES: ReadonlySet<string> = new Set<MetricType>(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

export interface MetricFamily {
    name: string;
    /** From `# TYPE`; `untyped` when the page declares HELP only. */
    type: MetricType;
    /** From `# HELP`, unescaped. */
    help?: string;
}

export interface ExpositionError {
    /** 1-based line number. */
    line: number;
    message: string;
}

export interface ScrapeResult {
    samples: Sample[];
    errors: ExpositionError[];
    /** Families declared by `# TYPE` / `# HELP` lines, by family name. */
    families: Map<string, MetricFamily>;
    /** Number of non-empty lines looked at (comments included); useful for scrape statistics. */
    linesParsed: number;
}

export interface ExpositionOptions {
    /**
     * Use timestamps present on sample lines (Prometheus `honor_timestamps`, default true). When false,
     * every sample gets the default timestamp.
     */
    honorTimestamps?: boolean;
}

export interface ExpositionParserOptions extends ExpositionOptions {
    /**
     * Upper bound on cached series (default 200 000). Series not seen during a whole `parse()` call are
     * evicted at the end of that call; 0 disables the cache.
     */
    seriesCacheSize?: number;
}

// Character codes.
const TAB = 9;
const CR = 13;
const SPACE = 32;
const QUOTE = 34;
const HASH = 35;
const PLUS = 43;
const COMMA = 44;
const MINUS = 45;
const DOT = 46;
const COLON = 58;
const EQUALS = 61;
const BACKSLASH = 92;
const LBRACE = 123;
const RBRACE = 125;

function isNameStart(c: number): boolean {
    return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}
function isNameChar(c: number): boolean {
    return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || (c >= 48 && c <= 57);
}
function isDigit(c: number): boolean {
    return c >= 48 && c <= 57;
}
function isBlank(c: number): boolean {
    return c === SPACE || c === TAB;
}

interface CacheEntry {
    readonly labels: Labels;
    generation: number;
}

/** Thrown internally for a bad line; caught per line and turned into an {@link ExpositionError}. */
class LineError {
    constructor(readonly message: string) {}
}

/**
 * Parses a float the way Go's `strconv.ParseFloat` accepts it for this format: decimal with optional
 * sign, fraction and exponent, or (case-insensitively) `NaN`, `Inf`, `Infinity` with optional sign.
 * Returns undefined when the token is not a number. Hex floats are not accepted.
 */
export function parseFloatToken(s: string, start: number, end: number): number | undefined {
    let i = start;
    let c = s.charCodeAt(i);
    let negative = false;
    if (c === PLUS || c === MINUS) {
        negative = c === MINUS;
        i++;
        c = s.charCodeAt(i);
    }
    if (i >= end) return undefined;
    if (!isDigit(c) && c !== DOT) {
        const word = s.slice(i, end).toLowerCase();
        if (word === 'inf' || word === 'infinity') return negative ? -Infinity : Infinity;
        if (word === 'nan') return NaN;
        return undefined;
    }
    // Fast path: plain integers of up to 15 digits are exact in a double.
    let intValue = 0;
    const digitsStart = i;
    while (i < end && isDigit((c = s.charCodeAt(i)))) {
        intValue = intValue * 10 + (c - 48);
        i++;
    }
    if (i === end && i - digitsStart <= 15) return negative ? -intValue : intValue;
    let mantissaDigits = i - digitsStart;
    if (i < end && c === DOT) {
        i++;
        const fracStart = i;
        while (i < end && isDigit(s.charCodeAt(i))) i++;
        mantissaDigits += i - fracStart;
    }
    if (mantissaDigits === 0) return undefined;
    if (i < end) {
        c = s.charCodeAt(i);
        if (c !== 101 && c !== 69) return undefined; // e / E
        i++;
        c = s.charCodeAt(i);
        if (c === PLUS || c === MINUS) i++;
        const expStart = i;
        while (i < end && isDigit(s.charCodeAt(i))) i++;
        if (i === expStart || i !== end) return undefined;
    }
    return Number(s.slice(start, end));
}

/** Parses an optionally negative integer millisecond timestamp; undefined when invalid or unsafe. */
function parseTimestampToken(s: string, start: number, end: number): number | undefined {
    let i = start;
    let negative = false;
    if (s.charCodeAt(i) === MINUS) {
        negative = true;
        i++;
    }
    if (i >= end) return undefined;
    let v = 0;
    for (; i < end; i++) {
        const c = s.charCodeAt(i);
        if (!isDigit(c)) return undefined;
        v = v * 10 + (c - 48);
    }
    if (!Number.isSafeInteger(v)) return undefined;
    return negative ? -v : v;
}

/** Unescapes a label value (`\\`, `\"`, `\n`); other escapes are kept verbatim, as Prometheus does. */
function unescapeLabelValue(s: string, start: number, end: number): string {
    let out = '';
    let chunk = start;
    for (let i = start; i < end; i++) {
        if (s.charCodeAt(i) !== BACKSLASH) continue;
        const next = s.charCodeAt(i + 1);
        let rep: string | undefined;
        if (next === BACKSLASH) rep = '\\';
        else if (next === QUOTE) rep = '"';
        else if (next === 110) rep = '\n'; // n
        if (rep !== undefined) {
            out += s.slice(chunk, i) + rep;
            i++;
            chunk = i + 1;
        } else {
            i++; // keep the backslash and the escaped character as they are
        }
    }
    return out + s.slice(chunk, end);
}

/** Unescapes HELP text (`\\` and `\n`). */
function unescapeHelp(s: string): string {
    if (s.indexOf('\\') < 0) return s;
    let out = '';
    for (let i = 0; i < s.length; i++) {
        const c = s[i];
        if (c === '\\' && i + 1 < s.length) {
            const n = s[i + 1];
            if (n === '\\') { out += '\\'; i++; continue; }
            if (n === 'n') { out += '\n'; i++; continue; }
        }
        out += c;
    }
    return out;
}

function insertSorted(labels: Label[], label: Label): void {
    let i = labels.length;
    labels.push(label);
    while (i > 0 && labels[i - 1].name > label.name) {
        labels[i] = labels[i - 1];
        i--;
    }
    labels[i] = label;
}

/**
 * Parses the `{...}` label block starting at `open` (the index of `{`). Returns the sorted labels
 * including `__name__`, and stores the index just after `}` in `state.pos`.
 */
function parseLabelBlock(s: string, open: number, end: number, name: string, state: { pos: number }): Label[] {
    const lineStart = state.pos;
    const labels: Label[] = [{ name: METRIC_NAME_LABEL, value: name }];
    let emptyNames: string[] | undefined; // names of dropped empty-valued labels, for the duplicate check
    let i = open + 1;
    for (;;) {
        while (i < end && isBlank(s.charCodeAt(i))) i++;
        if (i >= end) throw new LineError('unterminated label set: missing "}"');
        let c = s.charCodeAt(i);
        if (c === RBRACE) { i++; break; }
        // Label name.
        const nameStart = i;
        if (!isNameStart(c)) throw new LineError(`invalid label name at column ${i + 1 - lineStart}`);
        i++;
        while (i < end && isNameChar(s.charCodeAt(i))) i++;
        const labelName = s.slice(nameStart, i);
        while (i < end && isBlank(s.charCodeAt(i))) i++;
        if (s.charCodeAt(i) !== EQUALS || i >= end) throw new LineError(`expected "=" after label name "${labelName}"`);
        i++;
        while (i < end && isBlank(s.charCodeAt(i))) i++;
        if (s.charCodeAt(i) !== QUOTE || i >= end) throw new LineError(`expected quoted value for label "${labelName}"`);
        i++;
        // Label value: find the closing quote, noting whether any escape occurs.
        const valueStart = i;
        let escaped = false;
        while (i < end) {
            c = s.charCodeAt(i);
            if (c === QUOTE) break;
            if (c === BACKSLASH) { escaped = true; i += 2; continue; }
            i++;
        }
        if (i >= end) throw new LineError(`unterminated value for label "${labelName}"`);
        const value = escaped ? unescapeLabelValue(s, valueStart, i) : s.slice(valueStart, i);
        i++; // closing quote
        for (let k = 0; k < labels.length; k++) {
            if (labels[k].name === labelName) throw new LineError(`duplicate label name "${labelName}"`);
        }
        if (emptyNames !== undefined && emptyNames.includes(labelName)) throw new LineError(`duplicate label name "${labelName}"`);
        if (value !== '') insertSorted(labels, { name: labelName, value });
        else (emptyNames ??= []).push(labelName);
        while (i < end && isBlank(s.charCodeAt(i))) i++;
        c = s.charCodeAt(i);
        if (i < end && c === COMMA) { i++; continue; }
        if (i < end && c === RBRACE) { i++; break; }
        throw new LineError(`expected "," or "}" after value of label "${labelName}"`);
    }
    state.pos = i;
    return labels;
}

/** Finds the `}` closing the label block opened at `open`, skipping quoted values; -1 if none. */
function findLabelBlockEnd(s: string, open: number, end: number): number {
    let inQuotes = false;
    for (let i = open + 1; i < end; i++) {
        const c = s.charCodeAt(i);
        if (inQuotes) {
            if (c === BACKSLASH) i++;
            else if (c === QUOTE) inQuotes = false;
        } else if (c === QUOTE) {
            inQuotes = true;
        } else if (c === RBRACE) {
            return i;
        }
    }
    return -1;
}

/** Given a sample name, finds the family it belongs to (`x_bucket` → histogram `x`, etc.). */
export function familyOf(sampleName: string, families: ReadonlyMap<string, MetricFamily>): MetricFamily | undefined {
    const exact = families.get(sampleName);
    if (exact) return exact;
    const us = sampleName.lastIndexOf('_');
    if (us <= 0) return undefined;
    const suffix = sampleName.slice(us);
    const family = families.get(sampleName.slice(0, us));
    if (!family) return undefined;
    switch (family.type) {
        case 'histogram':
            return suffix === '_bucket' || suffix === '_sum' || suffix === '_count' || suffix === '_created' ? family : undefined;
        case 'summary':
            return suffix === '_sum' || suffix === '_count' || suffix === '_created' ? family : undefined;
        case 'counter':
            return suffix === '_total' || suffix === '_created' ? family : undefined;
        default:
            return undefined;
    }
}

/**
 * A reusable parser with a series cache. Use one instance per scrape target: after each `parse()` the
 * cache keeps exactly the series that page contained, so sharing an instance between targets would
 * make them evict each other's series (still correct, just uncached).
 */
export class ExpositionParser {
    private readonly honorTimestamps: boolean;
    private readonly cacheLimit: number;
    /** Raw series text → parsed labels, stamped with the generation (parse call) that last saw it. */
    private readonly cache = new Map<string, CacheEntry>();
    private generation = 0;
    /** In: line start (for column numbers); out: index after the label block. */
    private readonly pos = { pos: 0 };

    constructor(options: ExpositionParserOptions = {}) {
        this.honorTimestamps = options.honorTimestamps ?? true;
        this.cacheLimit = Math.max(0, options.seriesCacheSize ?? 200_000);
    }

    /** Number of series currently cached (between parses: the series seen by the last parse). */
    get cachedSeries(): number {
        return this.cache.size;
    }

    parse(text: string, defaultTimestampMs: number): ScrapeResult {
        const samples: Sample[] = [];
        const errors: ExpositionError[] = [];
        const families = new Map<string, MetricFamily>();
        const typeSeen = new Set<string>();
        const s = text;
        const len = s.length;
        let lineNo = 0;
        let linesParsed = 0;
        let lineStart = 0;
        while (lineStart < len) {
            let lineEnd = s.indexOf('\n', lineStart);
            if (lineEnd < 0) lineEnd = len;
            const next = lineEnd + 1;
            lineNo++;
            let end = lineEnd;
            if (end > lineStart && s.charCodeAt(end - 1) === CR) end--;
            let i = lineStart;
            while (i < end && isBlank(s.charCodeAt(i))) i++;
            if (i < end) {
                linesParsed++;
                try {
                    if (s.charCodeAt(i) === HASH) {
                        this.parseComment(s, i, end, families, typeSeen);
                    } else {
                        samples.push(this.parseSample(s, lineStart, i, end, defaultTimestampMs));
                    }
                } catch (e) {
                    if (!(e instanceof LineError)) throw e;
                    errors.push({ line: lineNo, message: e.message });
                }
            }
            lineStart = next;
        }
        this.rotateCache();
        return { samples, errors, families, linesParsed };
    }

    /** Evicts series the parse that just finished did not see. */
    private rotateCache(): void {
        if (this.cacheLimit === 0) return;
        const gen = this.generation++;
        for (const [key, entry] of this.cache) if (entry.generation !== gen) this.cache.delete(key);
    }

    private lookupSeries(key: string): Labels | undefined {
        const entry = this.cache.get(key);
        if (entry === undefined) return undefined;
        entry.generation = this.generation;
        return entry.labels;
    }

    private remember(key: string, labels: Labels): void {
        if (this.cache.size < this.cacheLimit) this.cache.set(key, { labels, generation: this.generation });
    }

    private parseSample(s: string, lineStart: number, start: number, end: number, defaultTs: number): Sample {
        // Metric name.
        let i = start;
        let c = s.charCodeAt(i);
        if (!isNameStart(c) && c !== COLON) throw new LineError('invalid metric name');
        i++;
        while (i < end && (isNameChar((c = s.charCodeAt(i))) || c === COLON)) i++;
        const nameEnd = i;
        while (i < end && isBlank(s.charCodeAt(i))) i++;

        let labels: Labels;
        const useCache = this.cacheLimit > 0;
        if (i < end && s.charCodeAt(i) === LBRACE) {
            if (useCache) {
                const close = findLabelBlockEnd(s, i, end);
                if (close < 0) {
                    // Let the full parser report the precise problem, so messages do not depend on caching.
                    this.pos.pos = lineStart;
                    parseLabelBlock(s, i, end, s.slice(start, nameEnd), this.pos);
                    throw new LineError('unterminated label set: missing "}"');
                }
                // Series identity = name + raw label block (whitespace between them is not significant).
                const key = nameEnd === i ? s.slice(start, close + 1) : s.slice(start, nameEnd) + s.slice(i, close + 1);
                const cached = this.lookupSeries(key);
                if (cached !== undefined) {
                    labels = cached;
                    i = close + 1;
                } else {
                    this.pos.pos = lineStart;
                    labels = parseLabelBlock(s, i, end, s.slice(start, nameEnd), this.pos);
                    i = this.pos.pos;
                    // Both scanners use the same quoting rules, so they agree on where the block ends.
                    if (i !== close + 1) throw new LineError('malformed label set');
                    this.remember(key, labels);
                }
            } else {
                this.pos.pos = lineStart;
                labels = parseLabelBlock(s, i, end, s.slice(start, nameEnd), this.pos);
                i = this.pos.pos;
            }
        } else {
            if (nameEnd === end) throw new LineError('missing value');
            if (i === nameEnd) throw new LineError('invalid character in metric name');
            const name = s.slice(start, nameEnd);
            const cached = useCache ? this.lookupSeries(name) : undefined;
            if (cached !== undefined) {
                labels = cached;
            } else {
                labels = [{ name: METRIC_NAME_LABEL, value: name }];
                if (useCache) this.remember(name, labels);
            }
        }

        // Value.
        while (i < end && isBlank(s.charCodeAt(i))) i++;
        if (i >= end) throw new LineError('missing value');
        const valueStart = i;
        while (i < end && !isBlank(s.charCodeAt(i))) i++;
        const value = parseFloatToken(s, valueStart, i);
        if (value === undefined) throw new LineError(`invalid value "${s.slice(valueStart, i)}"`);

        // Optional timestamp.
        while (i < end && isBlank(s.charCodeAt(i))) i++;
        let timestampMs = defaultTs;
        if (i < end) {
            const tsStart = i;
            while (i < end && !isBlank(s.charCodeAt(i))) i++;
            const ts = parseTimestampToken(s, tsStart, i);
            if (ts === undefined) throw new LineError(`invalid timestamp "${s.slice(tsStart, i)}"`);
            while (i < end && isBlank(s.charCodeAt(i))) i++;
            if (i < end) throw new LineError(`unexpected text after timestamp: "${s.slice(i, end)}"`);
            if (this.honorTimestamps) timestampMs = ts;
        }
        return { labels, value, timestampMs };
    }

    private parseComment(s: string, start: number, end: number, families: Map<string, MetricFamily>, typeSeen: Set<string>): void {
        // `#` then blanks then keyword; anything that is not HELP/TYPE is a plain comment.
        let i = start + 1;
        while (i < end && isBlank(s.charCodeAt(i))) i++;
        const kwStart = i;
        while (i < end && !isBlank(s.charCodeAt(i))) i++;
        const keyword = s.slice(kwStart, i);
        if (keyword !== 'HELP' && keyword !== 'TYPE') return;
        while (i < end && isBlank(s.charCodeAt(i))) i++;
        const nameStart = i;
        while (i < end && !isBlank(s.charCodeAt(i))) i++;
        const name = s.slice(nameStart, i);
        if (name === '') throw new LineError(`missing metric name in ${keyword} line`);
        if (!isMetricNameToken(name)) throw new LineError(`invalid metric name "${name}" in ${keyword} line`);
        // One blank separates the name from the rest; HELP text keeps any further leading blanks.
        if (i < end) i++;
        const rest = s.slice(i, end);
        let family = families.get(name);
        if (keyword === 'TYPE') {
            const type = rest.trim();
            if (!METRIC_TYPES.has(type)) throw new LineError(`unknown metric type "${type}" for "${name}"`);
            if (typeSeen.has(name)) throw new LineError(`second TYPE line for metric "${name}"`);
            typeSeen.add(name);
            if (family) family.type = type as MetricType;
            else families.set(name, { name, type: type as MetricType });
        } else {
            if (family?.help !== undefined) throw new LineError(`second HELP line for metric "${name}"`);
            if (!family) {
                family = { name, type: 'untyped' };
                families.set(name, family);
            }
            family.help = unescapeHelp(rest);
        }
    }
}

function isMetricNameToken(name: string): boolean {
    let c = name.charCodeAt(0);
    if (!isNameStart(c) && c !== COLON) return false;
    for (let k = 1; k < name.length; k++) {
        c = name.charCodeAt(k);
        if (!isNameChar(c) && c !== COLON) return false;
    }
    return true;
}

/**
 * One-shot parse without a series cache. Prefer a long-lived {@link ExpositionParser} per target for
 * repeated scrapes.
 */
export function parseExposition(text: string, defaultTimestampMs: number, options: ExpositionOptions = {}): ScrapeResult {
    return new ExpositionParser({ ...options, seriesCacheSize: 0 }).parse(text, defaultTimestampMs);
}
