// The flowlens language server with Langium's stock Linker and reference
// descriptions, which walk every AST node of a document after each edit: the
// baseline `npm run bench edit` compares the shipped server with.

import '../groupby-polyfill.cjs';
import { DefaultLinker, DefaultReferenceDescriptionProvider } from 'langium';
import { startLanguageServer } from 'langium/lsp';
import { NodeFileSystem } from 'langium/node';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { createAlloyServices } from '../../server/lsp/alloy-module.js';

const connection = createConnection(ProposedFeatures.all);
const { shared } = createAlloyServices(
    { connection, ...NodeFileSystem },
    {
        references: { Linker: (services) => new DefaultLinker(services) },
        workspace: { ReferenceDescriptionProvider: (services) => new DefaultReferenceDescriptionProvider(services) },
    },
);
startLanguageServer(shared);
