// A FileHost that sees some files with other text (edited or created), and
// everything else through another host: used to re-check a configuration as it
// would be after a rename or a fix, without writing anything.

import path from 'node:path';
import { dialectForPath } from '../catalog/catalog.js';
import { parse } from '../syntax/parser.js';
import { isConfigFileName } from '../workspace/files.js';
import type { FileHost } from './host.js';
import type { SourceFile } from './source-file.js';

export class OverlayFileHost implements FileHost {
    constructor(
        private readonly base: FileHost,
        /** Absolute path → the text the file has in the overlay. */
        private readonly texts: ReadonlyMap<string, string>,
    ) {}

    file(filePath: string): SourceFile | undefined {
        const text = this.texts.get(filePath);
        return text === undefined ? this.base.file(filePath) : { path: filePath, parsed: parse(text), dialect: dialectForPath(filePath) };
    }

    isDirectory(dirPath: string): boolean {
        return this.base.isDirectory(dirPath);
    }

    configFiles(dirPath: string): string[] {
        const created = [...this.texts.keys()].filter((p) => path.dirname(p) === dirPath && isConfigFileName(p));
        return [...new Set([...this.base.configFiles(dirPath), ...created])].sort();
    }
}
