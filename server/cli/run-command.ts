// `flowlens run PATH`: runs a configuration headless in the embedded runtime.
// On a terminal it keeps a one-line status (components, samples/s, state);
// otherwise it prints state changes as lines. It stops in order — sources,
// components, spans flushed — after --for, on SIGINT or on SIGTERM, and prints
// a summary. Exit status: 0 clean; 1 refused configuration, a component
// unhealthy at stop, data dropped, or a failed stop; 2 usage error.

import path from 'node:path';
import { parseDuration } from '../runtime/duration.js';
import { loadExtraComponents } from '../runtime/extra-components.js';
import type { LogEvent, MetricsSnapshot, ReadinessReport, StopSummary } from '../../protocol/runtime.js';
import { ConfigurationRefusedError, Runtime } from '../runtime/runtime.js';
import { ANALYSIS_FLAGS, analysisOptions } from './check-command.js';
import { parseCommandArgs, UsageError } from './usage.js';

export const RUN_USAGE = `  flowlens run PATH [options]                run a configuration (a file or a directory) in the embedded runtime

Options of run:
  --dry-run                  load and evaluate as run does, start nothing, and say node by node
                             whether it can run and why not (exit 1 when something cannot run)
  --json                     with --dry-run: {"runnable", "nodes": [{"id", "component", "runnable", "reason", "notes"}], "problems"}
  --allow-partial            run the nodes that can run and skip the others instead of refusing
  --metrics-addr HOST:PORT   serve /metrics (127.0.0.1 unless a host is given; port 0 = any)
  --spans FILE.jsonl         append the runtime's spans as OTLP JSON lines
  --otlp URL                 send the runtime's spans with OTLP/HTTP JSON (…/v1/traces)
  --for DURATION             stop after DURATION (500ms, 10s, 1m30s); default: until SIGINT/SIGTERM
  --pause-after DURATION     pause after DURATION, with --grace DURATION (default 30s) to drain`;

