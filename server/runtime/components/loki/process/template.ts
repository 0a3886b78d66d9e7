// stage.template (Alloy's stages/template.go): sets the extracted value `source` to a Go template executed
// on the extracted map (values as strings, .Value = the source's value, .Entry = the line); an empty
// result removes the key.

import { attr } from '../../decode.js';
import { GoTemplate, TemplateError } from './go-template.js';
import { tryString } from './go-values.js';
import { type StageDefinition, StageConfigError } from './stage.js';

/** Parses a template as Alloy does at config load; errors keep Go's wording. */
export function parseTemplate(text: string): GoTemplate {
    try {
        return new GoTemplate(text);
    } catch (e) {
        if (e instanceof TemplateError) throw new StageConfigError(e.message);
        throw e;
    }
}

export const templateStage: StageDefinition = {
    name: 'template',
    attributes: [attr('source', 'string', true), attr('template', 'string', true)],
    build(args, ctx) {
        const source = args.string('source', '');
        const template = parseTemplate(args.string('template', ''));
        if (source === '') throw new StageConfigError('template source value is required');
        return {
            run(e, next) {
                const data = new Map<string, unknown>();
                for (const [k, v] of e.extracted) {
                    const s = tryString(v);
                    if (s === undefined) continue;
                    data.set(k, s);
                    if (k === source) data.set('Value', s);
                }
                data.set('Entry', e.line);
                let result: string;
                try {
                    result = template.execute(data, '<no value>');
                } catch (err) {
                    ctx.log('debug', 'failed to execute template on extracted value', { err: (err as Error).message });
                    return next(e);
                }
                if (result === '') e.extracted.delete(source);
                else e.extracted.set(source, result);
                next(e);
            },
        };
    },
};
