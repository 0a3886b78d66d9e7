// The JSON-RPC 2.0 surface of the runtime (message types in protocol.ts):
// one runtime per connection, driven by requests; its events go out as
// notifications, plus a metrics snapshot about once a second while it runs.

import { type MessageConnection, ResponseError } from 'vscode-jsonrpc/node';
import type { ComponentDefinition } from './component.js';
import { ConfigurationRefusedError } from './controller/refusal.js';
import {
    type PauseParams,
    RPC,
    RpcErrorCode,
    type RunParams,
    type RunResult,
    type StopParams,
    type StopSummary,
} from '../../protocol/runtime.js';
import { Runtime } from './runtime.js';

export interface RpcServerOptions {
    /** Component definitions added to the built-ins (the worker's test-only loader). */
    readonly definitions?: () => Promise<readonly ComponentDefinition[]>;
    /** Period of the `flowlens/metrics` notification (default 1000 ms; 0 = none). */
    readonly metricsIntervalMs?: number;
}

export interface RpcServer {
    /** Stops the runtime, if one runs (the client went away, or the process is told to stop). */
    shutdown(reason: string): Promise<StopSummary | undefined>;
}

export function serveRuntime(connection: MessageConnection, options: RpcServerOptions = {}): RpcServer {
    let runtime: Runtime | undefined;
    let starting = false;
    let timer: NodeJS.Timeout | undefined;

    const current = (): Runtime => {
        if (!runtime) throw new ResponseError(RpcErrorCode.notRunning, 'no configuration is running');
        return runtime;
    };
    const failed = (e: unknown) => new ResponseError(RpcErrorCode.failed, e instanceof Error ? e.message : String(e));

    const stop = async (reason: string): Promise<StopSummary | undefined> => {
        const rt = runtime;
        if (!rt) return undefined;
        clearInterval(timer);
        timer = undefined;
        const summary = await rt.stop(reason);
        if (runtime === rt) runtime = undefined;
        return summary;
    };

    connection.onRequest(RPC.run, async (params: RunParams): Promise<RunResult> => {
        if (runtime || starting) throw new ResponseError(RpcErrorCode.alreadyRunning, 'a configuration is already running; stop it first');
        if (!params || typeof params.path !== 'string') throw new ResponseError(RpcErrorCode.failed, 'flowlens/run needs { path }');
        starting = true;
        try {
            const o = params.options ?? {};
            const rt = await Runtime.start({
                path: params.path,
                options: o,
                metricsAddress: o.metricsAddress,
                spansFile: o.spansFile,
                otlpEndpoint: o.otlpEndpoint,
                registryDefinitions: (await options.definitions?.()) ?? [],
                // From the first event on: spans flushed while starting (a large configuration
                // fills a batch before start returns) count towards the client's flush totals,
                // which must match the summary; what is logged while starting is shown too.
                subscribe: (early) => {
                    early.on('flush', (e) => void connection.sendNotification(RPC.flush, e));
                    early.on('log', (e) => void connection.sendNotification(RPC.log, e));
                },
            });
            runtime = rt;
            rt.on('state', (e) => void connection.sendNotification(RPC.state, e));
            rt.on('pause', (e) => void connection.sendNotification(RPC.pauseEvent, e));
            rt.on('health', (e) => void connection.sendNotification(RPC.health, e));
            rt.on('reload', (e) => void connection.sendNotification(RPC.reloadEvent, e));
            const period = options.metricsIntervalMs ?? 1000;
            if (period > 0) timer = setInterval(() => void connection.sendNotification(RPC.metrics, rt.metricsSnapshot()), period);
            void connection.sendNotification(RPC.state, { time: Date.now(), state: rt.state });
            return { components: rt.components(), ...(rt.metricsUrl ? { metricsUrl: rt.metricsUrl } : {}) };
        } catch (e) {
            if (e instanceof ConfigurationRefusedError) throw new ResponseError(RpcErrorCode.refused, e.message, { problems: e.problems });
            throw failed(e);
        } finally {
            starting = false;
        }
    });
    connection.onRequest(RPC.reload, () => current().reload());
    connection.onRequest(RPC.pause, (params: PauseParams) => {
        const grace = params?.graceSeconds;
        if (typeof grace !== 'number' || !(grace >= 0)) throw new ResponseError(RpcErrorCode.failed, 'flowlens/pause needs { graceSeconds ≥ 0 }');
        return current().pause(grace).catch((e: unknown) => Promise.reject(failed(e)));
    });
    connection.onRequest(RPC.resume, () => current().resume().catch((e: unknown) => Promise.reject(failed(e))));
    connection.onRequest(RPC.stop, async (params: StopParams | undefined) => {
        const summary = await stop(params?.reason ?? 'stopped by the client');
        if (!summary) throw new ResponseError(RpcErrorCode.notRunning, 'no configuration is running');
        return summary;
    });
    connection.onRequest(RPC.components, () => current().components());
    connection.onRequest(RPC.metrics, () => current().metricsSnapshot());

    return { shutdown: stop };
}
