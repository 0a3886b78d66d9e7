// stage.labels (Alloy's stages/labels.go): sets labels from the extracted map, or with
// source_type = "structured_metadata" from the entry's structured metadata.

import { attr } from '../../decode.js';
import { isValidLabelValue, tryString } from './go-values.js';
import { labelSources, optionalStringMap } from './label-values.js';
import { type StageDefinition, StageConfigError } from './stage.js';

export const labelsStage: StageDefinition = {
    name: 'labels',
    attributes: [attr('values', 'map(string)', true), attr('source_type', 'string')],
    build(args) {
        const values = optionalStringMap(args, 'values');
        if (values === undefined) throw new StageConfigError('label stage config cannot be empty');
        const sourceType = args.string('source_type', '') || 'extracted';
        if (sourceType !== 'extracted' && sourceType !== 'structured_metadata') {
            if (sourceType !== 'line' && sourceType !== 'label') throw new StageConfigError(`unknown source_type: ${sourceType}`);
            throw new StageConfigError(`invalid labels source_type: ${sourceType}. Can only be 'extracted' or 'structured_metadata'`);
        }
        const sources = [...labelSources(values)];
        if (sourceType === 'extracted') {
            return {
                run(e, next) {
                    for (const [name, src] of sources) {
                        if (!e.extracted.has(src)) continue;
                        const s = tryString(e.extracted.get(src));
                        if (s !== undefined && isValidLabelValue(s)) e.labels.set(name, s);
                    }
                    next(e);
                },
            };
        }
        return {
            run(e, next) {
                for (const [name, src] of sources) {
                    const kv = e.structuredMetadata.find((m) => m.name === src);
                    if (kv !== undefined && isValidLabelValue(kv.value)) e.labels.set(name, kv.value);
                }
                next(e);
            },
        };
    },
};
