// Type errors flowlens can be sure of: a known value that no conversion turns
// into the type a component's docs give for an attribute. Alloy converts
// numbers to strings and numeric strings to numbers, so those pass.

import type { Value } from '../eval/value.js';

/** Alloy's word for the expected type when `value` can never be `docType`; undefined otherwise. */
export function certainTypeMismatch(value: Value, docType: string): string | undefined {
    if (value.kind === 'unknown' || value.kind === 'null') return undefined;
    const type = docType.trim().toLowerCase();
    if (type === '' || type === 'any' || type.includes(' or ')) return undefined;
    if (/^(list\(|\[\])/.test(type)) return value.kind === 'array' ? undefined : 'array';
    if (/^(map\(|object)/.test(type)) return value.kind === 'object' ? undefined : 'object';
    switch (type) {
        case 'string':
        case 'duration':
        case 'secret':
            return value.kind === 'string' || value.kind === 'number' || value.kind === 'secret' ? undefined : 'string';
        case 'number':
        case 'int':
        case 'uint':
        case 'float':
            if (value.kind === 'number') return undefined;
            if (value.kind === 'string' && value.value.trim() !== '' && !Number.isNaN(Number(value.value))) return undefined;
            return 'number';
        case 'bool':
        case 'boolean':
            return value.kind === 'bool' ? undefined : 'bool';
    }
    // Capsule types (receivers, consumers): a plain literal can never be one.
    if (/^[a-z]+\.[A-Z]|^[A-Z]/.test(docType.trim()) && ['string', 'number', 'bool'].includes(value.kind)) return 'capsule';
    return undefined;
}
