import { createHash } from 'node:crypto';
import { describe, it, expect } from 'vitest';
import { type Labels, labelsFromRecord, labelsToRecord } from '../../../server/runtime/protocols/labels.js';
import {
    type RelabelRuleInput,
    RelabelConfigError,
    Relabeler,
    applyRules,
    applyRulesToRecord,
    compileRules,
    expandTemplate,
    isValidTargetTemplate,
    parseTemplate,
} from '../../../server/runtime/protocols/relabel.js';

/** Relabels a record and returns the resulting record (undefined = dropped). */
function relabel(input: Record<string, string>, rules: RelabelRuleInput[]): Record<string, string> | undefined {
    const out = applyRules(labelsFromRecord(input), compileRules(rules));
    return out === undefined ? undefined : labelsToRecord(out);
}

function compileError(rules: RelabelRuleInput[]): string {
    try {
        compileRules(rules);
    } catch (e) {
        expect(e).toBeInstanceOf(RelabelConfigError);
        return (e as Error).message;
    }
    return 'no error';
}

/** Independent reference for hashmod: md5, last 8 bytes big-endian, mod m. */
function referenceHashmod(value: string, modulus: number): string {
    const d = createHash('md5').update(value).digest();
    let n = 0n;
    for (let i = 8; i < 16; i++) n = (n << 8n) | BigInt(d[i]);
    return (n % BigInt(modulus)).toString();
}

describe('replace', () => {
    it('expands ${1} into the target', () => {
        expect(relabel({ a: 'foo', b: 'bar', c: 'baz' }, [{ sourceLabels: ['a'], regex: 'f(.*)', targetLabel: 'd', replacement: 'ch${1}-ch${1}' }])).toEqual({
            a: 'foo',
            b: 'bar',
            c: 'baz',
            d: 'choo-choo',
        });
    });

    it('joins source labels with the separator', () => {
        expect(relabel({ a: 'foo', b: 'bar' }, [{ sourceLabels: ['a', 'b'], regex: 'f(.*);(.*)r', targetLabel: 'a', replacement: 'b${1}${2}m' }])).toEqual({
            a: 'boobam',
            b: 'bar',
        });
        expect(relabel({ a: 'foo', b: 'bar' }, [{ sourceLabels: ['a', 'missing', 'b'], separator: '/', targetLabel: 'j' }])).toEqual({
            a: 'foo',
            b: 'bar',
            j: 'foo//bar',
        });
    });

    it('uses named groups with ${name} and $name', () => {
        const rules: RelabelRuleInput[] = [
            { sourceLabels: ['__address__'], regex: '(?P<host>[^:]+):(?P<port>\\d+)', targetLabel: 'host', replacement: '${host}' },
            { sourceLabels: ['__address__'], regex: '(?P<host>[^:]+):(?P<port>\\d+)', targetLabel: 'port', replacement: '$port' },
        ];
        expect(relabel({ __address__: 'db-1:5432' }, rules)).toEqual({ __address__: 'db-1:5432', host: 'db-1', port: '5432' });
    });

    it('does nothing when the regex does not match (same array returned)', () => {
        const labels = labelsFromRecord({ a: 'foo' });
        const out = applyRules(labels, compileRules([{ sourceLabels: ['a'], regex: 'bar', targetLabel: 'b', replacement: 'x' }]));
        expect(out).toBe(labels);
    });

    it('returns the input array itself when rules change nothing', () => {
        const labels = labelsFromRecord({ a: 'foo', job: 'x' });
        const rules = compileRules([
            { sourceLabels: ['a'], targetLabel: 'a' }, // sets a to its own value
            { action: 'keep', sourceLabels: ['job'], regex: 'x' },
            { action: 'labeldrop', regex: 'nothing_matches' },
        ]);
        expect(applyRules(labels, rules)).toBe(labels);
    });

    it('deletes the target when the expansion is empty', () => {
        expect(relabel({ a: 'foo', b: 'bar' }, [{ sourceLabels: ['a'], regex: '(.*)', targetLabel: 'b', replacement: '' }])).toEqual({ a: 'foo' });
        // An empty source value with the default regex/replacement yields "" too.
        expect(relabel({ a: 'foo', b: 'bar' }, [{ sourceLabels: ['missing'], targetLabel: 'b' }])).toEqual({ a: 'foo' });
    });

    it('follows Go Expand: $1x names group "1x" (empty), ${1}x is group 1 then "x", $$ is a dollar', () => {
        expect(relabel({ a: 'foo' }, [{ sourceLabels: ['a'], regex: '(f)oo', targetLabel: 'b', replacement: '$1x' }])).toEqual({ a: 'foo' });
        expect(relabel({ a: 'foo' }, [{ sourceLabels: ['a'], regex: '(f)oo', targetLabel: 'b', replacement: '${1}x' }])).toEqual({ a: 'foo', b: 'fx' });
        expect(relabel({ a: 'foo' }, [{ sourceLabels: ['a'], regex: '(f)oo', targetLabel: 'b', replacement: '$$1 costs $' }])).toEqual({ a: 'foo', b: '$1 costs $' });
    });

    it('expands the target label and skips invalid expanded names', () => {
        const rule: RelabelRuleInput = { sourceLabels: ['a'], regex: 'some-([^-]+)-([^,]+)', targetLabel: '${1}', replacement: '${2}' };
        expect(relabel({ a: 'some-name-value' }, [rule])).toEqual({ a: 'some-name-value', name: 'value' });
        expect(relabel({ a: 'some-name-value' }, [{ ...rule, targetLabel: '${3}' }])).toEqual({ a: 'some-name-value' });
        expect(relabel({ a: 'some-1name-value' }, [rule])).toEqual({ a: 'some-1name-value' });
    });

    it('matches label values containing newlines with the default regex', () => {
        expect(relabel({ a: 'line1\nline2' }, [{ sourceLabels: ['a'], targetLabel: 'b' }])).toEqual({ a: 'line1\nline2', b: 'line1\nline2' });
    });

    it('chains rules: later rules see earlier results', () => {
        expect(
            relabel({ a: 'foo' }, [
                { sourceLabels: ['a'], regex: 'f(.*)', targetLabel: 'd', replacement: 'ch$1' },
                { sourceLabels: ['d'], regex: 'ch(.*)', targetLabel: 'e', replacement: '[$1]' },
                { action: 'labeldrop', regex: 'd' },
            ]),
        ).toEqual({ a: 'foo', e: '[oo]' });
    });
});

