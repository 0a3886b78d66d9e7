// Langium re-validates a document when a document it references changes.
// Alloy documents depend on each other through configurations and imports,
// which the AlloyWorkspace tracks.

import { DefaultIndexManager, type LangiumDocument } from 'langium';
import type { LangiumSharedServices } from 'langium/lsp';
import type { AlloyWorkspace } from './alloy-workspace.js';

export class AlloyIndexManager extends DefaultIndexManager {
    constructor(
        services: LangiumSharedServices,
        private readonly workspace: () => AlloyWorkspace,
    ) {
        super(services);
    }

    override isAffected(document: LangiumDocument, changedUris: Set<string>): boolean {
        return super.isAffected(document, changedUris) || this.workspace().isAffected(document, changedUris);
    }
}
