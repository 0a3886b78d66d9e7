// Values Alloy's decoder parses when it loads a component (syntax/internal/value decodeFromInterface):
// reported on the literal, as `<literal> <Go error>` (syntax/vm makeDiagnostic), in Alloy's words.

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../language/catalog/catalog.js';
import { DECODED_GO_TYPES, decodeError } from '../../language/values/decode-rules.js';
import { SHARED } from '../conformance/shared.js';
import { check } from './memory-host.js';

const errors = (text: string) => check(text).filter((d) => / error /.test(d));

/** Asserts that the Go files (under alloy/go/internal/component) contain each message's format string. */
function expectInGoSource(files: readonly string[], texts: readonly string[]): void {
    const go = path.join(SHARED, 'alloy/go/internal/component');
    if (!fs.existsSync(go)) {
        console.warn(`${go} not found: the Go source comparison is skipped`);
        return;
    }
    const source = files.map((f) => fs.readFileSync(path.join(go, f), 'utf8')).join('\n');
    for (const text of texts) expect(source).toContain(text);
}

describe('decode rules (Go function → message)', () => {
    it.each([
        // time.ParseDuration
        ['time.Duration', '1m30s', undefined],
        ['time.Duration', '10x', 'time: unknown unit "x" in duration "10x"'],
        ['time.Duration', '10', 'time: missing unit in duration "10"'],
        ['time.Duration', '1d', 'time: unknown unit "d" in duration "1d"'],
        // model.ParseDuration
        ['model.Duration', '1d', undefined],
        ['model.Duration', '1.5s', 'unknown unit "." in duration "1.5s"'],
        // units.ParseBase2Bytes
        ['units.Base2Bytes', '4MiB', undefined],
        ['units.Base2Bytes', '4mb', 'units: unknown unit mb in 4mb'],
        // relabel.Regexp.UnmarshalText → regexp.Compile("^(?s:" + s + ")$")
        ['relabel.Regexp', '(.*)', undefined],
        ['relabel.Regexp', 'a(?=b)', 'error parsing regexp: invalid or unsupported Perl syntax: `(?=`'],
        ['relabel.Regexp', '(abc', 'error parsing regexp: missing closing ): `^(?s:(abc)$`'],
        ['relabel.Regexp', 'x{2,1}', 'error parsing regexp: invalid repeat count: `{2,1}`'],
        // relabel.Action.UnmarshalText
        ['relabel.Action', 'labeldrop', undefined],
        ['relabel.Action', 'labelDrop', 'unrecognized action type "labelDrop"'],
        // config.TLSVersion.UnmarshalText
        ['config.TLSVersion', 'TLS12', undefined],
        ['config.TLSVersion', 'TLS1.2', 'unknown TLS version: TLS1.2'],
        // otelcol CompressionType.UnmarshalText
        ['otelcol.CompressionType', 'gzip', undefined],
        ['otelcol.CompressionType', 'lz4', 'unrecognized compression type "lz4"'],
        // otelcol config Level.UnmarshalText (debug_metrics)
        ['config.Level', 'detailed', undefined],
        ['config.Level', 'verbose', 'unrecognized debug level "verbose"'],
        // No rule: nothing is claimed.
        ['stages.SourceType', 'anything', undefined],
    ])('%s %j → %s', (goType, text, message) => {
        expect(decodeError(goType, text)).toBe(message);
    });

    it('every rule is for a Go type the catalog records', () => {
        const seen = new Set<string>();
        const visit = (node: { attributes: readonly { goType?: string }[]; blocks: readonly unknown[] }): void => {
            for (const a of node.attributes) if (a.goType) seen.add(a.goType);
            for (const b of node.blocks) visit(b as typeof node);
        };
        for (const c of Object.values(loadCatalog('alloy').components)) visit(c);
        expect(DECODED_GO_TYPES.filter((t) => t !== 'model.Duration' && !seen.has(t))).toEqual([]);
    });

    it("the refusals are the Go source's format strings", () => {
        const go = path.join(SHARED, 'alloy/go/internal/component');
        if (!fs.existsSync(go)) {
            console.warn(`${go} not found: the Go source comparison is skipped`);
            return;
        }
        const read = (file: string) => fs.readFileSync(path.join(go, file), 'utf8');
        expect(read('common/relabel/relabel.go')).toContain('return fmt.Errorf("unrecognized action type %q", string(text))');
        expect(read('common/relabel/relabel.go')).toContain('regexp.Compile("^(?s:" + s + ")$")');
        expect(read('common/config/types.go')).toContain('return fmt.Errorf("unknown TLS version: %s", string(text))');
        expect(read('otelcol/config_compression.go')).toContain('return fmt.Errorf("unrecognized compression type %q", typ)');
        expect(read('otelcol/config/config_debug_metrics.go')).toContain('return fmt.Errorf("unrecognized debug level %q", string(text))');
        const relabel = loadCatalog('alloy').components['discovery.relabel']!.blocks.find((b) => b.name === 'rule')!;
        const actions = relabel.attributes.find((a) => a.name === 'action')!.enum!;
        for (const action of actions) expect(decodeError('relabel.Action', action)).toBeUndefined();
    });
});

