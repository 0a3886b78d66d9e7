// What `flowlens help [COMMAND]` and `COMMAND --help` print. The run command's
// options are documented next to its code (run-command.ts, in the runtime bundle).

export const COMMAND_SUMMARIES: ReadonlyArray<[string, string]> = [
    ['check [--json|--format F] [--fix [--dry-run]] PATH...', 'report what Alloy would reject or misbehave on'],
    ['fmt [--check | --write] PATH...', 'format like `alloy fmt`'],
    ['graph [--json] PATH', 'the nodes Alloy would run, with global IDs'],
    ['run PATH [options]', 'run a configuration in the embedded runtime'],
    ['lsp --stdio | --socket PORT', 'the language server, for any editor'],
    ['help [COMMAND]', 'this text, or the options of one command'],
];

const PATHS = `A PATH is a file, or a directory whose *.alloy and *.river files form one
configuration (as \`alloy run DIR\` loads it).`;

export const ANALYSIS_OPTIONS_HELP = `  --compat alloy|agent-0.38|agent-0.39|agent-0.40   the runtime the configuration targets
                                                    (collision findings are warnings for 0.38/0.39)
  --dialect alloy|river               resolve every file as Alloy or as Agent Flow v0.40
  --stability-level LEVEL             experimental, public-preview or generally-available
                                      (default generally-available, as Alloy)
  --community-components true|false   whether community components are enabled
                                      (default false, as Alloy)
  --env NAME=VALUE                    a variable for sys.env (repeatable; the real
                                      environment is never read)
  --path-map FROM=TO                  load module files under the absolute path FROM
                                      from TO instead (repeatable)`;

export function generalHelp(): string {
    const width = Math.max(...COMMAND_SUMMARIES.map(([usage]) => usage.length));
    return `flowlens — checks, formats and runs Grafana Alloy and Agent Flow configurations

Usage:
${COMMAND_SUMMARIES.map(([usage, what]) => `  flowlens ${usage.padEnd(width)}   ${what}`).join('\n')}
  flowlens --version

${PATHS}
\`flowlens help COMMAND\` (or \`flowlens COMMAND --help\`) lists the options of a command.

Exit status: 0 fine, 1 problems found (errors, or files that need formatting; for run:
a refused configuration or a runtime failure), 2 usage error.`;
}

export const COMMAND_HELP: Readonly<Record<string, string>> = {
    check: `Usage: flowlens check [options] PATH...

Reports what Alloy would reject or misbehave on, one FILE:LINE:COL: severity: MESSAGE
line per finding (Alloy's byte columns) and a closing count. Exit 1 when there is an error.

Options:
  --json                  a JSON report (1-based UTF-16 columns, codes and fixes)
  --format text|json|sarif|github
                          text (default), json (as --json), SARIF 2.1.0 for code-scanning
                          UIs, or GitHub Actions workflow annotations
  --fix                   apply the preferred fix of every finding, list each fix and the
                          files written (on standard error), and check again
  --dry-run               with --fix: write nothing; print the unified diff --fix would
                          apply (patch -p0 applies it); exit 1 when there is a fix
${ANALYSIS_OPTIONS_HELP}

${PATHS}`,
    fmt: `Usage: flowlens fmt [--check | --write] PATH...

Formats files byte for byte like \`alloy fmt\`. A file with syntax errors is refused,
with the errors printed.

  flowlens fmt FILE       print the formatted file (- reads standard input)
  --check                 list the files that would change; exit 1 if there are any
  --write                 rewrite the files that change

${PATHS}`,
    graph: `Usage: flowlens graph [--json] [options] PATH

Prints the instance tree Alloy would run: every node with its global ID
(module path / local ID), and with --json the nodes and the edges between them.

Options:
${ANALYSIS_OPTIONS_HELP}

${PATHS}`,
    lsp: `Usage: flowlens lsp --stdio | --socket PORT

Runs the flowlens language server (the one the VS Code extension uses) for any
editor that speaks the Language Server Protocol.

  --stdio                 talk JSON-RPC over standard input and output
  --socket PORT           listen on 127.0.0.1:PORT for one editor to connect (0 = any
                          free port; the port is printed on standard error)

Editor setups (Neovim, Helix, Zed, Emacs) are in the README.`,
    help: `Usage: flowlens help [COMMAND]

Prints the commands, or the options of COMMAND.`,
};
