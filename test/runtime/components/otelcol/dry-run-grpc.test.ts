// `flowlens run --dry-run` on OTLP/gRPC pipelines: what runs, what is ignored (as a note), and what
// the embedded runtime cannot honour (named as the node's reason).
import { describe, expect, it } from 'vitest';
import { Runtime } from '../../../../server/runtime/runtime.js';
import { MemoryHost, ROOT } from '../../../analysis/memory-host.js';

function dryRun(text: string) {
    return Runtime.dryRun({ path: `${ROOT}/main.alloy`, host: new MemoryHost({ 'main.alloy': text }) });
}

const pipeline = (client: string) => `
otelcol.receiver.otlp "in" {
  grpc { endpoint = "127.0.0.1:0" }
  output { traces = [otelcol.processor.batch.b.input] }
}
otelcol.processor.batch "b" {
  output { traces = [otelcol.exporter.otlp.out.input] }
}
otelcol.exporter.otlp "out" {
  client {
    endpoint = "tempo.example:4317"
${client}
  }
}
`;

describe('run --dry-run with OTLP/gRPC components', () => {
    it('a receiver.otlp grpc → batch → exporter.otlp pipeline is runnable; buffer sizes are noted as ignored', async () => {
        const report = await dryRun(pipeline('    write_buffer_size = "1MiB"\n    tls { insecure = true }'));
        expect(report.problems).toEqual([]);
        expect(report.nodes.map((n) => [n.id, n.runnable])).toEqual([
            ['otelcol.exporter.otlp.out', true],
            ['otelcol.processor.batch.b', true],
            ['otelcol.receiver.otlp.in', true],
        ]);
        expect(report.nodes[0].notes).toEqual(['client > write_buffer_size is ignored (harmless when run locally)']);
        expect(report.runnable).toBe(true);
    });

    it('names what the exporter cannot honour, and its dependants say why they cannot run', async () => {
        const report = await dryRun(pipeline('    compression = "zstd"'));
        expect(report.runnable).toBe(false);
        const byId = new Map(report.nodes.map((n) => [n.id, n]));
        expect(byId.get('otelcol.exporter.otlp.out')?.reason).toContain(`client > compression: "zstd" is not supported by flowlens' embedded runtime; it runs on Grafana Alloy`);
        expect(byId.get('otelcol.processor.batch.b')?.reason).toBe('depends on otelcol.exporter.otlp.out, which cannot run');
        const tls = await dryRun(pipeline('    tls { ca_file = "/nonexistent/ca.pem" }'));
        expect(tls.nodes.find((n) => n.id === 'otelcol.exporter.otlp.out')?.reason).toContain('client > tls > ca_file: cannot read "/nonexistent/ca.pem": ENOENT');
    });
});