describe('literals checked when a component is loaded', () => {
    it('reports bad durations, sizes, regexps and actions on the literal', () => {
        expect(
            errors(`prometheus.scrape "a" {
  targets         = []
  forward_to      = []
  scrape_interval = "10x"
  scrape_timeout  = 10
  body_size_limit = "10kB"
}

discovery.relabel "r" {
  targets = []
  rule {
    action = "keep_if"
    regex  = "(abc"
  }
}
`),
        ).toEqual([
            'main.alloy:12:14 error decode: "keep_if" unrecognized action type "keep_if"',
            'main.alloy:13:14 error decode: "(abc" error parsing regexp: missing closing ): `^(?s:(abc)$`',
            'main.alloy:4:21 error decode: "10x" time: unknown unit "x" in duration "10x"',
            'main.alloy:5:21 error decode: 10 time: missing unit in duration "10"',
            'main.alloy:6:21 error decode: "10kB" units: unknown unit kB in 10kB',
        ]);
    });

    it('prints the literal as written (raw strings, escapes) and decodes its value', () => {
        expect(errors('prometheus.relabel "r" {\n  forward_to = []\n  rule {\n    regex = `\\d+(`\n    action = "drop"\n  }\n}\n')).toEqual([
            'main.alloy:4:13 error decode: `\\d+(` error parsing regexp: missing closing ): `^(?s:\\d+()$`',
        ]);
    });

    it('accepts what Go accepts and leaves expressions alone', () => {
        expect(
            errors(`prometheus.scrape "a" {
  targets         = []
  forward_to      = []
  scrape_interval = "1m30s"
  scrape_timeout  = "1.5s"
  body_size_limit = "63KiB488B"
}

prometheus.scrape "b" {
  targets         = []
  forward_to      = []
  scrape_interval = "1" + "0x"
}

otelcol.exporter.otlp "o" {
  client {
    endpoint    = "localhost:4317"
    compression = "zstd"
    tls {
      min_version = "1.2"
    }
  }
}
`),
        ).toEqual([]);
    });
});

/** The error of the first rule of a one-block configuration, as flowlens reports it. */
const validation = (text: string): string[] => errors(text).filter((d) => / validate: /.test(d)).map((d) => d.replace(/^.* validate: Failed to build component: decoding configuration: /, ''));

