// Alloy has no Langium cross-references: references are expressions that
// flowlens' evaluator resolves per configuration (language/analysis). Langium's
// build would still walk every AST node of a document after each edit to index
// exported symbols, link references and describe them for the index — work
// that can find nothing here and cost about half of an edit on a large file.
// These services do that work in constant time.

import {
    type AstNodeDescription,
    DefaultLinker,
    type LocalSymbols,
    MultiMap,
    type ReferenceDescription,
    type ReferenceDescriptionProvider,
    type ScopeComputation,
} from 'langium';

/** Langium's symbol index stays empty: no block is the target of a cross-reference. */
export class NoSymbolsScopeComputation implements ScopeComputation {
    async collectExportedSymbols(): Promise<AstNodeDescription[]> {
        return [];
    }

    async collectLocalSymbols(): Promise<LocalSymbols> {
        return new MultiMap();
    }
}

/** Nothing to link: the AST has no `Reference` properties (language/generated/ast.ts). */
export class NoReferencesLinker extends DefaultLinker {
    override async link(): Promise<void> {}
}

/** No reference descriptions for the index, for the same reason. */
export class NoReferenceDescriptionProvider implements ReferenceDescriptionProvider {
    async createDescriptions(): Promise<ReferenceDescription[]> {
        return [];
    }
}
