// stage.regex (Alloy's stages/regex.go): the named groups of the first match of `expression` in the line
// (or an extracted value) go into the extracted map, and with `labels_from_groups` into the labels too.

import { attr } from '../../decode.js';
import { GoRegexp } from './go-regexp.js';
import { isValidLabelName, isValidLabelValue } from './go-values.js';
import { type StageDefinition, StageConfigError, inputOf } from './stage.js';

export const regexStage: StageDefinition = {
    name: 'regex',
    attributes: [attr('expression', 'string', true), attr('source', 'string'), attr('labels_from_groups', 'bool')],
    build(args) {
        const expression = args.string('expression', '');
        const source = args.string('source');
        const labelsFromGroups = args.bool('labels_from_groups', false);
        if (expression === '') throw new StageConfigError('expression is required');
        if (source === '') throw new StageConfigError('empty source');
        let re: GoRegexp;
        try {
            re = new GoRegexp(expression);
        } catch (e) {
            throw new StageConfigError(`could not compile regular expression: ${(e as Error).message}`);
        }
        const names = re.subexpNames;
        return {
            run(e, next) {
                const input = inputOf(e, source);
                if (input === undefined) return next(e);
                const match = re.exec(input);
                if (match !== null) {
                    for (let i = 1; i < names.length; i++) {
                        const name = names[i];
                        if (name === '') continue;
                        e.extracted.set(name, match[i]);
                        if (labelsFromGroups && isValidLabelName(name) && isValidLabelValue(match[i])) e.labels.set(name, match[i]);
                    }
                }
                next(e);
            },
        };
    },
};
