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
