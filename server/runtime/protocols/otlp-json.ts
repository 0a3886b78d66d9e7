/**
 * OTLP/HTTP JSON encoding for traces (`POST /v1/traces`, `ExportTraceServiceRequest`).
 *
 * `parseExportTraceRequest` validates a parsed JSON body into a {@link TraceBatch}; any problem throws an
 * {@link OtlpError} (HTTP 400) whose message starts with the path of the offending field, e.g.
 * `resourceSpans[0].scopeSpans[1].spans[3].traceId: ...`.
 *
 * Model choices:
 * - proto3 defaults instead of optional fields (`''`, `0`, `[]`), so batches compare and round-trip simply;
 * - ids are lowercase hex strings; `parentSpanId` is `''` for a root span;
 * - 64-bit integers (timestamps, `intValue`) are `bigint`, so nanosecond precision survives.
 *
 * Parsing is lenient where the protobuf JSON mapping is (numbers or strings for 64-bit ints, enum names
 * or numbers, snake_case field names, `null` for absent) and ignores unknown fields, as OTLP requires.
 */

export class OtlpError extends Error {
    readonly status = 400;
    constructor(
        readonly path: string,
        problem: string,
    ) {
        super(`${path}: ${problem}`);
        this.name = 'OtlpError';
    }
}

// ---------------------------------------------------------------------------------------------
// Model
// ---------------------------------------------------------------------------------------------

export type AnyValue =
    | { type: 'string'; value: string }
    | { type: 'bool'; value: boolean }
    | { type: 'int'; value: bigint }
    | { type: 'double'; value: number }
    | { type: 'bytes'; value: Uint8Array }
    | { type: 'array'; values: AnyValue[] }
    | { type: 'kvlist'; values: KeyValue[] }
    | { type: 'empty' };

export interface KeyValue {
    key: string;
    value: AnyValue;
}

export const SpanKind = {
    UNSPECIFIED: 0,
    INTERNAL: 1,
    SERVER: 2,
    CLIENT: 3,
    PRODUCER: 4,
    CONSUMER: 5,
} as const;
export type SpanKindValue = (typeof SpanKind)[keyof typeof SpanKind];

export const StatusCode = { UNSET: 0, OK: 1, ERROR: 2 } as const;
export type StatusCodeValue = (typeof StatusCode)[keyof typeof StatusCode];

export interface Resource {
    attributes: KeyValue[];
    droppedAttributesCount: number;
}

export interface InstrumentationScope {
    name: string;
    version: string;
    attributes: KeyValue[];
    droppedAttributesCount: number;
}

export interface SpanEvent {
    timeUnixNano: bigint;
    name: string;
    attributes: KeyValue[];
    droppedAttributesCount: number;
}

export interface SpanLink {
    traceId: string;
    spanId: string;
    traceState: string;
    attributes: KeyValue[];
    droppedAttributesCount: number;
    flags: number;
}

export interface SpanStatus {
    code: StatusCodeValue;
    message: string;
}

export interface Span {
    /** 32 lowercase hex characters. */
    traceId: string;
    /** 16 lowercase hex characters. */
    spanId: string;
    /** 16 lowercase hex characters, or `''` for a root span. */
    parentSpanId: string;
    traceState: string;
    flags: number;
    name: string;
    kind: SpanKindValue;
    startTimeUnixNano: bigint;
    endTimeUnixNano: bigint;
    attributes: KeyValue[];
    droppedAttributesCount: number;
    events: SpanEvent[];
    droppedEventsCount: number;
    links: SpanLink[];
    droppedLinksCount: number;
    status: SpanStatus;
}

export interface ScopeSpans {
    scope: InstrumentationScope;
    schemaUrl: string;
    spans: Span[];
}

export interface ResourceSpans {
    resource: Resource;
    schemaUrl: string;
    scopeSpans: ScopeSpans[];
}

export interface TraceBatch {
    resourceSpans: ResourceSpans[];
}

