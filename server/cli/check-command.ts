// `flowlens check [--json | --format text|json|sarif|github] [--fix] [options] PATH...`

import fs from 'node:fs';
import path from 'node:path';
import type { Analysis } from '../../language/analysis/analyze.js';
import { type AnalysisOptions, COMPAT_TARGETS, type Compat, DEFAULT_OPTIONS } from '../../language/analysis/options.js';
import type { Dialect, Stability } from '../../language/catalog/schema.js';
import type { Diagnostic } from '../../language/diagnostic.js';
import { DiskFileHost } from '../../language/model/host.js';
import { analyzeDirectory, analyzeFile } from '../../language/workspace/configurations.js';
import { unifiedDiff } from '../../language/format/text-diff.js';
import { planFixes, writeFixes } from './apply-fixes.js';
import { alloyPosition, colourEnabled, type FileView, jsonReport, summary, textReport } from './report.js';
import { githubReport, sarifReport } from './report-ci.js';
import { parseCommandArgs, suggestion, UsageError } from './usage.js';

const FORMATS = ['text', 'json', 'sarif', 'github'] as const;
type Format = (typeof FORMATS)[number];

function toolVersion(): string {
    try {
        return (JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
        return '0.0.0';
    }
}

const STABILITY_LEVELS: readonly Stability[] = ['experimental', 'public-preview', 'generally-available'];

export const ANALYSIS_FLAGS = {
    compat: { type: 'string' },
    dialect: { type: 'string' },
    'stability-level': { type: 'string' },
    'community-components': { type: 'string' },
    env: { type: 'string', multiple: true },
    'path-map': { type: 'string', multiple: true },
} as const;

export async function runCheck(args: string[]): Promise<number> {
    const { values, positionals } = parseCommandArgs(args, {
        json: { type: 'boolean', default: false },
        format: { type: 'string' },
        fix: { type: 'boolean', default: false },
        'dry-run': { type: 'boolean', default: false },
        ...ANALYSIS_FLAGS,
    });
    if (positionals.length === 0) throw new UsageError('check needs at least one PATH');
    const format = values.format ?? (values.json ? 'json' : 'text');
    if (!FORMATS.includes(format as Format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}${suggestion(format, FORMATS)}`);
    if (values.json && values.format && values.format !== 'json') throw new UsageError('--json is --format json; use one of them');
    if (values['dry-run'] && !values.fix) throw new UsageError('--dry-run goes with --fix (it shows what --fix would change)');
    const options = analysisOptions(values);

    let result = checkPaths(positionals, options);
    if (values.fix) {
        const plan = planFixes(result.diagnostics, result.views);
        const verb = values['dry-run'] ? 'would fix' : 'fixed';
        // What changes goes to standard error, so that standard output stays the report (or the diff).
        for (const { title, diagnostic } of plan.fixes) {
            const view = result.views.get(diagnostic.file);
            process.stderr.write(`${verb} ${display(diagnostic.file)}:${view ? alloyPosition(view, diagnostic.offset) : '1:1'}: ${title}\n`);
        }
        const n = plan.fixes.length;
        const f = plan.files.size;
        if (values['dry-run']) {
            for (const [file, { before, after }] of plan.files) {
                const name = display(file);
                process.stdout.write(unifiedDiff(before ?? '', after, before === undefined ? '/dev/null' : name, name));
            }
            process.stderr.write(`flowlens: --dry-run: ${n} fix${n === 1 ? '' : 'es'} in ${f} file${f === 1 ? '' : 's'} would be applied; nothing was written\n`);
            return n > 0 ? 1 : 0;
        }
        writeFixes(plan);
        for (const file of plan.files.keys()) process.stderr.write(`wrote ${display(file)}\n`);
        if (n > 0) {
            process.stderr.write(`flowlens: applied ${n} fix${n === 1 ? '' : 'es'} in ${f} file${f === 1 ? '' : 's'}\n`);
            for (const [file, { before }] of plan.files) if (before === undefined) process.stderr.write(`flowlens: created ${display(file)}\n`);
            result = checkPaths(positionals, options);
        }
    }

    const { diagnostics, views, fileCount } = result;
    const printable = new Map([...views].map(([file, view]) => [display(file), view]));
    const shown = diagnostics.map((d) => ({ ...d, file: display(d.file), fixes: d.fixes?.map((f) => ({ ...f, edits: f.edits.map((e) => ({ ...e, file: display(e.file) })), creates: f.creates?.map((c) => ({ ...c, file: display(c.file) })) })) }));
    if (format === 'json') {
        process.stdout.write(JSON.stringify(jsonReport(shown, printable, fileCount), null, 2) + '\n');
    } else if (format === 'sarif') {
        process.stdout.write(JSON.stringify(sarifReport(shown, printable, toolVersion()), null, 2) + '\n');
    } else if (format === 'github') {
        const text = githubReport(shown, printable);
        if (text) process.stdout.write(text + '\n');
        process.stdout.write(summary(shown, fileCount) + '\n');
    } else {
        const text = textReport(shown, printable, colourEnabled(process.stdout.isTTY, process.env));
        if (text) process.stdout.write(text + '\n');
        process.stdout.write(summary(shown, fileCount) + '\n');
    }
    return diagnostics.some((d) => d.severity === 'error') ? 1 : 0;
}

interface CheckResult {
    diagnostics: Diagnostic[];
    views: Map<string, FileView>;
    fileCount: number;
}

function checkPaths(paths: readonly string[], options: AnalysisOptions): CheckResult {
    const host = new DiskFileHost();
    const diagnostics: Diagnostic[] = [];
    const views = new Map<string, FileView>();
    for (const target of paths) {
        for (const analysis of analysesOf(path.resolve(target), host, options)) {
            for (const file of analysis.configuration.files) if (!file.host) views.set(file.path, { parsed: file.parsed });
            diagnostics.push(...analysis.diagnostics);
        }
    }
    const order = [...views.keys()];
    diagnostics.sort((a, b) => order.indexOf(a.file) - order.indexOf(b.file) || a.offset - b.offset);
    return { diagnostics, views, fileCount: views.size };
}

/** The analyses of a PATH argument: a file (a configuration or a module), or a directory. */
export function analysesOf(target: string, host: DiskFileHost, options: AnalysisOptions): Analysis[] {
    if (host.isDirectory(target)) {
        const analyses = analyzeDirectory(target, host, options);
        if (analyses.length === 0) throw new Error(`${display(target)} contains no .alloy or .river files`);
        return analyses;
    }
    const file = host.file(target);
    if (!file) throw new Error(`cannot read ${display(target)}: ${fs.existsSync(target) ? 'not a readable file' : 'no such file or directory'}`);
    return [analyzeFile(file, host, options)];
}

/** A path as the user would write it: relative to the working directory when inside it. */
function display(file: string): string {
    const relative = path.relative(process.cwd(), file);
    return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}

export function analysisOptions(values: {
    compat?: string;
    dialect?: string;
    'stability-level'?: string;
    'community-components'?: string;
    env?: string[];
    'path-map'?: string[];
}): AnalysisOptions {
    const compat = values.compat ?? 'alloy';
    if (!COMPAT_TARGETS.includes(compat as Compat)) throw new UsageError(`--compat must be one of ${COMPAT_TARGETS.join(', ')}`);
    if (values.dialect && values.dialect !== 'alloy' && values.dialect !== 'river') throw new UsageError('--dialect must be alloy or river');
    const level = values['stability-level'];
    if (level && !STABILITY_LEVELS.includes(level as Stability)) throw new UsageError(`--stability-level must be one of ${STABILITY_LEVELS.join(', ')}`);
    const env: Record<string, string> = {};
    for (const pair of values.env ?? []) {
        const eq = pair.indexOf('=');
        if (eq <= 0) throw new UsageError(`--env takes NAME=VALUE, got "${pair}"`);
        env[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
    const pathMappings = (values['path-map'] ?? []).map((pair) => {
        const eq = pair.indexOf('=');
        if (eq <= 0 || eq === pair.length - 1 || !path.isAbsolute(pair.slice(0, eq))) throw new UsageError(`--path-map takes FROM=TO with an absolute FROM, got "${pair}"`);
        return { from: pair.slice(0, eq), to: path.resolve(pair.slice(eq + 1)) };
    });
    const community = values['community-components'];
    if (community !== undefined && community !== 'true' && community !== 'false') throw new UsageError('--community-components takes true or false');
    return {
        ...DEFAULT_OPTIONS,
        compat: compat as Compat,
        dialect: values.dialect as Dialect | undefined,
        // Alloy's defaults (`alloy validate`, `alloy run`): generally-available, no community components.
        stabilityLevel: (level as Stability | undefined) ?? 'generally-available',
        communityComponents: community === 'true',
        env,
        pathMappings,
    };
}
