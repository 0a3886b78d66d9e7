// Builds and reads pprof profiles for the pyroscope.* tests, from the pprof format's own definition
// (google/pprof proto/profile.proto field numbers), independently of the runtime's codec: a Go-style
// profile (each location with its own address, string table starting with ""), gzip-compressed as
// Go's runtime/pprof writes it.

import zlib from 'node:zlib';
import * as protobuf from 'protobufjs';

const PROFILE_PROTO = `
syntax = "proto3";
package perftools.profiles;
message Profile {
  repeated ValueType sample_type = 1;
  repeated Sample sample = 2;
  repeated Mapping mapping = 3;
  repeated Location location = 4;
  repeated Function function = 5;
  repeated string string_table = 6;
  int64 drop_frames = 7;
  int64 keep_frames = 8;
  int64 time_nanos = 9;
  int64 duration_nanos = 10;
  ValueType period_type = 11;
  int64 period = 12;
  repeated int64 comment = 13;
  int64 default_sample_type = 14;
}
message ValueType { int64 type = 1; int64 unit = 2; }
message Sample { repeated uint64 location_id = 1; repeated int64 value = 2; repeated Label label = 3; }
message Label { int64 key = 1; int64 str = 2; int64 num = 3; int64 num_unit = 4; }
message Mapping { uint64 id = 1; uint64 memory_start = 2; uint64 memory_limit = 3; uint64 file_offset = 4; int64 filename = 5; int64 build_id = 6; bool has_functions = 7; bool has_filenames = 8; bool has_line_numbers = 9; bool has_inline_frames = 10; }
message Location { uint64 id = 1; uint64 mapping_id = 2; uint64 address = 3; repeated Line line = 4; bool is_folded = 5; }
message Line { uint64 function_id = 1; int64 line = 2; }
message Function { uint64 id = 1; int64 name = 2; int64 system_name = 3; int64 filename = 4; int64 start_line = 5; }
`;

const Profile = protobuf.parse(PROFILE_PROTO, { keepCase: true }).root.lookupType('perftools.profiles.Profile');

export interface SimpleProfile {
    /** [type, unit] per value, e.g. [['alloc_objects', 'count'], ['alloc_space', 'bytes']]. */
    sampleTypes: [string, string][];
    /** Each sample: its stack (function names, leaf first) and values. */
    samples: { stack: string[]; values: number[] }[];
    timeNanos?: number;
    durationNanos?: number;
    periodType?: [string, string];
    period?: number;
}

/** Encodes `p` as a gzip-compressed pprof profile. */
export function buildPprof(p: SimpleProfile): Buffer {
    const strings = [''];
    const str = (s: string) => {
        let i = strings.indexOf(s);
        if (i < 0) i = strings.push(s) - 1;
        return i;
    };
    const functions = new Map<string, number>();
    const locations: { id: number; mapping_id: number; address: number; line: { function_id: number; line: number }[] }[] = [];
    const fnLocation = (name: string) => {
        let id = functions.get(name);
        if (id === undefined) {
            id = functions.size + 1;
            functions.set(name, id);
            locations.push({ id, mapping_id: 1, address: 0x401000 + id * 0x10, line: [{ function_id: id, line: 10 * id }] });
        }
        return id;
    };
    const message = {
        sample_type: p.sampleTypes.map(([t, u]) => ({ type: str(t), unit: str(u) })),
        sample: p.samples.map((s) => ({ location_id: s.stack.map(fnLocation), value: s.values })),
        mapping: [{ id: 1, memory_start: 0x400000, memory_limit: 0x800000, filename: str('/app/server'), has_functions: true }],
        location: locations,
        function: [...functions].map(([name, id]) => ({ id, name: str(name), system_name: str(name), filename: str('main.go') })),
        time_nanos: p.timeNanos ?? 1_700_000_000_000_000_000,
        duration_nanos: p.durationNanos ?? 0,
        period_type: p.periodType ? { type: str(p.periodType[0]), unit: str(p.periodType[1]) } : undefined,
        period: p.period ?? 0,
        string_table: strings, // the same array: complete once the fields above are built
    };
    return zlib.gzipSync(Profile.encode(Profile.fromObject(message)).finish());
}

/** Decodes a (possibly gzip-compressed) pprof profile into stacks and values; throws when it is not one. */
export function readPprof(raw: Uint8Array): SimpleProfile {
    const bytes = raw[0] === 0x1f && raw[1] === 0x8b ? zlib.gunzipSync(raw) : Buffer.from(raw);
    const m = Profile.toObject(Profile.decode(bytes), { longs: Number, defaults: true }) as {
        sample_type: { type: number; unit: number }[];
        sample: { location_id: number[]; value: number[] }[];
        location: { id: number; line: { function_id: number }[] }[];
        function: { id: number; name: number }[];
        string_table: string[];
        time_nanos: number;
        duration_nanos: number;
    };
    const s = (i: number) => {
        if (i < 0 || i >= m.string_table.length) throw new Error(`string index ${i} out of range`);
        return m.string_table[i];
    };
    const fnName = new Map(m.function.map((f) => [f.id, s(f.name)]));
    const locName = new Map(m.location.map((l) => [l.id, l.line.map((x) => fnName.get(x.function_id) ?? '?').join(';')]));
    return {
        sampleTypes: m.sample_type.map((t) => [s(t.type), s(t.unit)]),
        samples: m.sample.map((x) => ({
            stack: x.location_id.map((id) => {
                const name = locName.get(id);
                if (name === undefined) throw new Error(`sample refers to missing location ${id}`);
                return name;
            }),
            values: x.value,
        })),
        timeNanos: m.time_nanos,
        durationNanos: m.duration_nanos,
    };
}
