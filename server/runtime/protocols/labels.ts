/**
 * The label-set model shared by the scraper, relabel engine and remote-write codec.
 *
 * A label set is an immutable array of `{ name, value }` pairs sorted by name (JavaScript string order,
 * which equals Prometheus' byte order for every valid, i.e. ASCII, label name). Functions here never
 * mutate their input and return the *same* array when nothing changes, so callers can cheaply detect
 * "unchanged" with `===` and share label sets between samples.
 *
 * Following the Prometheus data model, a label with an empty value is the same as an absent label:
 * helpers that build label sets drop empty values.
 */

export interface Label {
    readonly name: string;
    readonly value: string;
}

/** Label pairs sorted by name, without duplicate names. Treat as immutable. */
export type Labels = readonly Label[];

export interface SampleValue {
    value: number;
    /** Milliseconds since the Unix epoch. */
    timestampMs: number;
}

export interface Sample extends SampleValue {
    labels: Labels;
}

export interface TimeSeries {
    labels: Labels;
    samples: SampleValue[];
}

export const METRIC_NAME_LABEL = '__name__';

export const EMPTY_LABELS: Labels = Object.freeze([]) as Labels;

// ---------------------------------------------------------------------------------------------
// Name validation (legacy Prometheus rules). Char-code loops: these run once per label on hot paths.
// ---------------------------------------------------------------------------------------------

function isLetterOrUnderscore(c: number): boolean {
    return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}

function isDigit(c: number): boolean {
    return c >= 48 && c <= 57;
}

/** `[a-zA-Z_][a-zA-Z0-9_]*` */
export function isValidLabelName(name: string): boolean {
    const n = name.length;
    if (n === 0 || !isLetterOrUnderscore(name.charCodeAt(0))) return false;
    for (let i = 1; i < n; i++) {
        const c = name.charCodeAt(i);
        if (!isLetterOrUnderscore(c) && !isDigit(c)) return false;
    }
    return true;
}

/** `[a-zA-Z_:][a-zA-Z0-9_:]*` */
export function isValidMetricName(name: string): boolean {
    const n = name.length;
    if (n === 0) return false;
    const c0 = name.charCodeAt(0);
    if (!isLetterOrUnderscore(c0) && c0 !== 58) return false;
    for (let i = 1; i < n; i++) {
        const c = name.charCodeAt(i);
        if (!isLetterOrUnderscore(c) && !isDigit(c) && c !== 58) return false;
    }
    return true;
}

// ---------------------------------------------------------------------------------------------
// Construction and conversion
// ---------------------------------------------------------------------------------------------

function byName(a: Label, b: Label): number {
    return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** True when names are strictly increasing (sorted and without duplicates). */
export function isSortedUnique(labels: readonly Label[]): boolean {
    for (let i = 1; i < labels.length; i++) {
        if (!(labels[i - 1].name < labels[i].name)) return false;
    }
    return true;
}

/**
 * Returns the labels sorted by name. Returns the input itself when it is already sorted, otherwise a
 * sorted copy (the input is never mutated). Duplicates are kept; use {@link isSortedUnique} to check.
 */
export function sortLabels(labels: readonly Label[]): Labels {
    for (let i = 1; i < labels.length; i++) {
        if (labels[i - 1].name > labels[i].name) return labels.slice().sort(byName);
    }
    return labels;
}

/** Builds a label set from a record; entries with an empty value are dropped. */
export function labelsFromRecord(record: Readonly<Record<string, string>>): Labels {
    const out: Label[] = [];
    for (const name of Object.keys(record)) {
        const value = record[name];
        if (value !== '') out.push({ name, value });
    }
    return out.sort(byName);
}

/** Converts a label set to a plain object (safe for a label named `__proto__`). */
export function labelsToRecord(labels: Labels): Record<string, string> {
    const out: Record<string, string> = {};
    for (const l of labels) {
        if (l.name === '__proto__') {
            Object.defineProperty(out, l.name, { value: l.value, enumerable: true, writable: true, configurable: true });
        } else {
            out[l.name] = l.value;
        }
    }
    return out;
}

/**
 * A stable string key identifying a label set, for use as a Map key. The value length is encoded so two
 * different label sets can never produce the same key, whatever characters their values contain
 * (label names cannot contain NUL).
 */
export function labelsKey(labels: Labels): string {
    let key = '';
    for (let i = 0; i < labels.length; i++) {
        const l = labels[i];
        key += l.name + '\u0000' + l.value.length + '\u0000' + l.value;
    }
    return key;
}

// ---------------------------------------------------------------------------------------------
// Lookup and functional updates
// ---------------------------------------------------------------------------------------------

function indexOfName(labels: Labels, name: string): number {
    // Label sets are small; binary search only pays off for larger ones.
    if (labels.length <= 16) {
        for (let i = 0; i < labels.length; i++) {
            const n = labels[i].name;
            if (n === name) return i;
            if (n > name) return -1;
        }
        return -1;
    }
    let lo = 0;
    let hi = labels.length - 1;
    while (lo <= hi) {
        const mid = (lo + hi) >>> 1;
        const n = labels[mid].name;
        if (n === name) return mid;
        if (n < name) lo = mid + 1;
        else hi = mid - 1;
    }
    return -1;
}

export function getLabel(labels: Labels, name: string): string | undefined {
    const i = indexOfName(labels, name);
    return i < 0 ? undefined : labels[i].value;
}

export function metricName(labels: Labels): string | undefined {
    return getLabel(labels, METRIC_NAME_LABEL);
}

/** Returns a label set with `name` set to `value` (removed when `value` is empty). */
export function withLabel(labels: Labels, name: string, value: string): Labels {
    if (value === '') return withoutLabel(labels, name);
    let i = 0;
    while (i < labels.length && labels[i].name < name) i++;
    if (i < labels.length && labels[i].name === name) {
        if (labels[i].value === value) return labels;
        const out = labels.slice();
        out[i] = { name, value };
        return out;
    }
    const out = labels.slice();
    out.splice(i, 0, { name, value });
    return out;
}

/** Returns a label set without `name` (the input itself when it has no such label). */
export function withoutLabel(labels: Labels, name: string): Labels {
    const i = indexOfName(labels, name);
    if (i < 0) return labels;
    const out = labels.slice();
    out.splice(i, 1);
    return out;
}

export function labelsEqual(a: Labels, b: Labels): boolean {
    if (a === b) return true;
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) {
        if (a[i].name !== b[i].name || a[i].value !== b[i].value) return false;
    }
    return true;
}

/**
 * Human-readable form, e.g. `up{instance="a:9090", job="x"}`, for logs and error messages. Works on
 * label lists that are not sorted (it is used to describe invalid input).
 */
export function formatLabels(labels: Labels): string {
    const name = labels.find((l) => l.name === METRIC_NAME_LABEL)?.value ?? '';
    const parts: string[] = [];
    for (const l of labels) {
        if (l.name !== METRIC_NAME_LABEL) parts.push(`${l.name}=${JSON.stringify(l.value)}`);
    }
    return parts.length === 0 ? name || '{}' : `${name}{${parts.join(', ')}}`;
}
