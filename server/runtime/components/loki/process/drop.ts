// stage.drop (Alloy's stages/drop.go): drops entries meeting every configured criterion (length,
// age, presence of extracted keys, a regex on the line or on extracted values) and counts them in
// loki_process_dropped_lines_total{reason=drop_counter_reason}.

import { attr } from '../../decode.js';
import { GoRegexp, quoteMeta } from './go-regexp.js';
import { byteLength, tryString } from './go-values.js';
import { type StageDefinition, StageConfigError } from './stage.js';

const BASE2_UNITS: Record<string, number> = { B: 1 };
['K', 'M', 'G', 'T', 'P', 'E'].forEach((p, i) => {
    BASE2_UNITS[`${p}B`] = BASE2_UNITS[`${p}iB`] = 1024 ** (i + 1);
});

/** units.ParseBase2Bytes (github.com/alecthomas/units): "8KB" and "8KiB" are both 8192; "0" is 0. */
export function parseBase2Bytes(text: string): number {
    if (text === '0') return 0;
    let s = text;
    let total = 0;
    if (s === '') throw new Error(`units: invalid ${JSON.stringify(text)}`);
    while (s !== '') {
        const m = /^(\d+(?:\.\d*)?|\.\d+)/.exec(s);
        if (m === null) throw new Error(`units: invalid ${JSON.stringify(text)}`);
        s = s.slice(m[0].length);
        const u = /^[^\d.]*/.exec(s)![0];
        if (u === '') throw new Error(`units: missing unit in ${JSON.stringify(text)}`);
        const factor = BASE2_UNITS[u];
        if (factor === undefined) throw new Error(`units: unknown unit ${u} in ${JSON.stringify(text)}`);
        s = s.slice(u.length);
        total += Number(m[0]) * factor;
    }
    return Math.trunc(total);
}

export const dropStage: StageDefinition = {
    name: 'drop',
    attributes: [
        attr('drop_counter_reason', 'string'),
        attr('expression', 'string'),
        attr('longer_than', 'string'),
        attr('older_than', 'duration'),
        attr('separator', 'string'),
        attr('source', 'string'),
        attr('value', 'string'),
    ],
    build(args, ctx) {
        const reason = args.string('drop_counter_reason', '') || 'drop_stage';
        const source = args.string('source', '');
        const value = args.string('value', '');
        const separator = args.string('separator', '') || ';';
        const expression = args.string('expression', '');
        const olderThanMs = args.duration('older_than', 0);
        let longerThan = 0;
        const longerText = args.string('longer_than', '');
        if (longerText !== '') {
            try {
                longerThan = parseBase2Bytes(longerText);
            } catch (e) {
                args.fail('longer_than', (e as Error).message);
            }
        }
        if (source === '' && expression === '' && olderThanMs === 0 && longerThan === 0) {
            throw new StageConfigError('drop stage config must contain at least one of `source`, `expression`, `older_than` or `longer_than`');
        }
        if (value !== '' && expression !== '') throw new StageConfigError('drop stage config error, `value` and `expression` cannot both be defined at the same time');
        if (value !== '' && source === '') throw new StageConfigError('drop stage config must contain `source` if `value` is specified');
        let regex: GoRegexp | undefined;
        try {
            if (expression !== '') regex = new GoRegexp(expression);
            if (value !== '') regex = new GoRegexp(`^${quoteMeta(value)}$`);
        } catch (e) {
            throw new StageConfigError(`drop stage regex compilation error: ${(e as Error).message}`);
        }
        const sources = source === '' ? [] : source.split(',');
        const olderThanNs = BigInt(Math.round(olderThanMs * 1e6));

        function shouldDrop(e: { line: string; timestamp: bigint; extracted: Map<string, unknown> }): boolean {
            if (longerThan !== 0 && byteLength(e.line) <= longerThan) return false;
            if (olderThanMs !== 0 && !(e.timestamp < BigInt(Date.now()) * 1_000_000n - olderThanNs)) return false;
            if (source !== '' && regex === undefined) {
                for (const src of sources) if (!e.extracted.has(src)) return false;
            }
            if (source === '' && regex !== undefined && !regex.test(e.line)) return false;
            if (source !== '' && regex !== undefined) {
                const values: string[] = [];
                for (const src of sources) {
                    if (!e.extracted.has(src)) continue;
                    const s = tryString(e.extracted.get(src));
                    if (s === undefined) return false;
                    values.push(s);
                }
                if (!regex.test(values.join(separator))) return false;
            }
            return true;
        }

        return {
            run(e, next) {
                if (!shouldDrop(e)) return next(e);
                ctx.dropped(reason);
            },
        };
    },
};
