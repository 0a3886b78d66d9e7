// A small Kubernetes API server for tests and for trying Kubernetes configurations without a
// cluster. It keeps objects in memory and serves what informers and `get` use, with the API
// server's semantics:
// - list (`GET /api/v1/pods`, `/api/v1/namespaces/NS/pods`, `/apis/GROUP/VERSION/...`) returns a
//   `...List` with the store's current `metadata.resourceVersion`, filtered by `labelSelector` and
//   `fieldSelector`;
// - watch (`?watch=true&resourceVersion=RV`) streams newline-delimited `{"type","object"}` events
//   after RV (ADDED / MODIFIED / DELETED), from a bounded history; an RV older than the history (or
//   `expireWatches()`) yields an `ERROR` event with a 410 `Status` ("Expired"), as etcd compaction
//   does, and the client must list again;
// - get of one object, 404 `Status` when it does not exist;
// - every request needs `Authorization: Bearer TOKEN` when a token is set (401 `Status` otherwise).
// Resource versions are one counter for the whole store, like etcd's revision.

import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface KubeObject {
    apiVersion?: string;
    kind?: string;
    metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string>; resourceVersion?: string; uid?: string; [k: string]: unknown };
    [k: string]: unknown;
}

interface ResourceType {
    readonly group: string; // '' for the core group
    readonly version: string;
    readonly plural: string;
    readonly kind: string;
    readonly namespaced: boolean;
}

const RESOURCES: readonly ResourceType[] = [
    { group: '', version: 'v1', plural: 'pods', kind: 'Pod', namespaced: true },
    { group: '', version: 'v1', plural: 'services', kind: 'Service', namespaced: true },
    { group: '', version: 'v1', plural: 'endpoints', kind: 'Endpoints', namespaced: true },
    { group: '', version: 'v1', plural: 'secrets', kind: 'Secret', namespaced: true },
    { group: '', version: 'v1', plural: 'configmaps', kind: 'ConfigMap', namespaced: true },
    { group: '', version: 'v1', plural: 'nodes', kind: 'Node', namespaced: false },
    { group: '', version: 'v1', plural: 'namespaces', kind: 'Namespace', namespaced: false },
    { group: 'discovery.k8s.io', version: 'v1', plural: 'endpointslices', kind: 'EndpointSlice', namespaced: true },
    { group: 'networking.k8s.io', version: 'v1', plural: 'ingresses', kind: 'Ingress', namespaced: true },
];

export type ResourceName = 'pods' | 'services' | 'endpoints' | 'secrets' | 'configmaps' | 'nodes' | 'namespaces' | 'endpointslices' | 'ingresses';

type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

interface StoredEvent {
    readonly rv: number;
    readonly type: EventType;
    readonly resource: ResourceType;
    readonly object: KubeObject;
}

interface Watcher {
    readonly resource: ResourceType;
    readonly namespace: string | undefined;
    readonly matches: (o: KubeObject) => boolean;
    readonly res: http.ServerResponse;
}

export interface RequestRecord {
    readonly verb: 'list' | 'watch' | 'get';
    readonly resource: string;
    readonly namespace?: string;
    readonly query: Readonly<Record<string, string>>;
    readonly authorization?: string;
}

export class FakeKubeApiServer {
    private readonly server = http.createServer((req, res) => this.handle(req, res));
    private readonly objects = new Map<ResourceType, Map<string, KubeObject>>(RESOURCES.map((r) => [r, new Map()]));
    private history: StoredEvent[] = [];
    private readonly watchers = new Set<Watcher>();
    private revision = 1;
    /** The resource version the history starts after: watching from an older one is 410 Gone. */
    private compactedAt = 0;
    private uidCounter = 0;
    /** Requests in arrival order (tests assert lists, re-lists and headers). */
    readonly requests: RequestRecord[] = [];
    private readonly waiters = new Set<() => void>();

