// stage.label_drop (Alloy's stages/label_drop.go): removes the listed labels.

import { attr } from '../../decode.js';
import { type StageDefinition, StageConfigError } from './stage.js';

export const labelDropStage: StageDefinition = {
    name: 'label_drop',
    attributes: [attr('values', 'list(string)', true)],
    build(args) {
        const values = args.stringList('values') ?? [];
        if (values.length < 1) throw new StageConfigError('labeldrop stage config cannot be empty');
        return {
            run(e, next) {
                for (const name of values) e.labels.delete(name);
                next(e);
            },
        };
    },
};
