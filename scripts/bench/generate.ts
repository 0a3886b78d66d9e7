// Generated configurations for the benchmarks: realistic Alloy text (scrape,
// relabel, remote write, comments, expressions), `lines` lines long.

const SNIPPETS = [
    (i: number) => `// Scrape job ${i}: the node exporter on host ${i}.
prometheus.scrape "job_${i}" {
\ttargets = [
\t\t{"__address__" = "10.0.${i % 250}.1:9100", "env" = "prod"},
\t\t{"__address__" = "10.0.${i % 250}.2:9100", "env" = "prod"},
\t]
\tforward_to      = [prometheus.relabel.rules_${i}.receiver]
\tscrape_interval = "15s"
\tscrape_timeout  = string.format("%ds", 10 + ${i % 5})
}
`,
    (i: number) => `prometheus.relabel "rules_${i}" {
\tforward_to = [prometheus.remote_write.default.receiver]

\trule {
\t\tsource_labels = ["__name__", "env"]
\t\tregex         = "up;(prod|staging)"
\t\taction        = "keep"
\t}

\trule {
\t\ttarget_label = "shard"
\t\treplacement  = string.format("shard-%d", ${i} % 4 * 2 + 1)
\t}
}
`,
    (i: number) => `discovery.relabel "pods_${i}" {
\ttargets = [{"__meta_kubernetes_pod_name" = "pod-${i}", "__address__" = "pod-${i}:8080"}]

\trule {
\t\tsource_labels = ["__meta_kubernetes_pod_name"]
\t\ttarget_label  = "pod"
\t}
}
`,
];

export function generateConfig(lines: number): string {
    const parts = [
        'prometheus.remote_write "default" {\n\tendpoint {\n\t\turl = "http://127.0.0.1:9009/api/v1/push"\n\t}\n}\n',
    ];
    let count = 5;
    for (let i = 0; count < lines; i++) {
        const piece = SNIPPETS[i % SNIPPETS.length](i);
        parts.push(piece);
        count += piece.split('\n').length;
    }
    return parts.join('\n');
}

/** A JSON document of about `bytes` bytes, the yardstick for what JavaScript parses natively. */
export function generateJson(bytes: number): string {
    const items: string[] = [];
    let size = 2;
    for (let i = 0; size < bytes; i++) {
        const item = JSON.stringify({ job: `job_${i}`, targets: [{ __address__: `10.0.${i % 250}.1:9100`, env: 'prod' }], interval: '15s', n: i * 1.5 });
        items.push(item);
        size += item.length + 1;
    }
    return `[${items.join(',')}]`;
}
