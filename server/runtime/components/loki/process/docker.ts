// stage.docker (Alloy's stages/docker.go): parses Docker's json-file lines {"log","stream","time"}. The
// line becomes `log`, `stream` a label, `time` (RFC3339Nano, when it parses) the timestamp; output,
// stream and timestamp go into the extracted map. Lines that are not such JSON, or have an empty `log`,
// pass unchanged.

import { parseRfc3339Nano } from './go-time.js';
import type { StageDefinition } from './stage.js';

const FIELDS = ['log', 'stream', 'time'] as const;
type DockerLog = Record<(typeof FIELDS)[number], string>;

/**
 * Decodes like Go's json.Unmarshal into Alloy's DockerLog struct: keys match field names case-insensitively,
 * null leaves a field empty, and any other non-string value for a field is an error.
 */
function decodeDockerLog(line: string): DockerLog | undefined {
    let value: unknown;
    try {
        value = JSON.parse(line);
    } catch {
        return undefined;
    }
    const out: DockerLog = { log: '', stream: '', time: '' };
    if (value === null) return out;
    if (typeof value !== 'object' || Array.isArray(value)) return undefined;
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
        const field = FIELDS.find((f) => f === key.toLowerCase());
        if (field === undefined || v === null) continue;
        if (typeof v !== 'string') return undefined;
        out[field] = v;
    }
    return out;
}

export const dockerStage: StageDefinition = {
    name: 'docker',
    attributes: [],
    build(_args, ctx) {
        return {
            run(e, next) {
                const parsed = decodeDockerLog(e.line);
                if (parsed === undefined) {
                    ctx.log('debug', 'failed to parse docker log');
                    return next(e);
                }
                if (parsed.log === '') {
                    ctx.log('debug', 'not valid docker format');
                    return next(e);
                }
                e.extracted.set('output', parsed.log);
                e.extracted.set('stream', parsed.stream);
                e.extracted.set('timestamp', parsed.time);
                e.line = parsed.log;
                e.labels.set('stream', parsed.stream);
                // Alloy keeps the entry's timestamp when the time does not parse.
                e.timestamp = parseRfc3339Nano(parsed.time) ?? e.timestamp;
                next(e);
            },
        };
    },
};
