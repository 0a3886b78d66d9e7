// The `flowlens` command line: `check` and `fmt` for people and CI jobs.

import '../../scripts/groupby-polyfill.cjs';
import { runCheck } from './check-command.js';
import { runFmt } from './fmt-command.js';
import { UsageError } from './usage.js';

const USAGE = `flowlens — checks, formats and runs Grafana Alloy and Agent Flow configurations

Usage:
  flowlens check [--json] PATH...            report what Alloy would reject or misbehave on
  flowlens fmt [--check | --write] PATH...   format like \`alloy fmt\`

A PATH is a file, or a directory whose *.alloy and *.river files form one
configuration (as \`alloy run DIR\` loads it).

Exit status: 0 fine, 1 problems found (errors, or files that need formatting), 2 usage error.`;

async function main(argv: string[]): Promise<number> {
    const [command, ...rest] = argv;
    try {
        switch (command) {
            case 'check':
                return await runCheck(rest);
            case 'fmt':
            case 'format':
                return await runFmt(rest);
            case undefined:
            case 'help':
            case '--help':
            case '-h':
                process.stdout.write(USAGE + '\n');
                return command === undefined ? 2 : 0;
            default:
                throw new UsageError(`unknown command "${command}"`);
        }
    } catch (err) {
        if (err instanceof UsageError) {
            process.stderr.write(`flowlens: ${err.message}\n\n${USAGE}\n`);
            return 2;
        }
        process.stderr.write(`flowlens: ${err instanceof Error ? err.message : String(err)}\n`);
        return 1;
    }
}

main(process.argv.slice(2)).then(
    (code) => {
        process.exitCode = code;
    },
    (err) => {
        process.stderr.write(`flowlens: internal error: ${err instanceof Error ? err.stack : String(err)}\n`);
        process.exitCode = 1;
    },
);