describe('keep / drop / keepequal / dropequal', () => {
    it('keep drops when the regex does not match; drop drops when it does', () => {
        expect(relabel({ a: 'foo' }, [{ action: 'keep', sourceLabels: ['a'], regex: 'no-match' }])).toBeUndefined();
        expect(relabel({ a: 'foo' }, [{ action: 'keep', sourceLabels: ['a'], regex: 'f.*' }])).toEqual({ a: 'foo' });
        expect(relabel({ a: 'foo' }, [{ action: 'drop', sourceLabels: ['a'], regex: 'f.*' }])).toBeUndefined();
        expect(relabel({ a: 'foo' }, [{ action: 'drop', sourceLabels: ['a'], regex: 'no-match' }])).toEqual({ a: 'foo' });
        // A partial match is not a match: regexes are anchored.
        expect(relabel({ a: 'foobar' }, [{ action: 'keep', sourceLabels: ['a'], regex: 'foo' }])).toBeUndefined();
        // A missing label reads as "" and matches an empty-matching regex.
        expect(relabel({ a: 'foo' }, [{ action: 'drop', sourceLabels: ['missing'], regex: '' }])).toBeUndefined();
    });

    it('keepequal/dropequal compare the joined source value with the target label', () => {
        const input = { __meta_port: '8080', port: '8080', other: '9090' };
        expect(relabel(input, [{ action: 'keepequal', sourceLabels: ['__meta_port'], targetLabel: 'port' }])).toEqual(input);
        expect(relabel(input, [{ action: 'keepequal', sourceLabels: ['__meta_port'], targetLabel: 'other' }])).toBeUndefined();
        expect(relabel(input, [{ action: 'dropequal', sourceLabels: ['__meta_port'], targetLabel: 'port' }])).toBeUndefined();
        expect(relabel(input, [{ action: 'dropequal', sourceLabels: ['__meta_port'], targetLabel: 'other' }])).toEqual(input);
    });
});

