// stage.multiline (Alloy's stages/multiline.go): per stream, lines from one matching `firstline` up to
// the next become one entry (joined by "\n", with the first line's labels, timestamp and metadata),
// released at the next first line, after max_lines lines, or max_wait_time after the stream's last line.
// Lines of a stream that has not seen a first line pass through.

import { attr } from '../../decode.js';
import { GoRegexp } from './go-regexp.js';
import { type Next, type PipelineEntry, type StageDefinition, StageConfigError, labelSetKey } from './stage.js';

interface StreamState {
    start: PipelineEntry;
    lines: string[];
    lastSeen: number;
    timer?: NodeJS.Timeout;
}

export const multilineStage: StageDefinition = {
    name: 'multiline',
    attributes: [attr('firstline', 'string', true), attr('max_lines', 'number'), attr('max_wait_time', 'duration'), attr('trim_newlines', 'bool')],
    build(args) {
        const firstline = args.string('firstline', '');
        const maxLines = args.int('max_lines', 128, 0);
        const maxWaitMs = args.duration('max_wait_time', 3000);
        const trim = args.bool('trim_newlines', true);
        if (maxWaitMs <= 0) args.fail('max_wait_time', 'max_wait_time must be greater than 0');
        if (firstline === '') throw new StageConfigError('multiline stage config must define `firstline` regular expression');
        let re: GoRegexp;
        try {
            re = new GoRegexp(firstline);
        } catch (e) {
            throw new StageConfigError(`multiline stage first line regex compilation error: ${(e as Error).message}`);
        }
        const streams = new Map<string, StreamState>();
        let lastNext: Next | undefined;

        const collapse = (s: StreamState): PipelineEntry => {
            const out: PipelineEntry = {
                labels: new Map(s.start.labels),
                extracted: new Map(s.start.extracted),
                timestamp: s.start.timestamp,
                line: s.lines.join('\n'),
                structuredMetadata: [...s.start.structuredMetadata],
            };
            s.lines = [];
            return out;
        };
        const expire = (key: string): void => {
            const s = streams.get(key);
            if (s === undefined) return;
            streams.delete(key);
            if (s.lines.length > 0) lastNext?.(collapse(s));
        };
        const arm = (key: string, s: StreamState): void => {
            if (s.timer !== undefined) clearTimeout(s.timer);
            s.timer = setTimeout(() => expire(key), maxWaitMs);
            s.timer.unref();
        };

        return {
            run(e, next) {
                lastNext = next;
                const key = labelSetKey(e.labels);
                let s = streams.get(key);
                if (s !== undefined && s.lines.length > 0 && Date.now() - s.lastSeen >= maxWaitMs) next(collapse(s));
                const isFirst = re.test(e.line);
                if (s === undefined) {
                    if (!isFirst) return next(e);
                    s = { start: e, lines: [], lastSeen: 0 };
                    streams.set(key, s);
                }
                if (isFirst && s.lines.length > 0) next(collapse(s));
                if (isFirst) s.start = e;
                s.lines.push(trim ? e.line.replace(/[\r\n]+$/, '') : e.line);
                s.lastSeen = Date.now();
                arm(key, s);
                if (s.lines.length === maxLines) next(collapse(s));
            },
            pending() {
                let n = 0;
                for (const s of streams.values()) n += s.lines.length > 0 ? 1 : 0;
                return n;
            },
            flush(next) {
                for (const [key, s] of streams) {
                    if (s.timer !== undefined) clearTimeout(s.timer);
                    streams.delete(key);
                    if (s.lines.length > 0) next(collapse(s));
                }
            },
            stop() {
                for (const s of streams.values()) if (s.timer !== undefined) clearTimeout(s.timer);
                streams.clear();
            },
        };
    },
};
