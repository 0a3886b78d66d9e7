// discovery.kubernetes: discovers targets from the Kubernetes API with list + watch, for the
// roles of Prometheus' Kubernetes SD (pod, service, endpoints, endpointslice, node, ingress), and
// exports them as `targets` with Prometheus' `__meta_kubernetes_*` labels.
//
// Like Prometheus, the targets are first published once every informer has listed (so that node
// and namespace metadata are there), then after each watch event. Alloy batches updates to one per
// 5 s; here each event's update is published at once (events of one tick coalesced), which is what
// someone watching a pipeline in the editor expects.

import type { KubernetesObject } from '@kubernetes/client-node';
import type { ArgumentBody, Component, ComponentContext, ComponentDefinition } from '../../component.js';
import { Args, attr, block, schema } from '../decode.js';
import { CLIENT_ATTRIBUTES, CLIENT_BLOCKS, CLIENT_IGNORED, connect, decodeClient } from '../kubernetes-client.js';
import { Informer, type ResourceKind, type Selectors } from '../kubernetes-informer.js';
import { buildEndpointSlice, buildEndpoints } from './kubernetes-endpoints.js';
import { buildIngress } from './kubernetes-ingress.js';
import { buildNode } from './kubernetes-node.js';
import { type KubeObject, type Labels, type Lookups, type TargetGroup, objectKey } from './kubernetes-objects.js';
import { type Built, buildPod } from './kubernetes-pod.js';
import { buildService } from './kubernetes-service.js';
import { targetsValue } from './relabel.js';

const SCHEMA = schema(
    [attr('role', 'string', true), ...CLIENT_ATTRIBUTES],
    [
        ...CLIENT_BLOCKS,
        block('namespaces', false, [attr('own_namespace', 'bool'), attr('names', 'list(string)')]),
        block('selectors', false, [attr('role', 'string', true), attr('label', 'string'), attr('field', 'string')]),
        block('attach_metadata', false, [attr('node', 'bool'), attr('namespace', 'bool')]),
    ],
    [{ name: 'targets', type: 'list(map(string))' }],
);

export const IGNORED = CLIENT_IGNORED;

type Role = 'pod' | 'service' | 'endpoints' | 'endpointslice' | 'node' | 'ingress';

const ROLES: readonly Role[] = ['pod', 'service', 'endpoints', 'endpointslice', 'node', 'ingress'];

/** The selector roles each role accepts (Prometheus' SDConfig validation). */
const ALLOWED_SELECTORS: Readonly<Record<Role, readonly Role[]>> = {
    pod: ['pod', 'node'],
    service: ['service'],
    endpointslice: ['pod', 'service', 'endpointslice'],
    endpoints: ['pod', 'service', 'endpoints'],
    node: ['node'],
    ingress: ['ingress'],
};

const PRIMARY: Readonly<Record<Role, ResourceKind>> = {
    pod: 'pods',
    service: 'services',
    endpoints: 'endpoints',
    endpointslice: 'endpointslices',
    node: 'nodes',
    ingress: 'ingresses',
};

/** The selector role that filters each resource. */
const SELECTOR_ROLE: Readonly<Record<ResourceKind, Role | undefined>> = {
    pods: 'pod',
    services: 'service',
    endpoints: 'endpoints',
    endpointslices: 'endpointslice',
    nodes: 'node',
    ingresses: 'ingress',
    namespaces: undefined, // never filtered
};

const CLUSTER_SCOPED: ReadonlySet<ResourceKind> = new Set(['nodes', 'namespaces']);

interface Settings {
    readonly role: Role;
    readonly namespaces: readonly string[] | undefined;
    readonly ownNamespace: boolean;
    readonly selectors: Partial<Record<Role, Selectors>>;
    readonly attachNode: boolean;
    readonly attachNamespace: boolean;
}

function decodeSettings(args: Args): Settings {
    const role = args.string('role', '');
    if (!ROLES.includes(role as Role)) args.fail('role', `unknown Kubernetes SD role ${JSON.stringify(role)} (one of: pod, service, endpoints, endpointslice, node, ingress)`);
    const ns = args.block('namespaces');
    const selectors: Partial<Record<Role, Selectors>> = {};
    for (const sel of args.blocks('selectors')) {
        const selRole = sel.string('role', '') as Role;
        if (!ROLES.includes(selRole)) sel.fail('role', `unknown Kubernetes SD role ${JSON.stringify(selRole)}`);
        if (selectors[selRole] !== undefined) args.fail('selectors', `duplicated selector role: ${selRole}`);
        if (!ALLOWED_SELECTORS[role as Role].includes(selRole)) args.fail('selectors', `${role} role supports only ${ALLOWED_SELECTORS[role as Role].join(', ')} selectors`);
        selectors[selRole] = { label: sel.string('label', ''), field: sel.string('field', '') };
    }
    const meta = args.block('attach_metadata');
    const names = ns?.stringList('names') ?? [];
    return {
        role: role as Role,
        namespaces: names.length > 0 ? names : undefined,
        ownNamespace: ns?.bool('own_namespace', false) ?? false,
        selectors,
        attachNode: meta?.bool('node', false) ?? false,
        attachNamespace: meta?.bool('namespace', false) ?? false,
    };
}