export function spanCount(batch: TraceBatch): number {
    let n = 0;
    for (const rs of batch.resourceSpans) for (const ss of rs.scopeSpans) n += ss.spans.length;
    return n;
}

// ---------------------------------------------------------------------------------------------
// Parsing helpers
// ---------------------------------------------------------------------------------------------

type Json = unknown;
type JsonObject = Record<string, Json>;

const MAX_VALUE_DEPTH = 32;
const UINT64_MAX = (1n << 64n) - 1n;
const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

const SPAN_KIND_NAMES: Readonly<Record<string, SpanKindValue>> = {
    SPAN_KIND_UNSPECIFIED: 0,
    SPAN_KIND_INTERNAL: 1,
    SPAN_KIND_SERVER: 2,
    SPAN_KIND_CLIENT: 3,
    SPAN_KIND_PRODUCER: 4,
    SPAN_KIND_CONSUMER: 5,
};

const STATUS_CODE_NAMES: Readonly<Record<string, StatusCodeValue>> = {
    STATUS_CODE_UNSET: 0,
    STATUS_CODE_OK: 1,
    STATUS_CODE_ERROR: 2,
};

const snakeCache = new Map<string, string>();
function snake(camel: string): string {
    let s = snakeCache.get(camel);
    if (s === undefined) {
        s = camel.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase());
        snakeCache.set(camel, s);
    }
    return s;
}

function isObject(v: Json): v is JsonObject {
    return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describeJson(v: Json): string {
    if (v === null) return 'null';
    if (Array.isArray(v)) return 'an array';
    if (typeof v === 'string') return JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v);
    if (typeof v === 'object') return 'an object';
    return String(v);
}

/** Field lookup accepting the lowerCamelCase JSON name or the original snake_case proto name. */
function field(obj: JsonObject, name: string): Json {
    const v = obj[name];
    if (v !== undefined) return v;
    const alt = snake(name);
    return alt === name ? undefined : obj[alt];
}

function optObject(obj: JsonObject, name: string, path: string): JsonObject | undefined {
    const v = field(obj, name);
    if (v === undefined || v === null) return undefined;
    if (!isObject(v)) throw new OtlpError(`${path}.${name}`, `expected an object, got ${describeJson(v)}`);
    return v;
}

/** `path.name`, or just `name` at the top level. */
function at(path: string, name: string): string {
    return path === '' ? name : `${path}.${name}`;
}

function optArray(obj: JsonObject, name: string, path: string): Json[] {
    const v = field(obj, name);
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) throw new OtlpError(at(path, name), `expected an array, got ${describeJson(v)}`);
    return v;
}

function optString(obj: JsonObject, name: string, path: string): string {
    const v = field(obj, name);
    if (v === undefined || v === null) return '';
    if (typeof v !== 'string') throw new OtlpError(`${path}.${name}`, `expected a string, got ${describeJson(v)}`);
    return v;
}

function parseIntegerJson(v: Json, path: string, min: bigint, max: bigint): bigint {
    let n: bigint;
    if (typeof v === 'number') {
        if (!Number.isInteger(v)) throw new OtlpError(path, `expected an integer, got ${describeJson(v)}`);
        n = BigInt(v);
    } else if (typeof v === 'string' && /^-?\d+$/.test(v)) {
        n = BigInt(v);
    } else {
        throw new OtlpError(path, `expected an integer (number or decimal string), got ${describeJson(v)}`);
    }
    if (n < min || n > max) throw new OtlpError(path, `integer ${n} out of range`);
    return n;
}

function optUint32(obj: JsonObject, name: string, path: string): number {
    const v = field(obj, name);
    if (v === undefined || v === null) return 0;
    return Number(parseIntegerJson(v, `${path}.${name}`, 0n, 0xffffffffn));
}

function optNanos(obj: JsonObject, name: string, path: string): bigint {
    const v = field(obj, name);
    if (v === undefined || v === null) return 0n;
    return parseIntegerJson(v, `${path}.${name}`, 0n, UINT64_MAX);
}

