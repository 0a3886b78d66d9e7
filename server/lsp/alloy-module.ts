// Langium services for Alloy: the generated grammar metadata plus flowlens'
// own parser, workspace analysis, validator and LSP features.

import { DocumentState, EmptyFileSystem, inject, type LangiumParser, type Module } from 'langium';
import {
    createDefaultModule,
    createRequestHandler,
    DefaultLanguageServer,
    createDefaultSharedModule,
    type DefaultSharedModuleContext,
    type LangiumServices,
    type LangiumSharedServices,
    type PartialLangiumServices,
    type PartialLangiumSharedServices,
} from 'langium/lsp';
import { type Connection, type InitializeParams, type InitializeResult, MessageType, type SelectionRangeParams, ShowMessageNotification } from 'vscode-languageserver';
import { AlloyGeneratedModule, AlloyGeneratedSharedModule } from '../../language/generated/module.js';
import { AlloyParser } from './alloy-parser.js';
import { AlloyWorkspace } from './alloy-workspace.js';
import { AlloyCodeActionProvider } from './code-actions.js';
import { AlloyCodeLensProvider } from './code-lens.js';
import { AlloyCompletionProvider } from './completion.js';
import { AlloyDocumentLinkProvider } from './document-links.js';
import { AlloyDocumentHighlightProvider } from './document-highlight.js';
import { AlloyDocumentValidator } from './document-validator.js';
import { AlloyDocumentSymbolProvider } from './document-symbols.js';
import { FailureLog, failSoft } from './fail-soft.js';
import { AlloyFoldingRangeProvider } from './folding-ranges.js';
import { AlloyFormatter } from './formatter.js';
import { AlloyHoverProvider } from './hover.js';
import { AlloyIndexManager } from './index-manager.js';
import { AlloyInlayHintProvider } from './inlay-hints.js';
import { AlloyDeclarationProvider, AlloyDefinitionProvider, AlloyReferencesProvider } from './navigation.js';
import { AlloyRenameProvider } from './rename.js';
import { NoReferenceDescriptionProvider, NoReferencesLinker, NoSymbolsScopeComputation } from './no-cross-references.js';
import { AlloySemanticTokenProvider } from './semantic-tokens.js';
import { AlloySelectionRangeProvider } from './selection-ranges.js';
import { AlloySignatureHelpProvider } from './signature-help.js';
import { FlowlensConfigurationProvider } from './settings.js';
import { AlloyWorkspaceSymbolProvider } from './workspace-symbols.js';

export interface AlloyAddedServices {
    alloy: {
        Workspace: AlloyWorkspace;
        FailureLog: FailureLog;
        SelectionRanges: AlloySelectionRangeProvider;
    };
}

export type AlloyServices = LangiumServices & AlloyAddedServices;

/** A feature service that logs its failures once and answers `fallback` (or nothing). */
function soft<T extends object>(services: AlloyServices, feature: string, service: T, fallback?: () => unknown): T {
    return failSoft(service, feature, services.alloy.FailureLog, fallback);
}

/** The client's log (the Output channel) when there is a client, stderr otherwise. */
export function logTo(connection: Connection | undefined): (message: string) => void {
    return connection ? (m) => connection.console.error(m) : (m) => process.stderr.write(m + '\n');
}

/** Langium's language server, also announcing the requests flowlens wires itself (selection ranges). */
class AlloyLanguageServer extends DefaultLanguageServer {
    protected override buildInitializeResult(params: InitializeParams): InitializeResult {
        const result = super.buildInitializeResult(params);
        return { ...result, capabilities: { ...result.capabilities, selectionRangeProvider: true } };
    }
}

/** A warning in the editor's window when there is a client, stderr otherwise. */
function showWarning(connection: Connection | undefined): (message: string) => void {
    // A notification (window/showMessage), not a request: there is nothing to answer.
    return connection ? (m) => void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message: m }) : (m) => process.stderr.write(m + '\n');
}

