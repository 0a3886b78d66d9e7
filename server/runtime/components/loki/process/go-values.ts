// Conversions the stages share (Alloy's stages/util.go): values of the extracted map as strings, and the
// label name/value checks of prometheus/common's model (UTF-8 validation, its default scheme).

/** strconv.FormatFloat(f, 'f', -1, 64): the shortest decimal that round-trips, never in exponent form. */
export function formatFloatF(f: number): string {
    if (Number.isNaN(f)) return 'NaN';
    if (!Number.isFinite(f)) return f > 0 ? '+Inf' : '-Inf';
    const s = String(f);
    const e = s.indexOf('e');
    if (e < 0) return s;
    const negative = s.startsWith('-');
    const mantissa = s.slice(negative ? 1 : 0, e);
    const exp = Number(s.slice(e + 1));
    const dot = mantissa.indexOf('.');
    const digits = mantissa.replace('.', '');
    const pointAt = (dot < 0 ? mantissa.length : dot) + exp;
    let out: string;
    if (pointAt <= 0) out = '0.' + '0'.repeat(-pointAt) + digits;
    else if (pointAt >= digits.length) out = digits + '0'.repeat(pointAt - digits.length);
    else out = digits.slice(0, pointAt) + '.' + digits.slice(pointAt);
    return (negative ? '-' : '') + out;
}

/** util.go getString, or undefined where Go's getString fails (null, objects). */
export function tryString(v: unknown): string | undefined {
    switch (typeof v) {
        case 'string':
            return v;
        case 'number':
            return formatFloatF(v);
        case 'bigint':
            return v.toString();
        case 'boolean':
            return v ? 'true' : 'false';
        default:
            return undefined;
    }
}

// A lone surrogate is the only thing a JS string holds that is not valid UTF-8.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** model.LabelName.IsValid under UTF-8 validation: non-empty, valid UTF-8. */
export function isValidLabelName(name: string): boolean {
    return name.length > 0 && !LONE_SURROGATE.test(name);
}

/** model.LabelValue.IsValid: valid UTF-8. */
export function isValidLabelValue(value: string): boolean {
    return !LONE_SURROGATE.test(value);
}

/** Go's len() of a string: its UTF-8 byte length. */
export function byteLength(s: string): number {
    return Buffer.byteLength(s, 'utf8');
}

/** Go's json.Marshal: escapes <, > and & (and U+2028/9), which JSON.stringify leaves as they are. */
export function goJsonMarshal(v: unknown): string {
    return JSON.stringify(v).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
