/**
 * Minimal typings for `snappyjs` (pure-JS Snappy *block* format), which ships without declarations.
 * Only the two functions used by the remote-write codec are declared.
 */
declare module 'snappyjs' {
    /** Compresses to the Snappy block format. A Buffer input yields a Buffer. */
    export function compress(uncompressed: Uint8Array): Uint8Array;
    /**
     * Decompresses a Snappy block. Throws `Error('Invalid Snappy bitstream')` on malformed input, and an
     * error when the declared length exceeds `maxLength`.
     */
    export function uncompress(compressed: Uint8Array, maxLength?: number): Uint8Array;
}