function parseEnum<T extends number>(v: Json, path: string, names: Readonly<Record<string, T>>, max: number): T {
    if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max) return v as T;
    if (typeof v === 'string' && Object.prototype.hasOwnProperty.call(names, v)) return names[v];
    throw new OtlpError(path, `expected one of 0..${max} or ${Object.keys(names).join(', ')}, got ${describeJson(v)}`);
}

const HEX = /^[0-9a-fA-F]+$/;

/** Validates a hex id of `hexLen` characters; returns it lowercased ('' allowed only when `optional`). */
function parseId(obj: JsonObject, name: string, path: string, hexLen: number, optional: boolean): string {
    const v = field(obj, name);
    const p = `${path}.${name}`;
    if (v === undefined || v === null || v === '') {
        if (optional) return '';
        throw new OtlpError(p, `required, expected ${hexLen} hex characters`);
    }
    if (typeof v !== 'string' || v.length !== hexLen || !HEX.test(v)) {
        throw new OtlpError(p, `expected ${hexLen} hex characters, got ${describeJson(v)}`);
    }
    const id = v.toLowerCase();
    if (/^0+$/.test(id)) {
        if (optional) return ''; // an all-zero parent id means "no parent"
        throw new OtlpError(p, 'must not be all zeros');
    }
    return id;
}

const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

function parseAnyValue(v: Json, path: string, depth: number): AnyValue {
    if (v === undefined || v === null) return { type: 'empty' };
    if (!isObject(v)) throw new OtlpError(path, `expected an AnyValue object, got ${describeJson(v)}`);
    if (depth > MAX_VALUE_DEPTH) throw new OtlpError(path, `values nested deeper than ${MAX_VALUE_DEPTH} levels`);
    let result: AnyValue | undefined;
    let seen: string | undefined;
    const set = (key: string, value: AnyValue) => {
        if (seen !== undefined) throw new OtlpError(path, `has both ${seen} and ${key}; exactly one value field is allowed`);
        seen = key;
        result = value;
    };
    for (const key of Object.keys(v)) {
        const x = v[key];
        if (x === null || x === undefined) continue;
        const p = `${path}.${key}`;
        switch (key) {
            case 'stringValue':
            case 'string_value':
                if (typeof x !== 'string') throw new OtlpError(p, `expected a string, got ${describeJson(x)}`);
                set(key, { type: 'string', value: x });
                break;
            case 'boolValue':
            case 'bool_value':
                if (typeof x !== 'boolean') throw new OtlpError(p, `expected a boolean, got ${describeJson(x)}`);
                set(key, { type: 'bool', value: x });
                break;
            case 'intValue':
            case 'int_value':
                set(key, { type: 'int', value: parseIntegerJson(x, p, INT64_MIN, INT64_MAX) });
                break;
            case 'doubleValue':
            case 'double_value': {
                let d: number;
                if (typeof x === 'number') d = x;
                else if (x === 'NaN') d = NaN;
                else if (x === 'Infinity') d = Infinity;
                else if (x === '-Infinity') d = -Infinity;
                else if (typeof x === 'string' && x.trim() !== '' && !Number.isNaN(Number(x))) d = Number(x);
                else throw new OtlpError(p, `expected a number, got ${describeJson(x)}`);
                set(key, { type: 'double', value: d });
                break;
            }
            case 'bytesValue':
            case 'bytes_value':
                if (typeof x !== 'string' || !BASE64.test(x)) throw new OtlpError(p, `expected a base64 string, got ${describeJson(x)}`);
                set(key, { type: 'bytes', value: new Uint8Array(Buffer.from(x, 'base64')) });
                break;
            case 'arrayValue':
            case 'array_value': {
                if (!isObject(x)) throw new OtlpError(p, `expected an object, got ${describeJson(x)}`);
                const values = optArray(x, 'values', p).map((e, i) => parseAnyValue(e, `${p}.values[${i}]`, depth + 1));
                set(key, { type: 'array', values });
                break;
            }
            case 'kvlistValue':
            case 'kvlist_value': {
                if (!isObject(x)) throw new OtlpError(p, `expected an object, got ${describeJson(x)}`);
                set(key, { type: 'kvlist', values: parseKeyValues(x, 'values', p, depth + 1) });
                break;
            }
            default:
                break; // unknown fields are ignored
        }
    }
    return result ?? { type: 'empty' };
}

