// The seed problem. Grafana Agent Flow v0.38–v0.39 queued node evaluations in
// one worker pool shared by all modules and de-duplicated them by *local* ID,
// and keyed every module export by `export.<name>`: nodes with equal local IDs
// in different modules, and modules exporting under the same key to one
// consumer, silently dropped each other's updates (fixed in v0.40 by keying on
// the global ID, grafana/agent#6212).

import type { Fix } from '../diagnostic.js';
import type { ModuleDef } from '../model/modules.js';
import type { LoadedConfiguration } from '../model/loader.js';
import { exportedNames } from './export-fields.js';
import { renameExportFixes, renameNodeLabel, uniqueLabelsFix } from './fixes.js';
import { moduleCopyFix } from './module-copy-fix.js';
import type { InstanceNode, InstanceTree } from './instances.js';
import { exportKey, moduleBehind } from './module-targets.js';
import type { AnalysisOptions } from './options.js';
import type { Reporter } from './reporter.js';
import type { ModuleInfo, NodeInfo, RefInfo } from './semantic-model.js';

const MAX_LISTED = 8;

export function findCollisions(
    tree: InstanceTree,
    modules: ReadonlyMap<ModuleDef, ModuleInfo>,
    configuration: LoadedConfiguration,
    options: AnalysisOptions,
    report: Reporter,
    exists: (filePath: string) => boolean,
): void {
    // Alloy and Agent Flow v0.40+ key evaluations and exports by global ID: there
    // a collision changes nothing, so it is not reported at all.
    if (options.compat !== 'agent-0.38' && options.compat !== 'agent-0.39') return;
    const version = options.compat.slice('agent-'.length);
    keyCollisions(tree, modules, configuration, version, report, exists);
    exportKeyCollisions(tree, modules, configuration, version, report, exists);
}

function keyCollisions(tree: InstanceTree, modules: ReadonlyMap<ModuleDef, ModuleInfo>, configuration: LoadedConfiguration, version: string, report: Reporter, exists: (filePath: string) => boolean): void {
    const byLocalId = new Map<string, InstanceNode[]>();
    for (const n of tree.nodes) {
        let list = byLocalId.get(n.localId);
        if (!list) byLocalId.set(n.localId, (list = []));
        list.push(n);
    }
    const colliding = [...byLocalId].filter(([, instances]) => new Set(instances.map((i) => i.modulePath)).size > 1);
    // Local IDs that collide across different definitions: renaming labels can separate those.
    const renamable = new Set(colliding.filter(([, instances]) => new Set(instances.map((i) => i.node)).size > 1).map(([id]) => id));
    const uniqueLabels = new Map<ModuleDef, Fix | undefined>();
    for (const [localId, instances] of colliding) {
        const sites = new Set(instances.map((i) => i.node));
        const ids = instances.map((i) => i.globalId);
        const listed = ids.slice(0, MAX_LISTED).join(', ') + (ids.length > MAX_LISTED ? `, and ${ids.length - MAX_LISTED} more` : '');
        const message = `local ID ${localId} is shared by ${ids.length} nodes in different modules: ${listed}. ${keyCollisionConsequence(version, sites.size > 1)}`;
        for (const site of sites) {
            const fixes: Fix[] = [];
            if (sites.size > 1 && tree.instancesOf.get(site)?.length === 1) {
                // A label of a definition that runs once: renaming it removes this site from the collision.
                const fix = renameNodeLabel(site, modules, `Rename ${localId} to a label unique across modules`);
                if (fix) fixes.push({ ...fix, preferred: true });
                if (!uniqueLabels.has(site.module)) uniqueLabels.set(site.module, uniqueLabelsFix(site.module, modules, renamable));
                const all = uniqueLabels.get(site.module);
                if (all) fixes.push(all);
            }
            if (sites.size === 1) {
                const fix = moduleCopyFix(site, tree, modules, configuration, exists);
                if (fix) fixes.push(fix);
            }
            const block = site.stmt.node;
            const start = block.$cstNode!.offset;
            const end = block.label ? block.$labelOffset + block.label.length + 2 : start + block.name.length;
            report.add(site.stmt.file, start, end, 'warning', 'key-collision', message, fixes);
        }
    }
}

function keyCollisionConsequence(version: string, renamable: boolean): string {
    return `Grafana Agent Flow v${version} queues evaluations by local ID, so these nodes drop each other's updates and show stale values; ${
        renamable ? 'give them distinct labels or upgrade to v0.40 or later' : 'they come from one module file loaded several times: give each instance a copy of its own or upgrade to v0.40 or later'
    }`;
}

function exportKeyCollisions(tree: InstanceTree, modules: ReadonlyMap<ModuleDef, ModuleInfo>, configuration: LoadedConfiguration, version: string, report: Reporter, exists: (filePath: string) => boolean): void {
    for (const info of modules.values()) {
        // consumer → export key → modules it reads that key from
        const reads = new Map<NodeInfo, Map<string, Map<NodeInfo, RefInfo[]>>>();
        for (const ref of info.references) {
            const key = exportKey(ref);
            if (!ref.from || !key) continue;
            // Only exports that exist collide (a missing one is reported on its own).
            const module = moduleBehind(ref.target!, configuration);
            if (module && !exportedNames(module).has(key)) continue;
            let byKey = reads.get(ref.from);
            if (!byKey) reads.set(ref.from, (byKey = new Map()));
            let targets = byKey.get(key);
            if (!targets) byKey.set(key, (targets = new Map()));
            const refs = targets.get(ref.target!) ?? [];
            refs.push(ref);
            targets.set(ref.target!, refs);
        }
        for (const [consumer, byKey] of reads) {
            for (const [key, targets] of byKey) {
                if (targets.size < 2) continue;
                const names = [...targets.keys()].map((t) => t.id);
                const message = `${consumer.id} reads export "${key}" from ${names.length} modules (${names.join(', ')}). Grafana Agent Flow v${version} keys every module's export by "export.${key}", so one module's updates are dropped and this component sees stale values; rename one of the exports or upgrade to v0.40 or later`;
                const fixes = renameExportFixes(key, [...targets.keys()], modules, configuration);
                // Instances of one module file: only copies of it can tell their exports apart.
                const definitions = new Set([...targets.keys()].map((t) => moduleBehind(t, configuration)));
                const [shared] = definitions;
                const exportNode = definitions.size === 1 && shared ? modules.get(shared)?.nodes.get(`export.${key}`) : undefined;
                const copy = !fixes.length && exportNode ? moduleCopyFix(exportNode, tree, modules, configuration, exists) : undefined;
                if (copy) fixes.push(copy);
                const block = consumer.stmt.node;
                const start = block.$cstNode!.offset;
                const end = block.label ? block.$labelOffset + block.label.length + 2 : start + block.name.length;
                report.add(consumer.stmt.file, start, end, 'warning', 'export-key-collision', message, fixes);
            }
        }
    }
}