    constructor(
        private readonly options: {
            /** The bearer token every request must carry; undefined accepts any request. */
            token?: string;
            /** How many events the watch history keeps (older resource versions get 410 Gone). */
            historySize?: number;
        } = {},
    ) {}

    async start(): Promise<string> {
        await new Promise<void>((resolve, reject) => {
            this.server.once('error', reject);
            this.server.listen(0, '127.0.0.1', () => resolve());
        });
        return this.url;
    }

    get url(): string {
        return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    }

    async stop(): Promise<void> {
        for (const w of this.watchers) w.res.end();
        this.watchers.clear();
        this.server.closeAllConnections();
        await new Promise<void>((resolve) => this.server.close(() => resolve()));
    }

    /** Resolves when `condition()` holds, checked after every request and change (no polling). */
    until(condition: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
        if (condition()) return Promise.resolve();
        return new Promise((resolve, reject) => {
            const check = () => {
                if (!condition()) return;
                clearTimeout(timer);
                this.waiters.delete(check);
                resolve();
            };
            const timer = setTimeout(() => {
                this.waiters.delete(check);
                reject(new Error(`fake Kubernetes API: timed out after ${timeoutMs} ms waiting for ${what}`));
            }, timeoutMs);
            this.waiters.add(check);
        });
    }

    /** Open watch streams of `resource`. */
    watchCount(resource: ResourceName): number {
        return [...this.watchers].filter((w) => w.resource.plural === resource).length;
    }

    count(verb: RequestRecord['verb'], resource: ResourceName): number {
        return this.requests.filter((r) => r.verb === verb && r.resource === resource).length;
    }

    get resourceVersion(): string {
        return String(this.revision);
    }

    /** Creates or replaces an object (ADDED or MODIFIED); returns the stored copy. */
    apply(resource: ResourceName, object: KubeObject): KubeObject {
        const type = this.type(resource);
        const store = this.objects.get(type)!;
        const key = this.key(type, object.metadata.namespace, object.metadata.name);
        const previous = store.get(key);
        this.revision++;
        const stored: KubeObject = structuredClone({
            ...object,
            apiVersion: type.group === '' ? type.version : `${type.group}/${type.version}`,
            kind: type.kind,
            metadata: {
                ...object.metadata,
                ...(type.namespaced ? { namespace: object.metadata.namespace ?? 'default' } : {}),
                uid: previous?.metadata.uid ?? object.metadata.uid ?? `00000000-0000-4000-8000-${String(++this.uidCounter).padStart(12, '0')}`,
                resourceVersion: String(this.revision),
                creationTimestamp: previous?.metadata.creationTimestamp ?? '2026-01-01T00:00:00Z',
            },
        });
        store.set(key, stored);
        this.publish({ rv: this.revision, type: previous === undefined ? 'ADDED' : 'MODIFIED', resource: type, object: stored });
        return stored;
    }

    /** Deletes an object (DELETED); false when it did not exist. */
    delete(resource: ResourceName, name: string, namespace?: string): boolean {
        const type = this.type(resource);
        const store = this.objects.get(type)!;
        const key = this.key(type, namespace ?? (type.namespaced ? 'default' : undefined), name);
        const previous = store.get(key);
        if (previous === undefined) return false;
        store.delete(key);
        this.revision++;
        const gone = structuredClone({ ...previous, metadata: { ...previous.metadata, resourceVersion: String(this.revision) } });
        this.publish({ rv: this.revision, type: 'DELETED', resource: type, object: gone });
        return true;
    }

    /**
     * Compacts the history (as etcd does): open watches get an ERROR event with a 410 Status and are
     * closed, and a watch from any earlier resource version is refused the same way.
     */
    expireWatches(): void {
        this.history = [];
        this.compactedAt = this.revision;
        for (const w of [...this.watchers]) this.sendGone(w.res);
        this.watchers.clear();
        this.notify();
    }

    /** Ends every watch stream cleanly (the API server does so at its watch timeout). */
    closeWatches(): void {
        for (const w of this.watchers) w.res.end();
        this.watchers.clear();
        this.notify();
    }

