// alloy.langium and the hand-written parser must describe the same language:
// on valid configurations, the parser Langium generates from the grammar and
// flowlens' parser build the same AST.

import fs from 'node:fs';
import path from 'node:path';
import { type AstNode, createDefaultCoreModule, createDefaultSharedCoreModule, DefaultValueConverter, EmptyFileSystem, inject, type ValueType } from 'langium';
import { describe, expect, it } from 'vitest';
import { AlloyGeneratedModule, AlloyGeneratedSharedModule } from '../language/generated/module.js';
import { parse } from '../language/syntax/parser.js';
import { ALLOY_CORPUS, listFiles } from './conformance/shared.js';

/** Keeps STRING values as written (quotes and escapes), as flowlens' AST does. */
class RawValueConverter extends DefaultValueConverter {
    protected override runConverter(rule: Parameters<DefaultValueConverter['runConverter']>[0], input: string, cstNode: Parameters<DefaultValueConverter['runConverter']>[2]): ValueType {
        return rule.name === 'STRING' ? input : super.runConverter(rule, input, cstNode);
    }
}

function generatedParser() {
    const shared = inject(createDefaultSharedCoreModule(EmptyFileSystem), AlloyGeneratedSharedModule);
    const services = inject(createDefaultCoreModule({ shared }), AlloyGeneratedModule, { parser: { ValueConverter: () => new RawValueConverter() } });
    return services.parser.LangiumParser;
}

/** The semantic content of an AST: node types and grammar properties, no positions. */
function dump(node: unknown): unknown {
    if (Array.isArray(node)) return node.map(dump);
    if (!node || typeof node !== 'object') return node;
    const n = node as AstNode & Record<string, unknown>;
    const out: Record<string, unknown> = { $type: n.$type };
    for (const [key, value] of Object.entries(n)) {
        if (key.startsWith('$') || value === undefined) continue;
        out[key] = dump(value);
    }
    // flowlens keeps labels and quoted keys without their quotes.
    if (n.$type === 'ObjectField' && n.$quoted) out.name = `"${String(n.name)}"`;
    if (n.$type === 'Block' && '$fragments' in n && n.label) out.label = `"${String(n.label)}"`;
    return out;
}

const ownFixtures = [
    'prometheus.scrape "default" {\n\ttargets    = [{"__address__" = "localhost:9090"}]\n\tforward_to = [prometheus.remote_write.default.receiver]\n}\n',
    'x = -2 ^ 2 ^ 3 * (1 + .5) % 1e3 - 1. == a || !b && c != d[0].e(f, `raw`)\n',
    'declare "add" {\n\targument "a" { }\n\texport "sum" {\n\t\tvalue = argument.a.value + 1\n\t}\n}\n\nadd "x" {\n\ta = 1\n}\n',
    'obj = {\n\t"quoted.key" = [true, false, null],\n\tplain       = { nested = "v\\n" },\n}\n',
];

describe('grammar parity', () => {
    const langium = generatedParser();
    const sources = [
        ...ownFixtures.map((text, i) => ({ name: `fixture ${i + 1}`, text })),
        ...listFiles(path.join(ALLOY_CORPUS, 'parser', 'valid'), /\.alloy$/).map((f) => ({ name: path.basename(f), text: fs.readFileSync(f, 'utf8') })),
        ...listFiles(path.join(ALLOY_CORPUS, 'printer'), /\.expect$/).map((f) => ({ name: path.basename(f), text: fs.readFileSync(f, 'utf8') })),
    ];
    for (const { name, text } of sources) {
        it(`builds the same AST for ${name}`, () => {
            const ours = parse(text);
            expect(ours.errors).toEqual([]);
            const generated = langium.parse(text);
            expect(generated.lexerErrors).toEqual([]);
            expect(generated.parserErrors.map((e) => e.message)).toEqual([]);
            expect(dump(generated.value)).toEqual(dump(ours.ast));
        });
    }
});
