// stage.replace (Alloy's stages/replace.go): every capture group of every match of `expression` in the
// line (or an extracted value) is replaced by the `replace` template, executed with .Value = the
// captured text; named groups extract their replacement.

import { attr } from '../../decode.js';
import { GoRegexp } from './go-regexp.js';
import { tryString } from './go-values.js';
import { type StageDefinition, StageConfigError, inputOf } from './stage.js';
import { parseTemplate } from './template.js';

export const replaceStage: StageDefinition = {
    name: 'replace',
    attributes: [attr('expression', 'string', true), attr('source', 'string'), attr('replace', 'string')],
    build(args, ctx) {
        const expression = args.string('expression', '');
        const source = args.string('source', '');
        if (expression === '') throw new StageConfigError('expression is required');
        let re: GoRegexp;
        try {
            re = new GoRegexp(expression);
        } catch (e) {
            throw new StageConfigError(`could not compile regular expression: ${(e as Error).message}`);
        }
        let template;
        try {
            template = parseTemplate(args.string('replace', ''));
        } catch (e) {
            throw new StageConfigError(`failed to compile template: ${(e as Error).message}`);
        }
        const names = re.subexpNames;
        return {
            run(e, next) {
                const input = inputOf(e, source);
                if (input === undefined) return next(e);
                const all = re.execAll(input);
                if (all.length === 0) return next(e);
                const first = re.exec(input)!;
                // The template sees the extracted values as strings (a map[string]string: a missing key is "").
                const data = new Map<string, unknown>();
                for (const [k, v] of e.extracted) {
                    const s = tryString(v);
                    if (s !== undefined) data.set(k, s);
                }
                let result = '';
                let prevEnd = 0;
                const captured = new Map<string, string>();
                try {
                    for (const idx of all) {
                        for (let i = 2; i < idx.length; i += 2) {
                            if (idx[i] === -1) continue;
                            const text = input.slice(idx[i], idx[i + 1]);
                            data.set('Value', text);
                            const st = template.execute(data, '');
                            if (prevEnd === 0 || prevEnd <= idx[i]) {
                                result += input.slice(prevEnd, idx[i]) + st;
                                prevEnd = idx[i + 1];
                            }
                            captured.set(text, st);
                        }
                    }
                } catch (err) {
                    ctx.log('debug', 'failed to execute template on extracted value', { err: (err as Error).message });
                    return next(e);
                }
                result += input.slice(prevEnd);
                if (source !== '') e.extracted.set(source, result);
                else e.line = result;
                for (let i = 1; i < names.length; i++) {
                    if (names[i] === '') continue;
                    const v = captured.get(first[i]);
                    if (v !== undefined) e.extracted.set(names[i], v);
                }
                next(e);
            },
        };
    },
};
