// Reading configuration files from disk the way `alloy run` / `alloy validate`
// do: a path is a file, or a directory whose *.alloy files (flowlens also takes
// *.river) directly inside it form one configuration, in file-name order.

import fs from 'node:fs';
import path from 'node:path';
import { parse, type ParsedFile } from '../syntax/parser.js';
import { decodeSource } from '../syntax/source.js';

export const CONFIG_EXTENSIONS = ['.alloy', '.river'] as const;

export function isConfigFileName(name: string): boolean {
    return CONFIG_EXTENSIONS.some((ext) => name.endsWith(ext));
}

/** The configuration files directly inside `dir`, sorted by name (not recursive). */
export function configFilesIn(dir: string): string[] {
    return fs
        .readdirSync(dir, { withFileTypes: true })
        .filter((entry) => (entry.isFile() || entry.isSymbolicLink()) && isConfigFileName(entry.name))
        .map((entry) => entry.name)
        .sort()
        .map((name) => path.join(dir, name));
}

export interface LoadedFile {
    /** The path as the user or the importing file named it. */
    readonly path: string;
    readonly parsed: ParsedFile;
}

export function loadFile(filePath: string): LoadedFile {
    const bytes = fs.readFileSync(filePath);
    return { path: filePath, parsed: parse(decodeSource(bytes)) };
}
