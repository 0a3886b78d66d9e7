// stage.drop, stage.match and stage.tenant: expectations follow Alloy's stages/{drop,match,tenant}.go
// (and Loki's LogQL selector and line-filter semantics for match).

import { afterEach, describe, expect, it } from 'vitest';
import type { ArgumentBody } from '../../../../server/runtime/component.js';
import { metricValue, stopAll } from '../harness.js';
import { buildError, entry, run, startProcess, withStages } from './helpers.js';

afterEach(stopAll);

const NOW_NS = BigInt(Date.now()) * 1_000_000n;

describe('stage.drop (stages/drop.go)', () => {
    const lines = [entry('short', { app: 'a' }, NOW_NS), entry('a much longer line of text', { app: 'b' }, NOW_NS - 3_600_000_000_000n), entry('{"level":"debug"}', {}, NOW_NS)];
    it.each<[string, Record<string, unknown>, string[]]>([
        ['expression on the line', { expression: '.*longer.*' }, ['short', '{"level":"debug"}']],
        ['longer_than (bytes; KB is 1024)', { longer_than: '10B' }, ['short']],
        ['older_than', { older_than: '30m' }, ['short', '{"level":"debug"}']],
        ['all criteria must hold (AND)', { longer_than: '10B', older_than: '30m' }, ['short', '{"level":"debug"}']],
        ['source present in the extracted map', { source: 'app' }, ['{"level":"debug"}']],
        ['value of a source (exact match)', { source: 'app', value: 'b' }, ['short', '{"level":"debug"}']],
        ['expression over several sources joined by separator', { source: 'app,app', expression: '^a\\|a$', separator: '|' }, ['a much longer line of text', '{"level":"debug"}']],
    ])('%s', async (_name, attrs, kept) => {
        expect((await run([['drop', attrs]], lines)).map((e) => e.line)).toEqual(kept);
    });

    it('counts drops in loki_process_dropped_lines_total by drop_counter_reason', async () => {
        const { running, receiver, sink } = await startProcess([['drop', { expression: 'debug', drop_counter_reason: 'noisy' }], ['drop', { longer_than: '1KB' }]]);
        await receiver.appendEntries([entry('debug 1'), entry('info'), entry('debug 2'), entry('x'.repeat(1025))]);
        expect(sink.entries.map((e) => e.line)).toEqual(['info']);
        const labels = { component_id: 'loki.process.test' };
        expect(await metricValue(running.ctx.registry, 'loki_process_dropped_lines_total', { ...labels, reason: 'noisy' })).toBe(2);
        expect(await metricValue(running.ctx.registry, 'loki_process_dropped_lines_total', { ...labels, reason: 'drop_stage' })).toBe(1);
        expect(running.ctx.counts).toMatchObject({ in: 4, out: 1 });
    });

    it.each<[string, Record<string, unknown>, string]>([
        ['no criterion', { drop_counter_reason: 'x' }, 'drop stage config must contain at least one of `source`, `expression`, `older_than` or `longer_than`'],
        ['value with expression', { source: 'a', value: 'x', expression: 'y' }, 'drop stage config error, `value` and `expression` cannot both be defined at the same time'],
        ['value without source', { value: 'x', longer_than: '1B' }, 'drop stage config must contain `source` if `value` is specified'],
        ['a bad regex', { expression: '(' }, 'drop stage regex compilation error: error parsing regexp: missing closing ): `(`'],
    ])('refuses %s', async (_name, attrs, message) => {
        expect(await buildError([['drop', attrs]])).toBe(`stage.drop: invalid stage config ${message}`);
    });

    it('refuses a malformed longer_than', async () => {
        expect(await buildError([['drop', { longer_than: '10XB' }]])).toBe('stage.drop > longer_than: units: unknown unit XB in "10XB"');
    });
});

