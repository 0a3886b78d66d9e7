// stage.eventlogmessage (Alloy's stages/eventlogmessage.go): splits a Windows event log message
// ("Key: value" lines separated by CRLF) from the extracted value `source` into extracted values.
// A key that is not a legacy Prometheus label name is sanitised (or skipped with
// drop_invalid_labels); a key already extracted gets the suffix `_extracted` unless
// overwrite_existing. An entry whose source value cannot be read as a string is dropped.

import { isValidLabelName } from '../../../protocols/labels.js';
import { attr } from '../../decode.js';
import { isValidLabelValue, tryString } from './go-values.js';
import { type StageDefinition, StageConfigError } from './stage.js';

/** SanitizeFullLabelName: every rune outside [a-zA-Z_] (digits too, in first place) becomes `_`. */
export function sanitizeFullLabelName(input: string): string {
    if (input.length === 0) return '_';
    let out = '';
    let first = true;
    for (const ch of input) {
        const ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch === '_' || (ch >= '0' && ch <= '9' && !first);
        out += ok ? ch : '_';
        first = false;
    }
    return out;
}

export const eventLogMessageStage: StageDefinition = {
    name: 'eventlogmessage',
    attributes: [attr('source', 'string'), attr('drop_invalid_labels', 'bool'), attr('overwrite_existing', 'bool')],
    build(args, ctx) {
        const source = args.string('source', 'message') ?? 'message';
        const dropInvalid = args.bool('drop_invalid_labels', false);
        const overwrite = args.bool('overwrite_existing', false);
        if (!isValidLabelName(source)) throw new StageConfigError(`invalid label name: ${source}`);
        return {
            run(e, next) {
                if (!e.extracted.has(source)) return next(e);
                const message = tryString(e.extracted.get(source));
                if (message === undefined) {
                    ctx.log('warn', 'invalid label value parsed', { value: String(e.extracted.get(source)) });
                    return;
                }
                for (const line of message.split('\r\n')) {
                    const colon = line.indexOf(':');
                    if (colon < 0) continue;
                    let key = line.slice(0, colon);
                    if (!isValidLabelName(key)) {
                        if (dropInvalid) continue;
                        key = sanitizeFullLabelName(key);
                    }
                    if (e.extracted.has(key) && !overwrite) key += '_extracted';
                    const value = line.slice(colon + 1).trim();
                    if (!isValidLabelValue(value)) continue;
                    e.extracted.set(key, value);
                }
                next(e);
            },
        };
    },
};
