// The metrics one collection produces, and their rendering in the Prometheus text
// format (0.0.4) as client_golang's registry writes it: families sorted by name,
// each with HELP and TYPE, label pairs sorted by name (empty values written out,
// `model=""`, as node_exporter's page has them), series sorted by label values.

export type FamilyType = 'counter' | 'gauge' | 'untyped';

/** A metric family as node_exporter describes it (a prometheus.Desc and its value type). */
export interface Family {
    readonly name: string;
    readonly help: string;
    readonly type: FamilyType;
    /** Label names in the order values are given to {@link MetricSet.add}. */
    readonly labels: readonly string[];
}

export function family(name: string, help: string, type: FamilyType, labels: readonly string[] = []): Family {
    return { name, help, type, labels };
}

interface Series {
    readonly labels: string;
    readonly value: number;
}

/** Collects samples of many families (from collectors running concurrently) and renders them. */
export class MetricSet {
    private readonly families = new Map<string, { family: Family; series: Map<string, Series> }>();

    add(f: Family, value: number, ...labelValues: string[]): void {
        if (labelValues.length !== f.labels.length) throw new Error(`${f.name}: ${f.labels.length} label value(s) expected, got ${labelValues.length}`);
        let entry = this.families.get(f.name);
        if (entry === undefined) {
            entry = { family: f, series: new Map() };
            this.families.set(f.name, entry);
        }
        const pairs: [string, string][] = [];
        for (let i = 0; i < f.labels.length; i++) pairs.push([f.labels[i], labelValues[i]]);
        pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
        const labels = pairs.map(([n, v]) => `${n}="${escapeLabelValue(v)}"`).join(',');
        // A repeated series (the same mount listed twice) keeps its first value, as the Go gatherer
        // would report a duplicate as an error instead.
        if (!entry.series.has(labels)) entry.series.set(labels, { labels, value });
    }

    get size(): number {
        let n = 0;
        for (const e of this.families.values()) n += e.series.size;
        return n;
    }

    render(): string {
        const out: string[] = [];
        const names = [...this.families.keys()].sort();
        for (const name of names) {
            const { family: f, series } = this.families.get(name)!;
            out.push(`# HELP ${name} ${escapeHelp(f.help)}`, `# TYPE ${name} ${f.type}`);
            const sorted = [...series.values()].sort((a, b) => (a.labels < b.labels ? -1 : a.labels > b.labels ? 1 : 0));
            for (const s of sorted) out.push(`${name}${s.labels ? `{${s.labels}}` : ''} ${formatValue(s.value)}`);
        }
        return out.length ? out.join('\n') + '\n' : '';
    }
}

function escapeHelp(text: string): string {
    return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function escapeLabelValue(text: string): string {
    return text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function formatValue(v: number): string {
    if (Number.isNaN(v)) return 'NaN';
    if (v === Infinity) return '+Inf';
    if (v === -Infinity) return '-Inf';
    return String(v);
}
