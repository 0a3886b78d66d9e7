// Checks one configuration given as text: what the CLI and the benchmarks use
// for a single file.

import type { Diagnostic } from '../diagnostic.js';
import { parse } from '../syntax/parser.js';
import { sourceFromString } from '../syntax/source.js';
import { syntaxDiagnostics } from './syntax.js';

export function checkSource(file: string, text: string): Diagnostic[] {
    const parsed = parse(sourceFromString(text));
    return syntaxDiagnostics(file, parsed);
}
