// stage.metrics (Alloy's stages/metric.go and process/metric/*.go): counters, gauges and histograms
// fed from the extracted map, one series per log stream (the entry's labels at this stage, less
// names that are not valid or start with "__"), named `prefix` (default loki_process_custom_) +
// `name`. A series not updated for max_idle_duration disappears. The entry itself passes unchanged.

import { isValidLabelName } from '../../../protocols/labels.js';
import { type Args, ArgumentError, attr, block, parseDuration } from '../../decode.js';
import type { InstanceMetrics } from '../../metrics.js';
import type { UncheckedSeries, UncheckedType } from '../../unchecked-metrics.js';
import { tryString } from './go-values.js';
import type { PipelineEntry, StageDefinition } from './stage.js';

const DEFAULT_PREFIX = 'loki_process_custom_';
const COUNTER_ACTIONS = ['inc', 'add'];
const GAUGE_ACTIONS = ['set', 'inc', 'dec', 'add', 'sub'];

const COMMON = [
    attr('name', 'string', true),
    attr('description', 'string'),
    attr('source', 'string'),
    attr('prefix', 'string'),
    attr('max_idle_duration', 'duration'),
    attr('value', 'string'),
];
const METRIC_BLOCKS = [
    block('metric.counter', false, [...COMMON, attr('action', 'string', true), attr('match_all', 'bool'), attr('count_entry_bytes', 'bool')]),
    block('metric.gauge', false, [...COMMON, attr('action', 'string', true)]),
    block('metric.histogram', false, [...COMMON, attr('buckets', 'list(float)', true)]),
];

interface MetricConfig {
    readonly type: UncheckedType;
    readonly name: string;
    readonly source: string;
    readonly value: string;
    readonly action: string;
    readonly matchAll: boolean;
    readonly countEntryBytes: boolean;
    readonly series: UncheckedSeries;
}

/** strconv.ParseFloat for decimal input (Go also reads hex floats, which log values do not carry). */
function parseGoFloat(s: string): number | undefined {
    if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return Number(s);
    if (/^[+-]?(inf|infinity)$/i.test(s)) return s.startsWith('-') ? -Infinity : Infinity;
    if (/^nan$/i.test(s)) return NaN;
    return undefined;
}

/** metric.go getFloat: numbers, booleans (1/0), and strings as floats or as Go durations in seconds. */
export function toFloat(v: unknown): number | undefined {
    switch (typeof v) {
        case 'number':
            return v;
        case 'bigint':
            return Number(v);
        case 'boolean':
            return v ? 1 : 0;
        case 'string': {
            const f = parseGoFloat(v);
            if (f !== undefined) return f;
            try {
                return parseDuration(v) / 1000;
            } catch {
                return undefined;
            }
        }
        default:
            return undefined;
    }
}

/** metricVec.cleanLabels: drops names that are not valid label names or start with "__". */
function seriesLabels(e: PipelineEntry): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of e.labels) if (isValidLabelName(k) && !k.startsWith('__')) out[k] = v;
    return out;
}

function fail(args: Args, message: string): never {
    throw new ArgumentError(`${[...args.path].join(' > ')}: ${message}`);
}

function configOf(kind: string, args: Args, metrics: InstanceMetrics): MetricConfig {
    const type = kind.slice('metric.'.length) as UncheckedType;
    const name = args.string('name', '') ?? '';
    const maxIdleMs = args.duration('max_idle_duration', 5 * 60_000, { allowZero: true });
    if (maxIdleMs < 1000) fail(args, 'max_idle_duration must be greater or equal than 1s');
    const value = args.string('value', '') ?? '';
    const action = args.string('action', '') ?? '';
    const matchAll = args.bool('match_all', false);
    const countEntryBytes = args.bool('count_entry_bytes', false);
    let buckets: number[] | undefined;
    if (type === 'counter') {
        if (!COUNTER_ACTIONS.includes(action)) fail(args, "the 'action' counter field must be either 'inc' or 'add'");
        if (matchAll && value !== '') fail(args, "a 'counter' metric supports either 'match_all' or a 'value', but not both");
        if (countEntryBytes && (!matchAll || action !== 'add')) {
            fail(args, "the 'count_entry_bytes' counter field must be specified along with match_all set to true or action set to 'add'");
        }
    } else if (type === 'gauge') {
        if (!GAUGE_ACTIONS.includes(action)) fail(args, "the 'action' gauge field must be one of the following values: [set, inc, dec, add, sub]");
    } else {
        const v = args.value('buckets');
        const bounds = v?.kind === 'array' ? v.items.map((x) => (x.kind === 'number' ? x.value : NaN)) : [];
        // client_golang drops a trailing +Inf (it adds its own) and panics on unsorted buckets.
        if (bounds.length > 0 && bounds[bounds.length - 1] === Infinity) bounds.pop();
        for (let i = 1; i < bounds.length; i++) {
            if (!(bounds[i] > bounds[i - 1])) fail(args, `histogram buckets must be in increasing order: ${bounds[i - 1]} >= ${bounds[i]}`);
        }
        buckets = bounds;
    }
    const prefix = (args.string('prefix', '') ?? '') || DEFAULT_PREFIX;
    const series = metrics.unchecked({ name: prefix + name, help: args.string('description', '') ?? '', type, buckets, maxIdleMs });
    return { type, name, source: (args.string('source', '') ?? '') || name, value, action, matchAll, countEntryBytes, series };
}

function record(m: MetricConfig, e: PipelineEntry): void {
    const labels = seriesLabels(e);
    if (m.type === 'counter' && m.matchAll) {
        if (m.countEntryBytes) m.series.add(labels, Buffer.byteLength(e.line, 'utf8'));
        else if (m.action === 'inc') m.series.add(labels, 1);
        return;
    }
    if (!e.extracted.has(m.source)) return;
    const v = e.extracted.get(m.source);
    if (m.value !== '' && tryString(v) !== m.value) return;
    if (m.type === 'histogram') {
        const f = toFloat(v);
        if (f !== undefined) m.series.observe(labels, f);
        return;
    }
    if (m.action === 'inc') return m.series.add(labels, 1);
    if (m.action === 'dec') return m.series.add(labels, -1);
    const f = toFloat(v);
    if (f === undefined) return;
    if (m.type === 'counter') {
        // client_golang panics on a negative counter increment; the series keeps its value instead.
        if (f >= 0) m.series.add(labels, f);
        return;
    }
    if (m.action === 'set') m.series.set(labels, f);
    else m.series.add(labels, m.action === 'add' ? f : -f);
}

export const metricsStage: StageDefinition = {
    name: 'metrics',
    attributes: [],
    blocks: METRIC_BLOCKS,
    build(args, ctx) {
        // Keyed by name as Go's map is: a later metric of the same name replaces an earlier one.
        const byName = new Map<string, MetricConfig>();
        const seen = new Map<string, number>();
        for (const b of args.body.blocks) {
            if (!b.name.startsWith('metric.')) continue;
            const k = seen.get(b.name) ?? 0;
            seen.set(b.name, k + 1);
            const m = configOf(b.name, args.blocks(b.name)[k], ctx.metrics);
            byName.get(m.name)?.series.close();
            byName.set(m.name, m);
        }
        const metrics = [...byName.values()];
        return {
            run(e, next) {
                for (const m of metrics) record(m, e);
                next(e);
            },
            stop() {
                for (const m of metrics) m.series.close();
            },
        };
    },
};