/** The resources a role watches besides its own: what its targets' labels are built from. */
function auxiliaryKinds(s: Settings): ResourceKind[] {
    const kinds: ResourceKind[] = [];
    if (s.role === 'endpoints' || s.role === 'endpointslice') kinds.push('services', 'pods');
    if (s.attachNode && (s.role === 'pod' || s.role === 'endpoints' || s.role === 'endpointslice')) kinds.push('nodes');
    if (s.attachNamespace && s.role !== 'node') kinds.push('namespaces');
    return kinds;
}

class DiscoveryKubernetes implements Component {
    private fingerprint: string | undefined;
    private settings: Settings | undefined;
    private informers: Informer[] = [];
    private informerFactory: (() => Informer[]) | undefined;
    private started = false;
    private readonly stores = new Map<ResourceKind, Map<string, KubernetesObject>>();
    /** Target groups by the key of the primary object they were built from. */
    private readonly groups = new Map<string, TargetGroup>();
    /** `kind/key` of an auxiliary object → keys of the primary objects built from it. */
    private readonly dependents = new Map<string, Set<string>>();
    private readonly refsOf = new Map<string, readonly string[]>();
    private readonly errors = new Map<string, string>();
    private flushScheduled = false;
    private lastExported: string | undefined;
    private lastHealth: { state: string; message: string } | undefined;
    private describe = '';

    constructor(private readonly ctx: ComponentContext) {}

    async update(body: ArgumentBody): Promise<void> {
        const args = Args.of('discovery.kubernetes', SCHEMA, body, { ignored: IGNORED });
        const settings = decodeSettings(args);
        const client = decodeClient(args);
        // Unlike remote.kubernetes.*, Alloy passes these to Prometheus without checking them:
        // kubeconfig_file wins over api_server, and HTTP options apply only with api_server.
        if (client.kubeconfigFile !== undefined && (client.apiServer !== undefined || client.customHttp)) {
            this.ctx.log('warn', 'kubeconfig_file is set: api_server and the HTTP client options are not used');
        } else if (client.apiServer === undefined && client.customHttp) {
            this.ctx.log('warn', 'the HTTP client options apply only with api_server; the in-cluster configuration is used without them');
        }
        const fingerprint = JSON.stringify([settings, client, [...client.headers]]);
        if (fingerprint === this.fingerprint) return;
        const conn = connect(client, { readOwnNamespace: settings.ownNamespace && client.kubeconfigFile === undefined && client.apiServer === undefined });
        if (settings.ownNamespace && conn.ownNamespace === undefined && settings.namespaces === undefined) {
            this.ctx.log('warn', 'namespaces > own_namespace is only known in a cluster (without api_server and kubeconfig_file): no namespace to watch');
        }
        await this.stopInformers();
        this.fingerprint = fingerprint;
        this.settings = settings;
        this.describe = conn.describe;
        this.stores.clear();
        this.groups.clear();
        this.dependents.clear();
        this.refsOf.clear();
        this.errors.clear();
        this.lastExported = undefined;

        const namespaces = settings.ownNamespace && conn.ownNamespace !== undefined ? [...(settings.namespaces ?? []), conn.ownNamespace] : settings.ownNamespace ? (settings.namespaces ?? []) : (settings.namespaces ?? [undefined]);
        const kinds = [PRIMARY[settings.role], ...auxiliaryKinds(settings)];
        for (const kind of kinds) this.stores.set(kind, new Map());
        this.informerFactory = () => {
            const informers: Informer[] = [];
            for (const kind of kinds) {
                const role = SELECTOR_ROLE[kind];
                const selectors = role === undefined ? {} : (settings.selectors[role] ?? {});
                for (const ns of CLUSTER_SCOPED.has(kind) ? [undefined] : namespaces) {
                    informers.push(
                        new Informer(conn.config, kind, ns, selectors, {
                            onUpsert: (k, o) => this.changed(k, o, false),
                            onDelete: (k, o) => this.changed(k, o, true),
                            onSynced: () => this.scheduleFlush(),
                            onListed: (k) => this.recovered(k),
                            onError: (k, message) => this.failed(k, message),
                        }),
                    );
                }
            }
            return informers;
        };
        // Until the informers have listed, there are no targets (as Alloy's first, empty, update).
        this.publish([]);
        this.health('unknown', `listing ${kinds.join(', ')} from ${this.describe}`);
        if (this.started) this.startInformers();
    }

    start(): void {
        this.started = true;
        this.startInformers();
    }

