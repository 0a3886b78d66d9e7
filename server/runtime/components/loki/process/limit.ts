// stage.limit (Alloy's stages/limit.go): a token bucket of `rate` lines per second and `burst`
// lines (golang.org/x/time/rate: it starts full). With `drop`, a line that finds the bucket empty
// is dropped and counted (reason "ratelimit_drop_stage"); with `by_label_name`, each value of that
// label has its own bucket (lines without the label pass) and drops are also counted per label in
// loki_process_dropped_lines_by_label_total. Without `drop`, lines wait in order for a token, as
// Go's Limiter.Wait does: the stage holds them and releases them on a timer.

import { attr } from '../../decode.js';
import type { MetricSpec } from '../../metrics.js';
import { type Next, type PipelineEntry, type StageDefinition, StageConfigError } from './stage.js';

const DROP_REASON = 'ratelimit_drop_stage';
/** MinReasonableMaxDistinctLabels: Alloy raises a smaller max_distinct_labels to this. */
const MIN_MAX_DISTINCT_LABELS = 10000;

const DROPPED_BY_LABEL: MetricSpec = {
    name: 'loki_process_dropped_lines_by_label_total',
    help: 'A count of all log lines dropped as a result of a pipeline stage',
    type: 'counter',
    labelNames: ['label_name', 'label_value'],
};

/** golang.org/x/time/rate's Limiter for one token at a time. */
export class TokenBucket {
    private tokens: number;
    private last: number;

    constructor(
        private readonly rate: number,
        private readonly burst: number,
        private readonly now: () => number = Date.now,
    ) {
        this.tokens = burst;
        this.last = now();
    }

    private refill(): void {
        const t = this.now();
        this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) / 1000) * this.rate);
        this.last = t;
    }

    /** Limiter.Allow: takes a token if there is one. */
    allow(): boolean {
        this.refill();
        if (this.tokens < 1) return false;
        this.tokens -= 1;
        return true;
    }

    /** Milliseconds until a token is there. */
    waitMs(): number {
        this.refill();
        return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) / this.rate) * 1000);
    }
}

/** Loki's GenerationalMap: at most `max` recently used keys, the older generation dropped at once. */
class GenerationalMap<V> {
    private newer = new Map<string, V>();
    private older = new Map<string, V>();

    constructor(
        private readonly max: number,
        private readonly create: () => V,
        private readonly onGc: () => void,
    ) {}

    getOrCreate(key: string): V {
        let v = this.newer.get(key);
        if (v !== undefined) return v;
        v = this.older.get(key) ?? this.create();
        this.newer.set(key, v);
        if (this.newer.size === this.max) {
            this.older = this.newer;
            this.newer = new Map();
            this.onGc();
        }
        return v;
    }
}

export const limitStage: StageDefinition = {
    name: 'limit',
    attributes: [attr('rate', 'number', true), attr('burst', 'number', true), attr('drop', 'bool'), attr('by_label_name', 'string'), attr('max_distinct_labels', 'number')],
    build(args, ctx) {
        const rate = args.number('rate', 0);
        const burst = args.int('burst', 0);
        const drop = args.bool('drop', false);
        const byLabel = args.string('by_label_name', '') ?? '';
        let maxDistinct = args.int('max_distinct_labels', 0);
        if (rate <= 0 || burst <= 0) throw new StageConfigError('limit stage failed to parse rate or burst');
        if (byLabel !== '' && !drop) throw new StageConfigError('when ratelimiting by label, drop must be true');
        if (byLabel !== '' && maxDistinct < MIN_MAX_DISTINCT_LABELS) {
            ctx.log('warn', `max_distinct_labels was adjusted up to the minimal reasonable value of ${MIN_MAX_DISTINCT_LABELS}`);
            maxDistinct = MIN_MAX_DISTINCT_LABELS;
        }

        if (byLabel !== '') {
            const counters = new Map<string, { inc(): void }>();
            const buckets = new GenerationalMap(
                maxDistinct,
                () => new TokenBucket(rate, burst),
                () => {
                    ctx.metrics.resetSeries(DROPPED_BY_LABEL);
                    counters.clear();
                },
            );
            ctx.metrics.declare(DROPPED_BY_LABEL);
            return {
                run(e, next) {
                    const value = e.labels.get(byLabel);
                    if (value === undefined || buckets.getOrCreate(value).allow()) return next(e);
                    ctx.dropped(DROP_REASON);
                    let c = counters.get(value);
                    if (c === undefined) {
                        c = ctx.metrics.counter(DROPPED_BY_LABEL, { label_name: byLabel, label_value: value });
                        counters.set(value, c);
                    }
                    c.inc();
                },
            };
        }

        const bucket = new TokenBucket(rate, burst);
        if (drop) {
            return {
                run(e, next) {
                    if (bucket.allow()) return next(e);
                    ctx.dropped(DROP_REASON);
                },
            };
        }

        // Waiting: lines queue in order behind the first one without a token.
        const queue: PipelineEntry[] = [];
        let timer: NodeJS.Timeout | undefined;
        let lastNext: Next | undefined;
        const release = (): void => {
            timer = undefined;
            while (queue.length > 0 && bucket.allow()) lastNext?.(queue.shift()!);
            if (queue.length > 0) arm();
        };
        const arm = (): void => {
            if (timer !== undefined) return;
            timer = setTimeout(release, bucket.waitMs());
            timer.unref();
        };
        return {
            run(e, next) {
                lastNext = next;
                if (queue.length === 0 && bucket.allow()) return next(e);
                queue.push(e);
                arm();
            },
            pending: () => queue.length,
            // Alloy drops the lines still waiting when it stops (the wait is cancelled); a flush passes
            // them on, so a drain before a stop delivers them.
            flush(next) {
                if (timer !== undefined) clearTimeout(timer);
                timer = undefined;
                for (const e of queue.splice(0)) next(e);
            },
            stop() {
                if (timer !== undefined) clearTimeout(timer);
                queue.length = 0;
            },
        };
    },
};
