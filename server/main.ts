// The flowlens language server (started by the VS Code client over IPC/stdio).

import '../scripts/groupby-polyfill.cjs';
import { startLanguageServer } from 'langium/lsp';
import { NodeFileSystem } from 'langium/node';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { createAlloyServices } from './lsp/alloy-module.js';

const connection = createConnection(ProposedFeatures.all);
const { shared } = createAlloyServices({ connection, ...NodeFileSystem });
startLanguageServer(shared);
