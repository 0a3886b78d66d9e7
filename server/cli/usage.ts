import { closest, distance } from 'fastest-levenshtein';
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A mistake in how the command was called (exit status 2): one or two lines, then where to read more. */
export class UsageError extends Error {
    override readonly name = 'UsageError';
}

/** By name: `run` throws from a bundle of its own, with its own copy of the class. */
export function isUsageError(err: unknown): err is UsageError {
    return err instanceof Error && err.name === 'UsageError';
}

/** "did you mean X?" when `word` is a likely typo of one of `candidates`. */
export function suggestion(word: string, candidates: readonly string[]): string {
    if (candidates.length === 0) return '';
    const best = closest(word, candidates as string[]);
    // A typo changes a few characters; beyond a third of the word it is another word.
    return distance(word, best) <= Math.max(2, Math.floor(word.length / 3)) ? ` (did you mean ${best}?)` : '';
}

export function parseCommandArgs<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T) {
    try {
        return parseArgs({ args, options, allowPositionals: true, strict: true });
    } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        const message = err instanceof Error ? err.message : String(err);
        const unknown = /^Unknown option '(-{1,2}[^']+)'/.exec(message);
        if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && unknown) {
            const flags = Object.keys(options).map((name) => `--${name}`);
            throw new UsageError(`unknown option ${unknown[1]}${suggestion(unknown[1], flags)}`);
        }
        // parseArgs explains at length; the first sentence says what is wrong.
        throw new UsageError(message.split(/\.\s/)[0].replace(/\.$/, ''));
    }
}
