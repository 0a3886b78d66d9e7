// The flowlens language server (started by the VS Code client over IPC/stdio,
// and by `flowlens lsp` for any other editor).

import '../language/groupby-polyfill.cjs';
import { startLanguageServer } from 'langium/lsp';
import { NodeFileSystem } from 'langium/node';
import { createAlloyServices } from './lsp/alloy-module.js';
import { serverConnection } from './lsp/connection.js';

serverConnection(process.argv).then(
    (connection) => {
        const { shared, alloy } = createAlloyServices({ connection, ...NodeFileSystem });
        // Feature services fail soft on their own (fail-soft.ts); this is the net
        // under Langium's background work (document builds started by edits), whose
        // rejections nobody awaits and which would otherwise end the process.
        const failures = alloy.alloy.FailureLog;
        process.on('unhandledRejection', (reason) => failures.report('a background task', reason));
        process.on('uncaughtException', (error) => failures.report('a background task', error));
        startLanguageServer(shared);
    },
    (err: Error) => {
        process.stderr.write(`flowlens: the language server cannot start: ${err.message}\n`);
        process.exit(1);
    },
);