function parseKeyValues(obj: JsonObject, name: string, path: string, depth = 0): KeyValue[] {
    return optArray(obj, name, path).map((kv, i) => {
        const p = `${path}.${name}[${i}]`;
        if (!isObject(kv)) throw new OtlpError(p, `expected an object, got ${describeJson(kv)}`);
        const key = field(kv, 'key');
        if (typeof key !== 'string') throw new OtlpError(`${p}.key`, `expected a string, got ${describeJson(key)}`);
        return { key, value: parseAnyValue(field(kv, 'value'), `${p}.value`, depth) };
    });
}

function eachObject<T>(obj: JsonObject, name: string, path: string, f: (o: JsonObject, p: string) => T): T[] {
    return optArray(obj, name, path).map((item, i) => {
        const p = `${at(path, name)}[${i}]`;
        if (!isObject(item)) throw new OtlpError(p, `expected an object, got ${describeJson(item)}`);
        return f(item, p);
    });
}

function parseSpan(s: JsonObject, p: string): Span {
    const kindJson = field(s, 'kind');
    const status = optObject(s, 'status', p);
    return {
        traceId: parseId(s, 'traceId', p, 32, false),
        spanId: parseId(s, 'spanId', p, 16, false),
        parentSpanId: parseId(s, 'parentSpanId', p, 16, true),
        traceState: optString(s, 'traceState', p),
        flags: optUint32(s, 'flags', p),
        name: optString(s, 'name', p),
        kind: kindJson === undefined || kindJson === null ? 0 : parseEnum(kindJson, `${p}.kind`, SPAN_KIND_NAMES, 5),
        startTimeUnixNano: optNanos(s, 'startTimeUnixNano', p),
        endTimeUnixNano: optNanos(s, 'endTimeUnixNano', p),
        attributes: parseKeyValues(s, 'attributes', p),
        droppedAttributesCount: optUint32(s, 'droppedAttributesCount', p),
        events: eachObject(s, 'events', p, (e, ep) => ({
            timeUnixNano: optNanos(e, 'timeUnixNano', ep),
            name: optString(e, 'name', ep),
            attributes: parseKeyValues(e, 'attributes', ep),
            droppedAttributesCount: optUint32(e, 'droppedAttributesCount', ep),
        })),
        droppedEventsCount: optUint32(s, 'droppedEventsCount', p),
        links: eachObject(s, 'links', p, (l, lp) => ({
            traceId: parseId(l, 'traceId', lp, 32, false),
            spanId: parseId(l, 'spanId', lp, 16, false),
            traceState: optString(l, 'traceState', lp),
            attributes: parseKeyValues(l, 'attributes', lp),
            droppedAttributesCount: optUint32(l, 'droppedAttributesCount', lp),
            flags: optUint32(l, 'flags', lp),
        })),
        droppedLinksCount: optUint32(s, 'droppedLinksCount', p),
        status: status === undefined
            ? { code: 0, message: '' }
            : {
                  code: ((): StatusCodeValue => {
                      const c = field(status, 'code');
                      return c === undefined || c === null ? 0 : parseEnum(c, `${p}.status.code`, STATUS_CODE_NAMES, 2);
                  })(),
                  message: optString(status, 'message', `${p}.status`),
              },
    };
}

/**
 * Validates a parsed OTLP/JSON `ExportTraceServiceRequest` (or `TracesData`, which has the same shape)
 * and converts it to a {@link TraceBatch}. Throws {@link OtlpError} naming the first bad field.
 */
