// The messages between flowlens' pipeline runtime and its clients (server/runtime and client/): the
// programmatic API's events and snapshots, and the JSON-RPC 2.0 channel over
// stdio that the VS Code panel uses (server/runtime/worker.ts). Plain data
// only, no imports: the VS Code client shares this file.

/** Milliseconds since the epoch. */
export type Millis = number;

export type RuntimeState = 'starting' | 'running' | 'pausing' | 'paused' | 'stopping' | 'stopped' | 'failed';

/** `skipped`: the node cannot run and a partial run (--allow-partial) left it out. */
export type HealthState = 'unknown' | 'healthy' | 'unhealthy' | 'exited' | 'skipped';

export interface HealthInfo {
    readonly state: HealthState;
    readonly message: string;
    readonly updatedAt: Millis;
}

/** How the runtime was asked to run a configuration. */
export interface RunOptions {
    /** Target runtime, as `flowlens check --compat`. */
    readonly compat?: 'alloy' | 'agent-0.38' | 'agent-0.39' | 'agent-0.40';
    readonly dialect?: 'alloy' | 'river';
    readonly stabilityLevel?: 'experimental' | 'public-preview' | 'generally-available';
    readonly communityComponents?: boolean;
    /** What `sys.env` reads (the real environment is never read). */
    readonly env?: Readonly<Record<string, string>>;
    /** `127.0.0.1:PORT` (PORT 0 = any free port); unset = no /metrics server. */
    readonly metricsAddress?: string;
    /** JSONL file that receives the runtime's spans in OTLP JSON. */
    readonly spansFile?: string;
    /** OTLP/HTTP endpoint for spans (`http://127.0.0.1:4318/v1/traces`). */
    readonly otlpEndpoint?: string;
}

export interface StateEvent {
    readonly time: Millis;
    readonly state: RuntimeState;
    readonly reason?: string;
}

/** A step of the pause lifecycle: Running → Pausing → Paused, and back to Running on resume. */
export interface PauseEvent {
    readonly time: Millis;
    readonly state: 'running' | 'pausing' | 'paused';
    /** Set when Paused: whether everything in flight drained before the grace period ended. */
    readonly drainedOnPause?: boolean;
    readonly reason?: string;
}

/** One export of spans (or a flush with nothing to export). */
export interface FlushEvent {
    readonly time: Millis;
    /** Spans handed to the exporters successfully in this export. */
    readonly exported: number;
    /** Spans lost since the previous flush event (queue full, export failed, ended after shutdown). */
    readonly dropped: number;
    /** `scheduled`, `force-flush`, `shutdown`, or why spans were dropped. */
    readonly reason: string;
}

