// stage.label_keep (Alloy's stages/label_keep.go): removes every label not listed.

import { attr } from '../../decode.js';
import { type StageDefinition, StageConfigError } from './stage.js';

export const labelKeepStage: StageDefinition = {
    name: 'label_keep',
    attributes: [attr('values', 'list(string)', true)],
    build(args) {
        const keep = new Set(args.stringList('values') ?? []);
        if (keep.size < 1) throw new StageConfigError('labelallow stage config cannot be empty');
        return {
            run(e, next) {
                for (const name of e.labels.keys()) if (!keep.has(name)) e.labels.delete(name);
                next(e);
            },
        };
    },
};
