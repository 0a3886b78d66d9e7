// A log line as loki.* components pass it along (Alloy's loki.Entry: a label set and a
// logproto.Entry with timestamp, line and structured metadata).

/** One label of structured metadata (logproto.LabelAdapter): an ordered list, names may repeat. */
export interface MetadataLabel {
    readonly name: string;
    readonly value: string;
}

export interface LogEntry {
    /** The stream's labels (model.LabelSet). */
    readonly labels: Readonly<Record<string, string>>;
    /** Nanoseconds since the Unix epoch: Loki keeps nanosecond precision, beyond a double's. */
    readonly timestamp: bigint;
    readonly line: string;
    readonly structuredMetadata: readonly MetadataLabel[];
}
