// The `values` map shared by stage.labels, stage.static_labels and stage.structured_metadata: label name →
// source, an empty (or null) source meaning the label's own name (stages/labels.go validateLabelsConfig).

import type { Value } from '../../../../../language/eval/value.js';
import type { Args } from '../../decode.js';
import { isValidLabelName } from './go-values.js';
import { StageConfigError } from './stage.js';

/** `map(string)` whose values may be null; undefined when the attribute is absent. */
export function optionalStringMap(args: Args, name: string): Map<string, string | undefined> | undefined {
    const v: Value | undefined = args.value(name);
    if (v === undefined) return undefined;
    if (v.kind !== 'object') args.fail(name, 'expected map(string)');
    const out = new Map<string, string | undefined>();
    for (const [k, item] of v.fields) {
        if (item.kind === 'null') out.set(k, undefined);
        else if (item.kind === 'string') out.set(k, item.value);
        else args.fail(`${name}["${k}"]`, `expected string, got ${item.kind}`);
    }
    return out;
}

/** Label name → source name, with Alloy's "invalid label name: X" error. */
export function labelSources(values: ReadonlyMap<string, string | undefined>): Map<string, string> {
    const out = new Map<string, string>();
    for (const [name, src] of values) {
        if (!isValidLabelName(name)) throw new StageConfigError(`invalid label name: ${name}`);
        out.set(name, src === undefined || src === '' ? name : src);
    }
    return out;
}
