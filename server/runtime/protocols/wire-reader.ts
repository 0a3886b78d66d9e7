/**
 * A minimal, strict protobuf wire-format reader for the decode hot paths.
 *
 * Why not protobufjs' decoder: a remote-write body is tens of thousands of tiny messages with highly
 * repetitive strings (label names, job/instance values). protobufjs allocates a `Long` per int64 and
 * crosses into C++ for every string; this reader returns int64 as numbers and interns short ASCII
 * strings in a small hash table, which makes decoding ~3x faster. It checks every length against the
 * buffer and reports wire-type mismatches, so corrupt input fails loudly instead of being misread.
 */

export class WireError extends Error {
    constructor(message: string) {
        super(message);
        this.name = 'WireError';
    }
}

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LEN = 2;
export const WIRE_FIXED32 = 5;

const INTERN_SLOTS = 4096; // power of two
const INTERN_MAX_LEN = 64;
const internTable: (string | undefined)[] = new Array<string | undefined>(INTERN_SLOTS);

// ignoreBOM: keep a leading U+FEFF as data (the default would silently strip it from a label value).
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Node's Buffer has undocumented `latin1Slice`, the cheapest way to turn ASCII bytes into a string
 * (about half the cost of `toString('latin1', ...)`); feature-detected, with a fallback.
 */
type SliceableBuffer = Buffer & { latin1Slice?: (start: number, end: number) => string };

export class WireReader {
    pos = 0;
    readonly buf: SliceableBuffer;
    private readonly view: DataView;

    constructor(bytes: Uint8Array) {
        // A Buffer view over the same memory (no copy), for its fast string slicing.
        this.buf = (Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)) as SliceableBuffer;
        this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    }

    get length(): number {
        return this.buf.length;
    }

    private truncated(): never {
        throw new WireError(`truncated message at byte ${this.pos}`);
    }

    /** Reads a varint that must fit in 32 bits unsigned (tags and lengths). */
    uint32(): number {
        const buf = this.buf;
        let result = 0;
        for (let shift = 0; shift < 35; shift += 7) {
            if (this.pos >= buf.length) this.truncated();
            const b = buf[this.pos++];
            result += (b & 0x7f) * 2 ** shift;
            if (b < 0x80) {
                if (result > 0xffffffff) throw new WireError(`varint out of 32-bit range at byte ${this.pos}`);
                return result;
            }
        }
        throw new WireError(`varint too long at byte ${this.pos}`);
    }

    /**
     * Reads an int64 varint as a JS number (two's complement for negatives). Exact for |v| <= 2^53, which
     * covers any millisecond timestamp.
     */
    int64(): number {
        const buf = this.buf;
        let lo = 0;
        let hi = 0;
        let shift = 0;
        for (let i = 0; i < 10; i++) {
            if (this.pos >= buf.length) this.truncated();
            const b = buf[this.pos++];
            if (shift < 28) {
                lo |= (b & 0x7f) << shift;
            } else if (shift === 28) {
                lo |= (b & 0x0f) << 28;
                hi |= (b & 0x7f) >>> 4;
            } else {
                hi |= (b & 0x7f) << (shift - 32);
            }
            if (b < 0x80) return (hi | 0) * 4294967296 + (lo >>> 0);
            shift += 7;
        }
        throw new WireError(`varint too long at byte ${this.pos}`);
    }

    double(): number {
        if (this.pos + 8 > this.buf.length) this.truncated();
        const v = this.view.getFloat64(this.pos, true);
        this.pos += 8;
        return v;
    }

    /** Reads a length prefix and returns the end offset of the delimited region. */
    delimitedEnd(): number {
        const len = this.uint32();
        const end = this.pos + len;
        if (end > this.buf.length) throw new WireError(`length ${len} at byte ${this.pos} exceeds the message`);
        return end;
    }

    /** Reads a length-delimited UTF-8 string. */
    string(): string {
        const end = this.delimitedEnd();
        const start = this.pos;
        this.pos = end;
        return decodeString(this.buf, start, end);
    }

    /** Skips a field of the given wire type. */
    skip(wireType: number): void {
        switch (wireType) {
            case WIRE_VARINT:
                this.int64();
                return;
            case WIRE_FIXED64:
                if (this.pos + 8 > this.buf.length) this.truncated();
                this.pos += 8;
                return;
            case WIRE_LEN:
                this.pos = this.delimitedEnd();
                return;
            case WIRE_FIXED32:
                if (this.pos + 4 > this.buf.length) this.truncated();
                this.pos += 4;
                return;
            default:
                throw new WireError(`unsupported wire type ${wireType} at byte ${this.pos}`);
        }
    }
}

function decodeUtf8(buf: Uint8Array, start: number, end: number): string {
    try {
        return utf8.decode(buf.subarray(start, end));
    } catch {
        throw new WireError(`invalid UTF-8 in string at byte ${start}`);
    }
}

/** Decodes UTF-8 bytes, interning short ASCII strings (label names and common values repeat a lot). */
function decodeString(buf: SliceableBuffer, start: number, end: number): string {
    const len = end - start;
    if (len === 0) return '';
    if (len > INTERN_MAX_LEN) return decodeUtf8(buf, start, end);
    let h = len;
    let ascii = true;
    for (let i = start; i < end; i++) {
        const b = buf[i];
        h = (Math.imul(h, 31) + b) | 0;
        if (b >= 0x80) ascii = false;
    }
    if (!ascii) return decodeUtf8(buf, start, end);
    const slot = h & (INTERN_SLOTS - 1);
    const cached = internTable[slot];
    if (cached !== undefined && cached.length === len) {
        let same = true;
        for (let i = 0; i < len; i++) {
            if (cached.charCodeAt(i) !== buf[start + i]) {
                same = false;
                break;
            }
        }
        if (same) return cached;
    }
    const s = buf.latin1Slice !== undefined ? buf.latin1Slice(start, end) : buf.toString('latin1', start, end);
    internTable[slot] = s;
    return s;
}
