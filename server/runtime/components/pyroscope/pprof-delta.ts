// Client-side delta profiles, as Alloy's pyroscope.scrape computes them for Go's cumulative memory
// (allocs), block and mutex profiles (scrape/delta_profiles.go and its fastdelta package): each
// profile becomes the difference from the previous one of the same target.
// - A sample's identity is its stack of location *addresses* and its set of labels; samples with
//   the same identity within one profile are summed first.
// - The chosen value types (alloc_objects/alloc_space, contentions/delay) become the difference
//   from the previous profile; the others (inuse_*) stay as they are; all-zero samples are left out.
// - Locations no kept sample uses, and functions no kept location uses, are left out; strings
//   nothing kept refers to become empty (indices stay valid); mappings are kept.
// - From the second profile on, duration_nanos is the time since the previous profile's time_nanos.
// - After an error the next profile only re-seeds the state and is refused too.

import * as protobuf from 'protobufjs';

// Field numbers from google/pprof's proto/profile.proto.
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
  int64 doc_url = 15;
}
message ValueType { int64 type = 1; int64 unit = 2; }
message Sample { repeated uint64 location_id = 1; repeated int64 value = 2; repeated Label label = 3; }
message Label { int64 key = 1; int64 str = 2; int64 num = 3; int64 num_unit = 4; }
message Mapping {
  uint64 id = 1; uint64 memory_start = 2; uint64 memory_limit = 3; uint64 file_offset = 4; int64 filename = 5; int64 build_id = 6;
  bool has_functions = 7; bool has_filenames = 8; bool has_line_numbers = 9; bool has_inline_frames = 10;
}
message Location { uint64 id = 1; uint64 mapping_id = 2; uint64 address = 3; repeated Line line = 4; bool is_folded = 5; }
message Line { uint64 function_id = 1; int64 line = 2; int64 column = 3; }
message Function { uint64 id = 1; int64 name = 2; int64 system_name = 3; int64 filename = 4; int64 start_line = 5; }
`;

const ProfileType = protobuf.parse(PROFILE_PROTO, { keepCase: true }).root.lookupType('perftools.profiles.Profile');

/** 64-bit fields as decimal strings (exact), as protobufjs' toObject gives them with `longs: String`. */
type Int = string;

interface Profile {
    sample_type?: { type?: Int; unit?: Int }[];
    sample?: { location_id?: Int[]; value?: Int[]; label?: { key?: Int; str?: Int; num?: Int; num_unit?: Int }[] }[];
    mapping?: { filename?: Int; build_id?: Int }[];
    location?: { id?: Int; address?: Int; line?: { function_id?: Int }[] }[];
    function?: { id?: Int; name?: Int; system_name?: Int; filename?: Int }[];
    string_table?: string[];
    drop_frames?: Int;
    keep_frames?: Int;
    time_nanos?: Int;
    duration_nanos?: Int;
    period_type?: { type?: Int; unit?: Int };
    comment?: Int[];
    default_sample_type?: Int;
    doc_url?: Int;
}

export interface ValueType {
    readonly type: string;
    readonly unit: string;
}

/** The value types Alloy takes deltas of, by profile name (`__name__`). */
export const DELTA_PROFILE_TYPES: Readonly<Record<string, readonly ValueType[]>> = {
    memory: [
        { type: 'alloc_objects', unit: 'count' },
        { type: 'alloc_space', unit: 'bytes' },
    ],
    mutex: [
        { type: 'contentions', unit: 'count' },
        { type: 'delay', unit: 'nanoseconds' },
    ],
    block: [
        { type: 'contentions', unit: 'count' },
        { type: 'delay', unit: 'nanoseconds' },
    ],
};

/** fastdelta keeps previous values in fixed arrays of this size. */
const MAX_DELTA_VALUES = 2;

const num = (x: Int | undefined): number => Number(x ?? 0);

export class DeltaComputer {
    /** Previous values of the delta value types, by sample identity. */
    private previous = new Map<string, bigint[]>();
    private previousTime: bigint | undefined;
    private poisoned = false;

    constructor(private readonly fields: readonly ValueType[]) {}

    /** The delta of an uncompressed pprof profile against the previous one, encoded (uncompressed). */
    delta(raw: Uint8Array): Uint8Array {
        if (this.poisoned) {
            this.previous = new Map();
            this.previousTime = undefined;
        }
        let out: Uint8Array;
        try {
            out = this.compute(raw);
        } catch (e) {
            this.poisoned = true;
            throw new Error(`computing delta: ${(e as Error).message}`);
        }
        if (this.poisoned) {
            this.poisoned = false;
            throw new Error('computing delta: delta profiler recovering from bad state, skipping this profile');
        }
        return out;
    }

    private compute(raw: Uint8Array): Uint8Array {
        const p = ProfileType.toObject(ProfileType.decode(raw), { longs: String, arrays: true }) as Profile;
        const strings = p.string_table ?? [];
        const str = (i: Int | undefined) => {
            const n = num(i);
            if (!(n >= 0 && n < strings.length)) throw new Error(`invalid string index ${n}`);
            return strings[n];
        };
        const types = p.sample_type ?? [];
        const isDelta = types.map(() => false);
        let matched = 0;
        for (const f of this.fields) {
            const i = types.findIndex((t) => str(t.type) === f.type && str(t.unit) === f.unit);
            if (i < 0) continue;
            isDelta[i] = true;
            if (++matched > MAX_DELTA_VALUES) throw new Error(`sample has more than ${MAX_DELTA_VALUES} maxSampleValues`);
        }
        const address = new Map((p.location ?? []).map((l) => [l.id ?? '0', l.address ?? '0']));
        const identity = (s: NonNullable<Profile['sample']>[number]): string => {
            const stack = (s.location_id ?? []).map((id) => {
                const a = address.get(id);
                if (a === undefined) throw new Error('invalid location index');
                return a;
            });
            const labels = (s.label ?? []).map((l) => [str(l.key), str(l.num_unit), l.num ?? '0', str(l.str)].join('\u0001')).sort();
            return `${stack.join(',')}\u0000${labels.join('\u0002')}`;
        };

        // Same identity within one profile: the values are summed (all of them, delta or not).
        const samples = p.sample ?? [];
        const keys = samples.map(identity);
        const totals = new Map<string, bigint[]>();
        samples.forEach((s, i) => {
            const values = (s.value ?? []).map((v) => BigInt(v));
            const sum = totals.get(keys[i]);
            totals.set(keys[i], sum === undefined ? values : values.map((v, j) => v + (sum[j] ?? 0n)));
        });

        const kept: NonNullable<Profile['sample']> = [];
        const written = new Set<string>();
        samples.forEach((s, i) => {
            const key = keys[i];
            if (written.has(key)) return;
            written.add(key);
            const full = totals.get(key)!;
            const old = this.previous.get(key) ?? [];
            const next: bigint[] = [];
            const values = full.map((v, j) => {
                if (!isDelta[j]) return v;
                const k = next.length;
                next.push(v);
                return v - (old[k] ?? 0n);
            });
            this.previous.set(key, next);
            if (values.every((v) => v === 0n)) return;
            kept.push({ ...s, value: values.map(String) });
        });

        const usedStrings = new Set<number>([0]);
        const use = (...xs: (Int | undefined)[]) => {
            for (const x of xs) usedStrings.add(num(x));
        };
        for (const s of kept) for (const l of s.label ?? []) use(l.key, l.str, l.num_unit);
        for (const t of types) use(t.type, t.unit);
        for (const m of p.mapping ?? []) use(m.filename, m.build_id);
        use(p.drop_frames, p.keep_frames, p.default_sample_type, p.period_type?.type, p.period_type?.unit, ...(p.comment ?? []));
        const usedLocations = new Set(kept.flatMap((s) => s.location_id ?? []));
        const locations = (p.location ?? []).filter((l) => usedLocations.has(l.id ?? '0'));
        const usedFunctions = new Set(locations.flatMap((l) => (l.line ?? []).map((x) => x.function_id ?? '0')));
        const functions = (p.function ?? []).filter((f) => usedFunctions.has(f.id ?? '0'));
        for (const f of functions) use(f.name, f.system_name, f.filename);

        const out: Profile = { ...p, sample: kept, location: locations, function: functions, string_table: strings.map((s, i) => (usedStrings.has(i) ? s : '')) };
        const time = BigInt(p.time_nanos ?? '0');
        const first = this.previousTime === undefined;
        if (time !== 0n) {
            if (!first) out.duration_nanos = String(time - this.previousTime!);
            this.previousTime = time;
        } else if (!first) {
            delete out.duration_nanos;
        }
        return ProfileType.encode(ProfileType.fromObject(out)).finish();
    }
}
