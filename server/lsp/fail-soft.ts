// Every feature of the language server fails soft: an exception in one
// feature (hover, completion, validation, ...) is logged once per feature and
// message, the request answers empty, and the server keeps running. A bug in
// one feature must never take the editor's language support down with it.

import { isOperationCancelled } from 'langium';
import { ResponseError } from 'vscode-languageserver';

export class FailureLog {
    private readonly seen = new Set<string>();

    constructor(private readonly write: (message: string) => void) {}

    /** Logs a failure of `feature`, unless the same failure was logged already. */
    report(feature: string, error: unknown): void {
        const message = error instanceof Error ? error.message : String(error);
        const key = `${feature}\0${message}`;
        if (this.seen.has(key)) return;
        this.seen.add(key);
        const detail = error instanceof Error && error.stack ? error.stack : message;
        this.write(`flowlens: ${feature} failed (later identical failures are not logged): ${detail}`);
    }
}

/**
 * Wraps a service so that each of its methods answers `fallback` instead of
 * throwing or rejecting. Cancellations pass through: Langium relies on them;
 * so do ResponseErrors, a feature's deliberate answer (a rename refused with its reason).
 */
export function failSoft<T extends object>(service: T, feature: string, log: FailureLog, fallback?: () => unknown): T {
    const recover = (method: string, error: unknown): unknown => {
        if (isOperationCancelled(error) || error instanceof ResponseError) throw error;
        log.report(`${feature}.${method}`, error);
        return fallback?.();
    };
    return new Proxy(service, {
        get(target, property) {
            const value: unknown = Reflect.get(target, property, target);
            if (typeof value !== 'function' || property === 'constructor') return value;
            const method = String(property);
            return (...args: unknown[]) => {
                try {
                    const result: unknown = value.apply(target, args);
                    return result instanceof Promise ? result.catch((e: unknown) => recover(method, e)) : result;
                } catch (e) {
                    return recover(method, e);
                }
            };
        },
    });
}
