import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A mistake in how the command was called (exit status 2). */
export class UsageError extends Error {}

export function parseCommandArgs<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T) {
    try {
        return parseArgs({ args, options, allowPositionals: true, strict: true });
    } catch (err) {
        throw new UsageError(err instanceof Error ? err.message : String(err));
    }
}
