// Where a node's block is written, for messages and the component list
// (content embedded in a string maps back to its host file).

import path from 'node:path';
import type { Analysis } from '../../../language/analysis/analyze.js';
import type { InstanceNode } from '../../../language/analysis/instances.js';
import { displayLocation } from '../../../language/model/source-file.js';

export interface Location {
    readonly file: string;
    readonly line: number;
    readonly column: number;
}

export function nodeLocation(node: InstanceNode): Location {
    const block = node.node.stmt.node;
    const offset = block.$cstNode?.offset ?? 0;
    const at = displayLocation(node.node.stmt.file, offset, offset);
    const { line, column } = at.file.parsed.lines.position(at.offset);
    return { file: at.file.path, line, column };
}

export function diagnosticLocation(analysis: Analysis, file: string, offset: number): Location {
    const source = analysis.configuration.files.find((f) => f.path === file);
    if (!source) return { file, line: 0, column: 0 };
    const { line, column } = source.parsed.lines.position(offset);
    return { file, line, column };
}

/** `file:line:col`, relative to `base` when inside it. */
export function formatLocation(loc: Location, base = process.cwd()): string {
    const rel = path.relative(base, loc.file);
    const shown = rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : loc.file;
    return `${shown}:${loc.line}:${loc.column}`;
}