describe('Validate() rules: relabel.Config.Validate (common/relabel/relabel.go)', () => {
    const rule = (body: string) => validation(`discovery.relabel "r" {\n  targets = []\n  rule {\n${body}\n  }\n}\n`);
    it.each([
        ['action = "hashmod"\ntarget_label = "t"', 'relabel configuration for hashmod requires non-zero modulus'],
        ['action = "hashmod"\ntarget_label = "t"\nmodulus = 4', undefined],
        ['source_labels = ["a"]', "relabel configuration for replace action requires 'target_label' value"],
        ['action = "uppercase"', "relabel configuration for uppercase action requires 'target_label' value"],
        ['target_label = "${1"', '"${1" is invalid \'target_label\' for replace action'],
        ['target_label = "${1}_x"', undefined],
        ['action = "lowercase"\ntarget_label = "t"\nreplacement = "x"', "'replacement' can not be set for lowercase action"],
        ['action = "labelmap"\nreplacement = "1x"', '"1x" is invalid \'replacement\' for labelmap action'],
        ['action = "labelmap"\nregex = "tmp_(.*)"', undefined],
        ['action = "labeldrop"\nregex = "tmp_.*"', undefined],
        ['action = "labeldrop"\nregex = "tmp_.*"\nsource_labels = []', "labeldrop action requires only 'regex', and no other fields"],
        ['action = "labelkeep"\nseparator = ","', "labelkeep action requires only 'regex', and no other fields"],
        ['action = "keepequal"\ntarget_label = "t"\nsource_labels = ["a"]', undefined],
        ['action = "dropequal"\ntarget_label = "t"\nregex = "a"', "dropequal action requires only 'source_labels' and 'target_label', and no other fields"],
        ['action = "drop"\nregex = "x"', undefined],
        ['action = sys.env("ACTION")', undefined],
    ])('%j → %s', (body, message) => {
        expect(rule(body)).toEqual(message === undefined ? [] : [message]);
    });

    it('reports on the attribute the rule is about, in Alloy\'s words', () => {
        expect(errors('prometheus.relabel "r" {\n  forward_to = []\n  rule {\n    action = "hashmod"\n    target_label = "t"\n  }\n}\n')).toEqual([
            'main.alloy:4:14 error validate: Failed to build component: decoding configuration: relabel configuration for hashmod requires non-zero modulus',
        ]);
    });
});

describe('Validate() rules: prometheus.scrape Arguments.Validate and the shared HTTP client blocks (common/config/types.go)', () => {
    const scrape = (body: string) => validation(`prometheus.scrape "s" {\n  targets = []\n  forward_to = []\n${body}\n}\n`);
    it.each([
        ['scrape_interval = "10s"\nscrape_timeout = "15s"', 'scrape_timeout (15s) greater than scrape_interval (10s) for scrape config with job name ""'],
        ['scrape_interval = "1m"\nscrape_timeout = "1m30s"\njob_name = "j"', 'scrape_timeout (1m30s) greater than scrape_interval (1m0s) for scrape config with job name "j"'],
        ['scrape_interval = "10s"\nscrape_timeout = "10s"', undefined],
        // Validate() sees the defaults (scrape_timeout 10s, scrape_interval 1m) of what is not written.
        ['scrape_interval = "5s"', 'scrape_timeout (10s) greater than scrape_interval (5s) for scrape config with job name ""'],
        ['scrape_timeout = "2m"', 'scrape_timeout (2m0s) greater than scrape_interval (1m0s) for scrape config with job name ""'],
        ['scrape_interval = "30s"', undefined],
        ['metric_name_validation_scheme = "ascii"', 'invalid metric_name_validation_scheme "ascii": must be either "utf8" or "legacy"'],
        // HTTPClientConfig.Validate
        ['bearer_token = "t"\nbasic_auth {\n  username = "u"\n}', 'at most one of basic_auth, authorization, oauth2, bearer_token & bearer_token_file must be configured'],
        ['bearer_token = ""\nbasic_auth {\n  username = "u"\n}', undefined],
        // BasicAuth.Validate, Authorization.Validate
        ['basic_auth {\n  password = "p"\n  password_file = "/p"\n}', 'at most one of basic_auth password & password_file must be configured'],
        ['authorization {\n  credentials = "c"\n  credentials_file = "/c"\n}', 'at most one of authorization credentials & credentials_file must be configured'],
        ['authorization {\n  type = " Basic "\n}', 'authorization type cannot be set to "basic", use "basic_auth" block instead'],
        // TLSConfig.Validate
        ['tls_config {\n  ca_pem = "x"\n  ca_file = "/ca"\n}', 'at most one of ca_pem and ca_file must be configured'],
        ['tls_config {\n  cert_file = "/c"\n}', 'exactly one of key_pem or key_file must be configured when a client certificate is configured'],
        ['tls_config {\n  key_file = "/k"\n}', 'exactly one of cert_pem or cert_file must be configured when a client key is configured'],
        ['tls_config {\n  cert_file = "/c"\n  key_file = "/k"\n}', undefined],
    ])('%j → %s', (body, message) => {
        expect(scrape(body)).toEqual(message === undefined ? [] : [message]);
    });
});

