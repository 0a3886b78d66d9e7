/**
 * Prometheus/Alloy relabeling (`rule` blocks of `prometheus.relabel`, `discovery.relabel`, ...).
 *
 * Semantics follow Alloy's `internal/component/common/relabel` (itself Prometheus' `model/relabel`):
 * - source label values are joined with `separator`; a missing label reads as "";
 * - regexes are RE2 (translated by `re2.ts`), fully anchored with `.` matching newlines, i.e.
 *   `^(?s:re)$` as current Alloy and Prometheus compile them (older Alloy releases used `^(?:re)$`);
 * - target label names (including `$`-expanded ones) are checked with the legacy ASCII rules;
 * - `replace` expands `target_label` and `replacement` with Go's `Regexp.Expand` rules and deletes the
 *   target when the expansion is empty; if the regex does not match, nothing happens;
 * - setting a label to "" deletes it (empty value = absent label);
 * - `labelmap`, `labeldrop` and `labelkeep` iterate over a snapshot of the labels taken when the rule
 *   starts, so labels a rule adds are not revisited by that same rule.
 *
 * Hot-path notes: everything is compiled once; a rule that changes nothing allocates nothing and the
 * input array is returned as-is when no rule changed it.
 */

import { createHash } from 'node:crypto';
import { type Label, type Labels, isValidLabelName, labelsFromRecord, labelsKey, labelsToRecord } from './labels.js';
import { Re2SyntaxError, compileAnchoredRe2 } from './re2.js';

export type RelabelAction =
    | 'replace'
    | 'keep'
    | 'drop'
    | 'keepequal'
    | 'dropequal'
    | 'hashmod'
    | 'labelmap'
    | 'labeldrop'
    | 'labelkeep'
    | 'lowercase'
    | 'uppercase';

export const RELABEL_ACTIONS: readonly RelabelAction[] = [
    'replace', 'keep', 'drop', 'keepequal', 'dropequal', 'hashmod', 'labelmap', 'labeldrop', 'labelkeep', 'lowercase', 'uppercase',
];

export interface RelabelRule {
    sourceLabels: string[];
    separator: string;
    regex: string;
    modulus?: number;
    targetLabel: string;
    replacement: string;
    action: RelabelAction;
}

/** A rule as written in configuration: every field optional, defaults applied by {@link compileRules}. */
export type RelabelRuleInput = Partial<RelabelRule>;

export const RELABEL_DEFAULTS = {
    separator: ';',
    regex: '(.*)',
    replacement: '$1',
    action: 'replace',
} as const;

export class RelabelConfigError extends Error {
    constructor(readonly ruleIndex: number, message: string) {
        super(`rule[${ruleIndex}]: ${message}`);
        this.name = 'RelabelConfigError';
    }
}

// ---------------------------------------------------------------------------------------------
// Go `Regexp.Expand` templates
// ---------------------------------------------------------------------------------------------

type TemplatePart = string | { group: number } | { name: string };

/** A pre-parsed `$1` / `${name}` template. `constant` is set when it has no references. */
export interface Template {
    readonly parts: readonly TemplatePart[];
    readonly constant: string | undefined;
}

const NAME_CHAR = /^[\p{L}\p{Nd}_]$/u;

/**
 * Parses a replacement template with Go's rules: `$$` is a literal `$`; `$name` takes the longest run of
 * letters, digits and `_` (so `$1x` refers to a group named `1x`); `${name}` delimits explicitly; a name
 * made only of ASCII digits (no leading zero) is a group number; a malformed reference leaves the `$`
 * as literal text.
 */
export function parseTemplate(template: string): Template {
    const parts: TemplatePart[] = [];
    let literal = '';
    let i = 0;
    while (i < template.length) {
        const dollar = template.indexOf('$', i);
        if (dollar < 0) {
            literal += template.slice(i);
            break;
        }
        literal += template.slice(i, dollar);
        i = dollar + 1;
        if (template[i] === '$') {
            literal += '$';
            i++;
            continue;
        }
        const braced = template[i] === '{';
        let j = braced ? i + 1 : i;
        const nameStart = j;
        while (j < template.length) {
            const cp = template.codePointAt(j)!;
            const ch = String.fromCodePoint(cp);
            if (!NAME_CHAR.test(ch)) break;
            j += ch.length;
        }
        const name = template.slice(nameStart, j);
        if (name === '' || (braced && template[j] !== '}')) {
            literal += '$'; // malformed: keep the `$` and continue right after it
            continue;
        }
        i = braced ? j + 1 : j;
        if (literal !== '') {
            parts.push(literal);
            literal = '';
        }
        let num = 0;
        for (let k = 0; k < name.length; k++) {
            const c = name.charCodeAt(k);
            if (c < 48 || c > 57 || num >= 1e8) {
                num = -1;
                break;
            }
            num = num * 10 + (c - 48);
        }
        if (name.length > 1 && name[0] === '0') num = -1;
        parts.push(num >= 0 ? { group: num } : { name });
    }
    if (literal !== '') parts.push(literal);
    const constant = parts.every((p) => typeof p === 'string') ? (parts as string[]).join('') : undefined;
    return { parts, constant };
}