    private type(resource: ResourceName): ResourceType {
        return RESOURCES.find((r) => r.plural === resource)!;
    }

    private key(type: ResourceType, namespace: string | undefined, name: string): string {
        return type.namespaced ? `${namespace}/${name}` : name;
    }

    private publish(event: StoredEvent): void {
        this.history.push(event);
        const max = this.options.historySize ?? 1000;
        if (this.history.length > max) {
            this.compactedAt = this.history[this.history.length - max - 1].rv;
            this.history = this.history.slice(-max);
        }
        for (const w of this.watchers) this.deliver(w, event);
        this.notify();
    }

    private deliver(w: Watcher, event: StoredEvent): void {
        if (event.resource !== w.resource) return;
        if (w.namespace !== undefined && event.object.metadata.namespace !== w.namespace) return;
        if (!w.matches(event.object)) return;
        w.res.write(JSON.stringify({ type: event.type, object: event.object }) + '\n');
    }

    private notify(): void {
        for (const check of [...this.waiters]) check();
    }

    private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
        const url = new URL(req.url ?? '/', 'http://localhost');
        const query = Object.fromEntries(url.searchParams);
        const route = this.route(url.pathname);
        const authorization = req.headers.authorization;
        if (route === undefined || req.method !== 'GET') {
            this.status(res, 404, 'NotFound', `the server could not find the requested resource (${req.method} ${url.pathname})`);
            return;
        }
        const verb = route.name !== undefined ? 'get' : query.watch === 'true' || query.watch === '1' ? 'watch' : 'list';
        this.requests.push({ verb, resource: route.type.plural, namespace: route.namespace, query, authorization });
        this.notify();
        if (this.options.token !== undefined && authorization !== `Bearer ${this.options.token}`) {
            this.status(res, 401, 'Unauthorized', 'Unauthorized');
            return;
        }
        let matches: (o: KubeObject) => boolean;
        try {
            matches = selectorMatcher(query.labelSelector ?? '', query.fieldSelector ?? '');
        } catch (e) {
            this.status(res, 400, 'BadRequest', (e as Error).message);
            return;
        }
        const store = this.objects.get(route.type)!;
        if (verb === 'get') {
            const o = store.get(this.key(route.type, route.namespace, route.name!));
            if (o === undefined) {
                this.status(res, 404, 'NotFound', `${route.type.plural} "${route.name}" not found`);
                return;
            }
            this.json(res, 200, o);
            return;
        }
        const inScope = (o: KubeObject) => (route.namespace === undefined || o.metadata.namespace === route.namespace) && matches(o);
        if (verb === 'list') {
            const apiVersion = route.type.group === '' ? route.type.version : `${route.type.group}/${route.type.version}`;
            this.json(res, 200, { apiVersion, kind: `${route.type.kind}List`, metadata: { resourceVersion: this.resourceVersion }, items: [...store.values()].filter(inScope) });
            return;
        }
        res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
        res.flushHeaders();
        const rv = query.resourceVersion === undefined || query.resourceVersion === '' || query.resourceVersion === '0' ? undefined : Number(query.resourceVersion);
        const watcher: Watcher = { resource: route.type, namespace: route.namespace, matches, res };
        if (rv === undefined) {
            // No resource version: the current state as ADDED events, then changes.
            for (const o of store.values()) if (inScope(o)) res.write(JSON.stringify({ type: 'ADDED', object: o }) + '\n');
        } else if (!Number.isFinite(rv) || rv < this.compactedAt) {
            this.sendGone(res, rv);
            return;
        } else {
            for (const e of this.history) if (e.rv > rv) this.deliver(watcher, e);
        }
        this.watchers.add(watcher);
        res.on('close', () => {
            this.watchers.delete(watcher);
            this.notify();
        });
        this.notify();
    }

    private sendGone(res: http.ServerResponse, rv?: number): void {
        const message = rv === undefined ? 'too old resource version' : `too old resource version: ${rv} (${this.compactedAt})`;
        res.end(JSON.stringify({ type: 'ERROR', object: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: 'Expired', code: 410 } }) + '\n');
    }

    private route(pathname: string): { type: ResourceType; namespace?: string; name?: string } | undefined {
        const parts = pathname.split('/').filter(Boolean);
        let rest: string[];
        let group = '';
        let version: string;
        if (parts[0] === 'api' && parts.length >= 3) {
            version = parts[1];
            rest = parts.slice(2);
        } else if (parts[0] === 'apis' && parts.length >= 4) {
            group = parts[1];
            version = parts[2];
            rest = parts.slice(3);
        } else {
            return undefined;
        }
        let namespace: string | undefined;
        if (rest[0] === 'namespaces' && rest.length >= 3) {
            namespace = rest[1];
            rest = rest.slice(2);
        }
        const type = RESOURCES.find((r) => r.group === group && r.version === version && r.plural === rest[0]);
        if (type === undefined || rest.length > 2) return undefined;
        if (type.plural === 'namespaces' && rest.length === 2) return { type, name: rest[1] };
        if (namespace !== undefined && !type.namespaced) return undefined;
        return { type, namespace, name: rest[1] };
    }

    private json(res: http.ServerResponse, code: number, body: unknown): void {
        const text = JSON.stringify(body);
        res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
        res.end(text);
    }

    private status(res: http.ServerResponse, code: number, reason: string, message: string): void {
        this.json(res, code, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });
    }
}

