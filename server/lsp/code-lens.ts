// "Run pipeline" above the first block of a configuration file: runs the
// file's configuration in the embedded runtime (the client handles the command).
// A module file runs nothing on its own, so it has no lens.

import type { LangiumDocument } from 'langium';
import type { CodeLensProvider } from 'langium/lsp';
import type { CodeLens } from 'vscode-languageserver';
import type { ConfigFile } from '../../language/syntax/ast.js';
import type { AlloyWorkspace } from './alloy-workspace.js';

export const RUN_PIPELINE_COMMAND = 'flowlens.runPipeline';

export class AlloyCodeLensProvider implements CodeLensProvider {
    constructor(private readonly workspace: () => AlloyWorkspace) {}

    provideCodeLens(document: LangiumDocument): CodeLens[] {
        const file = document.parseResult.value as ConfigFile;
        const first = file.body.find((s) => s.$type === 'Block');
        if (!first || this.workspace().isModuleFile(document.uri)) return [];
        const start = document.textDocument.positionAt(first.$cstNode!.offset);
        return [{ range: { start, end: start }, command: { title: '▶ Run pipeline', command: RUN_PIPELINE_COMMAND, arguments: [document.uri.toString()] } }];
    }
}
