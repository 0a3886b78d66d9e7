// Parse + diagnostics and formatter throughput on generated configurations,
// against JSON.parse of a JSON document of the same size on the same run.

import { checkSource } from '../../language/analysis/check-source.js';
import { formatParsed } from '../../language/format/format.js';
import { parse } from '../../language/syntax/parser.js';
import { generateConfig, generateJson } from './generate.js';
import { table, timeIt } from './stats.js';

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
    return table(rows);
}
