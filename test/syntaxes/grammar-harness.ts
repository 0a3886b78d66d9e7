// Loads syntaxes/alloy.tmLanguage.json with vscode-textmate + vscode-oniguruma
// (the same engine VS Code uses) and turns lines into readable [text, scopes] pairs.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import type * as OnigurumaModule from 'vscode-oniguruma';
import type * as TextmateModule from 'vscode-textmate';

// Both packages are CommonJS bundles whose exports Node's ESM loader cannot
// detect statically, so load them through require (types stay precise).
const require = createRequire(import.meta.url);
const oniguruma = require('vscode-oniguruma') as typeof OnigurumaModule;
const vsctm = require('vscode-textmate') as typeof TextmateModule;

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, '../..');
export const grammarPath = resolve(repoRoot, 'syntaxes/alloy.tmLanguage.json');
export const languageConfigurationPath = resolve(repoRoot, 'syntaxes/language-configuration.json');

/** One token: its text and its scopes, innermost last. */
export interface RawToken {
    text: string;
    scopes: string[];
}

/** [text, scopes] with `source.alloy` and `meta.*` scopes dropped, joined by spaces. */
export type ScopedToken = [text: string, scopes: string];

let grammarPromise: Promise<TextmateModule.IGrammar> | undefined;

async function createGrammar(): Promise<TextmateModule.IGrammar> {
    const wasmPath = resolve(dirname(require.resolve('vscode-oniguruma')), 'onig.wasm');
    const wasm = readFileSync(wasmPath);
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
    const registry = new vsctm.Registry({
        onigLib: Promise.resolve({
            createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
            createOnigString: (s: string) => new oniguruma.OnigString(s),
        }),
        loadGrammar: async (scopeName: string) => {
            if (scopeName !== 'source.alloy') return null;
            return vsctm.parseRawGrammar(readFileSync(grammarPath, 'utf8'), grammarPath);
        },
    });
    const grammar = await registry.loadGrammar('source.alloy');
    if (!grammar) throw new Error('source.alloy grammar did not load');
    return grammar;
}

export function loadAlloyGrammar(): Promise<TextmateModule.IGrammar> {
    grammarPromise ??= createGrammar();
    return grammarPromise;
}

/** Tokenizes a multi-line document; returns the raw tokens of every line. */
export async function tokenizeDocument(source: string): Promise<RawToken[][]> {
    const grammar = await loadAlloyGrammar();
    let state = vsctm.INITIAL;
    const out: RawToken[][] = [];
    for (const line of source.split(/\r?\n/)) {
        const result = grammar.tokenizeLine(line, state);
        out.push(
            result.tokens.map((t) => ({
                text: line.slice(t.startIndex, Math.min(t.endIndex, line.length)),
                scopes: t.scopes,
            })),
        );
        state = result.ruleStack;
    }
    return out;
}

/** Drops `source.alloy`/`meta.*` scopes and whitespace-only unscoped tokens. */
export function readable(tokens: RawToken[]): ScopedToken[] {
    const out: ScopedToken[] = [];
    for (const t of tokens) {
        const scopes = t.scopes.filter((s) => s !== 'source.alloy' && !s.startsWith('meta.'));
        if (scopes.length === 0 && t.text.trim() === '') continue;
        out.push([t.text, scopes.join(' ')]);
    }
    return out;
}

/** `[text, scopes]` per token for every line of `source`. */
export async function tokenizeLines(source: string): Promise<ScopedToken[][]> {
    return (await tokenizeDocument(source)).map(readable);
}

/** `[text, scopes]` per token of a single line (tokenized on its own). */
export async function tokenizeLine(line: string): Promise<ScopedToken[]> {
    const [tokens] = await tokenizeLines(line);
    return tokens ?? [];
}

/** The scopes (readable form) of the first token whose text is exactly `text` on the given line. */
export function scopeOf(tokens: ScopedToken[], text: string, nth = 0): string | undefined {
    return tokens.filter(([t]) => t === text)[nth]?.[1];
}
