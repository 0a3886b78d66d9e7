// Checks one configuration given as text, fully (parse, modules, evaluation,
// collisions): what the benchmarks time as "parse + diagnostics".

import { dialectForPath } from '../catalog/catalog.js';
import type { Diagnostic } from '../diagnostic.js';
import { DiskFileHost } from '../model/host.js';
import { parse } from '../syntax/parser.js';
import { sourceFromString } from '../syntax/source.js';
import { analyzeConfiguration } from './analyze.js';
import { type AnalysisOptions, DEFAULT_OPTIONS } from './options.js';

export function checkSource(file: string, text: string, options: AnalysisOptions = DEFAULT_OPTIONS): readonly Diagnostic[] {
    const source = { path: file, parsed: parse(sourceFromString(text)), dialect: dialectForPath(file) };
    return analyzeConfiguration([source], new DiskFileHost(), options).diagnostics;
}
