// A minimal LSP client over stdio for tests and benchmarks: spawns the real
// server bundle (out/server.cjs) and speaks JSON-RPC to it.

import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createMessageConnection, type MessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import type { Diagnostic, PublishDiagnosticsParams, Range } from 'vscode-languageserver-protocol';

import { SERVER_EXEC_ARGV } from '../../client/server-exec-argv.js';

const SERVER = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../out/server.cjs');

export class LspClient {
    readonly connection: MessageConnection;
    private readonly process: ChildProcess;
    private readonly diagnostics = new Map<string, PublishDiagnosticsParams>();
    private readonly waiters: Array<{ uri: string; accept: (p: PublishDiagnosticsParams) => boolean; resolve: (p: PublishDiagnosticsParams) => void }> = [];
    readonly stderr: string[] = [];
    private settings: unknown = null;
    /** window/logMessage notifications (errors are type 1). */
    readonly logs: Array<{ type: number; message: string }> = [];
    /** window/showMessage notifications. */
    readonly messages: Array<{ type: number; message: string }> = [];
    /** Resolves when the server process exits. */
    readonly exited: Promise<void>;

    constructor(extraArgs: string[] = [], options: { server?: string; nodeArgs?: string[] } = {}) {
        this.process = spawn(process.execPath, [...(options.nodeArgs ?? SERVER_EXEC_ARGV), options.server ?? SERVER, '--stdio', ...extraArgs], { stdio: ['pipe', 'pipe', 'pipe'] });
        this.process.stderr!.on('data', (d) => this.stderr.push(String(d)));
        this.process.stdin!.on('error', () => {}); // the server may exit before our last write
        this.exited = new Promise((resolve) => this.process.once('exit', () => resolve()));
        this.connection = createMessageConnection(new StreamMessageReader(this.process.stdout!), new StreamMessageWriter(this.process.stdin!));
        this.connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
            this.diagnostics.set(p.uri, p);
            for (let i = this.waiters.length - 1; i >= 0; i--) {
                const w = this.waiters[i];
                if (w.uri === p.uri && w.accept(p)) {
                    this.waiters.splice(i, 1);
                    w.resolve(p);
                }
            }
        });
        this.connection.onNotification('window/logMessage', (p: { type: number; message: string }) => {
            this.logs.push(p);
        });
        this.connection.onNotification('window/showMessage', (p: { type: number; message: string }) => {
            this.messages.push(p);
        });
        // The server asks for configuration and registers capabilities; answer politely.
        this.connection.onRequest('workspace/configuration', (params: { items: unknown[] }) => params.items.map(() => this.settings));
        this.connection.onRequest('client/registerCapability', () => null);
        this.connection.onRequest('window/workDoneProgress/create', () => null);
        this.connection.listen();
    }

    async initialize(rootUri: string | null = null, initializationOptions?: unknown): Promise<unknown> {
        const result = await this.connection.sendRequest('initialize', {
            processId: process.pid,
            rootUri,
            workspaceFolders: rootUri ? [{ uri: rootUri, name: 'root' }] : null,
            capabilities: {
                textDocument: {
                    publishDiagnostics: {},
                    synchronization: { dynamicRegistration: false },
                    semanticTokens: { requests: { full: true }, tokenTypes: [], tokenModifiers: [], formats: ['relative'] },
                },
                workspace: { configuration: true, workspaceFolders: true },
            },
            initializationOptions,
        });
        await this.connection.sendNotification('initialized', {});
        return result;
    }

    /** Sets the `flowlens` settings the way VS Code's client does (a didChangeConfiguration push). */
    configure(settings: Record<string, unknown>): void {
        this.settings = settings;
        void this.connection.sendNotification('workspace/didChangeConfiguration', { settings: { flowlens: settings } });
    }

    open(uri: string, text: string, version = 1): void {
        void this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'grafana-alloy', version, text } });
    }

    change(uri: string, text: string, version: number): void {
        void this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
    }

    /** Incremental changes, applied in order: each `text` replaces its `range`. */
    changes(uri: string, version: number, contentChanges: Array<{ range: Range; text: string }>): void {
        void this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges });
    }

    close(uri: string): void {
        void this.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
    }

    /** Whether the server process has exited. */
    get dead(): boolean {
        return this.process.exitCode !== null || this.process.signalCode !== null;
    }

    /** Resolves with the next diagnostics published for `uri` that satisfy `accept`. */
    nextDiagnostics(uri: string, accept: (d: Diagnostic[]) => boolean = () => true, timeoutMs = 20_000): Promise<Diagnostic[]> {
        return new Promise((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error(`no diagnostics for ${uri} within ${timeoutMs} ms`)), timeoutMs);
            this.waiters.push({
                uri,
                accept: (p) => accept(p.diagnostics),
                resolve: (p) => {
                    clearTimeout(timer);
                    resolve(p.diagnostics);
                },
            });
        });
    }

    request<T>(method: string, params: unknown): Promise<T> {
        return this.connection.sendRequest(method, params) as Promise<T>;
    }

    /** Shuts the server down the LSP way, and kills it if it does not exit. */
    async stop(): Promise<void> {
        try {
            await Promise.race([this.connection.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 2000))]);
            await this.connection.sendNotification('exit');
        } catch {
            // The server may already be gone.
        }
        const timer = setTimeout(() => this.process.kill(), 3000);
        await this.exited;
        clearTimeout(timer);
        this.connection.dispose();
    }

    get pid(): number | undefined {
        return this.process.pid;
    }
}
