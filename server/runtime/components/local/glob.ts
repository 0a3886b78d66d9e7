// File globbing as Alloy does it for local.file_match and loki.source.file (doublestar v4:
// `**` spans directories, `*` does not cross `/`, `{a,b}` alternatives, `[...]` classes, and
// dot-files match like any other name). tinyglobby walks the tree and matches.

import { stat } from 'node:fs/promises';
import path from 'node:path';
import { glob } from 'tinyglobby';

const OPTIONS = { dot: true, noextglob: true } as const;

/** Absolute paths of the regular files matching `pattern` (relative patterns resolve against the working directory). */
export async function globFiles(pattern: string): Promise<string[]> {
    const absolute = path.resolve(pattern);
    const found = await glob([absolute], { ...OPTIONS, absolute: true, expandDirectories: false, onlyFiles: true, followSymbolicLinks: true });
    found.sort();
    return found;
}

/** The files `__path__` matches, less those `__path_exclude__` matches. */
export async function globTarget(pattern: string, exclude: string): Promise<string[]> {
    const files = await globFiles(pattern);
    if (exclude === '' || files.length === 0) return files;
    const out = new Set(await globFiles(exclude));
    return files.filter((f) => !out.has(f));
}

/** The file's size and modification time, or undefined when it is gone or not a regular file. */
export async function regularFile(file: string): Promise<{ size: number; mtimeMs: number } | undefined> {
    try {
        const s = await stat(file);
        return s.isFile() ? { size: s.size, mtimeMs: s.mtimeMs } : undefined;
    } catch {
        return undefined;
    }
}
