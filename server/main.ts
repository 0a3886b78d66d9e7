// The flowlens language server (started by the VS Code client over IPC/stdio).

import '../language/groupby-polyfill.cjs';
import { startLanguageServer } from 'langium/lsp';
import { NodeFileSystem } from 'langium/node';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { createAlloyServices } from './lsp/alloy-module.js';

const connection = createConnection(ProposedFeatures.all);
const { shared, alloy } = createAlloyServices({ connection, ...NodeFileSystem });
// Feature services fail soft on their own (fail-soft.ts); this is the net
// under Langium's background work (document builds started by edits), whose
// rejections nobody awaits and which would otherwise end the process.
const failures = alloy.alloy.FailureLog;
process.on('unhandledRejection', (reason) => failures.report('a background task', reason));
process.on('uncaughtException', (error) => failures.report('a background task', error));
startLanguageServer(shared);
