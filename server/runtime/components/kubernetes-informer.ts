// One list + watch of a Kubernetes resource through client-node's ListWatch informer: it lists,
// watches from the list's resource version, resumes a watch the server ended, and lists again
// after 410 Gone. What it does not do is retry after any other failure (it reports the error and
// stops): this wrapper restarts it with an exponential backoff, as client-go's reflector does, and
// reports whether it has synced.

import { CoreV1Api, DiscoveryV1Api, type KubeConfig, type KubernetesListObject, type KubernetesObject, ListWatch, NetworkingV1Api, Watch } from '@kubernetes/client-node';
import { describeNetworkError } from './http-client.js';

export type ResourceKind = 'pods' | 'services' | 'endpoints' | 'endpointslices' | 'ingresses' | 'nodes' | 'namespaces';

export interface Selectors {
    readonly label?: string;
    readonly field?: string;
}

export interface InformerEvents {
    onUpsert(kind: ResourceKind, obj: KubernetesObject): void;
    onDelete(kind: ResourceKind, obj: KubernetesObject): void;
    /** The first list completed (called once). */
    onSynced(): void;
    /** A list completed (the first one, or one after a failure or 410 Gone). */
    onListed(kind: ResourceKind): void;
    onError(kind: ResourceKind, message: string): void;
}

const BACKOFF_START_MS = 800;
const BACKOFF_MAX_MS = 30_000;

type ListFn = () => Promise<KubernetesListObject<KubernetesObject>>;

/** The API path and list call of `kind` in `namespace` (undefined: all namespaces, or cluster-scoped). */
function endpoint(kc: KubeConfig, kind: ResourceKind, namespace: string | undefined, sel: Selectors): { path: string; list: ListFn } {
    const q = { labelSelector: sel.label || undefined, fieldSelector: sel.field || undefined };
    const core = () => kc.makeApiClient(CoreV1Api);
    const ns = namespace === undefined ? '' : `/namespaces/${encodeURIComponent(namespace)}`;
    switch (kind) {
        case 'pods': {
            const api = core();
            return { path: `/api/v1${ns}/pods`, list: () => (namespace === undefined ? api.listPodForAllNamespaces(q) : api.listNamespacedPod({ namespace, ...q })) };
        }
        case 'services': {
            const api = core();
            return { path: `/api/v1${ns}/services`, list: () => (namespace === undefined ? api.listServiceForAllNamespaces(q) : api.listNamespacedService({ namespace, ...q })) };
        }
        case 'endpoints': {
            const api = core();
            return { path: `/api/v1${ns}/endpoints`, list: () => (namespace === undefined ? api.listEndpointsForAllNamespaces(q) : api.listNamespacedEndpoints({ namespace, ...q })) };
        }
        case 'nodes': {
            const api = core();
            return { path: '/api/v1/nodes', list: () => api.listNode(q) };
        }
        case 'namespaces': {
            const api = core();
            return { path: '/api/v1/namespaces', list: () => api.listNamespace(q) };
        }
        case 'endpointslices': {
            const api = kc.makeApiClient(DiscoveryV1Api);
            return {
                path: `/apis/discovery.k8s.io/v1${ns}/endpointslices`,
                list: () => (namespace === undefined ? api.listEndpointSliceForAllNamespaces(q) : api.listNamespacedEndpointSlice({ namespace, ...q })),
            };
        }
        case 'ingresses': {
            const api = kc.makeApiClient(NetworkingV1Api);
            return { path: `/apis/networking.k8s.io/v1${ns}/ingresses`, list: () => (namespace === undefined ? api.listIngressForAllNamespaces(q) : api.listNamespacedIngress({ namespace, ...q })) };
        }
    }
}

export class Informer {
    private readonly lw: ListWatch<KubernetesObject>;
    private synced = false;
    private stopped = false;
    private retry: NodeJS.Timeout | undefined;
    private backoffMs = BACKOFF_START_MS;

    constructor(
        kc: KubeConfig,
        readonly kind: ResourceKind,
        namespace: string | undefined,
        selectors: Selectors,
        private readonly events: InformerEvents,
    ) {
        const { path, list } = endpoint(kc, kind, namespace, selectors);
        const listAndMarkSynced: ListFn = async () => {
            const result = await list();
            // The ListWatch applies the list (synchronously) once this promise settles: mark synced after that.
            setImmediate(() => {
                if (this.stopped) return;
                this.events.onListed(kind);
                this.markSynced();
            });
            return result;
        };
        this.lw = new ListWatch(path, new Watch(kc), listAndMarkSynced, false, selectors.label || undefined, selectors.field || undefined);
        this.lw.on('add', (o) => this.events.onUpsert(kind, o));
        this.lw.on('update', (o) => this.events.onUpsert(kind, o));
        this.lw.on('delete', (o) => this.events.onDelete(kind, o));
        this.lw.on('connect', () => {
            if (this.synced) this.backoffMs = BACKOFF_START_MS;
        });
        this.lw.on('error', (e) => this.failed(e));
    }

    get hasSynced(): boolean {
        return this.synced;
    }

    start(): void {
        this.lw.start().catch((e: unknown) => this.failed(e));
    }

    private markSynced(): void {
        if (this.synced || this.stopped) return;
        this.synced = true;
        this.events.onSynced();
    }

    private failed(e: unknown): void {
        if (this.stopped) return;
        this.events.onError(this.kind, describeKubeError(e));
        if (this.retry !== undefined) return;
        const delay = this.backoffMs;
        this.backoffMs = Math.min(BACKOFF_MAX_MS, this.backoffMs * 2);
        this.retry = setTimeout(() => {
            this.retry = undefined;
            if (!this.stopped) this.start();
        }, delay);
    }

    async stop(): Promise<void> {
        this.stopped = true;
        if (this.retry !== undefined) clearTimeout(this.retry);
        this.retry = undefined;
        await this.lw.stop();
    }
}

/** An API error (`401 Unauthorized: ...` with the Status message) or a network error. */
export function describeKubeError(e: unknown): string {
    const err = e as { code?: unknown; statusCode?: unknown; body?: unknown; message?: string };
    const code = typeof err?.code === 'number' ? err.code : typeof err?.statusCode === 'number' ? err.statusCode : undefined;
    if (code !== undefined) {
        // client-node's ApiException: "HTTP-Code: 401\nMessage: Unauthorized\nBody: ...\nHeaders: ..."; the Status body's message when there is one.
        let message = /^Message: (.*)$/m.exec(err.message ?? '')?.[1];
        try {
            const body = typeof err.body === 'string' ? (JSON.parse(err.body) as { message?: string }) : (err.body as { message?: string } | undefined);
            if (typeof body?.message === 'string') message = body.message;
        } catch {
            // not a Status object
        }
        return `HTTP ${code}: ${message ?? 'request failed'}`;
    }
    return describeNetworkError(e);
}
