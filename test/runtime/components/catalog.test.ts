// Every built-in component's schema agrees with the catalog the language server uses.
import { describe, expect, it } from 'vitest';
import { type BlockSchema, loadCatalog } from '../../../language/catalog/catalog.js';
import type { ArgumentSchema } from '../../../server/runtime/component.js';
import { BUILTIN_COMPONENTS, IGNORED_ARGUMENTS } from '../../../server/runtime/components/index.js';

const catalog = loadCatalog('alloy');

function compare(ours: Pick<ArgumentSchema, 'attributes' | 'blocks'>, theirs: { attributes: BlockSchema['attributes']; blocks: readonly BlockSchema[] }, path: string, problems: string[]): void {
    for (const a of ours.attributes) {
        const c = theirs.attributes.find((x) => x.name === a.name);
        if (c === undefined) problems.push(`${path}${a.name}: not in the catalog`);
        else {
            // A size (Go units.Base2Bytes) is a number or a string such as "10MiB"; the runtime
            // declares the one form it reads.
            const size = c.type === 'bytes' && (a.type === 'string' || a.type === 'int');
            if (c.type !== a.type && !size) problems.push(`${path}${a.name}: type ${a.type}, catalog says ${c.type}`);
            if (c.required !== a.required) problems.push(`${path}${a.name}: required=${a.required}, catalog says ${c.required}`);
        }
    }
    for (const b of ours.blocks) {
        const c = theirs.blocks.find((x) => x.name === b.name);
        if (c === undefined) problems.push(`${path}${b.name}: block not in the catalog`);
        else {
            if (c.required !== b.required) problems.push(`${path}${b.name}: block required=${b.required}, catalog says ${c.required}`);
            // A block whose catalog entry takes its blocks from elsewhere (blocksFrom: stage.match nests the
            // component's stages) is compared on its attributes; its nested blocks are compared where they are defined.
            const nested = b.block ?? { attributes: [], blocks: [] };
            compare(c.blocksFrom === undefined ? nested : { attributes: nested.attributes, blocks: [] }, c, `${path}${b.name} > `, problems);
        }
    }
    // Whatever the catalog requires must be implemented (otherwise every valid config would be refused).
    for (const c of theirs.attributes) if (c.required && !ours.attributes.some((a) => a.name === c.name)) problems.push(`${path}${c.name}: required by the catalog but not implemented`);
    for (const c of theirs.blocks) if (c.required && !ours.blocks.some((b) => b.name === c.name)) problems.push(`${path}${c.name}: required block not implemented`);
}

describe('BUILTIN_COMPONENTS agree with the alloy catalog', () => {
    it('has the components the runtime spec lists, each once', () => {
        const names = BUILTIN_COMPONENTS.map((d) => d.name);
        expect(new Set(names).size).toBe(names.length);
        expect([...names].sort()).toEqual([
            'discovery.dns',
            'discovery.docker',
            'discovery.file',
            'discovery.http',
            'discovery.kubernetes',
            'discovery.relabel',
            'local.file',
            'local.file_match',
            'loki.echo',
            'loki.process',
            'loki.relabel',
            'loki.source.api',
            'loki.source.docker',
            'loki.source.file',
            'loki.write',
            'otelcol.exporter.debug',
            'otelcol.exporter.otlp',
            'otelcol.exporter.otlphttp',
            'otelcol.processor.batch',
            'otelcol.receiver.otlp',
            'prometheus.exporter.self',
            'prometheus.exporter.unix',
            'prometheus.receive_http',
            'prometheus.relabel',
            'prometheus.remote_write',
            'prometheus.scrape',
            'pyroscope.receive_http',
            'pyroscope.scrape',
            'pyroscope.write',
            'remote.kubernetes.configmap',
            'remote.kubernetes.secret',
        ]);
    });

    for (const def of BUILTIN_COMPONENTS) {
        it(def.name, () => {
            const entry = catalog.components[def.name];
            expect(entry, `${def.name} is in the catalog`).toBeDefined();
            const problems: string[] = [];
            compare(def.schema, entry, '', problems);
            expect(problems).toEqual([]);
            const sortByName = (xs: readonly { name: string; type: string }[]) => [...xs].map((x) => ({ name: x.name, type: x.type })).sort((a, b) => a.name.localeCompare(b.name));
            expect(sortByName(def.schema.exports)).toEqual(sortByName(entry.exports));
        });
    }

    it('ignores only names the catalog has, and never something the schema implements', () => {
        const problems: string[] = [];
        for (const [name, ignored] of Object.entries(IGNORED_ARGUMENTS)) {
            const entry = catalog.components[name];
            const def = BUILTIN_COMPONENTS.find((d) => d.name === name);
            expect(def, name).toBeDefined();
            for (const path of ignored) {
                const parts = path.split('.');
                let node: { attributes: BlockSchema['attributes']; blocks: readonly BlockSchema[] } = entry;
                let ours: Pick<ArgumentSchema, 'attributes' | 'blocks'> | undefined = def!.schema;
                for (const [i, part] of parts.entries()) {
                    const last = i === parts.length - 1;
                    const isAttr = last && node.attributes.some((a) => a.name === part);
                    const blk = node.blocks.find((b) => b.name === part);
                    if (!isAttr && blk === undefined) {
                        problems.push(`${name}: ignored ${path} is not in the catalog`);
                        break;
                    }
                    if (last && ours !== undefined && (ours.attributes.some((a) => a.name === part) || ours.blocks.some((b) => b.name === part))) {
                        problems.push(`${name}: ${path} is both implemented and ignored`);
                    }
                    if (blk !== undefined) {
                        node = blk;
                        ours = ours?.blocks.find((b) => b.name === part)?.block;
                    }
                }
            }
        }
        expect(problems).toEqual([]);
    });
});
