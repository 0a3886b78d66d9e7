// stage.cri (Alloy's stages/cri.go): parses CRI container log lines. The line becomes the content, the
// time (RFC3339Nano, when it parses) the timestamp, `stream` a label; flags/stream/content/time go into
// the extracted map. Partial (P) lines are held per stream (labels) and joined to the next full (F)
// line; beyond max_partial_lines held streams, all held lines are released as they are. Held partial
// lines that never see their full line stay held, as in Alloy.

import { ArgumentError, attr } from '../../decode.js';
import type { MetricSpec } from '../../metrics.js';
import { parseRfc3339Nano } from './go-time.js';
import { parseCri } from './cri-parse.js';
import { type PipelineEntry, type StageDefinition, labelSetKey } from './stage.js';


const PARTIAL_LINES_FLUSHED: MetricSpec = {
    name: 'loki_process_cri_partial_lines_flushed_total',
    help: 'A count of partial lines that were flushed prematurely due to the max_partial_lines limit being exceeded',
    type: 'counter',
};
const LINES_TRUNCATED: MetricSpec = {
    name: 'loki_process_cri_lines_truncated_total',
    help: 'A count of lines that were truncated due to the max_partial_line_size limit',
    type: 'counter',
};

export const criStage: StageDefinition = {
    name: 'cri',
    attributes: [attr('max_partial_lines', 'number'), attr('max_partial_line_size', 'number'), attr('max_partial_line_size_truncate', 'bool')],
    build(args, ctx) {
        const maxPartialLines = args.int('max_partial_lines', 100);
        const maxPartialLineSize = args.int('max_partial_line_size', 0, 0);
        const truncate = args.bool('max_partial_line_size_truncate', false);
        if (maxPartialLines <= 0) throw new ArgumentError(`${[...args.path].join(' > ')}: max_partial_lines must be greater than 0`);
        const flushed = ctx.metrics.counter(PARTIAL_LINES_FLUSHED);
        const truncated = ctx.metrics.counter(LINES_TRUNCATED);
        let partial = new Map<string, PipelineEntry>();

        // Alloy compares and cuts bytes, not characters.
        const truncateIfRequired = (e: PipelineEntry): void => {
            if (!truncate) return;
            const bytes = Buffer.from(e.line, 'utf8');
            if (bytes.length <= maxPartialLineSize) return;
            e.line = bytes.subarray(0, maxPartialLineSize).toString('utf8');
            truncated.inc();
        };

        return {
            run(e, next) {
                const parsed = parseCri(e.line);
                if (parsed === undefined) return next(e);
                e.extracted.set('flags', parsed.flag);
                e.extracted.set('stream', parsed.stream);
                e.extracted.set('content', parsed.content);
                e.extracted.set('time', parsed.time);
                e.line = parsed.content;
                // Alloy keeps the entry's timestamp when the time does not parse.
                e.timestamp = parseRfc3339Nano(parsed.time) ?? e.timestamp;
                e.labels.set('stream', parsed.stream);
                const key = labelSetKey(e.labels);
                if (parsed.flag === 'P') {
                    if (partial.size >= maxPartialLines) {
                        ctx.log('warn', 'partial lines upperbound exceeded, merging it to single line', { threshold: maxPartialLines });
                        flushed.inc(partial.size);
                        const held = [...partial.values()];
                        partial = new Map();
                        truncateIfRequired(e);
                        partial.set(key, e);
                        for (const h of held) next(h);
                        return;
                    }
                    const prev = partial.get(key);
                    if (prev !== undefined) e.line = prev.line + e.line;
                    truncateIfRequired(e);
                    partial.set(key, e);
                    return;
                }
                const prev = partial.get(key);
                if (prev !== undefined) {
                    e.line = prev.line + e.line;
                    truncateIfRequired(e);
                    partial.delete(key);
                }
                next(e);
            },
        };
    },
};
