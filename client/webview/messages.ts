// The messages between the extension host and the runtime panel's webview, in both directions,
// as discriminated unions with validators. Both sides validate what they receive: the webview
// because a stale panel may outlive a protocol change, the host because the webview is
// untrusted input (it may only name components, never files). No DOM and no `vscode` here:
// the host, the webview and the unit tests all import this file.

import type {
    ComponentInfo,
    FlushEvent,
    HealthEvent,
    HealthState,
    MetricsSnapshot,
    PauseEvent,
    RuntimeState,
} from '../../protocol/runtime.js';

/** Bumped whenever a message shape changes incompatibly. */
export const PANEL_PROTOCOL_VERSION = 1;

/** `idle`: nothing has run in this window yet. */
export type SessionState = RuntimeState | 'idle';

export interface RuntimeStatus {
    readonly state: SessionState;
    /** Why the runtime is in this state (stop reason, failure, refusal). */
    readonly reason?: string;
    /** The configuration that runs (a file or directory path). */
    readonly target?: string;
    /** When the state last changed (ms since the epoch). */
    readonly since: number;
    /** When the current run started. */
    readonly startedAt?: number;
    /** Set while paused: whether everything in flight drained before the grace period ended. */
    readonly drainedOnPause?: boolean;
    /** Whether the run serves /metrics (the panel offers to open it). */
    readonly metricsAvailable: boolean;
}

/** The pause timeline and the flush log are bounded (the output channel has everything). */
export const PAUSE_EVENTS_KEPT = 100;
export const FLUSH_EVENTS_KEPT = 500;

export interface FlushTotals {
    readonly flushes: number;
    readonly exported: number;
    readonly dropped: number;
}

/** Everything the panel shows about a run, sent whole when the panel (re)connects. */
export interface SessionSnapshot {
    readonly status: RuntimeStatus;
    readonly components: readonly ComponentInfo[];
    readonly metrics: MetricsSnapshot | null;
    readonly pauseEvents: readonly PauseEvent[];
    readonly flushEvents: readonly FlushEvent[];
    readonly flushTotals: FlushTotals;
}

export type HostMessage =
    | { readonly type: 'init'; readonly version: number; readonly session: SessionSnapshot | null }
    | { readonly type: 'status'; readonly status: RuntimeStatus }
    | { readonly type: 'topology'; readonly components: readonly ComponentInfo[] }
    | { readonly type: 'metrics'; readonly snapshot: MetricsSnapshot }
    | { readonly type: 'health'; readonly events: readonly HealthEvent[] }
    | { readonly type: 'pause'; readonly event: PauseEvent }
    | { readonly type: 'flush'; readonly event: FlushEvent; readonly totals: FlushTotals };

export const PANEL_COMMANDS = ['run', 'pause', 'resume', 'stop', 'openMetrics'] as const;
export type PanelCommand = (typeof PANEL_COMMANDS)[number];

/** How long the webview took to apply host messages, in milliseconds. */
export interface TimingStats {
    readonly count: number;
    readonly medianMs: number;
    readonly p95Ms: number;
    readonly maxMs: number;
}

export interface TimingSummary {
    /** Receive a message → DOM updated (synchronous work), per message type. */
    readonly render: Readonly<Record<string, TimingStats>>;
    /** Receive a message → the next frame painted, per message type. */
    readonly frame: Readonly<Record<string, TimingStats>>;
    /** Components in the graph when the summary was taken. */
    readonly components: number;
}

export type WebviewMessage =
    | { readonly type: 'ready'; readonly version: number }
    | { readonly type: 'reveal'; readonly globalId: string }
    | { readonly type: 'command'; readonly command: PanelCommand }
    | { readonly type: 'timings'; readonly summary: TimingSummary };

// ---- validation -------------------------------------------------------------------------------

type Shape = Record<string, unknown>;

const isObject = (v: unknown): v is Shape => typeof v === 'object' && v !== null && !Array.isArray(v);
const isString = (v: unknown): v is string => typeof v === 'string';
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isOptional = <T>(v: unknown, check: (x: unknown) => x is T): boolean => v === undefined || check(v);
const isArrayOf = <T>(v: unknown, check: (x: unknown) => boolean): v is T[] => Array.isArray(v) && v.every(check);
const isStringArray = (v: unknown): v is string[] => isArrayOf<string>(v, isString);
const isBoolean = (v: unknown): v is boolean => typeof v === 'boolean';

const SESSION_STATES: readonly string[] = ['idle', 'starting', 'running', 'pausing', 'paused', 'stopping', 'stopped', 'failed'];
const HEALTH_STATES: readonly string[] = ['unknown', 'healthy', 'unhealthy', 'exited', 'skipped'];
const COMPONENT_KINDS: readonly string[] = ['component', 'custom', 'module', 'config', 'service', 'foreach'];
const PAUSE_STATES: readonly string[] = ['running', 'pausing', 'paused'];

const isHealthState = (v: unknown): v is HealthState => isString(v) && HEALTH_STATES.includes(v);

function isHealthInfo(v: unknown): boolean {
    return isObject(v) && isHealthState(v.state) && isString(v.message) && isNumber(v.updatedAt);
}

