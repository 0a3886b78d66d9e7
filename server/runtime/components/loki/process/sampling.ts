// stage.sampling (Alloy's stages/sampling.go): keeps each entry with probability `rate` (0 to 1) and
// counts the others in loki_process_dropped_lines_total{reason=drop_counter_reason}.

import { ArgumentError, attr } from '../../decode.js';
import type { StageDefinition } from './stage.js';

export const samplingStage: StageDefinition = {
    name: 'sampling',
    attributes: [attr('rate', 'float', true), attr('drop_counter_reason', 'string')],
    build(args, ctx) {
        const rate = args.number('rate', 0);
        const reason = args.string('drop_counter_reason', 'sampling_stage');
        if (!(rate >= 0 && rate <= 1)) {
            // Go's %f: six decimals.
            throw new ArgumentError(`${[...args.path].join(' > ')}: sampling stage failed to parse rate,Sampling Rate must be between 0.0 and 1.0, received ${rate.toFixed(6)}`);
        }
        return {
            run(e, next) {
                if (rate >= 1 || Math.random() < rate) return next(e);
                ctx.dropped(reason);
            },
        };
    },
};
