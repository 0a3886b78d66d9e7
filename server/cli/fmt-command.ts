// `flowlens fmt [--check | --write] PATH...`: `alloy fmt` for many files.

import fs from 'node:fs';
import { formatSource } from '../../language/format/format.js';
import { decodeSource } from '../../language/syntax/source.js';
import { configFilesIn } from '../../language/workspace/files.js';
import { alloyPosition } from './report.js';
import { parseCommandArgs, UsageError } from './usage.js';

export async function runFmt(args: string[]): Promise<number> {
    const { values, positionals } = parseCommandArgs(args, {
        check: { type: 'boolean', default: false },
        write: { type: 'boolean', default: false },
    });
    if (values.check && values.write) throw new UsageError('--check and --write cannot be used together');
    if (positionals.length === 0) throw new UsageError('fmt needs a PATH (use - for standard input)');

    const files = positionals.flatMap((p) => (p !== '-' && isDirectory(p) ? configFilesIn(p) : [p]));
    if (!values.check && !values.write && files.length !== 1) {
        throw new UsageError('fmt prints one file; use --check or --write for several files or a directory');
    }
    if (values.write && files.includes('-')) throw new UsageError('--write cannot be used with standard input');

    let status = 0;
    for (const file of files) {
        const bytes = file === '-' ? fs.readFileSync(0) : fs.readFileSync(file);
        const name = file === '-' ? '<stdin>' : file;
        const result = formatSource(decodeSource(bytes));
        if (!result.ok) {
            for (const e of result.errors) process.stderr.write(`${name}:${alloyPosition({ parsed: result.parsed }, e.offset)}: ${e.message}\n`);
            process.stderr.write(`${name}: encountered errors during formatting\n`);
            status = 1;
            continue;
        }
        const unchanged = Buffer.from(result.text, 'utf8').equals(bytes);
        if (values.check) {
            if (!unchanged) {
                process.stdout.write(`${name}\n`);
                status = 1;
            }
        } else if (values.write) {
            if (!unchanged) fs.writeFileSync(file, result.text);
        } else {
            process.stdout.write(result.text);
        }
    }
    return status;
}

function isDirectory(p: string): boolean {
    try {
        return fs.statSync(p).isDirectory();
    } catch {
        return false;
    }
}