describe('Validate() rules: prometheus.remote_write (remotewrite/types.go) and loki.write (write/types.go)', () => {
    it.each([
        ['prometheus.remote_write', 'wal {\n  truncate_frequency = "0s"\n}', 'truncate_frequency must not be 0'],
        ['prometheus.remote_write', 'wal {\n  min_keepalive_time = "8h"\n}', 'min_keepalive_time must be smaller than max_keepalive_time'],
        ['prometheus.remote_write', 'wal {\n  min_keepalive_time = "1m"\n}', undefined],
        ['prometheus.remote_write', 'endpoint {\n  url = "http://x"\n  bearer_token_file = "/t"\n  oauth2 {\n    client_id = "c"\n  }\n}', 'at most one of basic_auth, authorization, oauth2, bearer_token & bearer_token_file must be configured'],
        ['prometheus.remote_write', 'endpoint {\n  url = "http://x"\n  write_relabel_config {\n    action = "hashmod"\n    target_label = "t"\n  }\n}', 'relabel configuration for hashmod requires non-zero modulus'],
        ['loki.write', 'endpoint {\n  url = "http://x"\n  bearer_token = "t"\n  authorization {\n    credentials = "c"\n  }\n}', 'at most one of basic_auth, authorization, oauth2, bearer_token & bearer_token_file must be configured'],
    ])('%s %j → %s', (component, body, message) => {
        expect(validation(`${component} "w" {\n${body}\n}\n`)).toEqual(message === undefined ? [] : [message]);
    });

    it("the messages are the Go source's", () => {
        expectInGoSource(['common/relabel/relabel.go', 'common/config/types.go', 'prometheus/scrape/scrape.go', 'prometheus/remotewrite/types.go'], [
            'relabel configuration for hashmod requires non-zero modulus',
            "relabel configuration for %s action requires 'target_label' value",
            "%q is invalid 'target_label' for %s action",
            "'replacement' can not be set for %s action",
            "%s action requires only 'regex', and no other fields",
            "%s action requires only 'source_labels' and 'target_label', and no other fields",
            'at most one of basic_auth, authorization, oauth2, bearer_token & bearer_token_file must be configured',
            'at most one of basic_auth password & password_file must be configured',
            'authorization type cannot be set to "basic", use "basic_auth" block instead',
            'exactly one of key_pem or key_file must be configured when a client certificate is configured',
            'scrape_timeout (%s) greater than scrape_interval (%s) for scrape config with job name %q',
            'invalid metric_name_validation_scheme %q: must be either %q or %q',
            'truncate_frequency must not be 0',
            'min_keepalive_time must be smaller than max_keepalive_time',
        ]);
    });
});

