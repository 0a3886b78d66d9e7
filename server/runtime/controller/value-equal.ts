// Deep equality of Alloy values, used to decide whether new exports are a
// change worth re-evaluating dependants for (Alloy compares exports with
// DeepEqual). Capsules are equal when they carry the same runtime object.

import type { Value } from '../../../language/eval/value.js';

export function valuesEqual(a: Value, b: Value): boolean {
    if (a === b) return true;
    if (a.kind !== b.kind) return false;
    switch (a.kind) {
        case 'null':
            return true;
        case 'number': {
            const y = b as typeof a;
            return a.value === y.value || (Number.isNaN(a.value) && Number.isNaN(y.value));
        }
        case 'string':
        case 'bool':
        case 'secret':
            return a.value === (b as typeof a).value;
        case 'array': {
            const y = b as typeof a;
            if (a.items.length !== y.items.length) return false;
            for (let i = 0; i < a.items.length; i++) if (!valuesEqual(a.items[i], y.items[i])) return false;
            return true;
        }
        case 'object': {
            const y = b as typeof a;
            if (a.fields.size !== y.fields.size) return false;
            for (const [k, v] of a.fields) {
                const w = y.fields.get(k);
                if (w === undefined || !valuesEqual(v, w)) return false;
            }
            return true;
        }
        case 'function':
            return a.name === (b as typeof a).name && a.call === (b as typeof a).call;
        case 'capsule': {
            const y = b as typeof a;
            return a.type === y.type && a.payload === y.payload;
        }
        case 'unknown':
            return a.type === (b as typeof a).type;
    }
}

/** Deep equality of exports records. */
export function exportsEqual(a: ReadonlyMap<string, Value>, b: ReadonlyMap<string, Value>): boolean {
    if (a.size !== b.size) return false;
    for (const [k, v] of a) {
        const w = b.get(k);
        if (w === undefined || !valuesEqual(v, w)) return false;
    }
    return true;
}