/**
 * The API server's label selector (`a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`)
 * and field selector (`path=value`, `path!=value`, dotted paths such as `spec.nodeName`).
 */
function selectorMatcher(labelSelector: string, fieldSelector: string): (o: KubeObject) => boolean {
    const tests: ((o: KubeObject) => boolean)[] = [];
    for (const term of splitTerms(labelSelector)) {
        let m: RegExpExecArray | null;
        if ((m = /^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term)) !== null) {
            const [, key, op, list] = m;
            const values = new Set(list.split(',').map((s) => s.trim()));
            tests.push((o) => {
                const v = o.metadata.labels?.[key];
                return op === 'in' ? v !== undefined && values.has(v) : v === undefined || !values.has(v);
            });
        } else if ((m = /^([\w./-]+)\s*(==|=|!=)\s*([\w./-]*)$/.exec(term)) !== null) {
            const [, key, op, value] = m;
            tests.push((o) => (op === '!=' ? o.metadata.labels?.[key] !== value : o.metadata.labels?.[key] === value));
        } else if ((m = /^(!?)([\w./-]+)$/.exec(term)) !== null) {
            const [, not, key] = m;
            tests.push((o) => (o.metadata.labels?.[key] !== undefined) !== (not === '!'));
        } else {
            throw new Error(`unable to parse requirement: ${JSON.stringify(term)}`);
        }
    }
    for (const term of splitTerms(fieldSelector)) {
        const m = /^([\w.]+)\s*(==|=|!=)\s*(.*)$/.exec(term);
        if (m === null) throw new Error(`invalid selector: ${JSON.stringify(term)}; can't understand '${term}'`);
        const [, field, op, value] = m;
        tests.push((o) => {
            let v: unknown = o;
            for (const p of field.split('.')) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[p] : undefined;
            const s = v === undefined ? '' : String(v);
            return op === '!=' ? s !== value : s === value;
        });
    }
    return (o) => tests.every((t) => t(o));
}

/** Splits a selector at the commas outside parentheses. */
function splitTerms(selector: string): string[] {
    const terms: string[] = [];
    let depth = 0;
    let current = '';
    for (const ch of selector) {
        if (ch === '(') depth++;
        if (ch === ')') depth--;
        if (ch === ',' && depth === 0) {
            terms.push(current.trim());
            current = '';
        } else {
            current += ch;
        }
    }
    if (current.trim() !== '') terms.push(current.trim());
    return terms.filter((t) => t !== '');
}
