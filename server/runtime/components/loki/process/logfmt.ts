// stage.logfmt (Alloy's stages/logfmt.go): extracts the logfmt pairs named in `mapping` (extracted name →
// logfmt key, an empty key meaning the same name) and/or whose key matches `regex`.

import { attr } from '../../decode.js';
import { GoRegexp } from './go-regexp.js';
import { LogfmtSyntaxError, decodeLogfmt } from './logfmt-decoder.js';
import { type StageDefinition, StageConfigError, inputOf } from './stage.js';

export const logfmtStage: StageDefinition = {
    name: 'logfmt',
    attributes: [attr('mapping', 'map(string)'), attr('source', 'string'), attr('regex', 'string')],
    build(args) {
        const mapping = args.stringMap('mapping') ?? new Map<string, string>();
        const source = args.string('source', '');
        const regexText = args.string('regex', '');
        if (mapping.size === 0 && regexText === '') throw new StageConfigError('logfmt mapping or regex is required');
        // logfmt key → extracted name
        const inverse = new Map<string, string>();
        for (const [name, key] of mapping) inverse.set(key === '' ? name : key, name);
        const regex = regexText === '' ? undefined : new GoRegexp(regexText);
        return {
            run(e, next) {
                const input = inputOf(e, source);
                if (input === undefined) return next(e);
                try {
                    decodeLogfmt(input, (key, value) => {
                        const name = inverse.get(key);
                        if (name !== undefined) e.extracted.set(name, value);
                        if (regex !== undefined && regex.test(key)) e.extracted.set(key, value);
                    });
                } catch (err) {
                    if (!(err instanceof LogfmtSyntaxError)) throw err;
                }
                next(e);
            },
        };
    },
};