export function parseExportTraceRequest(json: unknown): TraceBatch {
    if (!isObject(json)) throw new OtlpError('$', `expected an ExportTraceServiceRequest object, got ${describeJson(json)}`);
    const resourceSpans = eachObject(json, 'resourceSpans', '', (rs, rp) => {
        const resource = optObject(rs, 'resource', rp);
        return {
            resource: {
                attributes: resource ? parseKeyValues(resource, 'attributes', `${rp}.resource`) : [],
                droppedAttributesCount: resource ? optUint32(resource, 'droppedAttributesCount', `${rp}.resource`) : 0,
            },
            schemaUrl: optString(rs, 'schemaUrl', rp),
            scopeSpans: eachObject(rs, 'scopeSpans', rp, (ss, sp) => {
                const scope = optObject(ss, 'scope', sp);
                return {
                    scope: {
                        name: scope ? optString(scope, 'name', `${sp}.scope`) : '',
                        version: scope ? optString(scope, 'version', `${sp}.scope`) : '',
                        attributes: scope ? parseKeyValues(scope, 'attributes', `${sp}.scope`) : [],
                        droppedAttributesCount: scope ? optUint32(scope, 'droppedAttributesCount', `${sp}.scope`) : 0,
                    },
                    schemaUrl: optString(ss, 'schemaUrl', sp),
                    spans: eachObject(ss, 'spans', sp, parseSpan),
                };
            }),
        };
    });
    return { resourceSpans };
}

// ---------------------------------------------------------------------------------------------
// Encoding
// ---------------------------------------------------------------------------------------------

/** JSON form of an AnyValue as OTLP/JSON writes it. */
export type AnyValueJson =
    | { stringValue: string }
    | { boolValue: boolean }
    | { intValue: string }
    | { doubleValue: number | 'NaN' | 'Infinity' | '-Infinity' }
    | { bytesValue: string }
    | { arrayValue: { values: AnyValueJson[] } }
    | { kvlistValue: { values: KeyValueJson[] } }
    | Record<string, never>;

export interface KeyValueJson {
    key: string;
    value: AnyValueJson;
}

export type ExportTraceServiceRequestJson = { resourceSpans: Record<string, unknown>[] };

export function encodeAnyValue(v: AnyValue): AnyValueJson {
    switch (v.type) {
        case 'string':
            return { stringValue: v.value };
        case 'bool':
            return { boolValue: v.value };
        case 'int':
            return { intValue: v.value.toString() };
        case 'double':
            return {
                doubleValue: Number.isFinite(v.value) ? v.value : Number.isNaN(v.value) ? 'NaN' : v.value > 0 ? 'Infinity' : '-Infinity',
            };
        case 'bytes':
            return { bytesValue: Buffer.from(v.value.buffer, v.value.byteOffset, v.value.byteLength).toString('base64') };
        case 'array':
            return { arrayValue: { values: v.values.map(encodeAnyValue) } };
        case 'kvlist':
            return { kvlistValue: { values: encodeKeyValues(v.values) } };
        case 'empty':
            return {};
    }
}

function encodeKeyValues(kvs: readonly KeyValue[]): KeyValueJson[] {
    return kvs.map((kv) => ({ key: kv.key, value: encodeAnyValue(kv.value) }));
}

/** Adds `key: value` to `out` unless the value is the proto3 default (omitted in canonical JSON). */
function put(out: Record<string, unknown>, key: string, value: unknown): void {
    if (value === '' || value === 0 || (Array.isArray(value) && value.length === 0)) return;
    out[key] = value;
}

