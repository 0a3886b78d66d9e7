// Workspace symbols: every node, declare and import of every configuration,
// searchable by local or global ID.

import type { WorkspaceSymbolProvider } from 'langium/lsp';
import { SymbolKind, type WorkspaceSymbol, type WorkspaceSymbolParams } from 'vscode-languageserver';
import type { AlloyWorkspace } from './alloy-workspace.js';
import { indexOf, locationOf } from './editor-context.js';

const MAX_RESULTS = 500;

export class AlloyWorkspaceSymbolProvider implements WorkspaceSymbolProvider {
    constructor(private readonly workspace: () => AlloyWorkspace) {}

    getSymbols(params: WorkspaceSymbolParams): WorkspaceSymbol[] {
        const query = params.query.toLowerCase();
        const out: WorkspaceSymbol[] = [];
        const seen = new Set<string>();
        for (const analysis of this.workspace().allAnalyses()) {
            const index = indexOf(analysis);
            for (const node of index.nodeOfBlock.values()) {
                const instances = analysis.instances.instancesOf.get(node) ?? [];
                const names = [node.id, ...instances.map((i) => i.globalId)];
                if (query && !names.some((n) => n.toLowerCase().includes(query))) continue;
                const block = node.stmt.node;
                const location = locationOf(node.stmt.file, block.$cstNode!.offset, block.$cstNode!.offset + block.name.length);
                const key = `${location.uri}#${location.range.start.line}:${location.range.start.character}`;
                if (seen.has(key)) continue;
                seen.add(key);
                out.push({ name: node.id, kind: block.label ? SymbolKind.Object : SymbolKind.Struct, containerName: node.module.name, location });
                if (out.length >= MAX_RESULTS) return out;
            }
            for (const info of analysis.modules.values()) {
                for (const d of info.module.declares.values()) {
                    if (query && !d.name.toLowerCase().includes(query)) continue;
                    const block = d.stmt.node;
                    out.push({ name: `declare "${d.name}"`, kind: SymbolKind.Class, containerName: info.module.name, location: locationOf(d.stmt.file, block.$cstNode!.offset, block.$cstNode!.end) });
                }
            }
        }
        return out;
    }
}
