// Analyzes one configuration the way Alloy would load it: loads the root files
// and every module they import, checks each module, builds the instance tree
// with global IDs, and finds the collisions that break Grafana Agent v0.38–v0.39.

import path from 'node:path';
import type { FileHost } from '../model/host.js';
import { ConfigurationLoader, type LoadedConfiguration, type RootKind } from '../model/loader.js';
import type { SourceFile } from '../model/source-file.js';
import type { Analysis } from './analysis.js';
import { checkBodies } from './body-checker.js';
import { findCollisions } from './collisions.js';
import { keepFormatted } from './formatted-fix.js';
import { Evaluator } from './evaluator.js';
import { checkExportFields } from './export-fields.js';
import { buildInstances } from './instances.js';
import { ModuleChecker } from './module-checker.js';
import { type AnalysisOptions, DEFAULT_OPTIONS, mapPath } from './options.js';
import { Reporter } from './reporter.js';
import { reportShadowedNamespaces } from './shadowing.js';
import { Catalogs } from './resolve.js';
import type { ModuleInfo } from './semantic-model.js';

export type { Analysis } from './analysis.js';

/**
 * Analyzes the configuration made of `rootFiles` (one file, or the files of a
 * directory). `baseDir` is where file names in messages are relative to.
 * `rootKind` 'flow-module' checks a module file that no file of the
 * configuration loads as the module it is.
 */
export function analyzeConfiguration(
    rootFiles: readonly SourceFile[],
    host: FileHost,
    options: AnalysisOptions = DEFAULT_OPTIONS,
    baseDir?: string,
    rootKind: RootKind = 'root',
): Analysis {
    const base = baseDir ?? (rootFiles.length ? path.dirname(rootFiles[0].path) : process.cwd());
    const catalogs = new Catalogs(options);
    const evaluator = new Evaluator(options, catalogs);
    const loader = new ConfigurationLoader(host, (expr, module) => evaluator.evaluateInModule(expr, module), (p) => mapPath(p, options.pathMappings));
    const configuration = loader.load(rootFiles, rootFiles.length === 1 ? path.basename(rootFiles[0].path) : path.basename(base), rootKind);
    const report = new Reporter(base);

    for (const file of configuration.files) {
        for (const e of file.parsed.errors) report.add(file, e.offset, e.end, 'error', 'syntax', e.message);
    }
    for (const p of loader.problems) {
        const block = p.stmt.node;
        report.add(p.stmt.file, block.$cstNode!.offset, block.$cstNode!.offset + block.name.length, p.severity, p.code, p.message);
    }

    const modules = new Map<LoadedConfiguration['root'], ModuleInfo>();
    const declares = new Set(configuration.modules.flatMap((m) => [...m.declares.keys()]));
    for (const module of configuration.modules) {
        const scope = { stdlib: evaluator.stdlibNames(module.statements[0]?.file.dialect ?? 'alloy'), declares };
        modules.set(module, new ModuleChecker(module, catalogs, options, report, scope).check());
    }
    for (const info of modules.values()) evaluator.shadow(info.module, info.nodes.keys());
    checkBodies(modules, configuration, evaluator, options, report);
    checkExportFields(modules, configuration, report);
    const instances = buildInstances(configuration, modules, evaluator, report);
    findCollisions(instances, modules, configuration, options, report, (p) => host.file(p) !== undefined || host.isDirectory(p));
    reportShadowedNamespaces({ configuration, modules, instances, evaluator }, catalogs, report);

    return { configuration, modules, instances, diagnostics: keepFormatted(report.diagnostics, configuration.files), evaluator };
}