describe('hashmod', () => {
    it('matches md5 (last 8 bytes, big-endian) modulo the modulus, computed independently', () => {
        const addresses = ['10.0.0.1:9100', '10.0.0.2:9100', 'node-exporter.monitoring.svc:9100', 'ü-unicode:1'];
        for (const addr of addresses) {
            expect(relabel({ __address__: addr }, [{ action: 'hashmod', sourceLabels: ['__address__'], modulus: 3, targetLabel: '__tmp_hash' }])).toEqual({
                __address__: addr,
                __tmp_hash: referenceHashmod(addr, 3),
            });
        }
        expect(referenceHashmod('10.0.0.1:9100', 3)).toBe('2');
    });

    it('gives the value Prometheus documents in its tests (baz mod 1000 = 976)', () => {
        expect(relabel({ a: 'foo', c: 'baz' }, [{ action: 'hashmod', sourceLabels: ['c'], modulus: 1000, targetLabel: 'd' }])).toEqual({
            a: 'foo',
            c: 'baz',
            d: '976',
        });
    });

    it('supports sharding with keep on the hash', () => {
        const kept = ['a', 'b', 'c', 'd', 'e', 'f'].filter((v) =>
            relabel({ v }, [
                { action: 'hashmod', sourceLabels: ['v'], modulus: 2, targetLabel: '__tmp_shard' },
                { action: 'keep', sourceLabels: ['__tmp_shard'], regex: '0' },
            ]),
        );
        expect(kept).toEqual(['a', 'b', 'c', 'd', 'e', 'f'].filter((v) => referenceHashmod(v, 2) === '0'));
    });
});

describe('labelmap / labeldrop / labelkeep', () => {
    it('maps Kubernetes pod labels', () => {
        expect(
            relabel(
                {
                    __meta_kubernetes_pod_label_app: 'web',
                    __meta_kubernetes_pod_label_tier: 'frontend',
                    __meta_kubernetes_namespace: 'default',
                    job: 'k8s',
                },
                [{ action: 'labelmap', regex: '__meta_kubernetes_pod_label_(.+)' }],
            ),
        ).toEqual({
            __meta_kubernetes_pod_label_app: 'web',
            __meta_kubernetes_pod_label_tier: 'frontend',
            __meta_kubernetes_namespace: 'default',
            app: 'web',
            job: 'k8s',
            tier: 'frontend',
        });
    });

    it('labelmap with a prefixed replacement', () => {
        expect(relabel({ a: 'foo', b1: 'bar', b2: 'baz' }, [{ action: 'labelmap', regex: '(b.*)', replacement: 'bar_${1}' }])).toEqual({
            a: 'foo',
            b1: 'bar',
            b2: 'baz',
            bar_b1: 'bar',
            bar_b2: 'baz',
        });
    });

    it('labeldrop removes __meta_ labels; labelkeep keeps only matching names', () => {
        const input = { __meta_x: '1', __meta_y: '2', __address__: 'h:1', job: 'j' };
        expect(relabel(input, [{ action: 'labeldrop', regex: '__meta_.*' }])).toEqual({ __address__: 'h:1', job: 'j' });
        expect(relabel(input, [{ action: 'labelkeep', regex: '__.*' }])).toEqual({ __meta_x: '1', __meta_y: '2', __address__: 'h:1' });
    });

    it('labelmap iterates a snapshot: labels it creates are not mapped again', () => {
        expect(relabel({ x_x_a: 'v' }, [{ action: 'labelmap', regex: 'x_(.+)' }])).toEqual({ x_x_a: 'v', x_a: 'v' });
    });
});

describe('lowercase / uppercase', () => {
    it('sets the target to the case-mapped joined value', () => {
        expect(relabel({ foo: 'bAr123Foo' }, [{ action: 'uppercase', sourceLabels: ['foo'], targetLabel: 'foo_uppercase' }])).toEqual({
            foo: 'bAr123Foo',
            foo_uppercase: 'BAR123FOO',
        });
        expect(relabel({ foo: 'bAr123Foo', x: 'Y' }, [{ action: 'lowercase', sourceLabels: ['foo', 'x'], targetLabel: 'foo' }])).toEqual({
            foo: 'bar123foo;y',
            x: 'Y',
        });
    });

    it('deletes the target when the source is empty', () => {
        expect(relabel({ t: 'x' }, [{ action: 'lowercase', sourceLabels: ['missing'], targetLabel: 't' }])).toEqual({});
    });
});

