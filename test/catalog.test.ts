import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
    componentNames,
    dialectForPath,
    findBlockSchema,
    isAtLeast,
    loadCatalog,
    namespaces,
    stdlibNamespaces,
    type AttributeSchema,
    type BlockSchema,
    type ComponentSchema,
} from '../language/catalog/catalog.js';
import { writeCatalogs } from '../scripts/catalog/build.js';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const generatedDir = join(projectRoot, 'language', 'catalog', 'generated');
// FLOWLENS_SHARED points a checkout that is not next to ../shared at the reference data.
const sharedDir = process.env.FLOWLENS_SHARED ?? resolve(projectRoot, '..', 'shared');
const docsPresent = existsSync(join(sharedDir, 'alloy', 'docs')) && existsSync(join(sharedDir, 'agent-flow', 'docs')) && existsSync(join(sharedDir, 'alloy', 'go'));

const alloy = loadCatalog('alloy');
const river = loadCatalog('river');

function component(catalog: typeof alloy, name: string): ComponentSchema {
    const found = catalog.components[name];
    expect(found, `component ${name}`).toBeDefined();
    return found!;
}

function attribute(owner: { attributes: readonly AttributeSchema[] }, name: string): AttributeSchema {
    const found = owner.attributes.find((a) => a.name === name);
    expect(found, `attribute ${name}`).toBeDefined();
    return found!;
}

function block(owner: ComponentSchema, ...path: string[]): BlockSchema {
    const found = findBlockSchema(owner, path);
    expect(found, `block ${path.join(' > ')} of ${owner.name}`).toBeDefined();
    return found!;
}

const blockNames = (owner: { blocks: readonly BlockSchema[] }): string[] => owner.blocks.map((b) => b.name);
const exportNames = (owner: ComponentSchema): string[] => owner.exports.map((e) => e.name).sort();

