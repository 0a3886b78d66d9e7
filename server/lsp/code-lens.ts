// "Run pipeline" above the first block of a configuration file: runs the
// file's configuration in the embedded runtime (the client handles the command).

import type { LangiumDocument } from 'langium';
import type { CodeLensProvider } from 'langium/lsp';
import type { CodeLens } from 'vscode-languageserver';
import type { ConfigFile } from '../../language/syntax/ast.js';

export const RUN_PIPELINE_COMMAND = 'flowlens.runPipeline';

export class AlloyCodeLensProvider implements CodeLensProvider {
    provideCodeLens(document: LangiumDocument): CodeLens[] {
        const file = document.parseResult.value as ConfigFile;
        const first = file.body.find((s) => s.$type === 'Block');
        if (!first) return [];
        const start = document.textDocument.positionAt(first.$cstNode!.offset);
        return [{ range: { start, end: start }, command: { title: '▶ Run pipeline', command: RUN_PIPELINE_COMMAND, arguments: [document.uri.toString()] } }];
    }
}
