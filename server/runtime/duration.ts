// Durations given to `flowlens run` flags (`--for 10s`), read as Go's time.ParseDuration reads them.

import { goDurationMs } from '../../language/values/go-duration.js';

/** Milliseconds in a duration; throws with a clear message when it is not one. */
export function parseDuration(text: string): number {
    try {
        return goDurationMs(text.trim());
    } catch {
        throw new Error(`"${text}" is not a duration (use e.g. 500ms, 10s, 1m30s)`);
    }
}
