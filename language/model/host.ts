// How the core reads configuration files: through a FileHost, so the CLI reads
// the disk while the language server reads open editor buffers first.

import fs from 'node:fs';
import path from 'node:path';
import { dialectForPath } from '../catalog/catalog.js';
import { parse } from '../syntax/parser.js';
import { decodeSource } from '../syntax/source.js';
import { isConfigFileName } from '../workspace/files.js';
import type { SourceFile } from './source-file.js';

export interface FileHost {
    /** The parsed file at an absolute path, or undefined when it cannot be read. */
    file(filePath: string): SourceFile | undefined;
    isDirectory(dirPath: string): boolean;
    /** The configuration files directly inside a directory, sorted by name. */
    configFiles(dirPath: string): string[];
}

/** Reads from the disk, parsing each file once. */
export class DiskFileHost implements FileHost {
    private readonly cache = new Map<string, SourceFile | null>();

    file(filePath: string): SourceFile | undefined {
        let cached = this.cache.get(filePath);
        if (cached === undefined) {
            cached = this.read(filePath) ?? null;
            this.cache.set(filePath, cached);
        }
        return cached ?? undefined;
    }

    protected read(filePath: string): SourceFile | undefined {
        try {
            const stat = fs.statSync(filePath);
            if (!stat.isFile()) return undefined;
            return { path: filePath, parsed: parse(decodeSource(fs.readFileSync(filePath))), dialect: dialectForPath(filePath) };
        } catch {
            return undefined;
        }
    }

    isDirectory(dirPath: string): boolean {
        try {
            return fs.statSync(dirPath).isDirectory();
        } catch {
            return false;
        }
    }

    configFiles(dirPath: string): string[] {
        try {
            return fs
                .readdirSync(dirPath, { withFileTypes: true })
                .filter((e) => (e.isFile() || e.isSymbolicLink()) && isConfigFileName(e.name))
                .map((e) => path.join(dirPath, e.name))
                .sort();
        } catch {
            return [];
        }
    }

    /** Forgets a file so the next read sees its new content. */
    invalidate(filePath: string): void {
        this.cache.delete(filePath);
    }
}