describe('Validate() rules: loki.process stages (loki/process/stages)', () => {
    const stage = (body: string) => validation(`loki.process "p" {\n  forward_to = []\n${body}\n}\n`);
    it.each([
        // sampling.go SamplingConfig.Validate
        ['stage.sampling {\n  rate = 1.5\n}', 'sampling stage failed to parse rate,Sampling Rate must be between 0.0 and 1.0, received 1.500000'],
        ['stage.sampling {\n  rate = 0.25\n}', undefined],
        // multiline.go MultilineConfig.Validate
        ['stage.multiline {\n  firstline = "^x"\n  max_wait_time = "0s"\n}', 'max_wait_time must be greater than 0'],
        ['stage.multiline {\n  firstline = "^x"\n}', undefined],
        // template.go TemplateConfig.Validate
        ['stage.template {\n  source = ""\n  template = "x"\n}', 'template source value is required'],
        // truncate.go RuleConfig.Validate
        ['stage.truncate {\n  rule {\n    limit = "0"\n  }\n}', 'limit must be greater than zero'],
        ['stage.truncate {\n  rule {\n    limit = "1KiB"\n    sources = ["a"]\n  }\n}', "sources cannot be set when source_type is 'line'"],
        ['stage.truncate {\n  rule {\n    limit = "3B"\n    suffix = "..."\n  }\n}', 'suffix length cannot be greater than or equal to limit'],
        ['stage.truncate {\n  rule {\n    limit = "1KiB"\n    source_type = "label"\n    sources = ["a"]\n    suffix = "..."\n  }\n}', undefined],
        // Nested in stage.match, the same rules apply.
        ['stage.match {\n  selector = "{a=\\"b\\"}"\n  stage.sampling {\n    rate = -1\n  }\n}', 'sampling stage failed to parse rate,Sampling Rate must be between 0.0 and 1.0, received -1.000000'],
    ])('%j → %s', (body, message) => {
        expect(stage(body)).toEqual(message === undefined ? [] : [message]);
    });

    it("the messages are the Go source's", () => {
        expectInGoSource(['sampling.go', 'multiline.go', 'template.go', 'truncate.go'].map((f) => `loki/process/stages/${f}`), [
            'sampling stage failed to parse rate,Sampling Rate must be between 0.0 and 1.0, received %f',
            'max_wait_time must be greater than 0',
            'template source value is required',
            'limit must be greater than zero',
            "sources cannot be set when source_type is 'line'",
            'suffix length cannot be greater than or equal to limit',
        ]);
    });
});

describe('Validate() rules: otelcol processors', () => {
    it.each([
        // otelcol/processor/batch/batch.go Arguments.Validate
        ['otelcol.processor.batch', 'send_batch_size = 100\nsend_batch_max_size = 50', 'send_batch_max_size must be greater or equal to send_batch_size when not 0'],
        ['otelcol.processor.batch', 'send_batch_size = 5000', 'send_batch_max_size must be greater or equal to send_batch_size when not 0'],
        ['otelcol.processor.batch', 'send_batch_size = 5000\nsend_batch_max_size = 0', undefined],
        ['otelcol.processor.batch', 'send_batch_size = 100', undefined],
        // otelcol/processor/memorylimiter/memorylimiter.go Arguments.Validate
        ['otelcol.processor.memory_limiter', 'check_interval = "0s"', 'check_interval must be greater than zero'],
        ['otelcol.processor.memory_limiter', 'check_interval = "1s"\nlimit = "1GiB"\nlimit_percentage = 50', 'either limit or limit_percentage must be set, but not both'],
        ['otelcol.processor.memory_limiter', 'check_interval = "1s"\nlimit_percentage = 50', undefined],
    ])('%s %j → %s', (component, body, message) => {
        expect(validation(`${component} "p" {\n${body}\n  output {}\n}\n`)).toEqual(message === undefined ? [] : [message]);
    });

    it("the messages are the Go source's", () => {
        expectInGoSource(['otelcol/processor/batch/batch.go', 'otelcol/processor/memorylimiter/memorylimiter.go'], [
            'send_batch_max_size must be greater or equal to send_batch_size when not 0',
            'check_interval must be greater than zero',
            'either limit or limit_percentage must be set, but not both',
        ]);
    });
});
