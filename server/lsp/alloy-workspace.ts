// The language server's view of configurations. Alloy checks a whole
// configuration at once (a file or a directory, plus every module it imports),
// so diagnostics of one file depend on others. This service finds the
// configurations a document belongs to, analyzes them with the open editor
// buffers taking precedence over the disk, caches the analyses, and tells
// Langium which documents to re-validate when a file changes.

import path from 'node:path';
import type { LangiumDocument, LangiumDocuments } from 'langium';
import type { LangiumSharedServices } from 'langium/lsp';
import { URI } from 'vscode-uri';
import { type Analysis, analyzeConfiguration } from '../../language/analysis/analyze.js';
import { type AnalysisOptions, DEFAULT_OPTIONS } from '../../language/analysis/options.js';
import type { Diagnostic } from '../../language/diagnostic.js';
import { dialectForPath } from '../../language/catalog/catalog.js';
import { DiskFileHost, type FileHost } from '../../language/model/host.js';
import { OverlayFileHost } from '../../language/model/overlay-host.js';
import type { SourceFile } from '../../language/model/source-file.js';
import { directoryConfiguration } from '../../language/workspace/configurations.js';
import { isConfigFileName } from '../../language/workspace/files.js';
import { parsedFileOf } from './alloy-parser.js';
import { settingsToOptions } from './settings.js';

/** Reads open and workspace documents from Langium, anything else from the disk. */
class DocumentsFileHost implements FileHost {
    private readonly disk = new DiskFileHost();
    private readonly wrapped = new WeakMap<LangiumDocument, SourceFile>();

    constructor(private readonly documents: () => LangiumDocuments) {}

    file(filePath: string): SourceFile | undefined {
        const doc = this.documents().getDocument(URI.file(filePath));
        if (!doc) return this.disk.file(filePath);
        let file = this.wrapped.get(doc);
        const parsed = parsedFileOf(doc);
        if (!file || file.parsed !== parsed) {
            file = { path: filePath, parsed, dialect: dialectForPath(filePath) };
            this.wrapped.set(doc, file);
        }
        return file;
    }

    isDirectory(dirPath: string): boolean {
        return this.disk.isDirectory(dirPath);
    }

    configFiles(dirPath: string): string[] {
        const onDisk = this.disk.configFiles(dirPath);
        // Unsaved documents exist only in the editor.
        const open = this.documents()
            .all.map((d) => d.uri)
            .filter((u) => u.scheme === 'file' && path.dirname(u.fsPath) === dirPath && isConfigFileName(u.fsPath))
            .map((u) => u.fsPath)
            .toArray();
        return [...new Set([...onDisk, ...open])].sort();
    }

    invalidate(filePath: string): void {
        this.disk.invalidate(filePath);
    }
}

export class AlloyWorkspace {
    private readonly host: DocumentsFileHost;
    /** Analyses by configuration directory. */
    private readonly analyses = new Map<string, Analysis>();
    private options: AnalysisOptions = DEFAULT_OPTIONS;
    /** The first workspace folder, for `${workspaceFolder}` in settings. */
    private workspaceFolder?: string;

    constructor(private readonly shared: LangiumSharedServices) {
        this.host = new DocumentsFileHost(() => shared.workspace.LangiumDocuments);
        shared.workspace.DocumentBuilder.onUpdate((changed, deleted) => this.invalidate([...changed, ...deleted].map((u) => u.fsPath)));
        shared.lsp.LanguageServer.onInitialize((params) => {
            const folder = params.workspaceFolders?.[0]?.uri ?? params.rootUri;
            if (folder) this.workspaceFolder = URI.parse(folder).fsPath;
        });
        shared.workspace.ConfigurationProvider.onConfigurationSectionUpdate((update) => {
            this.options = settingsToOptions(update.configuration, this.workspaceFolder);
            this.analyses.clear();
            const all = shared.workspace.LangiumDocuments.all.map((d) => d.uri).toArray();
            void shared.workspace.DocumentBuilder.update(all, []);
        });
    }

    get analysisOptions(): AnalysisOptions {
        return this.options;
    }

    set analysisOptions(options: AnalysisOptions) {
        this.options = options;
        this.analyses.clear();
    }

