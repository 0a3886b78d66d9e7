/**
 * Prometheus staleness markers: a NaN with the specific bit pattern 0x7ff0000000000002, distinct from the
 * "ordinary" NaN a target may expose. Because every NaN compares unequal to everything, the marker can
 * only be recognised by its bits.
 */

const scratch = new DataView(new ArrayBuffer(8));

export const STALE_NAN_BITS = 0x7ff0000000000002n;

function makeStaleNaN(): number {
    scratch.setBigUint64(0, STALE_NAN_BITS);
    return scratch.getFloat64(0);
}

/** The staleness marker value. */
export const STALE_NAN: number = makeStaleNaN();

export function isStaleNaN(value: number): boolean {
    if (value === value) return false; // not NaN at all: the fast, common case
    scratch.setFloat64(0, value);
    return scratch.getBigUint64(0) === STALE_NAN_BITS;
}
