// An import namespace or a declare named like a built-in namespace
// (`prometheus`, `loki`, ...) hides those components in its scope: a block
// `prometheus.scrape` then means the import's `scrape`. Reported with a fix that
// renames the namespace and every use of it.

import type { LoadedConfiguration } from '../model/loader.js';
import { AnalysisIndex } from './analysis-index.js';
import type { Analysis } from './analyze.js';
import { editIn, unique } from './fixes.js';
import type { Reporter } from './reporter.js';
import type { Catalogs } from './resolve.js';
import { occurrencesOf } from './symbols.js';

export function reportShadowedNamespaces(analysis: Omit<Analysis, 'diagnostics'>, catalogs: Catalogs, report: Reporter): void {
    const config: LoadedConfiguration = analysis.configuration;
    let index: AnalysisIndex | undefined;
    for (const module of config.modules) {
        const named = [
            ...[...module.imports.values()].map((imp) => ({ what: 'import namespace', label: imp.namespace, stmt: imp.stmt, symbol: { kind: 'import' as const, import: imp } })),
            ...[...module.declares.values()].map((d) => ({ what: 'custom component', label: d.name, stmt: d.stmt, symbol: { kind: 'declare' as const, declare: d } })),
        ];
        for (const { what, label, stmt, symbol } of named) {
            const catalog = catalogs.forDialect(stmt.file.dialect);
            if (!Object.keys(catalog.components).some((name) => name.startsWith(label + '.'))) continue;
            index ??= new AnalysisIndex(analysis as Analysis);
            const occurrences = occurrencesOf(symbol, index);
            const taken = new Set([...module.imports.keys(), ...module.declares.keys()]);
            const newName = unique(`${label}_module`, (c) => taken.has(c));
            const edits = [occurrences.definition, ...occurrences.uses].flatMap((span) => (span ? [editIn(span.file, span.offset, span.end, newName)] : []));
            const block = stmt.node;
            const start = block.$labelOffset >= 0 ? block.$labelOffset : block.$cstNode!.offset;
            report.add(
                stmt.file, start, start + label.length + 2, 'warning', 'shadowed-namespace',
                `${what} "${label}" shadows the built-in ${label}.* components: in this scope, blocks named ${label}.<name> refer to it`,
                edits.every((e) => e !== undefined) ? [{ title: `Rename "${label}" to "${newName}"`, edits: edits as NonNullable<(typeof edits)[number]>[], preferred: true }] : undefined,
            );
        }
    }
}