export interface HealthEvent {
    readonly time: Millis;
    readonly globalId: string;
    readonly health: HealthInfo;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface LogEvent {
    readonly time: Millis;
    readonly level: LogLevel;
    readonly message: string;
    /** The component that logged, by global ID; absent for the runtime itself. */
    readonly globalId?: string;
    readonly fields?: Readonly<Record<string, unknown>>;
}

export interface ReloadEvent {
    readonly time: Millis;
    readonly ok: boolean;
    readonly error?: string;
    readonly added: readonly string[];
    readonly removed: readonly string[];
    readonly updated: readonly string[];
}

/** A node the runtime runs, as the panel lists it. */
export interface ComponentInfo {
    readonly globalId: string;
    readonly localId: string;
    /** The controller the node runs in: '' at the root, else the owning instance's global ID. */
    readonly modulePath: string;
    readonly kind: 'component' | 'custom' | 'module' | 'config' | 'service' | 'foreach';
    /** The block name: `prometheus.scrape`, `argument`, `module.file`, a custom component's name. */
    readonly name: string;
    readonly health: HealthInfo;
    /** Where the block is written (embedded module content maps to its host file). */
    readonly file: string;
    readonly line: number;
    readonly column: number;
    /** Global IDs of the nodes this one reads (data-flow edges). */
    readonly references: readonly string[];
    /** Global IDs of the nodes that read this one. */
    readonly referencedBy: readonly string[];
}

export interface ComponentMetrics {
    readonly globalId: string;
    readonly samplesIn: number;
    readonly samplesOut: number;
    readonly errors: number;
    /** Items the component lost (never delivered). */
    readonly dropped: number;
    /** Items buffered inside the component (its pending()); null when it cannot tell. */
    readonly queueDepth: number | null;
    readonly evaluations: number;
    /** Total time spent evaluating the node, in seconds. */
    readonly evaluationSeconds: number;
    readonly lastEvaluationSeconds: number;
    readonly health: HealthState;
}

export interface MetricsSnapshot {
    readonly time: Millis;
    readonly state: RuntimeState;
    readonly uptimeSeconds: number;
    readonly components: readonly ComponentMetrics[];
    readonly totals: { readonly samplesIn: number; readonly samplesOut: number; readonly errors: number; readonly dropped: number };
    /** Evaluations waiting or running in the work queue. */
    readonly evaluationQueue: number;
    readonly spans: { readonly exported: number; readonly dropped: number };
}

export interface StopSummary {
    readonly reason: string;
    readonly uptimeSeconds: number;
    /** Components that ran (skipped ones not included): the count the start line and the panel show. */
    readonly components: number;
    readonly samplesIn: number;
    readonly samplesOut: number;
    /** Every error: components' own (failed sends, ...), failed evaluations, components unhealthy at stop. */
    readonly errors: number;
    /** Failed evaluations during the run (included in `errors`). */
    readonly evaluationFailures: number;
    /** Items components lost (never delivered): queue overflow, non-retryable failures, still queued at stop. */
    readonly dropped: number;
    /** Components unhealthy when the run stopped. */
    readonly unhealthy: ReadonlyArray<{ readonly globalId: string; readonly message: string }>;
    /** Nodes a partial run (--allow-partial) left out, with the reason. */
    readonly skipped: ReadonlyArray<{ readonly globalId: string; readonly reason: string }>;
    readonly spansExported: number;
    readonly spansDropped: number;
    /** Why spans were dropped, with counts. */
    readonly spansDroppedBy: Readonly<Record<string, number>>;
    /** The outcome of the last pause, if there was one. */
    readonly pause?: PauseEvent;
    /** Set when a stop step did not finish in time or failed. */
    readonly problems: readonly string[];
}

/** Whether one node of a configuration can run in the embedded runtime (`run --dry-run`, the panel before a run). */
export interface NodeReadiness {
    /** The node's global ID. */
    readonly id: string;
    /** The block name: `prometheus.scrape`, `argument`, a custom component's name. */
    readonly component: string;
    readonly runnable: boolean;
    /** Why it cannot run; absent when it can. */
    readonly reason?: string;
    /** Arguments given but ignored because ignoring them changes nothing locally. */
    readonly notes?: readonly string[];
}

export interface ReadinessReport {
    /** True when every node can run and the configuration has no errors. */
    readonly runnable: boolean;
    readonly nodes: readonly NodeReadiness[];
    /** Reasons that belong to no single node (errors outside any block, an empty configuration). */
    readonly problems: readonly string[];
}

// ---- JSON-RPC ---------------------------------------------------------------------------------

export const RPC = {
    /** Request: analyses and starts a configuration. Params RunParams, result RunResult. */
    run: 'flowlens/run',
    /** Request: re-reads the configuration. Result ReloadEvent. */
    reload: 'flowlens/reload',
    /** Request: pauses; resolves when Paused. Params PauseParams, result PauseEvent. */
    pause: 'flowlens/pause',
    /** Request: resumes. Result PauseEvent. */
    resume: 'flowlens/resume',
    /** Request: stops in order and flushes spans. Params StopParams, result StopSummary. */
    stop: 'flowlens/stop',
    /** Request: result ComponentInfo[]. */
    components: 'flowlens/components',
    /** Request: result MetricsSnapshot. Also a notification, sent about once a second while running. */
    metrics: 'flowlens/metrics',
    /** Notifications. */
    state: 'flowlens/state',
    pauseEvent: 'flowlens/pause',
    flush: 'flowlens/flush',
    health: 'flowlens/health',
    log: 'flowlens/log',
    reloadEvent: 'flowlens/reload',
} as const;

export interface RunParams {
    readonly path: string;
    readonly options?: RunOptions;
}

export interface RunResult {
    readonly components: readonly ComponentInfo[];
    /** `http://127.0.0.1:PORT/metrics` when a metrics server runs. */
    readonly metricsUrl?: string;
}

export interface PauseParams {
    readonly graceSeconds: number;
}

export interface StopParams {
    readonly reason?: string;
}

/** Error codes of failed requests (JSON-RPC server-defined range). */
export const RpcErrorCode = {
    /** The configuration was refused (errors, or components the runtime does not have). */
    refused: -32001,
    /** No configuration is running. */
    notRunning: -32002,
    /** A configuration is already running. */
    alreadyRunning: -32003,
    failed: -32004,
} as const;