describe('compileRules validation', () => {
    it('reports clear errors', () => {
        expect(compileError([{ action: 'bogus' as never }])).toBe(
            'rule[0]: unknown action "bogus"; expected one of replace, keep, drop, keepequal, dropequal, hashmod, labelmap, labeldrop, labelkeep, lowercase, uppercase',
        );
        expect(compileError([{ action: 'keep', regex: 'x' }, { action: 'hashmod', targetLabel: 't' }])).toBe('rule[1]: hashmod requires modulus to be a positive integer');
        expect(compileError([{ action: 'hashmod', targetLabel: 't', modulus: 0 }])).toBe('rule[0]: hashmod requires modulus to be a positive integer');
        expect(compileError([{ sourceLabels: ['a'] }])).toBe('rule[0]: replace requires target_label');
        expect(compileError([{ action: 'uppercase', sourceLabels: ['a'] }])).toBe('rule[0]: uppercase requires target_label');
        expect(compileError([{ action: 'keepequal', sourceLabels: ['a'] }])).toBe('rule[0]: keepequal requires target_label');
        expect(compileError([{ sourceLabels: ['a'], targetLabel: 'bad-name' }])).toBe('rule[0]: target_label "bad-name" is not a valid label name');
        expect(compileError([{ sourceLabels: ['a'], targetLabel: '$1-x' }])).toBe('rule[0]: target_label "$1-x" is not a valid label name template');
        expect(compileError([{ action: 'lowercase', sourceLabels: ['a'], targetLabel: 'b', replacement: 'x' }])).toBe(
            'rule[0]: replacement cannot be set for lowercase',
        );
        expect(compileError([{ action: 'dropequal', sourceLabels: ['a'], targetLabel: 'b', regex: 'x' }])).toBe(
            'rule[0]: dropequal accepts only source_labels and target_label; remove regex, separator, replacement and modulus',
        );
        expect(compileError([{ action: 'labeldrop', regex: 'x', sourceLabels: ['a'] }])).toBe(
            'rule[0]: labeldrop accepts only regex; remove source_labels, target_label, separator, replacement and modulus',
        );
        expect(compileError([{ action: 'labelkeep', regex: 'x', replacement: 'y' }])).toBe(
            'rule[0]: labelkeep accepts only regex; remove source_labels, target_label, separator, replacement and modulus',
        );
        expect(compileError([{ action: 'labelmap', regex: '(.*)', replacement: 'a-$1' }])).toBe(
            'rule[0]: replacement "a-$1" must be a label name, optionally containing $-references to capture groups',
        );
        expect(compileError([{ action: 'keep', sourceLabels: ['a'], regex: '(a' }])).toBe('rule[0]: invalid regex "(a": missing closing )');
        expect(compileError([{ action: 'keep', sourceLabels: ['a'], regex: 'x(?=y)' }])).toBe(
            'rule[0]: invalid regex "x(?=y)": lookaround assertions are not supported by RE2',
        );
    });

    it('applies defaults (separator ";", regex "(.*)", replacement "$1", action replace)', () => {
        const [c] = compileRules([{ sourceLabels: ['a'], targetLabel: 'b' }]);
        expect(c.rule).toEqual({ sourceLabels: ['a'], separator: ';', regex: '(.*)', modulus: undefined, targetLabel: 'b', replacement: '$1', action: 'replace' });
    });

    it('validates target templates linearly (no catastrophic backtracking)', () => {
        expect(isValidTargetTemplate('pod_$1')).toBe(true);
        expect(isValidTargetTemplate('${1}_x')).toBe(true);
        expect(isValidTargetTemplate('$name')).toBe(true);
        expect(isValidTargetTemplate('1abc')).toBe(false);
        expect(isValidTargetTemplate('${1')).toBe(false);
        expect(isValidTargetTemplate('')).toBe(false);
        const start = performance.now();
        expect(isValidTargetTemplate('$a'.repeat(5000) + '!')).toBe(false);
        expect(performance.now() - start).toBeLessThan(100);
    });
});

describe('templates', () => {
    it('parses Go Expand templates', () => {
        expect(parseTemplate('a$1b').parts).toEqual(['a', { name: '1b' }]);
        expect(parseTemplate('${1}b$x').parts).toEqual([{ group: 1 }, 'b', { name: 'x' }]);
        expect(parseTemplate('$01').parts).toEqual([{ name: '01' }]);
        expect(parseTemplate('${x').parts).toEqual(['${x']);
        expect(parseTemplate('$-').parts).toEqual(['$-']);
        expect(parseTemplate('plain').constant).toBe('plain');
        const m = /(?<word>\w+)-(\d+)?/u.exec('abc-')!;
        expect(expandTemplate(parseTemplate('$word|$2|$9|$0'), m)).toBe('abc|||abc-');
    });
});