function encodeSpan(s: Span): Record<string, unknown> {
    const out: Record<string, unknown> = { traceId: s.traceId, spanId: s.spanId };
    put(out, 'parentSpanId', s.parentSpanId);
    put(out, 'traceState', s.traceState);
    put(out, 'flags', s.flags);
    out.name = s.name;
    out.kind = s.kind;
    out.startTimeUnixNano = s.startTimeUnixNano.toString();
    out.endTimeUnixNano = s.endTimeUnixNano.toString();
    put(out, 'attributes', encodeKeyValues(s.attributes));
    put(out, 'droppedAttributesCount', s.droppedAttributesCount);
    put(
        out,
        'events',
        s.events.map((e) => {
            const ev: Record<string, unknown> = { timeUnixNano: e.timeUnixNano.toString(), name: e.name };
            put(ev, 'attributes', encodeKeyValues(e.attributes));
            put(ev, 'droppedAttributesCount', e.droppedAttributesCount);
            return ev;
        }),
    );
    put(out, 'droppedEventsCount', s.droppedEventsCount);
    put(
        out,
        'links',
        s.links.map((l) => {
            const link: Record<string, unknown> = { traceId: l.traceId, spanId: l.spanId };
            put(link, 'traceState', l.traceState);
            put(link, 'attributes', encodeKeyValues(l.attributes));
            put(link, 'droppedAttributesCount', l.droppedAttributesCount);
            put(link, 'flags', l.flags);
            return link;
        }),
    );
    put(out, 'droppedLinksCount', s.droppedLinksCount);
    if (s.status.code !== 0 || s.status.message !== '') {
        const status: Record<string, unknown> = {};
        put(status, 'message', s.status.message);
        put(status, 'code', s.status.code);
        out.status = status;
    }
    return out;
}

/**
 * Encodes a batch in the OTLP/JSON form (hex ids, 64-bit integers as decimal strings, enums as
 * integers, proto3 defaults omitted). `JSON.stringify` the result for the HTTP body or a JSONL line.
 */
export function encodeExportTraceRequest(batch: TraceBatch): ExportTraceServiceRequestJson {
    return {
        resourceSpans: batch.resourceSpans.map((rs) => {
            const resource: Record<string, unknown> = { attributes: encodeKeyValues(rs.resource.attributes) };
            put(resource, 'droppedAttributesCount', rs.resource.droppedAttributesCount);
            const out: Record<string, unknown> = {
                resource,
                scopeSpans: rs.scopeSpans.map((ss) => {
                    const scope: Record<string, unknown> = {};
                    put(scope, 'name', ss.scope.name);
                    put(scope, 'version', ss.scope.version);
                    put(scope, 'attributes', encodeKeyValues(ss.scope.attributes));
                    put(scope, 'droppedAttributesCount', ss.scope.droppedAttributesCount);
                    const o: Record<string, unknown> = { scope, spans: ss.spans.map(encodeSpan) };
                    put(o, 'schemaUrl', ss.schemaUrl);
                    return o;
                }),
            };
            put(out, 'schemaUrl', rs.schemaUrl);
            return out;
        }),
    };
}

// ---------------------------------------------------------------------------------------------
// Convenience for producers
// ---------------------------------------------------------------------------------------------

/** Converts a plain JS value (as found in OpenTelemetry JS attributes) into an AnyValue. */
export function toAnyValue(v: unknown): AnyValue {
    if (v === null || v === undefined) return { type: 'empty' };
    switch (typeof v) {
        case 'string':
            return { type: 'string', value: v };
        case 'boolean':
            return { type: 'bool', value: v };
        case 'bigint':
            return { type: 'int', value: v };
        case 'number':
            return Number.isSafeInteger(v) ? { type: 'int', value: BigInt(v) } : { type: 'double', value: v };
        default:
            break;
    }
    if (v instanceof Uint8Array) return { type: 'bytes', value: v };
    if (Array.isArray(v)) return { type: 'array', values: v.map(toAnyValue) };
    if (typeof v === 'object') {
        return { type: 'kvlist', values: Object.entries(v as Record<string, unknown>).map(([key, x]) => ({ key, value: toAnyValue(x) })) };
    }
    return { type: 'string', value: String(v) };
}
