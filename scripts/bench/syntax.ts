// Parse + diagnostics and formatter throughput on generated configurations,
// against JSON.parse of a JSON document of the same size on the same run, and
// formatter throughput on the real-world configurations of ../shared.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkSource } from '../../language/analysis/check-source.js';
import { formatParsed } from '../../language/format/format.js';
import { parse } from '../../language/syntax/parser.js';
import { generateConfig, generateJson } from './generate.js';
import { table, timeIt } from './stats.js';

const REAL_CONFIGS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/real-configs');

export function benchSyntax(): string {
    const rows = [1_000, 10_000, 50_000].map((lines) => {
        const text = generateConfig(lines);
        const actualLines = text.split('\n').length;
        const mb = Buffer.byteLength(text) / 1e6;
        const json = generateJson(Buffer.byteLength(text));
        const check = timeIt(() => checkSource('bench.alloy', text));
        const jsonParse = timeIt(() => JSON.parse(json));
        const parsed = parse(text);
        const format = timeIt(() => formatParsed(parsed));
        return {
            lines: actualLines,
            'size MB': mb.toFixed(2),
            'parse+diagnostics ms': check.toFixed(1),
            'lines/s': Math.round(actualLines / (check / 1000)).toLocaleString('en'),
            'JSON.parse ms': jsonParse.toFixed(1),
            'ratio to JSON.parse': (check / jsonParse).toFixed(1) + 'x',
            'format ms': format.toFixed(1),
            'format MB/s': (mb / (format / 1000)).toFixed(1),
        };
    });
    return table(rows) + '\n\n' + benchRealConfigs();
}

/** Formats every real-world configuration once per run (already parsed, like the rows above). */
function benchRealConfigs(): string {
    const dir = process.env.FLOWLENS_SHARED ? path.join(process.env.FLOWLENS_SHARED, 'real-configs') : REAL_CONFIGS;
    if (!fs.existsSync(dir)) return `Formatter on real configurations: ${dir} not found, skipped.`;
    const files = (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => /\.(alloy|river)$/.test(f)).map((f) => path.join(dir, f));
    const parsed = files.map((f) => parse(fs.readFileSync(f, 'utf8'))).filter((p) => p.errors.length === 0);
    const mb = parsed.reduce((n, p) => n + Buffer.byteLength(p.source.text), 0) / 1e6;
    const format = timeIt(() => {
        for (const p of parsed) formatParsed(p);
    });
    return table([{ 'real configurations': parsed.length, 'size MB': mb.toFixed(3), 'format ms': format.toFixed(1), 'format MB/s': (mb / (format / 1000)).toFixed(1) }]);
}