/** Expands a template against a match (groups that did not participate expand to ""). */
export function expandTemplate(t: Template, match: RegExpExecArray): string {
    if (t.constant !== undefined) return t.constant;
    let out = '';
    for (const p of t.parts) {
        if (typeof p === 'string') out += p;
        else if ('group' in p) out += match[p.group] ?? '';
        else out += match.groups?.[p.name] ?? '';
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
// Label builder: base labels + pending additions/deletions, like Prometheus' labels.Builder
// ---------------------------------------------------------------------------------------------

const NO_LABELS: readonly Label[] = Object.freeze([]);
const NO_NAMES: readonly string[] = Object.freeze([]);

class LabelBuilder {
    base: Labels = [];
    readonly add: Label[] = [];
    readonly del: string[] = [];

    reset(base: Labels): void {
        this.base = base;
        this.add.length = 0;
        this.del.length = 0;
    }

    private baseIndex(name: string): number {
        const b = this.base;
        for (let i = 0; i < b.length; i++) {
            const n = b[i].name;
            if (n === name) return i;
            if (n > name) return -1;
        }
        return -1;
    }

    get(name: string): string {
        for (let i = 0; i < this.add.length; i++) if (this.add[i].name === name) return this.add[i].value;
        for (let i = 0; i < this.del.length; i++) if (this.del[i] === name) return '';
        const bi = this.baseIndex(name);
        return bi < 0 ? '' : this.base[bi].value;
    }

    /**
     * Invariant: a base label that has a pending addition is also listed in `del`, so `labels()` can
     * simply take base minus `del` plus `add`.
     */
    set(name: string, value: string): void {
        if (value === '') {
            this.delete(name);
            return;
        }
        const bi = this.baseIndex(name);
        let ai = -1;
        for (let i = 0; i < this.add.length; i++) {
            if (this.add[i].name === name) {
                ai = i;
                break;
            }
        }
        if (bi >= 0 && this.base[bi].value === value) {
            // Back to (or still at) the original value: drop pending changes so "unchanged" stays detectable.
            if (ai >= 0) this.add.splice(ai, 1);
            const di = this.del.indexOf(name);
            if (di >= 0) this.del.splice(di, 1);
            return;
        }
        if (ai >= 0) {
            if (this.add[ai].value !== value) this.add[ai] = { name, value };
            return;
        }
        if (bi >= 0 && !this.del.includes(name)) this.del.push(name);
        this.add.push({ name, value });
    }

    delete(name: string): void {
        for (let i = 0; i < this.add.length; i++) {
            if (this.add[i].name === name) {
                this.add.splice(i, 1);
                break;
            }
        }
        if (this.baseIndex(name) >= 0 && !this.del.includes(name)) this.del.push(name);
    }

    /** Visits a snapshot of the current labels: base labels first, then additions (Prometheus order). */
    range(f: (name: string, value: string) => void): void {
        // Real copies (never aliases of the live arrays): `f` may call set()/delete().
        const add: readonly Label[] = this.add.length === 0 ? NO_LABELS : this.add.slice();
        const del: readonly string[] = this.del.length === 0 ? NO_NAMES : this.del.slice();
        for (const l of this.base) {
            if (del.length !== 0 && del.includes(l.name)) continue;
            if (add.length !== 0 && add.some((a) => a.name === l.name)) continue;
            f(l.name, l.value);
        }
        for (const a of add) f(a.name, a.value);
    }

    changed(): boolean {
        return this.add.length !== 0 || this.del.length !== 0;
    }

    /** The resulting sorted label set; the base array itself when nothing changed. */
    labels(): Labels {
        if (!this.changed()) return this.base;
        const out: Label[] = [];
        for (const l of this.base) if (!this.del.includes(l.name)) out.push(l);
        for (const a of this.add) out.push(a);
        return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    }
}

// ---------------------------------------------------------------------------------------------
// Compilation
// ---------------------------------------------------------------------------------------------

export interface CompiledRule {
    readonly rule: RelabelRule;
    readonly regex: RegExp;
    /** True for the default `(.*)` (and `.*`): matches any input, so keep/drop/replace skip the regex. */
    readonly matchesAll: boolean;
    readonly target: Template;
    readonly replacement: Template;
    readonly modulus: bigint;
}

/** Opaque compiled rule list. */
export type CompiledRules = readonly CompiledRule[];

function isRelabelAction(a: unknown): a is RelabelAction {
    return typeof a === 'string' && (RELABEL_ACTIONS as readonly string[]).includes(a);
}

/**
 * A target label / labelmap replacement must be a label name in which `$name`, `${name}` references may
 * appear (Alloy's `relabelTarget` rule), e.g. `pod_$1`, `${1}_x`. Checked with a linear scan: the
 * equivalent regex has nested quantifiers that backtrack exponentially in JavaScript.
 */
export function isValidTargetTemplate(s: string): boolean {
    const word = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;
    let i = 0;
    while (i < s.length) {
        const c = s.charCodeAt(i);
        if (c === 36) {
            // $
            let j = i + 1;
            if (s.charCodeAt(j) === 123) {
                j++;
                const start = j;
                while (j < s.length && word(s.charCodeAt(j))) j++;
                if (j === start || s.charCodeAt(j) !== 125) return false;
                i = j + 1;
            } else {
                const start = j;
                while (j < s.length && word(s.charCodeAt(j))) j++;
                if (j === start) return false;
                i = j;
            }
        } else {
            if (i === 0 ? !((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95) : !word(c)) return false;
            i++;
        }
    }
    return s.length > 0;
}

function applyDefaults(input: RelabelRuleInput): RelabelRule {
    return {
        sourceLabels: [...(input.sourceLabels ?? [])], // copied: later changes to the input must not leak in
        separator: input.separator ?? RELABEL_DEFAULTS.separator,
        regex: input.regex ?? RELABEL_DEFAULTS.regex,
        modulus: input.modulus,
        targetLabel: input.targetLabel ?? '',
        replacement: input.replacement ?? RELABEL_DEFAULTS.replacement,
        action: input.action ?? RELABEL_DEFAULTS.action,
    };
}

function validate(rule: RelabelRule, index: number): void {
    const fail = (msg: string): never => {
        throw new RelabelConfigError(index, msg);
    };
    const a = rule.action;
    if (!isRelabelAction(a)) {
        fail(`unknown action "${String(a)}"; expected one of ${RELABEL_ACTIONS.join(', ')}`);
    }
    const modulusSet = rule.modulus !== undefined && rule.modulus !== 0;
    if (a === 'hashmod' && (rule.modulus === undefined || !Number.isSafeInteger(rule.modulus) || rule.modulus <= 0)) {
        fail('hashmod requires modulus to be a positive integer');
    }
    const needsTarget = a === 'replace' || a === 'hashmod' || a === 'lowercase' || a === 'uppercase' || a === 'keepequal' || a === 'dropequal';
    if (needsTarget && rule.targetLabel === '') fail(`${a} requires target_label`);
    if (a === 'replace') {
        const hasRef = rule.targetLabel.includes('$');
        if (hasRef ? !isValidTargetTemplate(rule.targetLabel) : !isValidLabelName(rule.targetLabel)) {
            fail(`target_label "${rule.targetLabel}" is not a valid label name${hasRef ? ' template' : ''}`);
        }
    }
    if ((a === 'hashmod' || a === 'lowercase' || a === 'uppercase' || a === 'keepequal' || a === 'dropequal') && !isValidLabelName(rule.targetLabel)) {
        fail(`target_label "${rule.targetLabel}" is not a valid label name`);
    }
    if ((a === 'lowercase' || a === 'uppercase' || a === 'keepequal' || a === 'dropequal') && rule.replacement !== RELABEL_DEFAULTS.replacement) {
        fail(`replacement cannot be set for ${a}`);
    }
    if (a === 'labelmap' && !isValidTargetTemplate(rule.replacement)) {
        fail(`replacement "${rule.replacement}" must be a label name, optionally containing $-references to capture groups`);
    }
    if (a === 'labeldrop' || a === 'labelkeep') {
        if (rule.sourceLabels.length > 0 || rule.targetLabel !== '' || modulusSet || rule.separator !== RELABEL_DEFAULTS.separator || rule.replacement !== RELABEL_DEFAULTS.replacement) {
            fail(`${a} accepts only regex; remove source_labels, target_label, separator, replacement and modulus`);
        }
    }
    if (a === 'keepequal' || a === 'dropequal') {
        if (rule.regex !== RELABEL_DEFAULTS.regex || modulusSet || rule.separator !== RELABEL_DEFAULTS.separator) {
            fail(`${a} accepts only source_labels and target_label; remove regex, separator, replacement and modulus`);
        }
    }
}

/** Validates rules, applies defaults and pre-compiles regexes and templates. Throws {@link RelabelConfigError}. */
export function compileRules(rules: readonly RelabelRuleInput[]): CompiledRules {
    return rules.map((input, index) => {
        const rule = applyDefaults(input);
        validate(rule, index);
        let regex: RegExp;
        try {
            regex = compileAnchoredRe2(rule.regex);
        } catch (e) {
            if (e instanceof Re2SyntaxError) throw new RelabelConfigError(index, `invalid regex "${rule.regex}": ${e.message}`);
            throw e;
        }
        return {
            rule,
            regex,
            matchesAll: rule.regex === '(.*)' || rule.regex === '.*',
            target: parseTemplate(rule.targetLabel),
            replacement: parseTemplate(rule.replacement),
            modulus: BigInt(rule.modulus ?? 0),
        };
    });
}

// ---------------------------------------------------------------------------------------------
// Application
// ---------------------------------------------------------------------------------------------

const builder = new LabelBuilder();

function sourceValue(lb: LabelBuilder, rule: RelabelRule): string {
    const src = rule.sourceLabels;
    if (src.length === 0) return '';
    if (src.length === 1) return lb.get(src[0]);
    let val = lb.get(src[0]);
    for (let i = 1; i < src.length; i++) val += rule.separator + lb.get(src[i]);
    return val;
}

/** md5(value), last 8 digest bytes as a big-endian uint64, modulo `modulus`, in decimal. */
export function hashmod(value: string, modulus: bigint): string {
    const digest = createHash('md5').update(value, 'utf8').digest();
    return (digest.readBigUInt64BE(8) % modulus).toString();
}

/** Runs one rule; returns false when the label set must be dropped. */
function applyRule(c: CompiledRule, lb: LabelBuilder): boolean {
    const rule = c.rule;
    switch (rule.action) {
        case 'drop':
            return !(c.matchesAll || c.regex.test(sourceValue(lb, rule)));
        case 'keep':
            return c.matchesAll || c.regex.test(sourceValue(lb, rule));
        case 'dropequal':
            return lb.get(rule.targetLabel) !== sourceValue(lb, rule);
        case 'keepequal':
            return lb.get(rule.targetLabel) === sourceValue(lb, rule);
        case 'replace': {
            const val = sourceValue(lb, rule);
            const m = c.regex.exec(val);
            if (m === null) return true;
            const target = expandTemplate(c.target, m);
            if (c.target.constant === undefined && !isValidLabelName(target)) return true;
            const res = expandTemplate(c.replacement, m);
            if (res === '') lb.delete(target);
            else lb.set(target, res);
            return true;
        }
        case 'lowercase':
            lb.set(rule.targetLabel, sourceValue(lb, rule).toLowerCase());
            return true;
        case 'uppercase':
            lb.set(rule.targetLabel, sourceValue(lb, rule).toUpperCase());
            return true;
        case 'hashmod':
            lb.set(rule.targetLabel, hashmod(sourceValue(lb, rule), c.modulus));
            return true;
        case 'labelmap':
            lb.range((name, value) => {
                const m = c.regex.exec(name);
                if (m === null) return;
                const newName = expandTemplate(c.replacement, m);
                if (newName !== '') lb.set(newName, value);
            });
            return true;
        case 'labeldrop':
            lb.range((name) => {
                if (c.regex.test(name)) lb.delete(name);
            });
            return true;
        case 'labelkeep':
            lb.range((name) => {
                if (!c.regex.test(name)) lb.delete(name);
            });
            return true;
    }
}

/**
 * Applies compiled rules to a label set. Returns undefined when a rule drops it, the input array itself
 * when nothing changed, or a new sorted label set.
 */
export function applyRules(labels: Labels, rules: CompiledRules): Labels | undefined {
    if (rules.length === 0) return labels;
    const lb = builder;
    lb.reset(labels);
    for (let i = 0; i < rules.length; i++) {
        if (!applyRule(rules[i], lb)) return undefined;
    }
    return lb.labels();
}

/**
 * Same engine for target label sets (`discovery.relabel`): a record in, a new record out, or undefined
 * when dropped. Empty values in the input are treated as absent labels.
 */
export function applyRulesToRecord(record: Readonly<Record<string, string>>, rules: CompiledRules): Record<string, string> | undefined {
    const out = applyRules(labelsFromRecord(record), rules);
    return out === undefined ? undefined : labelsToRecord(out);
}

export interface RelabelerOptions {
    /**
     * Cache results by label-set *identity* (a WeakMap keyed by the `Labels` array). Relabel rules are
     * pure and label sets immutable, so this is always correct; it pays off when the same arrays come
     * back, as they do from `ExpositionParser`'s series cache (measured: a hit is ~100x cheaper than
     * evaluating five typical rules, a miss with insertion ~2x more expensive).
     * - `auto` (default): insert while the cache earns hits; when a window of lookups sees under 1/8
     *   hits, stop inserting for a cooldown (lookups continue), then try again.
     * - `always` / `off`.
     */
    identityCache?: 'auto' | 'always' | 'off';
    /**
     * Size of an additional LRU keyed by {@link labelsKey} (0, the default, disables it). Measured slower
     * than re-evaluating typical rule lists, because building the key costs about as much as the rules;
     * only worth it for expensive rules (many regexes, labelmap over large sets) on non-reused arrays.
     */
    lruSize?: number;
    /** Window for the `auto` policy (default 8192 lookups; the cooldown is 8 windows). */
    autoWindow?: number;
}

/** Applies one compiled rule list with result caching (see {@link RelabelerOptions}). */
export class Relabeler {
    readonly rules: CompiledRules;
    private readonly mode: 'auto' | 'always' | 'off';
    private readonly lruSize: number;
    private readonly window: number;
    private identity = new WeakMap<Labels, Labels | null>();
    private readonly lru = new Map<string, Labels | null>();
    private inserting = true;
    private windowLookups = 0;
    private windowHits = 0;
    private cooldown = 0;
    /** Results served from a cache. */
    hits = 0;
    /** Results computed by evaluating the rules. */
    misses = 0;

    constructor(rules: readonly RelabelRuleInput[] | CompiledRules, options: RelabelerOptions = {}) {
        this.rules = isCompiled(rules) ? rules : compileRules(rules as readonly RelabelRuleInput[]);
        this.mode = options.identityCache ?? 'auto';
        this.lruSize = Math.max(0, options.lruSize ?? 0);
        this.window = Math.max(1, options.autoWindow ?? 8192);
    }

    /** Whether the identity cache currently stores new results (diagnostics/tests). */
    get cachingNewResults(): boolean {
        return this.mode === 'always' || (this.mode === 'auto' && this.inserting);
    }

    apply(labels: Labels): Labels | undefined {
        if (this.rules.length === 0) return labels;
        if (this.mode !== 'off') {
            const cached = this.identity.get(labels);
            if (this.mode === 'auto') this.account(cached !== undefined);
            if (cached !== undefined) {
                this.hits++;
                return cached === null ? undefined : cached;
            }
        }
        let result: Labels | undefined;
        if (this.lruSize > 0) {
            result = this.applyWithLru(labels);
        } else {
            this.misses++;
            result = applyRules(labels, this.rules);
        }
        if (this.mode === 'always' || (this.mode === 'auto' && this.inserting)) this.identity.set(labels, result ?? null);
        return result;
    }

    private account(hit: boolean): void {
        if (!this.inserting) {
            if (--this.cooldown <= 0) {
                this.inserting = true;
                this.windowLookups = 0;
                this.windowHits = 0;
            }
            return;
        }
        this.windowLookups++;
        if (hit) this.windowHits++;
        if (this.windowLookups < this.window) return;
        if (this.windowHits * 8 < this.windowLookups) {
            this.inserting = false;
            this.cooldown = this.window * 8;
        }
        this.windowLookups = 0;
        this.windowHits = 0;
    }

    private applyWithLru(labels: Labels): Labels | undefined {
        const key = labelsKey(labels);
        const cached = this.lru.get(key);
        if (cached !== undefined) {
            this.hits++;
            // Refresh recency: Map iteration order is insertion order.
            this.lru.delete(key);
            this.lru.set(key, cached);
            return cached === null ? undefined : cached;
        }
        this.misses++;
        const result = applyRules(labels, this.rules);
        if (this.lru.size >= this.lruSize) this.lru.delete(this.lru.keys().next().value as string);
        this.lru.set(key, result ?? null);
        return result;
    }

    clearCache(): void {
        this.identity = new WeakMap();
        this.lru.clear();
    }
}

function isCompiled(rules: readonly RelabelRuleInput[] | CompiledRules): rules is CompiledRules {
    return rules.length > 0 && (rules[0] as CompiledRule).regex instanceof RegExp;
}
