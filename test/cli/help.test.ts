// What a new user sees: versions, help, suggestions for typos, and short usage errors.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, flowlens, ROOT } from './run-cli.js';

const VERSION = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

describe('flowlens --version', () => {
    it('prints the package version and where the component catalog comes from', () => {
        const r = flowlens(['--version']);
        expect(r.code).toBe(0);
        const [first, second] = r.stdout.split('\n');
        expect(first).toBe(`flowlens ${VERSION}`);
        expect(second).toMatch(/^component catalog: .*alloy/i);
    });
});

describe('flowlens help', () => {
    it('lists every command', () => {
        const r = flowlens(['help']);
        expect(r.code).toBe(0);
        for (const command of ['check', 'fmt', 'graph', 'run', 'lsp', 'help']) expect(r.stdout).toContain(`flowlens ${command} `);
    });

    it('prints the options of one command, the same as COMMAND --help', () => {
        for (const [command, option] of [['check', '--fix'], ['fmt', '--write'], ['graph', '--json'], ['run', '--metrics-addr'], ['lsp', '--socket PORT']]) {
            const help = flowlens(['help', command]);
            expect(help.code).toBe(0);
            expect(help.stdout).toContain(option);
            expect(flowlens([command, '--help']).stdout).toBe(help.stdout);
        }
    });

    it('documents the analysis options for every command that takes them', () => {
        for (const command of ['check', 'graph', 'run']) expect(flowlens(['help', command]).stdout).toContain('--stability-level');
    });

    it('without a command prints the overview on standard error and exits 2', () => {
        const r = flowlens([]);
        expect(r.code).toBe(2);
        expect(r.stderr).toContain('flowlens check');
    });
});

describe('usage errors', () => {
    const cases: Array<[string[], string]> = [
        [['chek', 'x.alloy'], 'flowlens: unknown command "chek" (did you mean check?)\nsee `flowlens help`\n'],
        [['frobnicate'], 'flowlens: unknown command "frobnicate"\nsee `flowlens help`\n'],
        [['--versoin'], 'flowlens: unknown option --versoin (did you mean --version?)\nsee `flowlens help`\n'],
        [['check', '--josn', 'x.alloy'], 'flowlens: unknown option --josn (did you mean --json?)\nsee `flowlens help check`\n'],
        [['check'], 'flowlens: check needs at least one PATH\nsee `flowlens help check`\n'],
        [['check', '--compat', 'agent-0.37', 'x'], 'flowlens: --compat must be one of alloy, agent-0.38, agent-0.39, agent-0.40\nsee `flowlens help check`\n'],
        [['fmt', '--wirte', 'x'], 'flowlens: unknown option --wirte (did you mean --write?)\nsee `flowlens help fmt`\n'],
        [['graph', '--compat'], "flowlens: Option '--compat <value>' argument missing\nsee `flowlens help graph`\n"],
        [['run', '--metrics-adr', 'x', 'y'], 'flowlens: unknown option --metrics-adr (did you mean --metrics-addr?)\nsee `flowlens help run`\n'],
        [['help', 'chekc'], 'flowlens: no command "chekc" (did you mean check?)\nsee `flowlens help`\n'],
    ];
    for (const [args, stderr] of cases) {
        it(`flowlens ${args.join(' ')}`, () => {
            const r = flowlens(args);
            expect(r.stderr).toBe(stderr);
            expect(r.stdout).toBe('');
            expect(r.code).toBe(2);
        });
    }

    it('says in at most two lines what is wrong and where to read more', () => {
        const r = flowlens(['check', '--bogus']);
        expect(r.stderr.trimEnd().split('\n')).toHaveLength(2);
    });
});

describe('check --format for CI', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'flowlens-format-')), 'x.alloy');
    fs.writeFileSync(file, 'local.file "a" {\n\tfilename = "x" b\n}\n');

    it('github: one workflow command per finding, with the range and the code', () => {
        const r = flowlens(['check', '--format', 'github', file]);
        expect(r.code).toBe(1);
        expect(r.stdout.split('\n')[0]).toBe(`::error file=${file},line=2,col=17,endLine=2,endColumn=18,title=flowlens syntax::expected TERMINATOR, got IDENT`);
    });

    it('sarif: a SARIF 2.1.0 log with a rule per code and a located result per finding', () => {
        const r = flowlens(['check', '--format', 'sarif', file]);
        expect(r.code).toBe(1);
        const log = JSON.parse(r.stdout);
        expect(log.version).toBe('2.1.0');
        expect(log.runs[0].tool.driver.name).toBe('flowlens');
        expect(log.runs[0].results).toEqual([
            {
                ruleId: 'syntax',
                ruleIndex: 0,
                level: 'error',
                message: { text: 'expected TERMINATOR, got IDENT' },
                locations: [{ physicalLocation: { artifactLocation: { uri: file }, region: { startLine: 2, startColumn: 17, endLine: 2, endColumn: 18 } } }],
            },
        ]);
    });

    it('refuses an unknown format with a suggestion', () => {
        expect(flowlens(['check', '--format', 'sarf', file]).stderr).toBe('flowlens: --format must be one of text, json, sarif, github (did you mean sarif?)\nsee `flowlens help check`\n');
    });
});

describe('colour', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowlens-colour-'));
    const file = path.join(dir, 'main.alloy');
    fs.writeFileSync(file, 'prometheus.scrape "x" {\n\ttargets = []\n}\n');
    // `script` (util-linux) gives the command a real terminal.
    const onTerminal = (env: Record<string, string>) =>
        spawnSync('script', ['-qec', `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} check ${JSON.stringify(file)}`, '/dev/null'], { encoding: 'utf8', env: { ...process.env, ...env, TERM: 'xterm' } }).stdout;
    const hasScript = spawnSync('script', ['--version']).status === 0;

    it('colours the severity on a terminal only, and never with NO_COLOR', () => {
        expect(flowlens(['check', file]).stdout).toMatch(/^.*main\.alloy:1:1: error: missing required attribute "forward_to"$/m);
        expect(flowlens(['check', file]).stdout).not.toContain('\x1b[');
        if (!hasScript) {
            console.log('colour on a terminal: `script` (util-linux) is not installed, so the terminal half is not checked');
            return;
        }
        expect(onTerminal({})).toContain('\x1b[1;31merror\x1b[0m: missing required attribute "forward_to"');
        expect(onTerminal({ NO_COLOR: '1' })).not.toContain('\x1b[');
    });
});
