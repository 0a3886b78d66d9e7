// Inlay hints: the global IDs of nodes inside modules, where they differ from
// the local ID written in the file (e.g. `← a.one/prometheus.scrape.x`).

import type { LangiumDocument } from 'langium';
import type { InlayHintProvider } from 'langium/lsp';
import { type InlayHint, InlayHintKind, type InlayHintParams } from 'vscode-languageserver';
import type { AlloyWorkspace } from './alloy-workspace.js';
import { indexOf, pathOf } from './editor-context.js';

const SHOWN = 2;

export class AlloyInlayHintProvider implements InlayHintProvider {
    constructor(private readonly workspace: () => AlloyWorkspace) {}

    getInlayHints(document: LangiumDocument, params: InlayHintParams): InlayHint[] {
        const path = pathOf(document);
        const text = document.textDocument;
        const from = text.offsetAt(params.range.start);
        const to = text.offsetAt(params.range.end);
        const hints = new Map<number, InlayHint>();
        for (const analysis of this.workspace().analysesFor(document.uri)) {
            for (const node of indexOf(analysis).nodeOfBlock.values()) {
                if (node.stmt.file.path !== path || node.module.kind === 'root') continue;
                const block = node.stmt.node;
                const lcurly = block.$lcurly;
                if (lcurly < from || lcurly > to || hints.has(lcurly)) continue;
                const ids = (analysis.instances.instancesOf.get(node) ?? []).map((i) => i.globalId);
                if (ids.length === 0) continue;
                const label = ids.slice(0, SHOWN).join(', ') + (ids.length > SHOWN ? ` +${ids.length - SHOWN}` : '');
                hints.set(lcurly, {
                    position: text.positionAt(lcurly + 1),
                    label: `→ ${label}`,
                    kind: InlayHintKind.Type,
                    paddingLeft: true,
                    tooltip: { kind: 'markdown', value: `Runs as (global IDs):\n\n${ids.map((id) => `- \`${id}\``).join('\n')}` },
                });
            }
        }
        return [...hints.values()];
    }
}
