// The `flowlens` command line: `check` and `fmt` for people and CI jobs.

import '../../language/groupby-polyfill.cjs';
import { runCheck } from './check-command.js';
import { runFmt } from './fmt-command.js';
import { runGraph } from './graph-command.js';
import { RUN_USAGE, runRun } from './run-command.js';
import { UsageError } from './usage.js';

const USAGE = `flowlens — checks, formats and runs Grafana Alloy and Agent Flow configurations

Usage:
  flowlens check [--json] [--fix] PATH...    report what Alloy would reject or misbehave on
  flowlens fmt [--check | --write] PATH...   format like \`alloy fmt\`
  flowlens graph [--json] PATH               the nodes Alloy would run, with global IDs
${RUN_USAGE}

Options of check, graph and run:
  --compat alloy|agent-0.38|agent-0.39|agent-0.40   the runtime the configuration targets
                                                    (collision findings are warnings for 0.38/0.39)
  --dialect alloy|river               resolve every file as Alloy or as Agent Flow v0.40
  --stability-level LEVEL             experimental, public-preview or generally-available
                                      (unset: stability is not gated)
  --community-components true|false   whether community components are enabled
                                      (unset: not gated)
  --env NAME=VALUE                    a variable for sys.env (repeatable; the real
                                      environment is never read)

A PATH is a file, or a directory whose *.alloy and *.river files form one
configuration (as \`alloy run DIR\` loads it).

Exit status: 0 fine, 1 problems found (errors, or files that need formatting; for run:
a refused configuration or a runtime failure), 2 usage error.`;

async function main(argv: string[]): Promise<number> {
    const [command, ...rest] = argv;
    if (rest.includes('--help') || rest.includes('-h')) {
        process.stdout.write(USAGE + '\n');
        return 0;
    }
    try {
        switch (command) {
            case 'check':
                return await runCheck(rest);
            case 'fmt':
            case 'format':
                return await runFmt(rest);
            case 'graph':
                return await runGraph(rest);
            case 'run':
                return await runRun(rest);
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

// A reader that stops early (`flowlens check ... | head`) is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
});

main(process.argv.slice(2)).then(
    (code) => {
        process.exitCode = code;
    },
    (err) => {
        process.stderr.write(`flowlens: internal error: ${err instanceof Error ? err.stack : String(err)}\n`);
        process.exitCode = 1;
    },
);
