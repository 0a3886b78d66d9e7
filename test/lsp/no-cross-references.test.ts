// The language server replaces Langium's Linker and reference descriptions with
// services that do nothing (server/lsp/no-cross-references.ts). That is only
// right while the grammar declares no cross-reference: this test fails when one
// is added, and checks that a parsed document indeed has nothing to link.

import { AstUtils } from 'langium';
import { describe, expect, it } from 'vitest';
import { reflection } from '../../language/generated/ast.js';
import { parse } from '../../language/syntax/parser.js';
import { generateConfig } from '../../scripts/bench/generate.js';

describe('no cross-references', () => {
    it('the grammar declares no cross-reference property', () => {
        const references = Object.values(reflection.types).flatMap((type) =>
            Object.values(type.properties as Record<string, { name: string; referenceType?: string }>)
                .filter((p) => p.referenceType !== undefined)
                .map((p) => `${type.name}.${p.name}`),
        );
        expect(references).toEqual([]);
    });

    it('a parsed configuration has no reference to link', () => {
        const file = parse(generateConfig(300));
        const nodes = AstUtils.streamAst(file.ast).toArray();
        expect(nodes.length).toBeGreaterThan(500);
        expect(nodes.flatMap((n) => AstUtils.streamReferences(n).toArray())).toEqual([]);
    });
});
