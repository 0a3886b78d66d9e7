// One error type for everything a runtime command can fail with, so the commands can tell a
// refused configuration (show the runtime's diagnostics) from a crash or a timeout.

import { ResponseError } from 'vscode-jsonrpc/node';
import { RpcErrorCode } from '../../protocol/runtime.js';
import { ProcessExitedError, RequestTimeoutError } from './runtime-process.js';

export type RuntimeErrorKind = 'refused' | 'notRunning' | 'alreadyRunning' | 'failed' | 'exited' | 'timeout' | 'missingWorker';

export class RuntimeError extends Error {
    constructor(
        readonly kind: RuntimeErrorKind,
        message: string,
    ) {
        super(message);
        this.name = 'RuntimeError';
    }
}

const KIND_BY_CODE = new Map<number, RuntimeErrorKind>([
    [RpcErrorCode.refused, 'refused'],
    [RpcErrorCode.notRunning, 'notRunning'],
    [RpcErrorCode.alreadyRunning, 'alreadyRunning'],
    [RpcErrorCode.failed, 'failed'],
]);

export function toRuntimeError(e: unknown): RuntimeError {
    if (e instanceof RuntimeError) return e;
    if (e instanceof ResponseError) return new RuntimeError(KIND_BY_CODE.get(e.code) ?? 'failed', e.message);
    if (e instanceof ProcessExitedError) return new RuntimeError('exited', e.message);
    if (e instanceof RequestTimeoutError) return new RuntimeError('timeout', e.message);
    return new RuntimeError('failed', e instanceof Error ? e.message : String(e));
}

/** The first line of a (possibly long, multi-line) runtime message: for notifications and the status bar. */
export function firstLine(message: string): string {
    const line = message.split(/\r?\n/, 1)[0]?.trim() ?? '';
    return line || message.trim();
}
