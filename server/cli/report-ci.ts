// `flowlens check --format sarif` (SARIF 2.1.0, what code-scanning UIs such as
// GitHub's read) and `--format github` (GitHub Actions workflow commands, which
// annotate the lines of a pull request).

import type { Diagnostic } from '../../language/diagnostic.js';
import { type FileViews, utf16Range } from './report.js';

const SARIF_LEVEL: Record<Diagnostic['severity'], 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', information: 'note', hint: 'note' };
const GITHUB_LEVEL: Record<Diagnostic['severity'], 'error' | 'warning' | 'notice'> = { error: 'error', warning: 'warning', information: 'notice', hint: 'notice' };

export function sarifReport(diagnostics: readonly Diagnostic[], files: FileViews, version: string): unknown {
    const rules = [...new Set(diagnostics.map((d) => d.code))].sort();
    return {
        $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
        version: '2.1.0',
        runs: [
            {
                tool: {
                    driver: {
                        name: 'flowlens',
                        version,
                        informationUri: 'https://github.com/flowlens/flowlens',
                        rules: rules.map((id) => ({ id, shortDescription: { text: id } })),
                    },
                },
                // Columns are UTF-16 code units, SARIF's default columnKind.
                results: diagnostics.map((d) => {
                    const r = utf16Range(files, d.file, d.offset, d.end);
                    return {
                        ruleId: d.code,
                        ruleIndex: rules.indexOf(d.code),
                        level: SARIF_LEVEL[d.severity],
                        message: { text: d.message },
                        locations: [
                            {
                                physicalLocation: {
                                    artifactLocation: { uri: d.file.split('\\').join('/') },
                                    region: { startLine: r.line, startColumn: r.column, endLine: r.endLine, endColumn: r.endColumn },
                                },
                            },
                        ],
                    };
                }),
            },
        ],
    };
}

export function githubReport(diagnostics: readonly Diagnostic[], files: FileViews): string {
    return diagnostics
        .map((d) => {
            const r = utf16Range(files, d.file, d.offset, d.end);
            const props = [`file=${property(d.file)}`, `line=${r.line}`, `col=${r.column}`, `endLine=${r.endLine}`, `endColumn=${r.endColumn}`, `title=${property(`flowlens ${d.code}`)}`];
            return `::${GITHUB_LEVEL[d.severity]} ${props.join(',')}::${data(d.message)}`;
        })
        .join('\n');
}

/** The escaping GitHub's runner applies to workflow command data and properties. */
function data(s: string): string {
    return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function property(s: string): string {
    return data(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
