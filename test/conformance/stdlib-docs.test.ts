// Conformance with the standard-library reference pages: every example in
// the docs (`> expression` followed by the result Alloy prints, or the
// expression and its result as a paragraph) is parsed with flowlens' parser,
// evaluated with flowlens' stdlib and printed; the result must match the
// docs. Runs over the Alloy docs and, when present, the Agent Flow docs.

import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { evaluateExpression } from '../../language/eval/evaluate-expression.js';
import { printValue } from '../../language/eval/print-value.js';
import { createStdlib, type StdlibOptions } from '../../language/eval/stdlib.js';
import { EvalError, obj, str, type Value } from '../../language/eval/value.js';
import type { Attribute, Expression } from '../../language/syntax/ast.js';
import { parse } from '../../language/syntax/parser.js';

const ALLOY_DOCS = path.resolve(__dirname, '../../../shared/alloy/docs/reference/stdlib');
const FLOW_DOCS = path.resolve(__dirname, '../../../shared/agent-flow/docs/reference/stdlib');

interface Example {
    readonly file: string;
    readonly line: number;
    readonly expr: string;
    readonly expected: readonly string[];
}

/** Extracts the examples of one page. */
function extractExamples(file: string): Example[] {
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    const name = path.basename(file);
    const examples: Example[] = [];
    let fence: { start: number; lines: string[] } | undefined;
    for (let i = 0; i < lines.length; i++) {
        const m = /^\s*```\s*(\w*)\s*$/.exec(lines[i]);
        if (!m) {
            fence?.lines.push(lines[i]);
            continue;
        }
        if (!fence) {
            // Only Alloy (or unlabelled, in the Agent Flow docs) code blocks hold examples.
            fence = ['', 'alloy', 'river'].includes(m[1]) ? { start: i + 2, lines: [] } : { start: -1, lines: [] };
            continue;
        }
        if (fence.start >= 0) examples.push(...examplesOfFence(name, fence.start, fence.lines));
        fence = undefined;
    }
    return examples;
}

function examplesOfFence(file: string, start: number, lines: readonly string[]): Example[] {
    const examples: Example[] = [];
    if (lines.some((l) => l.startsWith('>'))) {
        // REPL style: `> expression`, then the result up to a blank line or the next `>`.
        let current: { line: number; expr: string; expected: string[] } | undefined;
        lines.forEach((l, k) => {
            if (l.startsWith('>')) {
                if (current) examples.push({ file, ...current });
                current = { line: start + k, expr: l.slice(1).trim(), expected: [] };
            } else if (l.trim() === '' || l.trim().startsWith('//')) {
                if (current) examples.push({ file, ...current });
                current = undefined;
            } else if (current) {
                current.expected.push(l);
            }
        });
        if (current) examples.push({ file, ...current });
        return examples;
    }
    // Paragraph style: an expression on the first line, its result on the next ones.
    let para: { line: number; lines: string[] } | undefined;
    const flush = () => {
        if (para && para.lines.length >= 2 && parse(`x = ${para.lines[0]}`).errors.length === 0) {
            examples.push({ file, line: para.line, expr: para.lines[0].trim(), expected: para.lines.slice(1) });
        }
        para = undefined;
    };
    lines.forEach((l, k) => {
        if (l.trim() === '') flush();
        else if (para) para.lines.push(l);
        else para = { line: start + k, lines: [l] };
    });
    flush();
    return examples;
}

function parseExpression(text: string): Expression | undefined {
    const parsed = parse(`x = ${text}`);
    if (parsed.errors.length > 0) return undefined;
    const stmt = parsed.ast.body[0];
    return stmt?.$type === 'Attribute' ? (stmt as Attribute).value : undefined;
}

const normalize = (s: string) => s.replace(/\s+/g, ' ').trim();

/**
 * Whether a result matches the docs: the same printed text (whitespace
 * normalised), or the same value once the docs' output (Alloy syntax) is
 * evaluated, or, where the docs show a string without its quotes, that text.
 */
function matches(actual: Value, expected: readonly string[], scope: ReadonlyMap<string, Value>): boolean {
    const printed = printValue(actual);
    const text = expected.join('\n');
    if (normalize(printed) === normalize(text)) return true;
    const expr = parseExpression(text);
    if (expr) {
        try {
            if (printValue(evaluateExpression(expr, scope)) === printed) return true;
        } catch (e) {
            if (!(e instanceof EvalError)) throw e;
        }
    }
    return actual.kind === 'string' && expected.length === 1 && expected[0].trim() === actual.value;
}

interface Suite {
    readonly title: string;
    readonly dir: string;
    readonly options: StdlibOptions;
    /** Values the docs assume (`sensitive_value` is a secret, a file holding a JSON string). */
    readonly fixtures: ReadonlyMap<string, Value>;
    /** `file: expression` → why the example is not checked. */
    readonly skip: ReadonlyMap<string, string>;
}

const UNSET_ENV = 'environment: the docs show "" for an unset variable; flowlens treats variables missing from the configured environment as unknown';
const NOT_A_VALUE = 'illustrative: `bool` stands for any value, it is not an identifier';
const NO_OUTPUT = 'illustrative: refers to running components and shows no result';

const fixtures = new Map<string, Value>([
    ['sensitive_value', { kind: 'secret', value: 'Hello, world!' }],
    ['local', obj({ file: obj({ some_file: obj({ content: str('"Hello, world!"') }) }) })],
]);

const suites: Suite[] = [
    {
        title: 'Alloy',
        dir: ALLOY_DOCS,
        options: {
            dialect: 'alloy',
            env: { HOME: '/home/alloy', TEST_VAR: 'Hello!' },
            constants: { hostname: 'my-hostname', os: 'linux', arch: 'amd64' },
        },
        fixtures,
        skip: new Map([
            ['array.md: array.concat([1, 2], [], [bool, null])', NOT_A_VALUE],
            ['array.md: array.combine_maps(prometheus.exporter.postgres.example.targets, discovery.kubernetes.k8s_pods.targets, ["instance"], true)', NO_OUTPUT],
            ['array.md: array.combine_maps(prometheus.exporter.redis.default.targets, [{"instance"="1.1.1.1", "testLabelKey" = "testLabelVal"}], ["instance"], true)', NO_OUTPUT],
            ['sys.md: sys.env("DOES_NOT_EXIST")', UNSET_ENV],
            ['coalesce.md: coalesce(sys.env("DOES_NOT_EXIST"), "c")', UNSET_ENV],
        ]),
    },
    {
        title: 'Agent Flow',
        dir: FLOW_DOCS,
        options: {
            dialect: 'river',
            env: { HOME: '/home/grafana-agent' },
            constants: { hostname: 'my-hostname', os: 'linux', arch: 'amd64' },
        },
        fixtures,
        skip: new Map([
            ['concat.md: concat([1, 2], [], [bool, null])', NOT_A_VALUE],
            ['env.md: env("DOES_NOT_EXIST")', UNSET_ENV],
            ['coalesce.md: coalesce(env("DOES_NOT_EXIST"), "c")', UNSET_ENV],
        ]),
    },
];

for (const suite of suites) {
    describe(`stdlib docs examples: ${suite.title}`, () => {
        if (!fs.existsSync(suite.dir)) {
            console.warn(`stdlib-docs: ${suite.dir} not found; the ${suite.title} stdlib docs examples are skipped`);
            it.skip(`${suite.title} stdlib docs are not available`, () => {});
            return;
        }
        const files = fs.readdirSync(suite.dir).filter((f) => f.endsWith('.md')).sort();
        const examples = files.flatMap((f) => extractExamples(path.join(suite.dir, f)));
        const scope = new Map([...createStdlib(suite.options), ...suite.fixtures]);
        const counts = { passed: 0, failed: 0, skipped: 0 };

        afterAll(() => {
            console.log(
                `stdlib-docs (${suite.title}): ${counts.passed}/${examples.length - counts.skipped} examples pass, ` +
                    `${counts.skipped} skipped (${examples.length} found in ${files.length} pages)`,
            );
        });

        it('finds the examples', () => {
            expect(examples.length).toBeGreaterThan(suite.title === 'Alloy' ? 40 : 30);
            // Every example that cannot be checked is listed with its reason.
            const keys = new Set(examples.map((e) => `${e.file}: ${e.expr}`));
            for (const key of suite.skip.keys()) expect(keys, `skip-list entry not found: ${key}`).toContain(key);
        });

        for (const ex of examples) {
            const key = `${ex.file}: ${ex.expr}`;
            const reason = suite.skip.get(key);
            if (reason) {
                it.skip(`${ex.file}:${ex.line}: ${ex.expr} (${reason})`, () => {});
                counts.skipped++;
                continue;
            }
            it(`${ex.file}:${ex.line}: ${ex.expr}`, () => {
                expect(ex.expected.length, 'the example shows no result: add it to the skip list with a reason').toBeGreaterThan(0);
                const expr = parseExpression(ex.expr);
                expect(expr, 'the example parses').toBeDefined();
                let actual: Value;
                try {
                    actual = evaluateExpression(expr!, scope);
                } catch (e) {
                    throw new Error(`evaluation failed: ${e instanceof Error ? e.message : String(e)}`);
                }
                const ok = matches(actual, ex.expected, scope);
                if (!ok) counts.failed++;
                expect(printValue(actual), `expected ${ex.expected.join('\n')}`).toBe(ok ? printValue(actual) : ex.expected.join('\n'));
                counts.passed++;
            });
        }
    });
}