export const AlloyModule: Module<AlloyServices, PartialLangiumServices & AlloyAddedServices> = {
    alloy: {
        Workspace: (services) => new AlloyWorkspace(services.shared),
        FailureLog: (services) => new FailureLog(logTo(services.shared.lsp.Connection)),
        SelectionRanges: (services) => soft(services, 'selection ranges', new AlloySelectionRangeProvider()),
    },
    parser: {
        LangiumParser: () => new AlloyParser() as unknown as LangiumParser,
    },
    references: {
        ScopeComputation: () => new NoSymbolsScopeComputation(),
        Linker: (services) => new NoReferencesLinker(services),
    },
    workspace: {
        ReferenceDescriptionProvider: () => new NoReferenceDescriptionProvider(),
    },
    validation: {
        DocumentValidator: (services) => soft(services, 'validation', new AlloyDocumentValidator(() => services.alloy.Workspace), () => []),
    },
    lsp: {
        Formatter: (services) => soft(services, 'formatting', new AlloyFormatter(showWarning(services.shared.lsp.Connection))),
        DocumentHighlightProvider: (services) => soft(services, 'document highlight', new AlloyDocumentHighlightProvider(() => services.alloy.Workspace)),
        DocumentSymbolProvider: (services) => soft(services, 'outline', new AlloyDocumentSymbolProvider()),
        FoldingRangeProvider: (services) => soft(services, 'folding', new AlloyFoldingRangeProvider()),
        SemanticTokenProvider: (services) => soft(services, 'semantic tokens', new AlloySemanticTokenProvider()),
        HoverProvider: (services) => soft(services, 'hover', new AlloyHoverProvider(() => services.alloy.Workspace)),
        DefinitionProvider: (services) => soft(services, 'definition', new AlloyDefinitionProvider(() => services.alloy.Workspace)),
        DeclarationProvider: (services) => soft(services, 'declaration', new AlloyDeclarationProvider(new AlloyDefinitionProvider(() => services.alloy.Workspace))),
        ReferencesProvider: (services) => soft(services, 'references', new AlloyReferencesProvider(() => services.alloy.Workspace)),
        RenameProvider: (services) => soft(services, 'rename', new AlloyRenameProvider(() => services.alloy.Workspace)),
        CompletionProvider: (services) => soft(services, 'completion', new AlloyCompletionProvider(() => services.alloy.Workspace)),
        CodeActionProvider: (services) => soft(services, 'code actions', new AlloyCodeActionProvider(() => services.alloy.Workspace)),
        InlayHintProvider: (services) => soft(services, 'inlay hints', new AlloyInlayHintProvider(() => services.alloy.Workspace)),
        SignatureHelp: (services) => soft(services, 'signature help', new AlloySignatureHelpProvider()),
        DocumentLinkProvider: (services) => soft(services, 'document links', new AlloyDocumentLinkProvider(() => services.alloy.Workspace)),
        CodeLensProvider: (services) => soft(services, 'code lens', new AlloyCodeLensProvider(() => services.alloy.Workspace)),
    },
};

/** `overrides` replace services of the language module (the benchmarks compare with Langium's stock ones). */
export function createAlloyServices(
    context: DefaultSharedModuleContext = EmptyFileSystem,
    overrides: Module<AlloyServices, PartialLangiumServices> = {},
): {
    shared: LangiumSharedServices;
    alloy: AlloyServices;
} {
    let alloy: AlloyServices | undefined;
    const sharedModule: Module<LangiumSharedServices, PartialLangiumSharedServices> = {
        workspace: {
            ConfigurationProvider: (services) => new FlowlensConfigurationProvider(services),
            IndexManager: (services) => new AlloyIndexManager(services, () => alloy!.alloy.Workspace),
        },
        lsp: {
            LanguageServer: (services) => new AlloyLanguageServer(services),
            WorkspaceSymbolProvider: () => failSoft(new AlloyWorkspaceSymbolProvider(() => alloy!.alloy.Workspace), 'workspace symbols', alloy!.alloy.FailureLog),
        },
    };
    const shared = inject(createDefaultSharedModule(context), AlloyGeneratedSharedModule, sharedModule);
    alloy = inject(createDefaultModule({ shared }), AlloyGeneratedModule, AlloyModule, overrides);
    shared.ServiceRegistry.register(alloy);
    // Langium has no selection range service: the request is wired here, the same way as its own.
    context.connection?.onSelectionRanges(
        createRequestHandler((services, document, params: SelectionRangeParams) => (services as AlloyServices).alloy.SelectionRanges.getSelectionRanges(document, params.positions), shared, DocumentState.Parsed),
    );
    // Create the workspace service now: it subscribes to document and settings updates.
    void alloy.alloy.Workspace;
    // Check the whole workspace at start-up, so the Problems view lists every file.
    shared.workspace.WorkspaceManager.initialBuildOptions = { validation: true };
    if (!context.connection) {
        // Outside a language server nobody sends the client's configuration.
        void shared.workspace.ConfigurationProvider.initialized({});
    }
    return { shared, alloy };
}
