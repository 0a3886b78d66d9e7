// stage.pack (Alloy's stages/pack.go): the line becomes a JSON object of the `labels` found in the
// extracted map (as strings, keys sorted) plus the line under "_entry"; those labels leave the stream's
// labels. With ingest_timestamp (the default) the entry takes the time it was packed.

import { attr } from '../../decode.js';
import { goJsonMarshal, tryString } from './go-values.js';
import type { StageDefinition } from './stage.js';

const ENTRY_KEY = '_entry';

export const packStage: StageDefinition = {
    name: 'pack',
    attributes: [attr('labels', 'list(string)', true), attr('ingest_timestamp', 'bool')],
    build(args, ctx) {
        const wanted = new Set(args.stringList('labels') ?? []);
        const ingestTimestamp = args.bool('ingest_timestamp', true);
        return {
            run(e, next) {
                const packed = new Map<string, string>();
                for (const [key, value] of e.extracted) {
                    if (!wanted.has(key)) continue;
                    const s = tryString(value);
                    if (s === undefined) {
                        ctx.log('debug', 'value cannot be converted to a string and cannot be packed', { key });
                        continue;
                    }
                    packed.set(key, s);
                }
                const keys = [...packed.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
                const fields = keys.map((k) => `${goJsonMarshal(k)}:${goJsonMarshal(packed.get(k))}`);
                fields.push(`"${ENTRY_KEY}":${goJsonMarshal(e.line)}`);
                e.line = `{${fields.join(',')}}`;
                for (const k of keys) e.labels.delete(k);
                if (ingestTimestamp) e.timestamp = BigInt(Date.now()) * 1_000_000n;
                next(e);
            },
        };
    },
};
