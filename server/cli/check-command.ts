// `flowlens check [--json] PATH...`

import fs from 'node:fs';
import { syntaxDiagnostics } from '../../language/analysis/syntax.js';
import type { Diagnostic } from '../../language/diagnostic.js';
import { configFilesIn, loadFile, type LoadedFile } from '../../language/workspace/files.js';
import { type FileView, jsonReport, summary, textReport } from './report.js';
import { parseCommandArgs, UsageError } from './usage.js';

export async function runCheck(args: string[]): Promise<number> {
    const { values, positionals } = parseCommandArgs(args, {
        json: { type: 'boolean', default: false },
    });
    if (positionals.length === 0) throw new UsageError('check needs at least one PATH');

    const files: LoadedFile[] = [];
    const diagnostics: Diagnostic[] = [];
    for (const target of positionals) {
        const paths = configurationFiles(target);
        const loaded = paths.map(loadFile);
        files.push(...loaded);
        for (const file of loaded) diagnostics.push(...syntaxDiagnostics(file.path, file.parsed));
    }

    const views = new Map<string, FileView>(files.map((f) => [f.path, { parsed: f.parsed }]));
    if (values.json) {
        process.stdout.write(JSON.stringify(jsonReport(diagnostics, views, files.length), null, 2) + '\n');
    } else {
        const text = textReport(diagnostics, views);
        if (text) process.stdout.write(text + '\n');
        process.stdout.write(summary(diagnostics, files.length) + '\n');
    }
    return diagnostics.some((d) => d.severity === 'error') ? 1 : 0;
}

/** The files of the configuration rooted at a PATH argument. */
function configurationFiles(target: string): string[] {
    let stat: fs.Stats;
    try {
        stat = fs.statSync(target);
    } catch {
        throw new Error(`cannot read ${target}: no such file or directory`);
    }
    if (!stat.isDirectory()) return [target];
    const files = configFilesIn(target);
    if (files.length === 0) throw new Error(`${target} contains no .alloy or .river files`);
    return files;
}
