// One collection of the selected collectors, as node_exporter's NodeCollector runs
// it: every collector concurrently, each followed by node_scrape_collector_duration_seconds
// and node_scrape_collector_success, plus node_exporter_build_info (which Alloy adds).

import { FLOWLENS_VERSION } from '../../version.js';
import { type Collector, NoDataError } from './host.js';
import { MetricSet, family } from './metric-set.js';

const DURATION = family('node_scrape_collector_duration_seconds', 'node_exporter: Duration of a collector scrape.', 'gauge', ['collector']);
const SUCCESS = family('node_scrape_collector_success', 'node_exporter: Whether a collector succeeded.', 'gauge', ['collector']);
const BUILD_INFO = family(
    'node_exporter_build_info',
    "A metric with a constant '1' value labeled by version, revision, branch, goversion from which node_exporter was built, and the goos and goarch for the build.",
    'gauge',
    ['branch', 'goarch', 'goos', 'goversion', 'revision', 'tags', 'version'],
);

export interface CollectionResult {
    readonly text: string;
    readonly series: number;
    /** Collectors that failed, with the error (no-data results are not failures worth logging). */
    readonly failures: { collector: string; error: string }[];
}

export async function collect(collectors: ReadonlyMap<string, Collector>): Promise<CollectionResult> {
    const out = new MetricSet();
    const failures: { collector: string; error: string }[] = [];
    await Promise.all(
        [...collectors].map(async ([name, c]) => {
            const t0 = performance.now();
            // As in node_exporter, what a collector added before it failed is kept.
            let ok = true;
            try {
                await c.update(out);
            } catch (e) {
                ok = false;
                if (!(e instanceof NoDataError)) failures.push({ collector: name, error: (e as Error).message ?? String(e) });
            }
            out.add(DURATION, (performance.now() - t0) / 1000, name);
            out.add(SUCCESS, ok ? 1 : 0, name);
        }),
    );
    // Values describe flowlens' build; "unknown" where Go's version package says so too.
    out.add(BUILD_INFO, 1, '', process.arch, process.platform, `node${process.versions.node}`, 'unknown', 'unknown', `flowlens-${FLOWLENS_VERSION}`);
    return { text: out.render(), series: out.size, failures };
}
