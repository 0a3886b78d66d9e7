// The quick fix for a module file that is not found at an absolute path
// (`filename = "/etc/alloy/helper.alloy"` in a configuration written for a
// server): when the workspace has a file of that name, add the mapping from the
// server's directory to the workspace's to `flowlens.pathMappings` in the
// workspace folder's .vscode/settings.json. It is offered only when the
// configuration, checked again with the mapping, no longer misses the module
// and reports no error it did not report before.

import fs from 'node:fs';
import path from 'node:path';
// The ESM build: the UMD one that 'main' names requires its parts at run time, which a bundle cannot.
import { modify } from 'jsonc-parser/lib/esm/main.js';
import { type CodeAction, CodeActionKind, type Diagnostic as LspDiagnostic, type WorkspaceEdit } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from 'vscode-uri';
import type { Analysis } from '../../language/analysis/analyze.js';
import type { PathMapping } from '../../language/analysis/options.js';
import type { AlloyWorkspace } from './alloy-workspace.js';

const NOT_FOUND = /^module file "(\/[^"]*)" not found \(looked for (\/.*)\);/;
const SETTING = 'flowlens.pathMappings';
const MAX_CANDIDATES = 3;

export function pathMappingFixes(workspace: AlloyWorkspace, analysis: Analysis, diagnostic: LspDiagnostic): CodeAction[] {
    const folder = workspace.folder;
    const looked = diagnostic.code === 'module-not-found' ? NOT_FOUND.exec(String(diagnostic.message))?.[2] : undefined;
    if (!folder || !looked) return [];
    const actions: CodeAction[] = [];
    for (const candidate of workspace.configFilesNamed(path.basename(looked)).slice(0, MAX_CANDIDATES)) {
        const mapping = mappingBetween(looked, candidate);
        if (!mapping || !fixesIt(workspace, analysis, mapping, looked)) continue;
        const to = mapping.to === folder || mapping.to.startsWith(folder + path.sep) ? '${workspaceFolder}' + mapping.to.slice(folder.length) : mapping.to;
        actions.push({
            title: `Map ${mapping.from} to ${to} in ${SETTING} (workspace settings)`,
            kind: CodeActionKind.QuickFix,
            diagnostics: [diagnostic],
            isPreferred: true,
            edit: settingsEdit(folder, mapping.from, to),
        });
    }
    return actions;
}

/**
 * The directories that stand for each other: the path the configuration names
 * and the file found, less the trailing path they share. The server's side
 * keeps two directories when it has them (`/etc/alloy`, not all of `/etc`) and
 * never becomes `/`.
 */
function mappingBetween(looked: string, found: string): PathMapping | undefined {
    const a = looked.split('/');
    const b = found.split(path.sep);
    const keep = Math.min(3, a.length - 1);
    let shared = 0;
    while (a.length - shared > keep && shared < b.length - 1 && a[a.length - 1 - shared] === b[b.length - 1 - shared]) shared++;
    if (shared === 0) return undefined;
    const from = a.slice(0, a.length - shared).join('/');
    const to = b.slice(0, b.length - shared).join(path.sep);
    return from && to && from !== to ? { from, to } : undefined;
}

/** Whether the configuration, checked with the mapping, loads the file and reports no new error. */
function fixesIt(workspace: AlloyWorkspace, analysis: Analysis, mapping: PathMapping, looked: string): boolean {
    const options = workspace.analysisOptions;
    const after = workspace.analysisWith(analysis, new Map(), { ...options, pathMappings: [mapping, ...(options.pathMappings ?? [])] });
    if (!after) return false;
    if (after.diagnostics.some((d) => d.code === 'module-not-found' && d.message.includes(`(looked for ${looked})`))) return false;
    const errors = (a: Analysis) => a.diagnostics.filter((d) => d.severity === 'error').length;
    return errors(after) <= errors(analysis);
}

/** An edit of .vscode/settings.json that adds the mapping (the file is created when missing; comments are kept). */
function settingsEdit(folder: string, from: string, to: string): WorkspaceEdit {
    const file = path.join(folder, '.vscode', 'settings.json');
    const uri = URI.file(file).toString();
    const formattingOptions = { insertSpaces: false, tabSize: 4, eol: '\n' };
    let text: string | undefined;
    try {
        text = fs.readFileSync(file, 'utf8');
    } catch {
        text = undefined;
    }
    if (text === undefined) {
        const content = `{\n\t${JSON.stringify(SETTING)}: {\n\t\t${JSON.stringify(from)}: ${JSON.stringify(to)}\n\t}\n}\n`;
        const start = { line: 0, character: 0 };
        return {
            documentChanges: [
                { kind: 'create', uri, options: { overwrite: false, ignoreIfExists: false } },
                { textDocument: { uri, version: null }, edits: [{ range: { start, end: start }, newText: content }] },
            ],
        };
    }
    const doc = TextDocument.create(uri, 'jsonc', 0, text);
    const edits = modify(text, [SETTING, from], to, { formattingOptions });
    return { changes: { [uri]: edits.map((e) => ({ range: { start: doc.positionAt(e.offset), end: doc.positionAt(e.offset + e.length) }, newText: e.content })) } };
}