    /** The analyses of every configuration a file belongs to (as a root file or as a module). */
    analysesFor(uri: URI): Analysis[] {
        if (uri.scheme !== 'file') return [this.analyzeStandalone(uri)].flatMap((a) => a ?? []);
        const filePath = uri.fsPath;
        const found = [...this.analyses.values()].filter((a) => includes(a, filePath));
        if (found.length) return found;
        const dir = path.dirname(filePath);
        const own = this.analyzeDirectory(dir);
        if (own && includes(own, filePath)) return [own];
        // A module: find the configurations of the workspace that load it.
        for (const doc of this.shared.workspace.LangiumDocuments.all) {
            if (doc.uri.scheme !== 'file') continue;
            const other = path.dirname(doc.uri.fsPath);
            if (!this.analyses.has(other)) this.analyzeDirectory(other);
        }
        const loaders = [...this.analyses.values()].filter((a) => includes(a, filePath));
        return loaders.length ? loaders : own ? [own] : [];
    }

    /** Every configuration of the workspace, analyzed. */
    allAnalyses(): Analysis[] {
        for (const doc of this.shared.workspace.LangiumDocuments.all) {
            if (doc.uri.scheme === 'file') this.analyzeDirectory(path.dirname(doc.uri.fsPath));
        }
        return [...this.analyses.values()];
    }

    /**
     * The analysis a configuration would have with some files' text replaced or
     * created (absolute path → text); nothing is written. Undefined for a
     * configuration the workspace does not hold.
     */
    analysisWith(analysis: Analysis, texts: ReadonlyMap<string, string>): Analysis | undefined {
        const dir = [...this.analyses].find(([, a]) => a === analysis)?.[0];
        if (dir === undefined) return undefined;
        const host = new OverlayFileHost(this.host, texts);
        return analyzeConfiguration(directoryConfiguration(dir, host), host, this.options, dir);
    }

    /** Diagnostics of one file, from every configuration that includes it. */
    diagnosticsFor(uri: URI): Diagnostic[] {
        const key = uri.scheme === 'file' ? uri.fsPath : uri.toString();
        const seen = new Set<string>();
        const out: Diagnostic[] = [];
        for (const analysis of this.analysesFor(uri)) {
            for (const d of analysis.diagnostics) {
                if (d.file !== key) continue;
                const id = `${d.offset}\0${d.end}\0${d.code}\0${d.message}`;
                if (seen.has(id)) continue;
                seen.add(id);
                out.push(d);
            }
        }
        return out;
    }

    /** Whether a change to `changed` can change the diagnostics of `document`. */
    isAffected(document: LangiumDocument, changed: ReadonlySet<string>): boolean {
        if (document.uri.scheme !== 'file') return false;
        const filePath = document.uri.fsPath;
        for (const analysis of this.analyses.values()) {
            if (!includes(analysis, filePath)) continue;
            for (const f of analysis.configuration.files) if (changed.has(URI.file(f.path).toString())) return true;
        }
        // A new or deleted file in the same directory changes its configuration.
        for (const c of changed) {
            const u = URI.parse(c);
            if (u.scheme === 'file' && path.dirname(u.fsPath) === path.dirname(filePath)) return true;
        }
        return false;
    }

    private invalidate(paths: readonly string[]): void {
        for (const p of paths) this.host.invalidate(p);
        for (const [dir, analysis] of this.analyses) {
            if (paths.some((p) => path.dirname(p) === dir || analysis.configuration.files.some((f) => f.path === p))) this.analyses.delete(dir);
        }
    }

    private analyzeDirectory(dir: string): Analysis | undefined {
        const cached = this.analyses.get(dir);
        if (cached) return cached;
        const roots = directoryConfiguration(dir, this.host);
        if (roots.length === 0) return undefined;
        const analysis = analyzeConfiguration(roots, this.host, this.options, dir);
        this.analyses.set(dir, analysis);
        return analysis;
    }

    /** Documents that are not files (untitled buffers) are checked on their own. */
    private analyzeStandalone(uri: URI): Analysis | undefined {
        const doc = this.shared.workspace.LangiumDocuments.getDocument(uri);
        if (!doc) return undefined;
        const file: SourceFile = { path: uri.toString(), parsed: parsedFileOf(doc), dialect: dialectForPath(uri.path) };
        return analyzeConfiguration([file], this.host, this.options, '/');
    }
}

function includes(analysis: Analysis, filePath: string): boolean {
    return analysis.configuration.files.some((f) => f.path === filePath);
}
