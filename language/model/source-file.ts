// A parsed configuration file, on disk or embedded (import.string content,
// module.string content), and the dialect its blocks are resolved against.

import type { Dialect } from '../catalog/schema.js';
import type { ParsedFile } from '../syntax/parser.js';

export interface SourceFile {
    /** The file's identity: an absolute path, or `HOST#offset` for content embedded in a string. */
    readonly path: string;
    readonly parsed: ParsedFile;
    readonly dialect: Dialect;
    /**
     * For embedded content: the file holding the string literal, and the offset in that file of
     * the content's first character when offsets map one to one (raw strings); -1 otherwise.
     */
    readonly host?: { readonly file: SourceFile; readonly contentOffset: number; readonly literalOffset: number };
}

/** Where a diagnostic in `file` at `offset` is shown: embedded content maps to its host file. */
export function displayLocation(file: SourceFile, offset: number, end: number): { file: SourceFile; offset: number; end: number } {
    let f = file;
    let start = offset;
    let stop = end;
    while (f.host) {
        const { contentOffset, literalOffset } = f.host;
        if (contentOffset >= 0) {
            start += contentOffset;
            stop += contentOffset;
        } else {
            start = literalOffset;
            stop = literalOffset + 1;
        }
        f = f.host.file;
    }
    return { file: f, offset: start, end: stop };
}
