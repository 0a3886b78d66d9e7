// stage.static_labels (Alloy's stages/static_labels.go): sets fixed labels; an empty value sets nothing.

import { attr } from '../../decode.js';
import { isValidLabelName, isValidLabelValue } from './go-values.js';
import { optionalStringMap } from './label-values.js';
import { type StageDefinition, StageConfigError } from './stage.js';

export const staticLabelsStage: StageDefinition = {
    name: 'static_labels',
    attributes: [attr('values', 'map(string)', true)],
    build(args) {
        const values = optionalStringMap(args, 'values');
        if (values === undefined) throw new StageConfigError('static_labels stage config cannot be empty');
        for (const name of values.keys()) if (!isValidLabelName(name)) throw new StageConfigError(`invalid label name: ${name}`);
        const pairs: [string, string][] = [];
        for (const [name, value] of values) {
            if (value === undefined || value === '') continue;
            if (!isValidLabelValue(value)) throw new StageConfigError(`invalid label value: ${value}`);
            pairs.push([name, value]);
        }
        return {
            run(e, next) {
                for (const [name, value] of pairs) e.labels.set(name, value);
                next(e);
            },
        };
    },
};
