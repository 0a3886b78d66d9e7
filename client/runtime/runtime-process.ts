// One pipeline runtime worker as a child process of the extension host, spoken to with JSON-RPC
// 2.0 over its stdin/stdout. The worker runs in its own process so that a crash, a runaway
// pipeline or an out-of-memory abort ends only that process, never the extension host or the
// language server. No `vscode` import: the unit tests drive this against a fake worker.

import { fork, type ChildProcess } from 'node:child_process';
import {
    createMessageConnection,
    type MessageConnection,
    ErrorCodes,
    ResponseError,
    StreamMessageReader,
    StreamMessageWriter,
} from 'vscode-jsonrpc/node';

export interface ExitInfo {
    readonly code: number | null;
    readonly signal: NodeJS.Signals | null;
    /** Set when the process could not be started or its stdio failed. */
    readonly error?: string;
}

export interface RuntimeProcessOptions {
    /** The worker script (`out/runtime.cjs`). */
    readonly modulePath: string;
    readonly args?: readonly string[];
    readonly cwd?: string;
    readonly env?: NodeJS.ProcessEnv;
}

/** The process ended before a request was answered. */
export class ProcessExitedError extends Error {
    constructor(readonly exit: ExitInfo) {
        super(`the runtime process ${describeExit(exit)}`);
        this.name = 'ProcessExitedError';
    }
}

/** A request was not answered in time. */
export class RequestTimeoutError extends Error {
    constructor(
        readonly method: string,
        readonly timeoutMs: number,
    ) {
        super(`${method} got no answer within ${timeoutMs / 1000} s`);
        this.name = 'RequestTimeoutError';
    }
}

export function describeExit(exit: ExitInfo): string {
    if (exit.error) return `failed: ${exit.error}`;
    if (exit.signal) return `was killed by ${exit.signal}`;
    return `exited with code ${exit.code}`;
}

/** Errors vscode-jsonrpc raises itself when the connection, not the worker, failed. */
const TRANSPORT_ERROR_CODES: ReadonlySet<number> = new Set([
    ErrorCodes.MessageWriteError,
    ErrorCodes.PendingResponseRejected,
    ErrorCodes.ConnectionInactive,
]);

/** Lines of stderr kept to explain a crash. */
const STDERR_TAIL_LINES = 20;

export class RuntimeProcess {
    private readonly child: ChildProcess;
    private readonly connection: MessageConnection;
    private exitInfo: ExitInfo | undefined;
    private readonly stderrTail: string[] = [];
    private readonly stderrListeners: Array<(line: string) => void> = [];
    /** Resolves (never rejects) once the process has ended, for whatever reason. */
    readonly exited: Promise<ExitInfo>;

    private constructor(options: RuntimeProcessOptions) {
        // execArgv: [] so the worker never inherits the extension host's --inspect flags (port clash).
        // The 'ipc' channel is required by fork() but unused: JSON-RPC runs over stdin/stdout.
        this.child = fork(options.modulePath, [...(options.args ?? [])], {
            cwd: options.cwd,
            env: options.env ?? process.env,
            execArgv: [],
            stdio: ['pipe', 'pipe', 'pipe', 'ipc'],
            serialization: 'json',
        });
        let resolveExit!: (e: ExitInfo) => void;
        this.exited = new Promise((resolve) => (resolveExit = resolve));
        const finish = (info: ExitInfo) => {
            if (this.exitInfo) return;
            this.exitInfo = info;
            this.connection.dispose();
            resolveExit(info);
        };
        this.child.once('exit', (code, signal) => finish({ code, signal }));
        this.child.once('error', (err) => {
            // 'error' without 'exit' means the process never started (or could not be killed).
            if (this.child.exitCode === null && this.child.pid === undefined) finish({ code: null, signal: null, error: err.message });
        });
        // Writing to a worker that just died raises EPIPE on stdin; the exit handler reports it.
        this.child.stdin?.on('error', () => undefined);
        this.child.stderr?.setEncoding('utf8');
        let partial = '';
        this.child.stderr?.on('data', (chunk: string) => {
            const lines = (partial + chunk).split(/\r?\n/);
            partial = lines.pop() ?? '';
            for (const line of lines) this.onStderrLine(line);
        });
        this.child.stderr?.on('end', () => partial && this.onStderrLine(partial));

        this.connection = createMessageConnection(
            new StreamMessageReader(this.child.stdout!),
            new StreamMessageWriter(this.child.stdin!),
        );
        this.connection.listen();
    }

    static start(options: RuntimeProcessOptions): RuntimeProcess {
        return new RuntimeProcess(options);
    }

    get pid(): number | undefined {
        return this.child.pid;
    }

    get alive(): boolean {
        return this.exitInfo === undefined;
    }

    /** The last lines the worker wrote to stderr (to explain a crash). */
    get recentStderr(): readonly string[] {
        return this.stderrTail;
    }

    onStderr(listener: (line: string) => void): void {
        this.stderrListeners.push(listener);
    }

    onNotification<P>(method: string, handler: (params: P) => void): void {
        this.connection.onNotification(method, (params: P) => handler(params));
    }

    /**
     * Sends a request; rejects with the worker's ResponseError, a RequestTimeoutError, or a
     * ProcessExitedError if the worker dies first (vscode-jsonrpc alone would leave it pending).
     */
    async request<R>(method: string, params: unknown, timeoutMs: number): Promise<R> {
        if (this.exitInfo) throw new ProcessExitedError(this.exitInfo);
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new RequestTimeoutError(method, timeoutMs)), timeoutMs);
        });
        const exit = this.exited.then((info) => Promise.reject(new ProcessExitedError(info)));
        try {
            return await Promise.race([this.connection.sendRequest<R>(method, params), timeout, exit]);
        } catch (e) {
            if (e instanceof ProcessExitedError || e instanceof RequestTimeoutError) throw e;
            if (this.exitInfo) throw new ProcessExitedError(this.exitInfo);
            if (e instanceof ResponseError && !TRANSPORT_ERROR_CODES.has(e.code)) throw e;
            // A transport error: a write to a worker that just died fails with EPIPE before its
            // 'exit' event arrives. The cause is the exit: wait for it (still bounded by the
            // request's timeout) and name it.
            const info = await Promise.race([this.exited, timeout]);
            throw new ProcessExitedError(info);
        } finally {
            clearTimeout(timer);
        }
    }

    /**
     * Ends the process: closes its stdin (a well-behaved worker exits on end of input), sends
     * SIGTERM, and SIGKILL if it is still there after `graceMs`.
     */
    async terminate(graceMs: number): Promise<ExitInfo> {
        if (this.exitInfo) return this.exitInfo;
        this.child.stdin?.end();
        this.child.kill('SIGTERM');
        const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
        try {
            return await this.exited;
        } finally {
            clearTimeout(timer);
        }
    }

    private onStderrLine(line: string): void {
        this.stderrTail.push(line);
        if (this.stderrTail.length > STDERR_TAIL_LINES) this.stderrTail.shift();
        for (const listener of this.stderrListeners) listener(line);
    }
}
