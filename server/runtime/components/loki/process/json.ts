// stage.json (Alloy's stages/json.go): parses the line (or an extracted value) as a JSON object and
// extracts JMESPath expressions and/or the top-level keys matching `regex`.

import { compile, TreeInterpreter } from '@jmespath-community/jmespath';
import { attr } from '../../decode.js';
import { GoRegexp } from './go-regexp.js';
import { goJsonMarshal } from './go-values.js';
import { type StageDefinition, StageConfigError, inputOf } from './stage.js';

type Ast = ReturnType<typeof compile>;


/** simplifyType: scalars as they are, anything else as its JSON text. */
export function simplifyType(v: unknown): unknown {
    if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
    return goJsonMarshal(v);
}

export const jsonStage: StageDefinition = {
    name: 'json',
    attributes: [attr('expressions', 'map(string)'), attr('regex', 'string'), attr('source', 'string'), attr('drop_malformed', 'bool')],
    build(args) {
        const expressions = args.stringMap('expressions') ?? new Map<string, string>();
        const regexText = args.string('regex', '');
        const source = args.string('source');
        const dropMalformed = args.bool('drop_malformed', false);
        if (expressions.size === 0 && regexText === '') throw new StageConfigError('JMES expressions or regex is required');
        if (source === '') throw new StageConfigError('empty source');
        const compiled: [string, Ast][] = [];
        for (const [name, expr] of expressions) {
            try {
                compiled.push([name, compile(expr === '' ? name : expr)]);
            } catch (e) {
                throw new StageConfigError(`could not compile JMES expression: ${(e as Error).message}`);
            }
        }
        const regex = regexText === '' ? undefined : new GoRegexp(regexText);
        return {
            run(e, next) {
                const input = inputOf(e, source);
                if (input === undefined) return next(e);
                let data: unknown;
                try {
                    data = JSON.parse(input);
                } catch {
                    data = undefined;
                }
                // Go unmarshals into a map: only an object (or null) decodes.
                if (data === undefined || typeof data !== 'object' || Array.isArray(data)) {
                    if (dropMalformed) return;
                    return next(e);
                }
                for (const [name, ast] of compiled) {
                    let result: unknown;
                    try {
                        result = TreeInterpreter.search(ast, data as never);
                    } catch {
                        continue;
                    }
                    e.extracted.set(name, simplifyType(result));
                }
                if (regex !== undefined && data !== null) {
                    for (const [key, value] of Object.entries(data)) {
                        if (regex.test(key)) e.extracted.set(key, simplifyType(value));
                    }
                }
                next(e);
            },
        };
    },
};
