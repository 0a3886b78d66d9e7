// What Alloy's decoder (syntax/internal/value, decodeFromInterface) does with a string bound for a
// Go type that parses it: time.ParseDuration for a time.Duration, UnmarshalText for the rest.
// Each rule names the Go function it mirrors; its error text is that function's.

import { RE2JS } from 're2js';
import { parseBase2Bytes } from './base2-bytes.js';
import { GoParseError, parseGoDuration, parseModelDuration } from './go-duration.js';
import { goQuote } from '../syntax/chars.js';

/** A decode rule: undefined when Go accepts the text, Go's error message otherwise. */
type DecodeRule = (text: string) => string | undefined;

function parsed(parse: (text: string) => unknown): DecodeRule {
    return (text) => {
        try {
            parse(text);
            return undefined;
        } catch (e) {
            if (e instanceof GoParseError) return e.message;
            throw e;
        }
    };
}

/** A TextUnmarshaler that accepts a fixed set of strings and formats its refusal. */
function oneOf(values: readonly string[], refusal: (text: string) => string): DecodeRule {
    return (text) => (values.includes(text) ? undefined : refusal(text));
}

/** Keyed by the catalog's `goType`. */
const RULES: Readonly<Record<string, DecodeRule>> = {
    // syntax/internal/value/decode.go: time.ParseDuration for *time.Duration.
    'time.Duration': parsed(parseGoDuration),
    // prometheus/common model.Duration.UnmarshalText → model.ParseDuration.
    'model.Duration': parsed(parseModelDuration),
    // alecthomas/units Base2Bytes.UnmarshalText → ParseBase2Bytes.
    'units.Base2Bytes': parsed(parseBase2Bytes),
    // internal/component/common/relabel/relabel.go: Regexp.UnmarshalText → newRegexp, which
    // compiles `^(?s:` + s + `)$` with grafana/regexp (Go's RE2 syntax and messages).
    'relabel.Regexp': (text) => {
        try {
            RE2JS.compile(`^(?s:${text})$`);
            return undefined;
        } catch (e) {
            return (e as Error).message;
        }
    },
    // internal/component/common/relabel/relabel.go: Action.UnmarshalText.
    'relabel.Action': oneOf(
        ['replace', 'keep', 'drop', 'hashmod', 'labelmap', 'labeldrop', 'labelkeep', 'lowercase', 'uppercase', 'keepequal', 'dropequal'],
        (text) => `unrecognized action type ${goQuote(text)}`,
    ),
    // internal/component/common/config/types.go: TLSVersion.UnmarshalText over prometheus/common config.TLSVersions.
    'config.TLSVersion': oneOf(['TLS13', 'TLS12', 'TLS11', 'TLS10'], (text) => `unknown TLS version: ${text}`),
    // internal/component/otelcol/config_compression.go: CompressionType.UnmarshalText.
    'otelcol.CompressionType': oneOf(['gzip', 'zlib', 'deflate', 'snappy', 'zstd', 'none', ''], (text) => `unrecognized compression type ${goQuote(text)}`),
    // internal/component/otelcol/config/config_debug_metrics.go: Level.UnmarshalText.
    'config.Level': oneOf(['none', 'basic', 'normal', 'detailed'], (text) => `unrecognized debug level ${goQuote(text)}`),
};

/** The Go types that have a decode rule here. */
export const DECODED_GO_TYPES: readonly string[] = Object.keys(RULES);

/** Go's error for `text` decoded into `goType`; undefined when it decodes, or when flowlens has no rule for the type. */
export function decodeError(goType: string, text: string): string | undefined {
    return RULES[goType]?.(text);
}