export function isComponentInfo(v: unknown): v is ComponentInfo {
    return (
        isObject(v) &&
        isString(v.globalId) &&
        isString(v.localId) &&
        isString(v.modulePath) &&
        isString(v.kind) &&
        COMPONENT_KINDS.includes(v.kind) &&
        isString(v.name) &&
        isHealthInfo(v.health) &&
        isString(v.file) &&
        isNumber(v.line) &&
        isNumber(v.column) &&
        isStringArray(v.references) &&
        isStringArray(v.referencedBy)
    );
}

function isComponentMetrics(v: unknown): boolean {
    return (
        isObject(v) &&
        isString(v.globalId) &&
        isNumber(v.samplesIn) &&
        isNumber(v.samplesOut) &&
        isNumber(v.errors) &&
        (v.queueDepth === null || isNumber(v.queueDepth)) &&
        isHealthState(v.health)
    );
}

export function isMetricsSnapshot(v: unknown): v is MetricsSnapshot {
    return (
        isObject(v) &&
        isNumber(v.time) &&
        isString(v.state) &&
        SESSION_STATES.includes(v.state) &&
        isNumber(v.uptimeSeconds) &&
        isArrayOf(v.components, isComponentMetrics) &&
        isObject(v.totals) &&
        isNumber(v.totals.samplesIn) &&
        isNumber(v.totals.samplesOut) &&
        isNumber(v.totals.errors)
    );
}

function isHealthEvent(v: unknown): v is HealthEvent {
    return isObject(v) && isNumber(v.time) && isString(v.globalId) && isHealthInfo(v.health);
}

export function isPauseEvent(v: unknown): v is PauseEvent {
    return (
        isObject(v) &&
        isNumber(v.time) &&
        isString(v.state) &&
        PAUSE_STATES.includes(v.state) &&
        isOptional(v.drainedOnPause, isBoolean) &&
        isOptional(v.reason, isString)
    );
}

export function isFlushEvent(v: unknown): v is FlushEvent {
    return isObject(v) && isNumber(v.time) && isNumber(v.exported) && isNumber(v.dropped) && isString(v.reason);
}

function isFlushTotals(v: unknown): v is FlushTotals {
    return isObject(v) && isNumber(v.flushes) && isNumber(v.exported) && isNumber(v.dropped);
}

export function isRuntimeStatus(v: unknown): v is RuntimeStatus {
    return (
        isObject(v) &&
        isString(v.state) &&
        SESSION_STATES.includes(v.state) &&
        isNumber(v.since) &&
        isBoolean(v.metricsAvailable) &&
        isOptional(v.reason, isString) &&
        isOptional(v.target, isString) &&
        isOptional(v.startedAt, isNumber) &&
        isOptional(v.drainedOnPause, isBoolean)
    );
}

export function isSessionSnapshot(v: unknown): v is SessionSnapshot {
    return (
        isObject(v) &&
        isRuntimeStatus(v.status) &&
        isArrayOf(v.components, isComponentInfo) &&
        (v.metrics === null || isMetricsSnapshot(v.metrics)) &&
        isArrayOf(v.pauseEvents, isPauseEvent) &&
        isArrayOf(v.flushEvents, isFlushEvent) &&
        isFlushTotals(v.flushTotals)
    );
}

/** The message if `data` is a well-formed host message of this protocol version, else undefined. */
export function parseHostMessage(data: unknown): HostMessage | undefined {
    if (!isObject(data)) return undefined;
    const m = data;
    switch (m.type) {
        case 'init':
            return m.version === PANEL_PROTOCOL_VERSION && (m.session === null || isSessionSnapshot(m.session)) ? (m as HostMessage) : undefined;
        case 'status':
            return isRuntimeStatus(m.status) ? (m as HostMessage) : undefined;
        case 'topology':
            return isArrayOf(m.components, isComponentInfo) ? (m as HostMessage) : undefined;
        case 'metrics':
            return isMetricsSnapshot(m.snapshot) ? (m as HostMessage) : undefined;
        case 'health':
            return isArrayOf(m.events, isHealthEvent) ? (m as HostMessage) : undefined;
        case 'pause':
            return isPauseEvent(m.event) ? (m as HostMessage) : undefined;
        case 'flush':
            return isFlushEvent(m.event) && isFlushTotals(m.totals) ? (m as HostMessage) : undefined;
        default:
            return undefined;
    }
}

function isTimingStats(v: unknown): v is TimingStats {
    return isObject(v) && isNumber(v.count) && isNumber(v.medianMs) && isNumber(v.p95Ms) && isNumber(v.maxMs);
}

function isTimingTable(v: unknown): boolean {
    return isObject(v) && Object.values(v).every(isTimingStats);
}

/** The message if `data` is a well-formed webview message, else undefined. */
export function parseWebviewMessage(data: unknown): WebviewMessage | undefined {
    if (!isObject(data)) return undefined;
    const m = data;
    switch (m.type) {
        case 'ready':
            return isNumber(m.version) ? { type: 'ready', version: m.version } : undefined;
        case 'reveal':
            return isString(m.globalId) && m.globalId.length > 0 ? { type: 'reveal', globalId: m.globalId } : undefined;
        case 'command':
            return isString(m.command) && (PANEL_COMMANDS as readonly string[]).includes(m.command)
                ? { type: 'command', command: m.command as PanelCommand }
                : undefined;
        case 'timings': {
            const s = m.summary;
            return isObject(s) && isTimingTable(s.render) && isTimingTable(s.frame) && isNumber(s.components)
                ? { type: 'timings', summary: s as unknown as TimingSummary }
                : undefined;
        }
        default:
            return undefined;
    }
}