describe('records and caching', () => {
    it('applies rules to discovery target records', () => {
        const rules = compileRules([
            { sourceLabels: ['__meta_kubernetes_pod_ip', '__meta_kubernetes_pod_container_port_number'], separator: ':', targetLabel: '__address__' },
            { action: 'labelmap', regex: '__meta_kubernetes_pod_label_(.+)' },
            { action: 'labeldrop', regex: '__meta_.*' },
        ]);
        expect(
            applyRulesToRecord(
                { __meta_kubernetes_pod_ip: '10.1.2.3', __meta_kubernetes_pod_container_port_number: '8080', __meta_kubernetes_pod_label_app: 'api', __address__: 'old' },
                rules,
            ),
        ).toEqual({ __address__: '10.1.2.3:8080', app: 'api' });
        expect(applyRulesToRecord({ a: 'b' }, compileRules([{ action: 'drop', sourceLabels: ['a'], regex: 'b' }]))).toBeUndefined();
    });

    it('Relabeler caches by identity: the same Labels array is evaluated once', () => {
        const r = new Relabeler([{ sourceLabels: ['a'], targetLabel: 'b' }], { identityCache: 'always' });
        const l1 = labelsFromRecord({ a: 'y' });
        const out = r.apply(l1);
        expect(labelsToRecord(out!)).toEqual({ a: 'y', b: 'y' });
        expect(r.apply(l1)).toBe(out);
        expect(r.apply(labelsFromRecord({ a: 'y' }))).not.toBe(out); // equal content, different array: evaluated
        expect([r.hits, r.misses]).toEqual([1, 2]);
        const dropped = labelsFromRecord({ a: '' });
        const dropper = new Relabeler([{ action: 'drop', sourceLabels: ['a'], regex: '' }], { identityCache: 'always' });
        expect(dropper.apply(dropped)).toBeUndefined();
        expect(dropper.apply(dropped)).toBeUndefined();
        expect(dropper.hits).toBe(1);
    });

    it('auto identity cache stops inserting when it earns no hits, and resumes after a cooldown', () => {
        const r = new Relabeler([{ sourceLabels: ['a'], targetLabel: 'b' }], { autoWindow: 4 });
        for (let i = 0; i < 4; i++) r.apply(labelsFromRecord({ a: String(i) })); // 4 fresh arrays: 0 hits
        expect(r.cachingNewResults).toBe(false);
        const late = labelsFromRecord({ a: 'late' });
        r.apply(late);
        r.apply(late); // not inserted during cooldown, so evaluated again
        expect(r.hits).toBe(0);
        for (let i = 0; i < 32; i++) r.apply(labelsFromRecord({ a: 'x' })); // cooldown = 8 windows
        expect(r.cachingNewResults).toBe(true);
        const reused = labelsFromRecord({ a: 'r' });
        for (let i = 0; i < 8; i++) r.apply(reused);
        expect(r.cachingNewResults).toBe(true);
        expect(r.hits).toBe(7);
    });

    it('Relabeler LRU (by label-set key) is bounded and serves equal label sets', () => {
        const r = new Relabeler([{ action: 'drop', sourceLabels: ['a'], regex: 'x' }, { sourceLabels: ['a'], targetLabel: 'b' }], {
            identityCache: 'off',
            lruSize: 2,
        });
        const l1: Labels = labelsFromRecord({ a: 'y' });
        expect(labelsToRecord(r.apply(l1)!)).toEqual({ a: 'y', b: 'y' });
        expect(r.apply(labelsFromRecord({ a: 'y' }))).toBe(r.apply(l1));
        expect(r.apply(labelsFromRecord({ a: 'x' }))).toBeUndefined();
        expect(r.apply(labelsFromRecord({ a: 'x' }))).toBeUndefined();
        expect(r.hits).toBe(3);
        expect(r.misses).toBe(2);
        r.apply(labelsFromRecord({ a: 'z' })); // evicts the least recently used entry ({a:y})
        r.apply(l1);
        expect(r.misses).toBe(4);
    });
});
