// The contract between loki.process and its stages (Alloy's
// internal/component/loki/process/stages/stage.go), redone without goroutines:
// a stage receives one entry at a time and hands zero, one or many entries to
// `next`. Entries are processed in order and synchronously, except where Alloy
// itself buffers (multiline's max_wait_time), so a batch leaves loki.process
// in one piece.

import type { ArgumentSchemaEntry } from '../../../component.js';
import type { MetadataLabel } from '../../../protocols/log-entry.js';
import type { Args } from '../../decode.js';
import type { InstanceMetrics } from '../../metrics.js';
import { tryString } from './go-values.js';

/** A value in the extracted map: what parsers put there (JSON scalars, strings) or other stages computed. */
export type Extracted = Map<string, unknown>;

/** An entry travelling through the pipeline; stages mutate it in place (Alloy's stages.Entry). */
export interface PipelineEntry {
    labels: Map<string, string>;
    extracted: Extracted;
    /** Nanoseconds since the Unix epoch. */
    timestamp: bigint;
    line: string;
    structuredMetadata: MetadataLabel[];
}

export type Next = (e: PipelineEntry) => void;

export interface Stage {
    /** Processes one entry, calling `next` for each entry that goes on (not at all when dropped). */
    run(e: PipelineEntry, next: Next): void;
    /**
     * Entries the stage holds back (multiline). A stage that releases entries later (on a timer) calls
     * the `next` it was last given: the pipeline hands each stage the same continuation every time.
     */
    pending?(): number;
    /** Passes on what the stage holds back, through `next`. */
    flush?(next: Next): void;
    /** Stops timers; the stage is not used again. */
    stop?(): void;
}

/** What a stage can use while it is built. */
export interface StageContext {
    readonly metrics: InstanceMetrics;
    /** Counts dropped lines in loki_process_dropped_lines_total{reason}. */
    dropped(reason: string): void;
    log(level: 'debug' | 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>): void;
    /** Builds a nested pipeline from the `stage.*` blocks of `args` (stage.match). */
    pipeline(args: Args): Pipeline;
}

export interface Pipeline {
    readonly stages: readonly Stage[];
    pending(): number;
    flush(next: Next): void;
    stop(): void;
    /** Runs one entry through every stage: copies the labels into the extracted map first, as Alloy's Pipeline.Run does. */
    run(e: PipelineEntry, next: Next): void;
}

export interface StageDefinition {
    /** The block name without `stage.` (`json`, `regex`, ...). */
    readonly name: string;
    readonly attributes: readonly ArgumentSchemaEntry[];
    readonly blocks?: readonly ArgumentSchemaEntry[];
    /** Validates the arguments the way Alloy's constructor does (same error words) and builds the stage. */
    build(args: Args, ctx: StageContext): Stage;
}

/** A configuration error, with Alloy's wording; loki.process prefixes "invalid stage config". */
export class StageConfigError extends Error {
    constructor(message: string) {
        super(message);
        this.name = 'StageConfigError';
    }
}

/**
 * The text a parsing stage reads: the line, or with `source` the extracted value as a string; undefined
 * when that value is missing or not convertible (the stage then leaves the entry alone).
 */
export function inputOf(e: PipelineEntry, source: string | undefined): string | undefined {
    if (source === undefined || source === '') return e.line;
    return e.extracted.has(source) ? tryString(e.extracted.get(source)) : undefined;
}

/** A stream's identity (what Alloy fingerprints): its label set, independent of order. */
export function labelSetKey(labels: Map<string, string>): string {
    return JSON.stringify([...labels].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
