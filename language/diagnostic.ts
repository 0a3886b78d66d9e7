// The diagnostic model of the editor-free core. Offsets are UTF-16 offsets into
// the text of `file`; the CLI prints Alloy's LINE:COL (byte columns) and the
// language server converts to LSP positions.

export type Severity = 'error' | 'warning' | 'information' | 'hint';

export interface TextEdit {
    /** The file the edit applies to (same form as Diagnostic.file). */
    readonly file: string;
    readonly offset: number;
    readonly end: number;
    readonly newText: string;
}

/** A file a fix creates (it must not exist yet). */
export interface NewFile {
    readonly file: string;
    readonly text: string;
}

export interface Fix {
    readonly title: string;
    readonly edits: readonly TextEdit[];
    /** Files to create before the edits apply. */
    readonly creates?: readonly NewFile[];
    /** True when the fix is the one an editor should offer first. */
    readonly preferred?: boolean;
}

export interface Diagnostic {
    readonly file: string;
    readonly severity: Severity;
    /** A stable kebab-case identifier (`syntax` for parse errors). */
    readonly code: string;
    readonly message: string;
    readonly offset: number;
    readonly end: number;
    readonly fixes?: readonly Fix[];
}

export function severityRank(severity: Severity): number {
    return severity === 'error' ? 0 : severity === 'warning' ? 1 : severity === 'information' ? 2 : 3;
}