    private startInformers(): void {
        if (this.informerFactory === undefined) return;
        this.informers = this.informerFactory();
        this.informerFactory = undefined;
        for (const i of this.informers) i.start();
    }

    private async stopInformers(): Promise<void> {
        const old = this.informers;
        this.informers = [];
        await Promise.all(old.map((i) => i.stop()));
    }

    private lookups(): Lookups {
        const s = this.settings!;
        const empty = new Map();
        return {
            pods: (this.stores.get('pods') ?? empty) as Lookups['pods'],
            services: (this.stores.get('services') ?? empty) as Lookups['services'],
            nodes: s.attachNode || s.role === 'node' ? ((this.stores.get('nodes') ?? empty) as Lookups['nodes']) : undefined,
            namespaces: s.attachNamespace ? ((this.stores.get('namespaces') ?? empty) as Lookups['namespaces']) : undefined,
        };
    }

    private changed(kind: ResourceKind, obj: KubernetesObject, deleted: boolean): void {
        const store = this.stores.get(kind);
        if (store === undefined || this.settings === undefined) return;
        const key = objectKey(obj as KubeObject);
        if (deleted) store.delete(key);
        else store.set(key, obj);
        if (kind === PRIMARY[this.settings.role]) {
            this.rebuild(key);
        } else {
            for (const primary of [...(this.dependents.get(`${kind}/${key}`) ?? [])]) this.rebuild(primary);
        }
        this.scheduleFlush();
    }

    private rebuild(primaryKey: string): void {
        const s = this.settings!;
        const obj = this.stores.get(PRIMARY[s.role])!.get(primaryKey);
        for (const ref of this.refsOf.get(primaryKey) ?? []) this.dependents.get(ref)?.delete(primaryKey);
        this.refsOf.delete(primaryKey);
        if (obj === undefined) {
            this.groups.delete(primaryKey);
            return;
        }
        const built = this.build(obj);
        if (built === undefined) return; // a node without an address keeps its previous group, as in Prometheus
        this.groups.set(primaryKey, built.group);
        this.refsOf.set(primaryKey, built.refs);
        for (const ref of built.refs) {
            let set = this.dependents.get(ref);
            if (set === undefined) this.dependents.set(ref, (set = new Set()));
            set.add(primaryKey);
        }
    }

    private build(obj: KubernetesObject): Built | undefined {
        const lookups = this.lookups();
        switch (this.settings!.role) {
            case 'pod':
                return buildPod(obj, lookups);
            case 'service':
                return buildService(obj, lookups);
            case 'endpoints':
                return buildEndpoints(obj, lookups);
            case 'endpointslice':
                return buildEndpointSlice(obj, lookups);
            case 'node': {
                const built = buildNode(obj);
                if (built === undefined) this.ctx.log('warn', `no address found for node ${JSON.stringify(obj.metadata?.name)}`);
                return built;
            }
            case 'ingress':
                return buildIngress(obj, lookups);
        }
    }

    private scheduleFlush(): void {
        if (this.flushScheduled) return;
        this.flushScheduled = true;
        setImmediate(() => {
            this.flushScheduled = false;
            this.publishTargets();
        });
    }

    private publishTargets(): void {
        if (this.informers.length === 0 || !this.informers.every((i) => i.hasSynced)) return;
        const targets: Labels[] = [];
        for (const key of [...this.groups.keys()].sort()) {
            const group = this.groups.get(key)!;
            for (const t of group.targets) targets.push({ ...group.labels, ...t });
        }
        this.publish(targets);
        if (this.errors.size === 0) this.health('healthy', `${targets.length} target(s) from ${this.describe}`);
    }

    private health(state: 'healthy' | 'unhealthy' | 'unknown', message: string): void {
        if (state === this.lastHealth?.state && message === this.lastHealth.message) return;
        this.lastHealth = { state, message };
        this.ctx.setHealth(state, message);
    }

    private publish(targets: Labels[]): void {
        const text = JSON.stringify(targets);
        if (text === this.lastExported) return;
        this.lastExported = text;
        this.ctx.countOut(targets.length);
        this.ctx.setExports({ targets: targetsValue(targets) });
    }

    private failed(kind: ResourceKind, message: string): void {
        this.errors.set(kind, message);
        this.ctx.countError();
        this.health('unhealthy', `watching ${kind} from ${this.describe} failed (retrying): ${message}`);
        this.ctx.log('warn', `list/watch of ${kind} failed, retrying: ${message}`);
    }

    private recovered(kind: ResourceKind): void {
        if (this.errors.delete(kind)) this.scheduleFlush();
    }

    async stop(): Promise<void> {
        this.started = false;
        this.informerFactory = undefined;
        await this.stopInformers();
    }
}

export const discoveryKubernetes: ComponentDefinition = {
    name: 'discovery.kubernetes',
    schema: SCHEMA,
    create: (ctx) => new DiscoveryKubernetes(ctx),
};
