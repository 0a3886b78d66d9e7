// stage.structured_metadata (Alloy's stages/structured_metadata.go): adds structured metadata from the
// extracted map and from labels (by the `values` map and/or the `regex` on names). Labels it takes are
// removed from the stream labels; a name already in the metadata is replaced in place.

import { attr } from '../../decode.js';
import { GoRegexp } from './go-regexp.js';
import { isValidLabelValue, tryString } from './go-values.js';
import { labelSources, optionalStringMap } from './label-values.js';
import type { PipelineEntry, StageDefinition } from './stage.js';

function setMetadata(e: PipelineEntry, name: string, value: string): void {
    const i = e.structuredMetadata.findIndex((m) => m.name === name);
    if (i >= 0) e.structuredMetadata[i] = { name, value };
    else e.structuredMetadata.push({ name, value });
}

export const structuredMetadataStage: StageDefinition = {
    name: 'structured_metadata',
    attributes: [attr('values', 'map(string)'), attr('regex', 'string')],
    build(args) {
        const values = optionalStringMap(args, 'values');
        const sources = values !== undefined && values.size > 0 ? [...labelSources(values)] : [];
        const regexText = args.string('regex', '');
        const regex = regexText === '' ? undefined : new GoRegexp(regexText);
        return {
            run(e, next) {
                for (const [name, src] of sources) {
                    if (!e.extracted.has(src)) continue;
                    const s = tryString(e.extracted.get(src));
                    if (s !== undefined && isValidLabelValue(s)) setMetadata(e, name, s);
                }
                if (regex !== undefined) {
                    for (const [name, v] of e.extracted) {
                        if (!regex.test(name)) continue;
                        const s = tryString(v);
                        if (s !== undefined && isValidLabelValue(s)) setMetadata(e, name, s);
                    }
                }
                const found: string[] = [];
                for (const [name, src] of sources) {
                    const v = e.labels.get(src);
                    if (v === undefined) continue;
                    setMetadata(e, name, v);
                    found.push(src);
                }
                for (const name of found) e.labels.delete(name);
                if (regex !== undefined) {
                    found.length = 0;
                    for (const [name, v] of e.labels) {
                        if (!regex.test(name)) continue;
                        setMetadata(e, name, v);
                        found.push(name);
                    }
                    for (const name of found) e.labels.delete(name);
                }
                next(e);
            },
        };
    },
};
