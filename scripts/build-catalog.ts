// Generates language/catalog/generated/{alloy,river}.json: Alloy's from its Go source,
// Agent Flow's from its reference docs.
//
//   npx tsx scripts/build-catalog.ts [--shared DIR] [--out DIR] [--verbose]
//
// --shared defaults to ../shared relative to the project root and must contain alloy/go,
// alloy/docs/reference and agent-flow/docs/reference. Only facts are extracted (names,
// types, defaults, required flags, stability, docs links); no description text. Prints
// how many components and fields it read and every fact where the docs disagree (Go wins).

import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REQUIRED_DOC_DIRS, writeCatalogs, type BuildReport } from './catalog/build.js';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

interface Options {
    readonly shared: string;
    readonly out: string;
    readonly verbose: boolean;
}

function parseArgs(argv: readonly string[]): Options {
    let shared = resolve(projectRoot, '..', 'shared');
    let out = join(projectRoot, 'language', 'catalog', 'generated');
    let verbose = false;
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        const value = (): string => {
            const next = argv[++i];
            if (next === undefined) fail(`${arg} needs a value`);
            return next;
        };
        if (arg === '--shared') shared = resolve(value());
        else if (arg.startsWith('--shared=')) shared = resolve(arg.slice('--shared='.length));
        else if (arg === '--out') out = resolve(value());
        else if (arg.startsWith('--out=')) out = resolve(arg.slice('--out='.length));
        else if (arg === '--verbose' || arg === '-v') verbose = true;
        else if (arg === '--help' || arg === '-h') {
            console.log('usage: npx tsx scripts/build-catalog.ts [--shared DIR] [--out DIR] [--verbose]');
            process.exit(0);
        } else fail(`unknown argument: ${arg}`);
    }
    return { shared, out, verbose };
}

function fail(message: string): never {
    console.error(`build-catalog: ${message}`);
    process.exit(1);
}

function summarize(report: BuildReport, verbose: boolean): void {
    const count = (pred: (p: BuildReport['pages'][number]) => boolean | undefined): string[] =>
        report.pages.filter((p) => !p.skipped && pred(p)).map((p) => p.name);
    const noArgs = count((p) => p.missingArguments);
    const noBlocks = count((p) => p.missingBlocks);
    const noExports = count((p) => p.missingExports);
    const skipped = report.pages.filter((p) => p.skipped);
    const unresolved = report.pages.flatMap((p) => p.unresolvedBlocks.map((b) => `${p.name}: ${b}`));
    const rowProblems = report.pages.flatMap((p) => p.rowProblems.map((r) => `${p.name}: ${r.reason} [${r.cell}]`));
    console.log(
        `${report.dialect}: ${report.pages.length} pages; no arguments table ${noArgs.length}, ` +
            `no blocks table ${noBlocks.length}, no exports table ${noExports.length}, ` +
            `skipped ${skipped.length}, unresolved blocks ${unresolved.length}, odd rows ${rowProblems.length}`,
    );
    for (const p of skipped) console.log(`  skipped ${p.file}: ${p.skipped}`);
    for (const p of report.problems) console.log(`  problem: ${p}`);
    if (report.missingIncludes.length > 0) console.log(`  includes without a fragment (prose only): ${report.missingIncludes.join(', ')}`);
    if (verbose) {
        if (noArgs.length) console.log(`  no arguments table: ${noArgs.join(', ')}`);
        if (noBlocks.length) console.log(`  no blocks table: ${noBlocks.join(', ')}`);
        if (noExports.length) console.log(`  no exports table: ${noExports.join(', ')}`);
        for (const u of unresolved) console.log(`  unresolved block ${u}`);
        for (const p of report.pages) for (const b of p.fallbackBlocks) console.log(`  block from shared fragment ${p.name}: ${b}`);
        for (const p of report.pages) for (const b of p.sameAsBlocks) console.log(`  block same as ${p.name}: ${b}`);
        for (const r of rowProblems) console.log(`  row: ${r}`);
    }
}

function summarizeGo(report: BuildReport, verbose: boolean): void {
    const go = report.go;
    if (!go) return;
    const byFact = new Map<string, number>();
    for (const d of go.disagreements) byFact.set(d.fact, (byFact.get(d.fact) ?? 0) + 1);
    console.log(
        `alloy Go source: ${go.files} files, ${go.components} components, ${go.configBlocks} config blocks, ${go.fields} fields; ` +
            `${go.disagreements.length} facts where the docs disagree, Go's value kept (${[...byFact].map(([f, n]) => `${f} ${n}`).join(', ')})`,
    );
    for (const p of go.problems) console.log(`  problem: ${p}`);
    if (go.opaque.size) console.log(`  types outside the Go tree, read as any: ${[...go.opaque.keys()].sort().join(', ')}`);
    if (verbose) for (const d of go.disagreements) console.log(`  ${d.component}${d.path ? ` ${d.path}` : ''}: ${d.fact}: docs ${d.docs}, go ${d.go}`);
}

async function main(): Promise<void> {
    const options = parseArgs(process.argv.slice(2));
    for (const sub of REQUIRED_DOC_DIRS) {
        if (!existsSync(join(options.shared, sub))) {
            fail(`source not found: ${join(options.shared, sub)} (pass --shared DIR pointing at the reference data)`);
        }
    }
    const { results, written } = await writeCatalogs(options.shared, options.out);
    for (const result of results) {
        const c = result.catalog;
        const path = written[c.dialect];
        console.log(
            `wrote ${path}: ${Object.keys(c.components).length} components, ${Object.keys(c.configBlocks).length} config blocks, ` +
                `${Object.keys(c.stdlib).length} stdlib entries, ${statSync(path).size} bytes`,
        );
        summarize(result.report, options.verbose);
        summarizeGo(result.report, options.verbose);
    }
}

main().catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));
