// Metric families of an exposition page as the project's parser reads it: each
// family's type and the label names its series carry (values are not compared).

import type { Value } from '../../../../language/eval/value.js';
import { ExpositionParser } from '../../../../server/runtime/protocols/exposition.js';

export interface FamilyShape {
    type: string;
    labels: string[];
}

export function familiesOf(text: string): Map<string, FamilyShape> {
    const result = new ExpositionParser().parse(text, Date.now());
    if (result.errors.length > 0) throw new Error(`exposition errors: ${JSON.stringify(result.errors.slice(0, 3))}`);
    const out = new Map<string, { type: string; labels: Set<string> }>();
    for (const s of result.samples) {
        const name = s.labels.find((l) => l.name === '__name__')!.value;
        let f = out.get(name);
        if (f === undefined) out.set(name, (f = { type: result.families.get(name)?.type ?? 'untyped', labels: new Set() }));
        for (const l of s.labels) if (l.name !== '__name__') f.labels.add(l.name);
    }
    return new Map([...out].map(([n, f]) => [n, { type: f.type, labels: [...f.labels].sort() }]));
}

/** The labels of the one target an exporter exports (`targets`), as a lookup. */
export function exportedTarget(targets: Value | undefined): (label: string) => string {
    if (targets?.kind !== 'array' || targets.items[0]?.kind !== 'object') throw new Error(`no target exported: ${JSON.stringify(targets)}`);
    const fields = targets.items[0].fields;
    return (label) => {
        const v = fields.get(label);
        if (v?.kind !== 'string') throw new Error(`target has no ${label} label`);
        return v.value;
    };
}
