// stage.output (Alloy's stages/output.go): replaces the line with an extracted value.

import { attr } from '../../decode.js';
import { tryString } from './go-values.js';
import { type StageDefinition, StageConfigError } from './stage.js';

export const outputStage: StageDefinition = {
    name: 'output',
    attributes: [attr('source', 'string', true)],
    build(args) {
        const source = args.string('source', '');
        if (source === '') throw new StageConfigError('output source value is required if output is specified');
        return {
            run(e, next) {
                if (e.extracted.has(source)) {
                    const s = tryString(e.extracted.get(source));
                    if (s !== undefined) e.line = s;
                }
                next(e);
            },
        };
    },
};
