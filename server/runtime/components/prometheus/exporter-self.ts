// prometheus.exporter.self: the runtime's own metrics as a scrape target.
//
// Like Alloy's exporters, which export targets at the "in-memory traffic"
// address so prometheus.scrape reads them without the network, this exports
// one target whose __address__ is SELF_SCRAPE_ADDRESS. prometheus.scrape
// recognises that address and renders `ctx.registry.metrics()` in process: the
// runtime has one registry, shared by every component context, so no listen
// address is needed (and none is exposed by ComponentContext).

import type { ArgumentBody, Component, ComponentContext, ComponentDefinition } from '../../component.js';
import { Args, schema } from '../decode.js';
import { targetsValue } from '../discovery/relabel.js';

/** The in-memory address prometheus.scrape reads from the runtime's registry instead of over HTTP. */
export const SELF_SCRAPE_ADDRESS = 'flowlens.internal:12345';
export const SELF_METRICS_PATH = '/metrics';

const SCHEMA = schema([], [], [{ name: 'targets', type: 'list(map(string))' }]);

class PrometheusExporterSelf implements Component {
    constructor(private readonly ctx: ComponentContext) {}

    update(body: ArgumentBody): void {
        Args.of('prometheus.exporter.self', SCHEMA, body);
        this.ctx.setExports({
            targets: targetsValue([
                {
                    __address__: SELF_SCRAPE_ADDRESS,
                    __metrics_path__: SELF_METRICS_PATH,
                    instance: SELF_SCRAPE_ADDRESS,
                    job: 'integrations/self',
                },
            ]),
        });
        this.ctx.setHealth('healthy', 'exporting the runtime registry at ' + SELF_SCRAPE_ADDRESS);
    }

    async stop(): Promise<void> {}
}

export const prometheusExporterSelf: ComponentDefinition = {
    name: 'prometheus.exporter.self',
    schema: SCHEMA,
    source: true,
    create: (ctx) => new PrometheusExporterSelf(ctx),
};
