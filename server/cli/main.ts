// The `flowlens` command line. This bundle (out/cli.cjs) holds check, fmt and
// graph; `run` (the runtime and its dependencies) and `lsp` (Langium and the
// language server) are bundles of their own, loaded only by their command, so
// checking or formatting a file starts fast.

import '../../language/groupby-polyfill.cjs';
import fs from 'node:fs';
import path from 'node:path';
import { loadCatalog } from '../../language/catalog/catalog.js';
import { runCheck } from './check-command.js';
import { runFmt } from './fmt-command.js';
import { runGraph } from './graph-command.js';
import { ANALYSIS_OPTIONS_HELP, COMMAND_HELP, COMMAND_SUMMARIES, generalHelp } from './help.js';
import { isUsageError, suggestion, UsageError } from './usage.js';

type RunModule = typeof import('./run-command.js');

/** A bundle next to this one (out/NAME.cjs), loaded when its command runs. */
function sibling<T>(name: string): T {
    return require(path.join(__dirname, name)) as T;
}

const COMMANDS: Readonly<Record<string, (args: string[]) => number | Promise<number>>> = {
    check: runCheck,
    fmt: runFmt,
    graph: runGraph,
    run: (args) => sibling<RunModule>('cli-run.cjs').runRun(args),
    lsp: runLsp,
    help: (args) => help(args[0]),
};
const ALIASES: Readonly<Record<string, string>> = { format: 'fmt' };
const NAMES = COMMAND_SUMMARIES.map(([usage]) => usage.split(' ')[0]);

async function main(argv: string[]): Promise<number> {
    const [first, ...rest] = argv;
    if (first === undefined) {
        process.stderr.write(generalHelp() + '\n');
        return 2;
    }
    if (first === '--version' || first === '-v' || first === 'version') return version();
    if (first === '--help' || first === '-h') return help(undefined);
    const command = ALIASES[first] ?? first;
    try {
        const run = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
        if (!run) {
            const what = first.startsWith('-') ? `unknown option ${first}` : `unknown command "${first}"`;
            throw new UsageError(`${what}${first.startsWith('-') ? suggestion(first, ['--version', '--help']) : suggestion(first, NAMES)}`);
        }
        if (command !== 'help' && (rest.includes('--help') || rest.includes('-h'))) return help(command);
        return await run(rest);
    } catch (err) {
        if (isUsageError(err)) {
            const topic = Object.hasOwn(COMMANDS, command) && command !== 'help' ? ` ${command}` : '';
            process.stderr.write(`flowlens: ${err.message}\nsee \`flowlens help${topic}\`\n`);
            return 2;
        }
        process.stderr.write(`flowlens: ${err instanceof Error ? err.message : String(err)}\n`);
        return 1;
    }
}

function help(topic: string | undefined): number {
    if (topic === undefined) {
        process.stdout.write(generalHelp() + '\n');
        return 0;
    }
    const command = ALIASES[topic] ?? topic;
    if (command === 'run') {
        process.stdout.write(`Usage:\n${sibling<RunModule>('cli-run.cjs').RUN_USAGE}\n${ANALYSIS_OPTIONS_HELP}\n`);
        return 0;
    }
    const text = Object.hasOwn(COMMAND_HELP, command) ? COMMAND_HELP[command] : undefined;
    if (!text) throw new UsageError(`no command "${topic}"${suggestion(topic, NAMES)}`);
    process.stdout.write(text + '\n');
    return 0;
}

/** The package version and, when the catalog records it, the Alloy source it was built from. */
function version(): number {
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as { version: string };
    const catalog = loadCatalog('alloy') as { alloyVersion?: string; version?: string; source?: string };
    const alloy = catalog.alloyVersion ?? catalog.version;
    const from = alloy ? `Grafana Alloy ${alloy}` : catalog.source;
    process.stdout.write(`flowlens ${pkg.version}${from ? `\ncomponent catalog: ${from}` : ''}\n`);
    return 0;
}

/** `flowlens lsp`: hands the process to the language server bundle with the transport it understands. */
function runLsp(args: string[]): Promise<number> {
    const stdio = args.includes('--stdio');
    const socket = args.indexOf('--socket');
    const unknown = args.find((a, i) => a !== '--stdio' && a !== '--socket' && !(socket >= 0 && i === socket + 1));
    if (unknown !== undefined) throw new UsageError(`unknown option ${unknown}${suggestion(unknown, ['--stdio', '--socket'])}`);
    if (stdio === (socket >= 0)) throw new UsageError('lsp takes either --stdio or --socket PORT');
    let transport = '--stdio';
    if (socket >= 0) {
        const port = args[socket + 1];
        if (!/^\d+$/.test(port ?? '') || Number(port) > 65535) throw new UsageError('--socket takes a port number (0 = any free port)');
        transport = `--listen=${port}`;
    }
    process.argv = [process.argv[0], path.join(__dirname, 'server.cjs'), transport];
    sibling('server.cjs');
    // The server owns the process from here; it exits when the editor says so.
    return new Promise(() => {});
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
