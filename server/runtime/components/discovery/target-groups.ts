// Prometheus' target group documents, as file_sd and http_sd read them: a list of
// `{"targets": ["host:port", ...], "labels": {"name": "value"}}` (targetgroup.Group's JSON and YAML
// forms: unknown keys refused, each target becomes `__address__`).

import YAML from 'yaml';
import type { Labels, TargetGroup } from './refresh.js';

function group(item: unknown, i: number, source: (i: number) => string, extra: Labels, strict: 'json' | 'yaml'): TargetGroup {
    if (item === null || item === undefined) throw new Error('nil target group item found');
    if (typeof item !== 'object' || Array.isArray(item)) throw new Error(`target group ${i}: expected an object with "targets" and "labels"`);
    const rec = item as Record<string, unknown>;
    for (const k of Object.keys(rec)) if (k !== 'targets' && k !== 'labels') throw new Error(`target group ${i}: unknown field ${JSON.stringify(k)}`);
    const targets = rec.targets ?? [];
    if (!Array.isArray(targets)) throw new Error(`target group ${i}: "targets" must be a list of strings`);
    const labels: Labels = {};
    const rawLabels = rec.labels ?? {};
    if (typeof rawLabels !== 'object' || rawLabels === null || Array.isArray(rawLabels)) throw new Error(`target group ${i}: "labels" must be a map of strings`);
    for (const [k, v] of Object.entries(rawLabels)) {
        if (typeof v !== 'string') throw new Error(`target group ${i}: label ${JSON.stringify(k)}: ${strict === 'json' ? 'cannot unmarshal a non-string into a label value' : 'expected a string'}`);
        if (k === '') throw new Error(`target group ${i}: "" is not a valid label name`);
        labels[k] = v;
    }
    return {
        source: source(i),
        labels: { ...labels, ...extra },
        targets: targets.map((t, j) => {
            if (typeof t !== 'string') throw new Error(`target group ${i}: target ${j} is not a string`);
            return { __address__: t };
        }),
    };
}

/**
 * Parses a JSON (or, with format 'yaml', a YAML) list of target groups; group i gets source
 * `source(i)` and the labels `extra` (`__meta_filepath`, `__meta_url`). Throws on malformed input.
 */
export function parseTargetGroups(text: string, format: 'json' | 'yaml', source: (i: number) => string, extra: Labels): TargetGroup[] {
    // YAML's failsafe schema keeps every scalar a string, as yaml.v2 does for a string field.
    const doc: unknown = format === 'json' ? JSON.parse(text) : YAML.parse(text, { schema: 'failsafe', uniqueKeys: true });
    if (doc === null || doc === undefined || doc === '') return [];
    if (!Array.isArray(doc)) throw new Error('expected a list of target groups');
    return doc.map((item, i) => group(item, i, source, extra, format));
}
