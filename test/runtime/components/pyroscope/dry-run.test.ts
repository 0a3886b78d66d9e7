// What `flowlens run --dry-run` says about the pyroscope.* components: scrape, write and
// receive_http run; pyroscope.java and pyroscope.ebpf cannot, and the reason says what they need.

import { describe, expect, it } from 'vitest';
import { MemoryHost } from '../../../analysis/memory-host.js';
import { Runtime } from '../../../../server/runtime/runtime.js';
import { ROOT } from '../../helpers.js';

const CONFIG = `
pyroscope.write "default" {
  endpoint {
    url = "http://127.0.0.1:4040"
  }
}

pyroscope.scrape "default" {
  targets    = [{"__address__" = "127.0.0.1:6060", "service_name" = "app"}]
  forward_to = [pyroscope.write.default.receiver]
}

pyroscope.receive_http "default" {
  http {
    listen_address = "127.0.0.1"
    listen_port    = 0
  }
  forward_to = [pyroscope.write.default.receiver]
}

pyroscope.java "jvm" {
  targets    = [{"__process_pid__" = "1"}]
  forward_to = [pyroscope.write.default.receiver]
}

pyroscope.ebpf "host" {
  targets    = [{"service_name" = "host"}]
  forward_to = [pyroscope.write.default.receiver]
}
`;

describe('pyroscope.* in run --dry-run', () => {
    it('runs scrape, write and receive_http; says why java and ebpf cannot run', async () => {
        const report = await Runtime.dryRun({ path: `${ROOT}/main.alloy`, host: new MemoryHost({ 'main.alloy': CONFIG }) });
        const byId = Object.fromEntries(report.nodes.map((n) => [n.id, n]));
        for (const id of ['pyroscope.write.default', 'pyroscope.scrape.default', 'pyroscope.receive_http.default']) expect(byId[id], id).toMatchObject({ runnable: true });
        expect(byId['pyroscope.java.jvm'].runnable).toBe(false);
        expect(byId['pyroscope.java.jvm'].reason).toMatch(/Java agent into each target JVM/);
        expect(byId['pyroscope.ebpf.host'].runnable).toBe(false);
        expect(byId['pyroscope.ebpf.host'].reason).toMatch(/eBPF programs into the Linux kernel.*CAP_BPF/);
    });
});