describe('stage.match (stages/match.go)', () => {
    const input = [entry('GET /health 200', { app: 'web', env: 'prod' }), entry('error: boom', { app: 'web', env: 'dev' }), entry('hello', { app: 'db' })];

    it('runs the nested stages on matching entries only (labels copied into the extracted map again)', async () => {
        const out = await run([['match', { selector: '{app="web", env=~"pr.*"}' }, { 'stage.static_labels': withStages({ values: { matched: 'yes' } }, []) }]], input);
        expect(out.map((e) => e.labels.matched ?? '-')).toEqual(['yes', '-', '-']);
    });

    it.each<[string, string, string[]]>([
        ['= and != (a missing label is "")', '{app="web", env!="prod"}', ['error: boom']],
        ['=~ is anchored', '{app=~"w"}', []],
        ['!~', '{app!~"w.*"}', ['hello']],
        ['|= and != line filters', '{app="web"} |= "error" != "health"', ['error: boom']],
        ['|~ is unanchored, !~', '{app=~".+"} |~ "\\\\d{3}" ', ['GET /health 200']],
        ['or alternatives', '{app=~".+"} |= "boom" or "hello"', ['error: boom', 'hello']],
        ['backquoted strings', '{app=`db`}', ['hello']],
    ])('action "drop" with %s', async (_name, selector, dropped) => {
        const out = await run([['match', { selector, action: 'drop' }]], input);
        expect(input.map((e) => e.line).filter((l) => !out.some((o) => o.line === l))).toEqual(dropped);
    });

    it('counts its drops under drop_counter_reason (default match_stage)', async () => {
        const { running, receiver } = await startProcess([['match', { selector: '{app="db"}', action: 'drop' }], ['match', { selector: '{env="dev"}', action: 'drop', drop_counter_reason: 'dev' }]]);
        await receiver.appendEntries(input);
        const labels = { component_id: 'loki.process.test' };
        expect(await metricValue(running.ctx.registry, 'loki_process_dropped_lines_total', { ...labels, reason: 'match_stage' })).toBe(1);
        expect(await metricValue(running.ctx.registry, 'loki_process_dropped_lines_total', { ...labels, reason: 'dev' })).toBe(1);
    });

    it.each<[string, Record<string, unknown>, boolean, string]>([
        ['an empty selector', { selector: '' }, true, 'selector statement required for match stage'],
        ['an unknown action', { selector: '{a="b"}', action: 'keepit' }, true, "match stage action should be 'keep' or 'drop'"],
        ['keep without stages', { selector: '{a="b"}' }, false, "match stage requires at least one additional stage to be defined in '- stages'"],
        ['drop with stages', { selector: '{a="b"}', action: 'drop' }, true, 'match stage configured to drop entries cannot contains stages'],
        ['a selector syntax error', { selector: '{a="b"' }, true, 'invalid selector syntax for match stage: parse error at line 1, col 7: syntax error: unexpected $end, expecting }'],
        ['a bad matcher regex', { selector: '{a=~"("}' }, true, 'invalid selector syntax for match stage: parse error at line 1, col 8: error parsing regexp: missing closing ): `^(?s:()$`'],
    ])('refuses %s', async (_name, attrs, withStage, message) => {
        const blocks: Record<string, ArgumentBody> = withStage ? { 'stage.static_labels': withStages({ values: { a: 'b' } }, []) } : {};
        expect(await buildError([['match', attrs, blocks]])).toBe(`stage.match: invalid stage config ${message}`);
    });

    it('refuses an unsupported stage nested in it, by name', async () => {
        expect(await buildError([['match', { selector: '{a="b"}' }, { 'stage.geoip': withStages({ db: 'x', source: 'ip' }, []) }]])).toBe(
            'block "stage.match > stage.geoip" is not supported by flowlens\' embedded runtime; it runs on Grafana Alloy',
        );
    });
});

describe('stage.tenant (stages/tenant.go)', () => {
    it.each<[string, Record<string, unknown>, string | undefined]>([
        ['a fixed value', { value: 'team-a' }, 'team-a'],
        ['a label', { label: 'app' }, 'web'],
        ['an extracted value', { source: 'app' }, 'web'],
        ['a missing source sets nothing', { source: 'nope' }, undefined],
    ])('from %s', async (_name, attrs, want) => {
        const out = await run([['tenant', attrs]], [entry('l', { app: 'web' })]);
        expect(out[0].labels.__tenant_id__).toBe(want);
    });
    it('refuses no or several sources', async () => {
        expect(await buildError([['tenant', {}]])).toBe('stage.tenant: invalid stage config label, source or value config are required');
        expect(await buildError([['tenant', { label: 'a', value: 'b' }]])).toBe('stage.tenant: invalid stage config label, source and value are mutually exclusive: you should set source, value or label but not all');
    });
});
