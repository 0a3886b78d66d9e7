// The Validate() methods Alloy's decoder runs after it decodes a block (syntax/vm
// evaluateBlockOrBody; syntax/internal/value decode), for the most used components and the
// blocks they share. A rule speaks only when every value it reads is known (a literal, a
// constant expression or a default); its message is the Go error's text.

import type { AttributeSchema, BlockSchema } from '../catalog/schema.js';
import type { Value } from '../eval/value.js';
import type { Attribute, Block } from '../syntax/ast.js';
import { formatGoDuration, parseGoDuration } from '../values/go-duration.js';
import { goQuote } from '../syntax/chars.js';
import { parseBase2Bytes } from '../values/base2-bytes.js';
import { decodeError } from '../values/decode-rules.js';

/** What a block body holds, as far as flowlens knows it. */
export interface BodyFacts {
    readonly block: Block;
    readonly attributeSchemas: readonly AttributeSchema[];
    readonly blockSchemas: readonly BlockSchema[];
    /** Attributes given, with their value (undefined when it could not be evaluated). */
    readonly attributes: ReadonlyMap<string, { readonly node: Attribute; readonly value: Value | undefined }>;
    /** Nested blocks given (the first of each name). */
    readonly blocks: ReadonlyMap<string, Block>;
}

/** A Validate() error and where to show it: the attribute it is about, or the block. */
export interface Violation {
    readonly message: string;
    readonly node: Attribute | Block;
}

/** Thrown by a rule that reads a value flowlens does not know: the rule stays silent. */
class Unknown extends Error {}

/** Reads a body the way the decoded Go struct holds it: given values, else the defaults. */
class Reader {
    constructor(private readonly facts: BodyFacts) {}

    has(name: string): boolean {
        return this.facts.attributes.has(name);
    }

    hasBlock(name: string): boolean {
        return this.facts.blocks.has(name);
    }

    node(name: string): Attribute | Block {
        return this.facts.attributes.get(name)?.node ?? this.facts.block;
    }

    /**
     * The value given, else `fallback` (the rule's Go default), else the catalog's default; throws
     * Unknown when it can't be known.
     */
    private value(name: string, fallback: Value | undefined): Value | undefined {
        const given = this.facts.attributes.get(name);
        if (given) {
            if (!given.value || given.value.kind === 'unknown') throw new Unknown();
            return given.value;
        }
        if (fallback !== undefined) return fallback;
        const schema = this.facts.attributeSchemas.find((a) => a.name === name);
        if (schema?.default === undefined) throw new Unknown();
        try {
            const parsed: unknown = JSON.parse(schema.default);
            if (typeof parsed === 'string') return { kind: 'string', value: parsed };
            if (typeof parsed === 'number') return { kind: 'number', value: parsed, float: false };
            if (typeof parsed === 'boolean') return { kind: 'bool', value: parsed };
        } catch {
            // a default that is not a plain literal
        }
        throw new Unknown();
    }

    /** A string field (a number converts, as Alloy converts it). */
    string(name: string, fallback?: string): string {
        const v = this.value(name, fallback === undefined ? undefined : { kind: 'string', value: fallback });
        if (v === undefined || v.kind === 'null') return '';
        if (v.kind === 'string' || v.kind === 'secret') return v.value;
        if (v.kind === 'number' && Number.isInteger(v.value)) return String(v.value);
        throw new Unknown();
    }

    number(name: string, fallback?: number): number {
        const v = this.value(name, fallback === undefined ? undefined : { kind: 'number', value: fallback, float: false });
        if (v === undefined || v.kind === 'null') return 0;
        if (v.kind === 'number') return v.value;
        if (v.kind === 'string' && /^\d+$/.test(v.value)) return Number(v.value);
        throw new Unknown();
    }

    /** A units.Base2Bytes field, in bytes. */
    bytes(name: string, fallback?: string): number {
        const text = this.string(name, fallback);
        try {
            return parseBase2Bytes(text);
        } catch {
            throw new Unknown(); // reported by the decode check
        }
    }

    /** The number of items of a list field. */
    listLength(name: string): number {
        const v = this.value(name, { kind: 'array', items: [] });
        if (v?.kind === 'array') return v.items.length;
        throw new Unknown();
    }

    /** A time.Duration field, in nanoseconds. */
    duration(name: string): bigint {
        const text = this.string(name);
        if (text === '') return 0n;
        try {
            return parseGoDuration(text);
        } catch {
            throw new Unknown(); // reported by the decode check
        }
    }
}

type Rule = (r: Reader) => Violation | string | undefined;

