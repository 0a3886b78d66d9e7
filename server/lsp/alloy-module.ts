// Langium services for Alloy: the generated grammar metadata plus flowlens'
// own parser, validator and LSP features.

import { EmptyFileSystem, inject, type LangiumDocument, type LangiumParser, type Module } from 'langium';
import {
    createDefaultModule,
    createDefaultSharedModule,
    type DefaultSharedModuleContext,
    type LangiumServices,
    type LangiumSharedServices,
    type PartialLangiumServices,
} from 'langium/lsp';
import { AlloyGeneratedModule, AlloyGeneratedSharedModule } from '../../language/generated/module.js';
import { AlloyParser } from './alloy-parser.js';
import { AlloyDocumentValidator } from './document-validator.js';
import { AlloyDocumentSymbolProvider } from './document-symbols.js';
import { AlloyFoldingRangeProvider } from './folding-ranges.js';
import { AlloyFormatter } from './formatter.js';
import { NoSymbolsScopeComputation } from './scope-computation.js';
import { AlloySemanticTokenProvider } from './semantic-tokens.js';

export type AlloyServices = LangiumServices;

export const AlloyModule: Module<AlloyServices, PartialLangiumServices> = {
    parser: {
        LangiumParser: () => new AlloyParser() as unknown as LangiumParser,
    },
    references: {
        ScopeComputation: () => new NoSymbolsScopeComputation(),
    },
    validation: {
        DocumentValidator: () => new AlloyDocumentValidator(),
    },
    lsp: {
        Formatter: () => new AlloyFormatter(),
        DocumentSymbolProvider: () => new AlloyDocumentSymbolProvider(),
        FoldingRangeProvider: () => new AlloyFoldingRangeProvider(),
        SemanticTokenProvider: () => new AlloySemanticTokenProvider(),
    },
};

export function createAlloyServices(context: DefaultSharedModuleContext = EmptyFileSystem): {
    shared: LangiumSharedServices;
    alloy: AlloyServices;
} {
    const shared = inject(createDefaultSharedModule(context), AlloyGeneratedSharedModule);
    const alloy = inject(createDefaultModule({ shared }), AlloyGeneratedModule, AlloyModule);
    shared.ServiceRegistry.register(alloy);
    if (!context.connection) {
        // Outside a language server nobody sends the client's configuration.
        shared.workspace.ConfigurationProvider.initialized({});
    }
    return { shared, alloy };
}

export type { LangiumDocument };
