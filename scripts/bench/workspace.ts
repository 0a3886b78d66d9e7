// The language server on a generated workspace (50 files, ~20k lines, with
// imports): cold build until every file has diagnostics, and the latency from
// a one-character edit to its new diagnostics, over real LSP (stdio).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { URI } from 'vscode-uri';
import { LspClient } from '../../test/lsp/lsp-client.js';
import { median, percentile, table } from './stats.js';

const CONFIGS = 10;
const MODULES_PER_CONFIG = 4;

function moduleFile(c: number, m: number, components: number): string {
    const parts = [`declare "pipeline_${m}" {\n\targument "target" { }\n\n\targument "env" {\n\t\toptional = true\n\t\tdefault  = "dev"\n\t}\n`];
    for (let i = 0; i < components; i++) {
        parts.push(`
	prometheus.scrape "job_${i}" {
		targets = [{"__address__" = argument.target.value, "env" = argument.env.value, "shard" = "${c}-${m}-${i}"}]
		forward_to      = [prometheus.relabel.rules_${i}.receiver]
		scrape_interval = "15s"
	}

	prometheus.relabel "rules_${i}" {
		forward_to = [prometheus.remote_write.out.receiver]

		rule {
			target_label = "job_index"
			replacement  = string.format("%d", ${i})
		}
	}
`);
    }
    parts.push(`
	prometheus.remote_write "out" {
		endpoint {
			url = "http://127.0.0.1:9009/api/v1/push"
		}
	}

	export "receiver" {
		value = prometheus.remote_write.out.receiver
	}
}
`);
    return parts.join('');
}

function mainFile(): string {
    const parts: string[] = [];
    for (let m = 0; m < MODULES_PER_CONFIG; m++) {
        parts.push(`import.file "mod_${m}" {\n\tfilename = "modules/mod_${m}.alloy"\n}\n\nmod_${m}.pipeline_${m} "a" {\n\ttarget = "10.0.0.${m}:9100"\n}\n\nmod_${m}.pipeline_${m} "b" {\n\ttarget = "10.0.1.${m}:9100"\n\tenv    = "prod"\n}\n`);
    }
    return parts.join('\n');
}

function generateWorkspace(root: string): { files: string[]; lines: number } {
    const files: string[] = [];
    let lines = 0;
    const write = (file: string, text: string) => {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, text);
        files.push(file);
        lines += text.split('\n').length;
    };
    for (let c = 0; c < CONFIGS; c++) {
        const dir = path.join(root, `config_${c}`);
        write(path.join(dir, 'main.alloy'), mainFile());
        for (let m = 0; m < MODULES_PER_CONFIG; m++) write(path.join(dir, 'modules', `mod_${m}.alloy`), moduleFile(c, m, 31));
    }
    return { files, lines };
}

function rssMb(pid: number): number {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

export async function benchWorkspace(): Promise<string> {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'flowlens-bench-ws-'));
    const { files, lines } = generateWorkspace(root);
    const client = new LspClient();
    try {
        const uris = files.map((f) => URI.file(f).toString());
        const start = performance.now();
        const all = Promise.all(uris.map((u) => client.nextDiagnostics(u, () => true, 60_000)));
        await client.initialize(URI.file(root).toString());
        await all;
        const cold = performance.now() - start;

        // Edit one module file: change one character of a label back and forth.
        const target = files[1];
        const uri = uris[1];
        const original = fs.readFileSync(target, 'utf8');
        const opened = client.nextDiagnostics(uri);
        client.open(uri, original);
        await opened;
        const latencies: number[] = [];
        for (let v = 2; v < 62; v++) {
            const text = v % 2 ? original : original.replace('"job_0"', '"job_X"');
            const t = performance.now();
            const next = client.nextDiagnostics(uri);
            client.change(uri, text, v);
            await next;
            latencies.push(performance.now() - t);
        }
        const rss = rssMb(client.pid!);
        return table([
            {
                files: files.length,
                lines: lines.toLocaleString('en'),
                'cold build ms (all files diagnosed)': cold.toFixed(0),
                'edit→diagnostics p50 ms': median(latencies.slice(10)).toFixed(1),
                'edit→diagnostics p95 ms': percentile(latencies.slice(10), 95).toFixed(1),
                'server RSS MB': rss.toFixed(0),
            },
        ]);
    } finally {
        await client.stop();
        fs.rmSync(root, { recursive: true, force: true });
    }
}