describe('alloy catalog: components', () => {
    it('has the documented component set', () => {
        const names = componentNames(alloy);
        expect(names.length).toBeGreaterThanOrEqual(180);
        expect(names.length).toBeLessThanOrEqual(190);
        expect(names).toEqual([...names].sort());
        // Removed component whose page is only a stub pointing at otelcol.receiver.otlp.
        expect(names).not.toContain('otelcol.receiver.opencensus');
        // Agent Flow-only components are not Alloy components.
        expect(names).not.toContain('module.file');
        expect(alloy.dialect).toBe('alloy');
        expect(alloy.source).toMatch(/^grafana\/alloy Go source @[0-9a-f]{7,}/);
        expect(alloy.version).toMatch(/^[0-9a-f]{7,}$/);
        expect(river.source).toContain('derived from the reference docs');
    });

    it('prometheus.scrape: targets, forward_to, auth blocks, no exports', () => {
        const scrape = component(alloy, 'prometheus.scrape');
        expect(scrape.kind).toBe('component');
        expect(scrape.label).toBe('required');
        expect(scrape.stability).toBe('generally-available');
        expect(scrape.docs).toBe('https://grafana.com/docs/alloy/latest/reference/components/prometheus/prometheus.scrape/');
        expect(attribute(scrape, 'targets')).toEqual({ name: 'targets', type: 'list(map(string))', required: true });
        expect(attribute(scrape, 'forward_to')).toMatchObject({ type: 'list(MetricsReceiver)', required: true });
        expect(attribute(scrape, 'scrape_interval')).toEqual({
            name: 'scrape_interval',
            type: 'duration',
            required: false,
            default: '"1m"',
            goType: 'time.Duration',
        });
        // The Go type that parses a string at load time: sizes, relabel regexps and actions.
        expect(attribute(scrape, 'body_size_limit').goType).toBe('units.Base2Bytes');
        expect(attribute(block(component(alloy, 'discovery.relabel'), 'rule'), 'regex').goType).toBe('relabel.Regexp');
        expect(attribute(block(component(alloy, 'discovery.relabel'), 'rule'), 'action').goType).toBe('relabel.Action');
        expect(attribute(scrape, 'honor_labels').default).toBe('false');
        expect(blockNames(scrape)).toEqual(expect.arrayContaining(['authorization', 'basic_auth', 'clustering', 'oauth2', 'tls_config']));
        // Attributes of a block that comes from a shared fragment include.
        expect(attribute(block(scrape, 'basic_auth'), 'username').type).toBe('string');
        expect(attribute(block(scrape, 'oauth2', 'tls_config'), 'ca_file').required).toBe(false);
        expect(scrape.exports).toEqual([]);
    });

    it('prometheus.remote_write: endpoint with nested blocks, receiver export', () => {
        const rw = component(alloy, 'prometheus.remote_write');
        const endpoint = block(rw, 'endpoint');
        expect(attribute(endpoint, 'url')).toEqual({ name: 'url', type: 'string', required: true });
        expect(attribute(endpoint, 'remote_timeout').default).toBe('"30s"');
        expect(blockNames(endpoint)).toEqual(
            expect.arrayContaining(['basic_auth', 'queue_config', 'tls_config', 'oauth2', 'sigv4', 'azuread']),
        );
        expect(attribute(block(rw, 'endpoint', 'queue_config'), 'capacity').default).toBe('10000');
        // Four levels: endpoint > azuread > managed_identity (optional in the Go struct).
        expect(block(rw, 'endpoint', 'azuread', 'managed_identity').required).toBe(false);
        expect(block(rw, 'endpoint').multiple).toBe(true);
        expect(block(rw, 'wal').multiple).toBeUndefined();
        expect(attribute(block(rw, 'endpoint', 'oauth2', 'tls_config'), 'insecure_skip_verify').type).toBe('bool');
        expect(rw.exports).toEqual([{ name: 'receiver', type: 'MetricsReceiver' }]);
        expect(findBlockSchema(rw, ['endpoint', 'no_such_block'])).toBeUndefined();
        expect(findBlockSchema(rw, [])).toBeUndefined();
    });

    it('discovery.relabel, local.file, prometheus.exporter.*: exports', () => {
        const relabel = component(alloy, 'discovery.relabel');
        expect(blockNames(relabel)).toEqual(['rule']);
        expect(attribute(block(relabel, 'rule'), 'replacement').default).toBe('"$1"');
        expect(exportNames(relabel)).toEqual(['output', 'rules']);
        expect(exportNames(component(alloy, 'local.file'))).toEqual(['content']);
        expect(attribute(component(alloy, 'local.file'), 'filename').required).toBe(true);
        // Exports that only come from the shared exporter-component-exports include.
        expect(component(alloy, 'prometheus.exporter.unix').exports).toEqual([{ name: 'targets', type: 'list(map(string))' }]);
    });

    it('otelcol.receiver.otlp: grpc/http/output blocks and no arguments', () => {
        const otlp = component(alloy, 'otelcol.receiver.otlp');
        expect(otlp.attributes).toEqual([]);
        expect(blockNames(otlp)).toEqual(expect.arrayContaining(['grpc', 'http', 'output', 'debug_metrics']));
        expect(block(otlp, 'output').required).toBe(true);
        expect(attribute(block(otlp, 'output'), 'traces').type).toBe('list(otelcol.Consumer)');
        expect(attribute(block(otlp, 'grpc'), 'endpoint').default).toBe('"0.0.0.0:4317"');
        expect(attribute(block(otlp, 'http'), 'endpoint').default).toBe('"0.0.0.0:4318"');
        expect([...blockNames(block(otlp, 'grpc', 'keepalive'))].sort()).toEqual(['enforcement_policy', 'server_parameters']);
        expect(attribute(block(otlp, 'grpc', 'tls'), 'cert_file').type).toBe('string');
    });

    it('loki.process: stage.* blocks, nested metric blocks, recursive stage.match', () => {
        const process = component(alloy, 'loki.process');
        expect(blockNames(process)).toEqual(expect.arrayContaining(['stage.json', 'stage.match', 'stage.metrics', 'stage.timestamp']));
        expect(attribute(block(process, 'stage.geoip'), 'db').required).toBe(true);
        expect(attribute(block(process, 'stage.metrics', 'metric.counter'), 'action').required).toBe(true);
        expect(blockNames(block(process, 'stage.metrics'))).toEqual(['metric.counter', 'metric.gauge', 'metric.histogram']);
        expect(block(process, 'stage.match').blocksFrom).toEqual([]);
        // Through blocksFrom: a nested stage inside stage.match resolves to the top-level schema.
        expect(block(process, 'stage.match', 'stage.json')).toBe(block(process, 'stage.json'));
        expect(block(process, 'stage.match', 'stage.match', 'stage.regex')).toBe(block(process, 'stage.regex'));
    });

    it('block tables with unusual rows: link-typed rows, prose "same as", missing sections', () => {
        // vcenter lists metric blocks as rows of an argument table typed [`metric`][].
        const vcenter = component(alloy, 'otelcol.receiver.vcenter');
        expect(attribute(block(vcenter, 'metrics', 'vcenter.cluster.cpu.effective'), 'enabled').default).toBe('true');
        // resourcedetection: per-row defaults override the shared section's prose.
        const rd = component(alloy, 'otelcol.processor.resourcedetection');
        expect(attribute(block(rd, 'ec2', 'resource_attributes', 'cloud.account.id'), 'enabled').default).toBe('true');
        // "uses the same configuration options as the `instrument` block".
        const beyla = component(alloy, 'beyla.ebpf');
        expect(block(beyla, 'discovery', 'exclude_instrument').attributes).toEqual(block(beyla, 'discovery', 'instrument').attributes);
        // A block whose Go type is another component's Arguments (prometheus.exporter.mysql's).
        const mysql = block(component(alloy, 'database_observability.mysql'), 'prometheus_exporter');
        expect(mysql.attributes.map((a) => a.name)).toEqual(component(alloy, 'prometheus.exporter.mysql').attributes.map((a) => a.name));
        expect(mysql.blocks.length).toBeGreaterThan(0);
    });

    it('stability and community flags', () => {
        expect(component(alloy, 'otelcol.receiver.vcenter').stability).toBe('experimental');
        expect(component(alloy, 'prometheus.exporter.static').stability).toBe('experimental');
        expect(component(alloy, 'loki.enrich').stability).toBe('experimental');
        const stabilities = new Set(Object.values(alloy.components).map((c) => c.stability));
        expect([...stabilities].sort()).toEqual(['experimental', 'generally-available', 'public-preview']);
        const community = Object.values(alloy.components)
            .filter((c) => c.community)
            .map((c) => c.name);
        expect(community).toContain('otelcol.exporter.datadog');
        expect(community).not.toContain('prometheus.scrape');
        expect(component(alloy, 'prometheus.scrape').community).toBeUndefined();
    });

    it('keeps facts only: no description fields, no sentences as defaults', () => {
        // `description` is a legitimate attribute *name* (loki.process metric blocks), so look
        // at object keys rather than at the text.
        const keys = new Set<string>();
        JSON.parse(readFileSync(join(generatedDir, 'alloy.json'), 'utf8'), (key, value) => {
            keys.add(key);
            return value;
        });
        expect(keys.has('description')).toBe(false);
        expect(keys.has('name') && keys.has('default')).toBe(true);
        const defaults: string[] = [];
        const walk = (owner: { attributes: readonly AttributeSchema[]; blocks: readonly BlockSchema[] }): void => {
            for (const a of owner.attributes) if (a.default !== undefined) defaults.push(a.default);
            owner.blocks.forEach(walk);
        };
        Object.values(alloy.components).forEach(walk);
        expect(defaults.length).toBeGreaterThan(1000);
        // Expressions (`"30s"`, `[...]`, `{}`) may be long; prose defaults must be short phrases.
        const prose = defaults.filter((d) => !/^["[{\d-]/.test(d));
        expect(prose.filter((d) => /\.(\s|$)/.test(d) || d.length > 60)).toEqual([]);
    });
});

describe('alloy catalog: config blocks', () => {
    it('has the config blocks with their label rules', () => {
        expect(Object.keys(alloy.configBlocks).sort()).toEqual([
            'argument',
            'declare',
            'export',
            'foreach',
            'http',
            'import.file',
            'import.git',
            'import.http',
            'import.string',
            'livedebugging',
            'logging',
            'remotecfg',
            'tracing',
        ]);
        const labels = Object.fromEntries(Object.values(alloy.configBlocks).map((b) => [b.name, b.label]));
        expect(labels).toMatchObject({
            argument: 'required',
            declare: 'required',
            export: 'required',
            foreach: 'required',
            'import.file': 'required',
            'import.git': 'required',
            http: 'forbidden',
            logging: 'forbidden',
            tracing: 'forbidden',
            remotecfg: 'forbidden',
            livedebugging: 'forbidden',
        });
        expect(Object.values(alloy.configBlocks).every((b) => b.kind === 'config')).toBe(true);
    });

    it('import.*, foreach, argument, logging facts', () => {
        const importFile = alloy.configBlocks['import.file']!;
        expect(attribute(importFile, 'filename')).toEqual({ name: 'filename', type: 'string', required: true });
        expect(attribute(importFile, 'detector').default).toBe('"fsnotify"');
        expect(blockNames(alloy.configBlocks['import.git']!)).toEqual(['basic_auth', 'ssh_key']);
        expect(attribute(block(alloy.configBlocks['import.http']!, 'client', 'oauth2'), 'token_url').type).toBe('string');
        const foreach = alloy.configBlocks['foreach']!;
        expect(foreach.stability).toBe('experimental');
        expect(attribute(foreach, 'collection').required).toBe(true);
        expect(block(foreach, 'template')).toMatchObject({ required: true, freeform: true });
        expect(alloy.configBlocks['argument']!.exports).toEqual([{ name: 'value', type: 'any' }]);
        expect(attribute(alloy.configBlocks['export']!, 'value').required).toBe(true);
        expect(attribute(alloy.configBlocks['logging']!, 'level').default).toBe('"info"');
        expect(blockNames(block(alloy.configBlocks['http']!, 'tls'))).toEqual(['windows_certificate_filter']);
    });
});

describe('alloy catalog: stdlib', () => {
    it('has namespaced functions and constants', () => {
        const stdlib = alloy.stdlib;
        expect(stdlib['string.format']).toMatchObject({
            kind: 'function',
            signature: '(spec, values...)',
            stability: 'generally-available',
        });
        expect(stdlib['string.format']!.docs).toBe('https://grafana.com/docs/alloy/latest/reference/stdlib/string/#stringformat');
        const current = ['encoding.from_json', 'sys.env', 'coalesce', 'json_path', 'file.path_join', 'array.concat', 'convert.nonsensitive'];
        for (const name of current) {
            expect(stdlib[name], name).toMatchObject({ kind: 'function', stability: 'generally-available' });
            expect(stdlib[name]!.replacement, name).toBeUndefined();
        }
        expect(stdlib['constants.hostname']).toMatchObject({ kind: 'constant' });
        expect(stdlib['constants.hostname']!.signature).toBeUndefined();
        expect(stdlib['constants.version']?.kind).toBe('constant');
        expect(stdlib['array.combine_maps']!.stability).toBe('experimental');
        expect(stdlib['array.group_by']!.stability).toBe('experimental');
        expect(stdlibNamespaces(alloy)).toEqual(['array', 'constants', 'convert', 'encoding', 'file', 'string', 'sys']);
    });

    it('keeps the deprecated un-namespaced aliases with their replacements', () => {
        const expected: Record<string, string> = {
            env: 'sys.env',
            format: 'string.format',
            join: 'string.join',
            json_decode: 'encoding.from_json',
            yaml_decode: 'encoding.from_yaml',
            base64_decode: 'encoding.from_base64',
            concat: 'array.concat',
            nonsensitive: 'convert.nonsensitive',
            replace: 'string.replace',
            split: 'string.split',
            to_lower: 'string.to_lower',
            to_upper: 'string.to_upper',
            trim: 'string.trim',
            trim_prefix: 'string.trim_prefix',
            trim_suffix: 'string.trim_suffix',
            trim_space: 'string.trim_space',
        };
        const deprecated = Object.values(alloy.stdlib).filter((e) => e.replacement !== undefined);
        expect(Object.fromEntries(deprecated.map((e) => [e.name, e.replacement]))).toEqual(expected);
        for (const alias of deprecated) expect(alloy.stdlib[alias.replacement!], alias.replacement).toBeDefined();
        expect(alloy.stdlib['format']!.signature).toBe('(spec, values...)');
    });
});

describe('river catalog', () => {
    it('has the Agent Flow v0.40 component set', () => {
        const names = componentNames(river);
        expect(names.length).toBeGreaterThanOrEqual(130);
        expect(names.length).toBeLessThanOrEqual(145);
        expect(names).toEqual(
            expect.arrayContaining(['module.file', 'module.git', 'module.http', 'module.string', 'otelcol.exporter.logging']),
        );
        expect(names).not.toContain('otelcol.exporter.debug');
        expect(river.source).toMatch(/^grafana\/agent docs @[0-9a-f]{7,}/);
        expect(namespaces(river)).toContain('module');
    });

    it('module.file: filename, freeform arguments block, exports', () => {
        const moduleFile = component(river, 'module.file');
        expect(attribute(moduleFile, 'filename')).toEqual({ name: 'filename', type: 'string', required: true });
        expect(block(moduleFile, 'arguments').freeform).toBe(true);
        expect(moduleFile.exports).toEqual([{ name: 'exports', type: 'map(any)' }]);
        expect(moduleFile.stability).toBe('public-preview');
        expect(moduleFile.docs).toBe('https://grafana.com/docs/agent/v0.40/flow/reference/components/module.file/');
    });

    it('parses the Agent Flow table style (Hierarchy column, no outer pipes)', () => {
        const rw = component(river, 'prometheus.remote_write');
        expect(attribute(block(rw, 'endpoint'), 'url').required).toBe(true);
        expect(block(rw, 'endpoint', 'azuread', 'managed_identity').required).toBe(true);
        expect(attribute(block(rw, 'endpoint', 'basic_auth'), 'password').type).toBe('secret');
        // `### label block {#extract-label-block}`: explicit heading ids.
        const k8s = component(river, 'otelcol.processor.k8sattributes');
        expect(attribute(block(k8s, 'filter', 'label'), 'op').default).toBe('equals');
        // The page lists basic_auth without a section: filled from the shared fragment.
        expect(attribute(block(component(river, 'discovery.ec2'), 'basic_auth'), 'username').type).toBe('string');
    });

    it('has the config blocks Agent Flow documents', () => {
        expect(Object.keys(river.configBlocks).sort()).toEqual([
            'argument',
            'declare',
            'export',
            'http',
            'import.file',
            'import.git',
            'import.http',
            'import.string',
            'logging',
            'remotecfg',
            'tracing',
        ]);
        expect(river.configBlocks['import.file']!.label).toBe('required');
        expect(attribute(river.configBlocks['import.file']!, 'filename').required).toBe(true);
        expect(river.configBlocks['logging']!.label).toBe('forbidden');
        expect(river.configBlocks['remotecfg']!.docs).toBe('https://grafana.com/docs/agent/v0.40/flow/reference/config-blocks/remotecfg/');
    });

    it('has the un-namespaced stdlib without replacements', () => {
        const functions = Object.values(river.stdlib)
            .filter((e) => e.kind === 'function')
            .map((e) => e.name)
            .sort();
        expect(functions).toEqual([
            'coalesce',
            'concat',
            'env',
            'format',
            'join',
            'json_decode',
            'json_path',
            'nonsensitive',
            'replace',
            'split',
            'to_lower',
            'to_upper',
            'trim',
            'trim_prefix',
            'trim_space',
            'trim_suffix',
        ]);
        const constants = Object.values(river.stdlib).filter((e) => e.kind === 'constant');
        expect(constants.map((e) => e.name).sort()).toEqual(['constants.arch', 'constants.hostname', 'constants.os']);
        expect(Object.values(river.stdlib).every((e) => e.replacement === undefined)).toBe(true);
        expect(river.stdlib['string.format']).toBeUndefined();
        expect(river.stdlib['format']!.signature).toBe('(spec, values...)');
        expect(stdlibNamespaces(river)).toEqual(['constants']);
    });
});

describe('catalog helpers', () => {
    it('caches per dialect', () => {
        expect(loadCatalog('alloy')).toBe(alloy);
        expect(loadCatalog('river')).toBe(river);
        expect(river).not.toBe(alloy);
    });

    it('dialectForPath', () => {
        expect(dialectForPath('/x/config.river')).toBe('river');
        expect(dialectForPath('C:\\x\\CONFIG.RIVER')).toBe('river');
        expect(dialectForPath('/x/config.alloy')).toBe('alloy');
        expect(dialectForPath('untitled')).toBe('alloy');
    });

    it('namespaces', () => {
        expect(namespaces(alloy)).toEqual([
            'beyla',
            'database_observability',
            'discovery',
            'faro',
            'local',
            'loki',
            'mimir',
            'otelcol',
            'prometheus',
            'pyroscope',
            'remote',
        ]);
    });

    it('isAtLeast', () => {
        expect(isAtLeast('generally-available', 'experimental')).toBe(true);
        expect(isAtLeast('public-preview', 'public-preview')).toBe(true);
        expect(isAtLeast('public-preview', 'generally-available')).toBe(false);
        expect(isAtLeast('experimental', 'public-preview')).toBe(false);
        expect(isAtLeast('experimental', 'experimental')).toBe(true);
    });
});

describe('catalog drift against Alloy\'s Go source and the docs', () => {
    it.skipIf(!docsPresent)('regenerating from ../shared (alloy/go, the docs) gives the committed JSON byte for byte', { timeout: 120_000 }, async () => {
        const out = mkdtempSync(join(tmpdir(), 'flowlens-catalog-'));
        try {
            const { written, results } = await writeCatalogs(sharedDir, out);
            const go = results.find((r) => r.report.go)?.report.go;
            console.log(`catalog drift: ${go?.components} components, ${go?.fields} fields from Go; ${go?.disagreements.length} facts where the docs disagree (Go kept)`);
            for (const dialect of ['alloy', 'river'] as const) {
                const fresh = readFileSync(written[dialect]);
                const committed = readFileSync(join(generatedDir, `${dialect}.json`));
                expect(fresh.equals(committed), `${dialect}.json is stale: run npx tsx scripts/build-catalog.ts`).toBe(true);
            }
        } finally {
            rmSync(out, { recursive: true, force: true });
        }
    });

    it.runIf(!docsPresent)('skips the drift check: reference data not found', () => {
        console.warn(`catalog drift NOT checked: ${join(sharedDir, 'alloy', 'go')} or the docs are absent (set FLOWLENS_SHARED)`);
    });

    it('the generator exits non-zero with a clear message when the docs are missing', () => {
        const missing = join(tmpdir(), 'flowlens-no-such-shared-dir');
        const script = join(projectRoot, 'scripts', 'build-catalog.ts');
        const result = spawnSync(process.execPath, ['--import', 'tsx', script, '--shared', missing], {
            cwd: projectRoot,
            encoding: 'utf8',
        });
        expect(result.status).toBe(1);
        expect(result.stderr).toContain(`source not found: ${join(missing, 'alloy', 'docs', 'reference')}`);
    });
});