export async function runRun(args: string[]): Promise<number> {
    const { values, positionals } = parseCommandArgs(args, {
        'metrics-addr': { type: 'string' },
        spans: { type: 'string' },
        otlp: { type: 'string' },
        for: { type: 'string' },
        'pause-after': { type: 'string' },
        grace: { type: 'string' },
        'dry-run': { type: 'boolean' },
        json: { type: 'boolean' },
        'allow-partial': { type: 'boolean' },
        ...ANALYSIS_FLAGS,
    });
    if (positionals.length !== 1) throw new UsageError('run takes exactly one PATH (a file or a directory)');
    if (values.json && !values['dry-run']) throw new UsageError('--json goes with --dry-run');
    if (values['dry-run']) {
        for (const flag of ['metrics-addr', 'spans', 'otlp', 'for', 'pause-after', 'grace', 'allow-partial'] as const) {
            if (values[flag] !== undefined) throw new UsageError(`--${flag} does not go with --dry-run (it starts nothing)`);
        }
        return dryRun(positionals[0], analysisOptions(values), values.json === true);
    }
    const duration = (flag: string, text: string | undefined) => {
        if (text === undefined) return undefined;
        try {
            return parseDuration(text);
        } catch (e) {
            throw new UsageError(`--${flag}: ${e instanceof Error ? e.message : String(e)}`);
        }
    };
    const runFor = duration('for', values.for);
    const pauseAfter = duration('pause-after', values['pause-after']);
    const grace = duration('grace', values.grace);
    if (grace !== undefined && pauseAfter === undefined) throw new UsageError('--grace goes with --pause-after');
    if (values.otlp !== undefined && !/^https?:\/\//.test(values.otlp)) throw new UsageError('--otlp takes an http:// or https:// URL');
    const options = analysisOptions(values);

    const out = new Output(process.stdout.isTTY === true);
    let runtime: Runtime;
    try {
        runtime = await Runtime.start({
            path: path.resolve(positionals[0]),
            options,
            metricsAddress: values['metrics-addr'],
            spansFile: values.spans,
            otlpEndpoint: values.otlp,
            registryDefinitions: await loadExtraComponents(),
            allowPartial: values['allow-partial'] === true,
        });
    } catch (e) {
        if (e instanceof ConfigurationRefusedError) {
            process.stderr.write(`flowlens: refusing to run ${positionals[0]}:\n${e.problems.map((p) => `  ${p.replace(/\n/g, '\n  ')}`).join('\n')}\n`);
            return 1;
        }
        throw e;
    }

    const rate = new Rate();
    const refresh = (tick: boolean) => out.status(statusLine(runtime, rate, tick));
    const skipped = runtime.readiness.nodes.filter((n) => !n.runnable);
    const counted = runtime.metricsSnapshot().components.filter((c) => c.health !== 'skipped').length;
    out.line(
        `running ${positionals[0]}: ${counted} component${counted === 1 ? '' : 's'}${skipped.length ? `, ${skipped.length} node${skipped.length === 1 ? '' : 's'} skipped` : ''}` +
            `${runtime.metricsUrl ? `, metrics at ${runtime.metricsUrl}` : ''}${values.spans ? `, spans to ${values.spans}` : ''}`,
    );
    for (const n of skipped) out.line(`  skipped ${n.id}: ${n.reason}`);
    runtime.on('state', (e) => {
        out.event(`state ${e.state}${e.reason ? ` (${e.reason})` : ''}`);
        refresh(false);
    });
    runtime.on('pause', (e) => {
        if (e.state === 'paused') out.event(`paused: drainedOnPause=${e.drainedOnPause} — ${e.reason}`);
    });
    // A failed evaluation is logged as an error and then reported as health: print it once.
    const logged = new Set<string>();
    const printLog = (e: LogEvent) => {
        if (e.level !== 'warn' && e.level !== 'error') return;
        if (e.globalId) logged.add(`${e.globalId}\u0000${e.message}`);
        out.event(`${e.level}${e.globalId ? ` ${e.globalId}` : ''}: ${e.message}`);
    };
    for (const e of runtime.logHistory) printLog(e); // what happened while starting
    runtime.on('log', printLog);
    runtime.on('health', (e) => {
        if (e.health.state !== 'unhealthy' || logged.delete(`${e.globalId}\u0000${e.health.message}`)) return;
        out.event(`unhealthy ${e.globalId}: ${e.health.message}`);
    });

    const stopped = new Promise<StopSummary>((resolve) => {
        let signals = 0;
        const stop = (reason: string) => {
            signals++;
            if (signals > 1) {
                out.event(`already stopping (${reason} ignored)`);
                return;
            }
            resolve(runtime.stop(reason));
        };
        const onSignal = (signal: NodeJS.Signals) => stop(signal);
        process.on('SIGINT', onSignal);
        process.on('SIGTERM', onSignal);
        if (runFor !== undefined) setTimeout(() => stop(`--for ${values.for} elapsed`), runFor);
        if (pauseAfter !== undefined) {
            setTimeout(() => {
                if (runtime.state !== 'running') return;
                runtime.pause((grace ?? 30_000) / 1000).catch((e: unknown) => out.event(`pause failed: ${e instanceof Error ? e.message : String(e)}`));
            }, pauseAfter);
        }
    });

    const status = out.tty ? setInterval(() => refresh(true), 1000) : undefined;
    refresh(true);
    const summary = await stopped;
    clearInterval(status);
    out.endStatus();
    process.stdout.write(formatSummary(summary));
    const code = exitCode(summary);
    // Everything was stopped; should a component have leaked a handle, do not hang.
    setTimeout(() => process.exit(code), 3000).unref();
    return code;
}

/** `run --dry-run`: the readiness report, as text or JSON; exit 1 when something cannot run. */
async function dryRun(target: string, options: ReturnType<typeof analysisOptions>, json: boolean): Promise<number> {
    const report = await Runtime.dryRun({ path: path.resolve(target), options, registryDefinitions: await loadExtraComponents() });
    if (json) {
        const nodes = report.nodes.map((n) => ({ id: n.id, component: n.component, runnable: n.runnable, reason: n.reason ?? null, ...(n.notes ? { notes: n.notes } : {}) }));
        process.stdout.write(JSON.stringify({ runnable: report.runnable, nodes, problems: report.problems }, null, 2) + '\n');
    } else {
        process.stdout.write(formatReadiness(target, report));
    }
    return report.runnable ? 0 : 1;
}

export function formatReadiness(target: string, report: ReadinessReport): string {
    const blocked = report.nodes.filter((n) => !n.runnable);
    const lines = [
        report.runnable
            ? `${target}: runnable — all ${report.nodes.length} nodes can run in the embedded runtime`
            : `${target}: cannot run — ${blocked.length} of ${report.nodes.length} nodes cannot run${report.problems.length ? `, ${report.problems.length} problem${report.problems.length === 1 ? '' : 's'}` : ''}`,
        ...report.problems.map((p) => `  problem: ${p.replace(/\n/g, '\n  ')}`),
    ];
    for (const n of report.nodes) {
        if (!n.runnable) lines.push(`  cannot run  ${n.id}: ${n.reason}`);
        for (const note of n.notes ?? []) lines.push(`  note        ${n.id}: ${note}`);
    }
    return lines.join('\n') + '\n';
}

/** Samples per second, from snapshots about a second apart. */
class Rate {
    private last?: MetricsSnapshot;
    current = { in: 0, out: 0 };

    update(s: MetricsSnapshot): void {
        const prev = this.last;
        this.last = s;
        if (!prev) return;
        const dt = (s.time - prev.time) / 1000 || 1;
        this.current = { in: (s.totals.samplesIn - prev.totals.samplesIn) / dt, out: (s.totals.samplesOut - prev.totals.samplesOut) / dt };
    }
}

/** `running · 12 components · 2,385 in/s · 2,380 out/s · 456 spans · 1m05s` (short enough for 80 columns). */
function statusLine(runtime: Runtime, rate: Rate, tick: boolean): string {
    const s = runtime.metricsSnapshot();
    if (tick) rate.update(s);
    const unhealthy = s.components.filter((c) => c.health === 'unhealthy').length;
    return [
        s.state,
        `${s.components.filter((c) => c.health !== 'skipped').length} components${unhealthy ? ` (${unhealthy} unhealthy)` : ''}`,
        `${fmt(rate.current.in)} in/s`,
        `${fmt(rate.current.out)} out/s`,
        `${fmt(s.spans.exported)} spans${s.spans.dropped ? ` (${fmt(s.spans.dropped)} dropped)` : ''}`,
        clock(s.uptimeSeconds),
    ].join(' · ');
}

/** 1 when a component ended unhealthy, data was dropped (samples, entries or spans) or stopping failed; 0 otherwise. */
export function exitCode(s: StopSummary): number {
    return s.unhealthy.length > 0 || s.dropped > 0 || s.spansDropped > 0 || s.problems.length > 0 ? 1 : 0;
}

export function formatSummary(s: StopSummary): string {
    const dropped = Object.entries(s.spansDroppedBy).map(([reason, n]) => `${n} ${reason}`);
    const lines = [
        `flowlens run: stopped (${s.reason}) after ${clock(s.uptimeSeconds)}`,
        `  components  ${s.components}${s.skipped.length ? ` (${s.skipped.length} node${s.skipped.length === 1 ? '' : 's'} skipped)` : ''}`,
        `  samples     ${s.samplesIn} in, ${s.samplesOut} out, ${s.errors} errors${s.evaluationFailures ? ` (${s.evaluationFailures} failed evaluations)` : ''}, ${s.dropped} dropped`,
        ...s.unhealthy.map((u) => `  unhealthy   ${u.globalId}: ${u.message}`),
        ...s.skipped.map((k) => `  skipped     ${k.globalId}: ${k.reason}`),
        `  spans       ${s.spansExported} exported, ${s.spansDropped} dropped${dropped.length ? ` (${dropped.join(', ')})` : ''}`,
        `  pause       ${s.pause ? `paused, drainedOnPause=${s.pause.drainedOnPause} (${s.pause.reason})` : 'not paused'}`,
        ...s.problems.map((p) => `  problem     ${p}`),
    ];
    return lines.join('\n') + '\n';
}

function fmt(n: number): string {
    return Math.round(n).toLocaleString('en-US');
}

function clock(seconds: number): string {
    if (seconds < 60) return `${seconds.toFixed(1)}s`;
    const m = Math.floor(seconds / 60);
    const s = Math.floor(seconds % 60);
    return m < 60 ? `${m}m${String(s).padStart(2, '0')}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** A status line on a terminal, event lines otherwise (or above the status line). */
class Output {
    private current = '';

    constructor(readonly tty: boolean) {}

    line(text: string): void {
        this.clearStatus();
        process.stdout.write(text + '\n');
        this.redraw();
    }

    event(text: string): void {
        this.line(`${new Date().toISOString().slice(11, 23)} ${text}`);
    }

    status(text: string): void {
        if (!this.tty) return;
        const width = process.stdout.columns || 120; // 0 on a terminal without a size
        this.current = text.length > width - 1 ? text.slice(0, width - 2) + '…' : text;
        this.redraw();
    }

    clearStatus(): void {
        if (this.tty && this.current) process.stdout.write('\r\x1b[2K');
    }

    endStatus(): void {
        this.clearStatus();
        this.current = '';
    }

    private redraw(): void {
        if (this.tty && this.current) process.stdout.write('\r\x1b[2K' + this.current);
    }
}