// internal/component/common/relabel/relabel.go: Config.Validate.
const RELABEL_TARGET = /^(?:(?:[a-zA-Z_]|\$(?:\{\w+\}|\w+))+\w*)+$/;
const relabelRule: Rule = (r) => {
    // DefaultRelabelConfig / SetToDefault.
    const action = r.string('action', 'replace');
    if (decodeError('relabel.Action', action) !== undefined) return undefined;
    const target = r.string('target_label', '');
    const replacement = r.string('replacement', '$1');
    const modulus = () => r.number('modulus', 0);
    const separator = () => r.string('separator', ';');
    const at = (name: string, message: string): Violation => ({ message, node: r.node(name) });
    if (action === 'hashmod' && modulus() === 0) return at('action', 'relabel configuration for hashmod requires non-zero modulus');
    if (['replace', 'hashmod', 'lowercase', 'uppercase', 'keepequal', 'dropequal'].includes(action) && target === '') {
        return at('action', `relabel configuration for ${action} action requires 'target_label' value`);
    }
    if (action === 'replace' && target.includes('$') && !RELABEL_TARGET.test(target)) {
        return at('target_label', `${goQuote(target)} is invalid 'target_label' for ${action} action`);
    }
    if (['lowercase', 'uppercase', 'keepequal', 'dropequal'].includes(action) && replacement !== '$1') {
        return at('replacement', `'replacement' can not be set for ${action} action`);
    }
    if (action === 'labelmap' && !RELABEL_TARGET.test(replacement)) {
        return at('replacement', `${goQuote(replacement)} is invalid 'replacement' for ${action} action`);
    }
    if (action === 'labeldrop' || action === 'labelkeep') {
        if (r.has('source_labels') || target !== '' || modulus() !== 0 || separator() !== ';' || replacement !== '$1') {
            return at('action', `${action} action requires only 'regex', and no other fields`);
        }
    }
    if (action === 'keepequal' || action === 'dropequal') {
        // The regex is compared compiled with the default `(.*)`.
        if (r.string('regex', '(.*)') !== '(.*)' || modulus() !== 0 || separator() !== ';' || replacement !== '$1') {
            return at('action', `${action} action requires only 'source_labels' and 'target_label', and no other fields`);
        }
    }
    return undefined;
};

// internal/component/common/config/types.go: HTTPClientConfig.Validate (squashed: the components
// call it from their own Validate).
const httpClientRule: Rule = (r) => {
    const given = ['basic_auth', 'authorization', 'oauth2'].filter((b) => r.hasBlock(b)).length + ['bearer_token', 'bearer_token_file'].filter((a) => r.string(a, '') !== '').length;
    if (given > 1) return 'at most one of basic_auth, authorization, oauth2, bearer_token & bearer_token_file must be configured';
    return undefined;
};

/** `at most one of A & B must be configured` rules of the shared auth and TLS blocks (common/config/types.go). */
function atMostOne(pairs: readonly (readonly [string, string, string])[]): Rule {
    return (r) => {
        for (const [a, b, message] of pairs) if (r.string(a, '') !== '' && r.string(b, '') !== '') return { message, node: r.node(b) };
        return undefined;
    };
}

// common/config/types.go: BasicAuth.Validate, Authorization.Validate, TLSConfig.Validate.
const basicAuthRule = atMostOne([['password', 'password_file', 'at most one of basic_auth password & password_file must be configured']]);
const authorizationRule: Rule = (r) =>
    atMostOne([['credentials', 'credentials_file', 'at most one of authorization credentials & credentials_file must be configured']])(r) ??
    (r.string('type', '').trim().toLowerCase() === 'basic' ? { message: 'authorization type cannot be set to "basic", use "basic_auth" block instead', node: r.node('type') } : undefined);
const tlsConfigRule: Rule = (r) => {
    const pairs = atMostOne([
        ['ca_pem', 'ca_file', 'at most one of ca_pem and ca_file must be configured'],
        ['cert_pem', 'cert_file', 'at most one of cert_pem and cert_file must be configured'],
        ['key_pem', 'key_file', 'at most one of key_pem and key_file must be configured'],
    ])(r);
    if (pairs) return pairs;
    const cert = r.string('cert_pem', '') !== '' || r.string('cert_file', '') !== '';
    const key = r.string('key_pem', '') !== '' || r.string('key_file', '') !== '';
    if (cert && !key) return 'exactly one of key_pem or key_file must be configured when a client certificate is configured';
    if (key && !cert) return 'exactly one of cert_pem or cert_file must be configured when a client key is configured';
    return undefined;
};

// internal/component/prometheus/scrape/scrape.go: Arguments.Validate (the checks on literals).
const scrapeRule: Rule = (r) => {
    // Validate() runs after SetToDefault, so the defaults (1m, 10s) count: `scrape_interval = "5s"`
    // alone is rejected because the default timeout is longer. The finding goes on whichever of
    // the two is written (the timeout when both are).
    const timeout = r.duration('scrape_timeout');
    const interval = r.duration('scrape_interval');
    if (timeout > interval) {
        return {
            message: `scrape_timeout (${formatGoDuration(timeout)}) greater than scrape_interval (${formatGoDuration(interval)}) for scrape config with job name ${goQuote(r.string('job_name', ''))}`,
            node: r.has('scrape_timeout') ? r.node('scrape_timeout') : r.node('scrape_interval'),
        };
    }
    const scheme = r.string('metric_name_validation_scheme');
    if (scheme !== 'utf8' && scheme !== 'legacy') {
        return { message: `invalid metric_name_validation_scheme ${goQuote(scheme)}: must be either "utf8" or "legacy"`, node: r.node('metric_name_validation_scheme') };
    }
    return httpClientRule(r);
};

