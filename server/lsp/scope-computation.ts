// Alloy references are expressions resolved by flowlens' evaluator, not
// Langium cross-references, so Langium's symbol index stays empty (indexing
// every block by name would only cost time on large workspaces).

import { type AstNodeDescription, type LocalSymbols, MultiMap, type ScopeComputation } from 'langium';

export class NoSymbolsScopeComputation implements ScopeComputation {
    async collectExportedSymbols(): Promise<AstNodeDescription[]> {
        return [];
    }

    async collectLocalSymbols(): Promise<LocalSymbols> {
        return new MultiMap();
    }
}
