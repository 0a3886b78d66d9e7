// stage.match (Alloy's stages/match.go): entries whose labels and line match a LogQL selector go
// through the nested stages (action "keep"), or are dropped (action "drop", counted under
// drop_counter_reason); other entries pass unchanged.

import { attr } from '../../decode.js';
import { LogQLParseError, parseLogSelector } from './logql.js';
import { type StageDefinition, StageConfigError } from './stage.js';

export const matchStage: StageDefinition = {
    name: 'match',
    attributes: [attr('selector', 'string', true), attr('action', 'string'), attr('drop_counter_reason', 'string'), attr('pipeline_name', 'string')],
    build(args, ctx) {
        const selectorText = args.string('selector', '');
        const action = args.string('action', '') || 'keep';
        args.string('pipeline_name');
        const reason = args.string('drop_counter_reason', '') || 'match_stage';
        const hasStages = args.body.blocks.some((b) => b.name.startsWith('stage.'));
        if (selectorText === '') throw new StageConfigError('selector statement required for match stage');
        if (action !== 'keep' && action !== 'drop') throw new StageConfigError("match stage action should be 'keep' or 'drop'");
        if (action === 'keep' && !hasStages) throw new StageConfigError("match stage requires at least one additional stage to be defined in '- stages'");
        if (action === 'drop' && hasStages) throw new StageConfigError('match stage configured to drop entries cannot contains stages');
        let selector;
        try {
            selector = parseLogSelector(selectorText);
        } catch (e) {
            if (!(e instanceof LogQLParseError)) throw e;
            throw new StageConfigError(`invalid selector syntax for match stage: ${e.message}`);
        }
        const { matchers, filter } = selector;
        const matches = (labels: ReadonlyMap<string, string>, line: string): boolean => matchers.every((m) => m(labels)) && (filter === undefined || filter(line));
        if (action === 'drop') {
            return {
                run(e, next) {
                    if (!matches(e.labels, e.line)) return next(e);
                    ctx.dropped(reason);
                },
            };
        }
        const pipeline = ctx.pipeline(args);
        return {
            run(e, next) {
                if (!matches(e.labels, e.line)) return next(e);
                pipeline.run(e, next);
            },
            pending: () => pipeline.pending(),
            flush: (next) => pipeline.flush(next),
            stop: () => pipeline.stop(),
        };
    },
};
