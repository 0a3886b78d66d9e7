// Profile label rules of Pyroscope and Alloy's pyroscope.* components:
// - the `name` parameter of the `/ingest` API, `app.cpu{env=prod,region=eu}` (Pyroscope's
//   api/model/labelset: the service name, then `key=value` pairs; no quoting, spaces trimmed);
// - label names Pyroscope accepts ([a-zA-Z0-9_.]) and service names (also `-` and `/`);
// - how receive_http and pyroscope.write fill `service_name` and `__name__` from each other.

import type { ProfileLabels } from './receiver.js';

export const NAME_LABEL = '__name__';
export const SERVICE_NAME_LABEL = 'service_name';
export const DELTA_LABEL = '__delta__';

const LABEL_NAME_RUNE = /^[a-zA-Z0-9_.]$/u;
const SERVICE_NAME_RUNE = /^[a-zA-Z0-9_./-]$/u;

/** Pyroscope's ValidateLabelName; undefined when valid. */
export function labelNameProblem(name: string): string | undefined {
    if (name === '') return 'label name is required';
    for (const r of name) if (!LABEL_NAME_RUNE.test(r)) return `invalid label name: ${name}: character is not allowed: ${JSON.stringify(r)}`;
    if (name === NAME_LABEL) return `label name is reserved: ${name}`;
    return undefined;
}

function serviceNameProblem(name: string): string | undefined {
    if (name === '') return 'service name is required';
    for (const r of name) if (!SERVICE_NAME_RUNE.test(r)) return `invalid service name: ${name}: character is not allowed: ${JSON.stringify(r)}`;
    return undefined;
}

/** Parses an `/ingest` `name` parameter as Pyroscope's labelset.Parse does; throws with its message. */
export function parseLabelSet(text: string): Record<string, string> {
    const labels: Record<string, string> = {};
    const brace = text.indexOf('{');
    const service = (brace < 0 ? text : text.slice(0, brace)).trim();
    const problem = serviceNameProblem(service);
    if (problem !== undefined) throw new Error(problem);
    labels[NAME_LABEL] = service;
    if (brace < 0) return labels;
    let key = '';
    let value = '';
    let inValue = false;
    for (const r of text.slice(brace + 1)) {
        if (!inValue) {
            if (r === '}') break;
            if (r === '=') {
                inValue = true;
                value = '';
            } else key += r;
            continue;
        }
        if (r === ',' || r === '}') {
            inValue = false;
            const name = key.trim();
            if (name !== NAME_LABEL) {
                const bad = labelNameProblem(name);
                if (bad !== undefined) throw new Error(bad);
            }
            labels[name] = value.trim();
            key = '';
            if (r === '}') break;
        } else value += r;
    }
    return labels;
}

/** labelset.Normalized: the service name, then `{k=v,...}` sorted by name (empty values left out, as Add does). */
export function normalizedLabelSet(labels: ProfileLabels): string {
    const names = Object.keys(labels)
        .filter((k) => k !== NAME_LABEL && labels[k] !== '')
        .sort();
    return `${labels[NAME_LABEL] ?? ''}{${names.map((k) => `${k}=${labels[k]}`).join(',')}}`;
}

/**
 * pyroscope.write's validateLabels: a profile needs labels, each name valid (except `__name__`). Values are
 * JavaScript strings, decoded from UTF-8 already, so Go's UTF-8 check has nothing left to find.
 */
export function profileLabelsProblem(labels: ProfileLabels): string | undefined {
    const names = Object.keys(labels).sort();
    if (names.length === 0) return 'service name is required';
    for (const name of names) {
        if (name === NAME_LABEL) continue;
        const problem = labelNameProblem(name);
        if (problem !== undefined) return problem.startsWith('invalid label name') ? problem : `invalid label name: ${problem}`;
    }
    return undefined;
}

/** Go's labels.Builder.Set: an empty value removes the label. */
function set(out: Record<string, string>, name: string, value: string): void {
    if (value === '') delete out[name];
    else out[name] = value;
}

/** receive_http's ensureServiceName: `service_name` from `__name__` when absent, else `__name__` copied to `app_name`. */
export function ensureServiceName(labels: ProfileLabels): Record<string, string> {
    const out = { ...labels };
    const name = labels[NAME_LABEL] ?? '';
    if (!(SERVICE_NAME_LABEL in labels)) set(out, SERVICE_NAME_LABEL, name);
    else set(out, 'app_name', name);
    return out;
}

/** pyroscope.write's ensureNameMatchesService (for `/ingest`): a non-empty `service_name` becomes `__name__`. */
export function ensureNameMatchesService(labels: ProfileLabels): Record<string, string> {
    const service = labels[SERVICE_NAME_LABEL] ?? '';
    return service === '' ? { ...labels } : { ...labels, [NAME_LABEL]: service };
}
