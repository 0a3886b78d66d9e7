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
import type { AnalysisOptions } from '../../language/analysis/options.js';
import type { Diagnostic } from '../../language/diagnostic.js';
import { dialectForPath } from '../../language/catalog/catalog.js';
import { DiskFileHost, type FileHost } from '../../language/model/host.js';
import { OverlayFileHost } from '../../language/model/overlay-host.js';
import type { SourceFile } from '../../language/model/source-file.js';
import type { ParsedFile } from '../../language/syntax/parser.js';
import { directoryConfigurations, isModuleOnly, loadedByLiteral } from '../../language/workspace/configurations.js';
import { isConfigFileName } from '../../language/workspace/files.js';
import { parsedFileIfAny, parsedFileOf } from './alloy-parser.js';
import { ReferenceDocs } from './reference-docs.js';
import { docsPathOf, settingsToOptions } from './settings.js';

/** Reads open and workspace documents from Langium, anything else from the disk. */
class DocumentsFileHost implements FileHost {
    private readonly disk = new DiskFileHost();
    private readonly wrapped = new WeakMap<LangiumDocument, SourceFile>();

    constructor(private readonly documents: () => LangiumDocuments) {}

    file(filePath: string): SourceFile | undefined {
        const doc = this.documents().getDocument(URI.file(filePath));
        const parsed = doc && parsedFileIfAny(doc);
        if (!doc || !parsed) return this.disk.file(filePath);
        let file = this.wrapped.get(doc);
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

/**
 * What an analysis checks: a directory's configuration (keyed by the
 * directory), or a file checked on its own as a module (keyed by the file).
 */
interface Checked {
    readonly analysis: Analysis;
    readonly kind: 'configuration' | 'module';
}

export class AlloyWorkspace {
    private readonly host: DocumentsFileHost;
    private readonly analyses = new Map<string, Checked>();
    /** Directories whose configuration and module files are in `analyses` (some have neither). */
    private readonly checkedDirs = new Set<string>();
    /** The files workspace documents load as modules by literal filenames, as of the last analyses. */
    private moduleTargets = new Set<string>();
    private readonly targetsOf = new WeakMap<ParsedFile, string[]>();
    // Until the client sends settings, the defaults of empty settings (Alloy's: generally-available), as the CLI.
    private options: AnalysisOptions = settingsToOptions({});
    /** Descriptions from the reference docs, when `flowlens.docsPath` names a copy of them. */
    private referenceDocs = new ReferenceDocs(undefined);
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
            this.referenceDocs = new ReferenceDocs(docsPathOf(update.configuration, this.workspaceFolder));
            this.clear();
            const all = shared.workspace.LangiumDocuments.all.map((d) => d.uri).toArray();
            void shared.workspace.DocumentBuilder.update(all, []);
        });
    }

    get analysisOptions(): AnalysisOptions {
        return this.options;
    }

    set analysisOptions(options: AnalysisOptions) {
        this.options = options;
        this.clear();
    }

    private clear(): void {
        this.analyses.clear();
        this.checkedDirs.clear();
    }

    /**
     * The analyses of every configuration a file belongs to: those that load
     * it as a module if there are any, else its own (its directory's
     * configuration, or itself checked as the module it can only be).
     */
    analysesFor(uri: URI): Analysis[] {
        if (uri.scheme !== 'file') return [this.analyzeStandalone(uri)].flatMap((a) => a ?? []);
        const filePath = uri.fsPath;
        const all = this.allChecked();
        const loaders = all.filter((c) => loadsAsModule(c.analysis, filePath));
        if (loaders.length) return loaders.map((c) => c.analysis);
        const own = all.filter((c) => includes(c.analysis, filePath));
        if (own.length) return own.map((c) => c.analysis);
        // Loaded by a literal filename that its loader could not follow (an import.git clone): on its own.
        const alone = this.checkAlone(filePath);
        return alone ? [alone.analysis] : [];
    }

    /** Whether a file is a module in every configuration that includes it (it runs nothing itself). */
    isModuleFile(uri: URI): boolean {
        if (uri.scheme !== 'file') {
            const doc = this.shared.workspace.LangiumDocuments.getDocument(uri);
            return !!doc && isModuleOnly({ path: uri.toString(), parsed: parsedFileOf(doc), dialect: dialectForPath(uri.path) });
        }
        const filePath = uri.fsPath;
        return !this.allChecked().some((c) => c.kind === 'configuration' && isRootFile(c.analysis, filePath));
    }

    /** Every configuration of the workspace, analyzed. */
    allAnalyses(): Analysis[] {
        return this.allChecked().map((c) => c.analysis);
    }

    /**
     * The analysis a configuration would have with some files' text replaced or
     * created (absolute path → text); nothing is written. Undefined for a
     * configuration the workspace does not hold.
     */
    analysisWith(analysis: Analysis, texts: ReadonlyMap<string, string>, options: AnalysisOptions = this.options): Analysis | undefined {
        const [key, checked] = [...this.analyses].find(([, c]) => c.analysis === analysis) ?? [];
        if (key === undefined || !checked) return undefined;
        const host = new OverlayFileHost(this.host, texts);
        if (checked.kind === 'module') {
            const file = host.file(key);
            return file && analyzeConfiguration([file], host, options, path.dirname(key), isModuleOnly(file) ? 'flow-module' : 'root');
        }
        return analyzeConfiguration(directoryConfigurations(key, host, this.moduleTargets).root, host, options, key);
    }

    get docs(): ReferenceDocs {
        return this.referenceDocs;
    }

    /** The first workspace folder, if the client opened one. */
    get folder(): string | undefined {
        return this.workspaceFolder;
    }

    /** The configuration files of the workspace with this base name, sorted. */
    configFilesNamed(baseName: string): string[] {
        return this.shared.workspace.LangiumDocuments.all
            .filter((d) => d.uri.scheme === 'file' && path.basename(d.uri.fsPath) === baseName)
            .map((d) => d.uri.fsPath)
            .toArray()
            .sort();
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
        for (const { analysis } of this.analyses.values()) {
            if (!includes(analysis, filePath)) continue;
            for (const f of analysis.configuration.files) if (changed.has(URI.file(f.path).toString())) return true;
        }
        for (const c of changed) {
            const u = URI.parse(c);
            if (u.scheme !== 'file') continue;
            // A new or deleted file in the same directory changes its configuration.
            if (path.dirname(u.fsPath) === path.dirname(filePath)) return true;
            // A file that starts loading this one makes it a module.
            const doc = this.shared.workspace.LangiumDocuments.getDocument(u);
            if (doc && this.targetsOfDocument(doc).includes(filePath)) return true;
        }
        return false;
    }

    private invalidate(paths: readonly string[]): void {
        for (const p of paths) this.host.invalidate(p);
        this.forget((dir, c) => paths.some((p) => path.dirname(p) === dir || c?.analysis.configuration.files.some((f) => f.path === p)));
    }

    /** Drops the analyses, and the checked directories, that `stale` picks. */
    private forget(stale: (dir: string, checked?: Checked) => boolean): void {
        for (const [key, c] of this.analyses) {
            const dir = c.kind === 'module' ? path.dirname(key) : key;
            if (!stale(dir, c)) continue;
            this.analyses.delete(key);
            this.checkedDirs.delete(dir);
        }
        for (const dir of this.checkedDirs) if (stale(dir)) this.checkedDirs.delete(dir);
    }

    /** Analyzes every directory of the workspace (cached), each as a configuration and its module-only files. */
    private allChecked(): Checked[] {
        const targets = this.workspaceModuleTargets();
        if (!sameSet(targets, this.moduleTargets)) {
            // Files that became or stopped being modules leave or join their directory's configuration.
            const moved = new Set([...targets, ...this.moduleTargets].filter((p) => targets.has(p) !== this.moduleTargets.has(p)).map((p) => path.dirname(p)));
            this.forget((dir) => moved.has(dir));
            this.moduleTargets = targets;
        }
        const dirs = new Set<string>();
        for (const doc of this.shared.workspace.LangiumDocuments.all) if (doc.uri.scheme === 'file') dirs.add(path.dirname(doc.uri.fsPath));
        for (const dir of dirs) this.analyzeDirectory(dir);
        return [...this.analyses.values()];
    }

    private analyzeDirectory(dir: string): void {
        if (this.checkedDirs.has(dir)) return;
        this.checkedDirs.add(dir);
        const { root, modules } = directoryConfigurations(dir, this.host, this.moduleTargets);
        const analysis = root.length ? analyzeConfiguration(root, this.host, this.options, dir) : undefined;
        if (analysis) this.analyses.set(dir, { analysis, kind: 'configuration' });
        for (const m of modules) {
            if (!analysis?.configuration.files.includes(m)) this.checkAlone(m.path);
        }
    }

    /** A file checked on its own: as a module if it only makes sense as one. */
    private checkAlone(filePath: string): Checked | undefined {
        const cached = this.analyses.get(filePath);
        if (cached) return cached;
        const file = this.host.file(filePath);
        if (!file) return undefined;
        const checked: Checked = {
            analysis: analyzeConfiguration([file], this.host, this.options, path.dirname(filePath), isModuleOnly(file) ? 'flow-module' : 'root'),
            kind: 'module',
        };
        this.analyses.set(filePath, checked);
        return checked;
    }

    private workspaceModuleTargets(): Set<string> {
        const out = new Set<string>();
        for (const doc of this.shared.workspace.LangiumDocuments.all) for (const t of this.targetsOfDocument(doc)) out.add(t);
        return out;
    }

    /** The files a document loads as modules by literal filenames, absolute. */
    private targetsOfDocument(doc: LangiumDocument): string[] {
        const parsed = parsedFileIfAny(doc);
        if (doc.uri.scheme !== 'file' || !parsed) return [];
        let targets = this.targetsOf.get(parsed);
        if (!targets) {
            const file = this.host.file(doc.uri.fsPath);
            targets = file ? [...loadedByLiteral([file], this.host)] : [];
            this.targetsOf.set(parsed, targets);
        }
        return targets;
    }

    /** Documents that are not files (untitled buffers) are checked on their own. */
    private analyzeStandalone(uri: URI): Analysis | undefined {
        const doc = this.shared.workspace.LangiumDocuments.getDocument(uri);
        if (!doc) return undefined;
        const file: SourceFile = { path: uri.toString(), parsed: parsedFileOf(doc), dialect: dialectForPath(uri.path) };
        return analyzeConfiguration([file], this.host, this.options, '/', isModuleOnly(file) ? 'flow-module' : 'root');
    }
}

function includes(analysis: Analysis, filePath: string): boolean {
    return analysis.configuration.files.some((f) => f.path === filePath);
}

/** Whether the file is one of the files the analysis was given (not a module they load). */
function isRootFile(analysis: Analysis, filePath: string): boolean {
    return analysis.configuration.rootFiles.some((f) => f.path === filePath);
}

/** Whether the analysis loads the file as a module. */
function loadsAsModule(analysis: Analysis, filePath: string): boolean {
    return includes(analysis, filePath) && !isRootFile(analysis, filePath);
}

function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
    return a.size === b.size && [...a].every((x) => b.has(x));
}