// internal/component/prometheus/remotewrite/types.go: WALOptions.Validate.
const walRule: Rule = (r) => {
    if (r.duration('truncate_frequency') === 0n) return { message: 'truncate_frequency must not be 0', node: r.node('truncate_frequency') };
    if (r.duration('max_keepalive_time') <= r.duration('min_keepalive_time')) return { message: 'min_keepalive_time must be smaller than max_keepalive_time', node: r.node('min_keepalive_time') };
    return undefined;
};

// internal/component/loki/process/stages: the Validate() of the stages' blocks.
const lokiStageRules: Readonly<Record<string, Rule>> = {
    // sampling.go: SamplingConfig.Validate (sampling.ValidateRate accepts 0..1).
    'stage.sampling': (r) => {
        const rate = r.number('rate');
        return rate >= 0 && rate <= 1 ? undefined : { message: `sampling stage failed to parse rate,Sampling Rate must be between 0.0 and 1.0, received ${rate.toFixed(6)}`, node: r.node('rate') };
    },
    // multiline.go: MultilineConfig.Validate.
    'stage.multiline': (r) => (r.duration('max_wait_time') <= 0n ? { message: 'max_wait_time must be greater than 0', node: r.node('max_wait_time') } : undefined),
    // template.go: TemplateConfig.Validate.
    'stage.template': (r) => (r.has('source') && r.string('source') === '' ? { message: 'template source value is required', node: r.node('source') } : undefined),
    // truncate.go: RuleConfig.Validate (SetToDefault: source_type "line").
    rule: (r) => {
        const limit = r.bytes('limit');
        if (limit <= 0) return { message: 'limit must be greater than zero', node: r.node('limit') };
        if (r.string('source_type', 'line') === 'line' && r.has('sources') && r.listLength('sources') > 0) return { message: "sources cannot be set when source_type is 'line'", node: r.node('sources') };
        const suffix = new TextEncoder().encode(r.string('suffix', '')).length;
        if (suffix > 0 && limit <= suffix) return { message: 'suffix length cannot be greater than or equal to limit', node: r.node('suffix') };
        return undefined;
    },
};

/** Rules of a component's own arguments, by component name. */
const COMPONENT_RULES: Readonly<Record<string, Rule>> = {
    'prometheus.scrape': scrapeRule,
    // otelcol/processor/batch/batch.go: Arguments.Validate.
    'otelcol.processor.batch': (r) => {
        const max = r.number('send_batch_max_size');
        return max > 0 && max < r.number('send_batch_size') ? { message: 'send_batch_max_size must be greater or equal to send_batch_size when not 0', node: r.node('send_batch_max_size') } : undefined;
    },
    // otelcol/processor/memorylimiter/memorylimiter.go: Arguments.Validate (its first checks).
    'otelcol.processor.memory_limiter': (r) => {
        if (r.has('check_interval') && r.duration('check_interval') <= 0n) return { message: 'check_interval must be greater than zero', node: r.node('check_interval') };
        if (r.bytes('limit', '0') > 0 && r.number('limit_percentage', 0) > 0) return { message: 'either limit or limit_percentage must be set, but not both', node: r.node('limit_percentage') };
        return undefined;
    },
};

/** Rules of a nested block, by what its schema looks like (the Go struct behind it). */
function blockRule(name: string, attributes: readonly AttributeSchema[], component: string): Rule | undefined {
    const has = (n: string) => attributes.some((a) => a.name === n);
    if (attributes.some((a) => a.name === 'action' && a.goType === 'relabel.Action')) return relabelRule;
    if (name === 'basic_auth' && has('password') && has('password_file')) return basicAuthRule;
    if (name === 'authorization' && has('credentials') && has('credentials_file')) return authorizationRule;
    if (name === 'tls_config' && has('ca_pem') && has('ca_file') && has('key_pem')) return tlsConfigRule;
    if (component === 'loki.process' && (name !== 'rule' || has('limit'))) {
        const rule = lokiStageRules[name];
        if (rule) return rule;
    }
    if (component === 'prometheus.remote_write' && name === 'wal') return walRule;
    if (component === 'prometheus.remote_write' && name === 'endpoint') return httpClientRule;
    if (component === 'loki.write' && name === 'endpoint') return httpClientRule;
    return undefined;
}

function run(rule: Rule, facts: BodyFacts): Violation | undefined {
    try {
        const out = rule(new Reader(facts));
        return typeof out === 'string' ? { message: out, node: facts.block } : out;
    } catch (e) {
        if (e instanceof Unknown) return undefined;
        throw e;
    }
}

/** The Validate() error of a component's arguments, when flowlens knows the rule and the values. */
export function validateComponent(component: string, facts: BodyFacts): Violation | undefined {
    const rule = COMPONENT_RULES[component];
    return rule && run(rule, facts);
}

/** The Validate() error of a nested block of `component`. */
export function validateBlock(component: string, facts: BodyFacts): Violation | undefined {
    const rule = blockRule(facts.block.name, facts.attributeSchemas, component);
    return rule && run(rule, facts);
}
