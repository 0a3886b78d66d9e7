// remote.kubernetes.secret and remote.kubernetes.configmap (Alloy's remote/kubernetes): get one
// Secret or ConfigMap through @kubernetes/client-node every poll_frequency and export its `data`.
// A Secret's values are exported as secrets (decoded from base64), a ConfigMap's as strings. As in
// Alloy, the first get happens during update (a failure fails the evaluation), later failures
// mark the component unhealthy and keep the last data, and dependants are re-evaluated only when
// the data changed.

import { CoreV1Api } from '@kubernetes/client-node';
import type { Value } from '../../../../language/eval/value.js';
import type { ArgumentBody, Component, ComponentContext, ComponentDefinition } from '../../component.js';
import { Args, ArgumentError, attr, block, schema } from '../decode.js';
import { CLIENT_ATTRIBUTES, CLIENT_BLOCKS, CLIENT_IGNORED, connect, decodeClient, validateClient } from '../kubernetes-client.js';
import { describeKubeError } from '../kubernetes-informer.js';

export type ResourceType = 'secret' | 'configmap';

export const IGNORED = CLIENT_IGNORED.map((name) => `client.${name}`);

function resourceSchema(type: ResourceType) {
    return schema(
        [attr('namespace', 'string', true), attr('name', 'string', true), attr('poll_frequency', 'duration'), attr('poll_timeout', 'duration')],
        [block('client', false, CLIENT_ATTRIBUTES, CLIENT_BLOCKS)],
        [{ name: 'data', type: type === 'secret' ? 'map(secret)' : 'map(optional_secret)' }],
    );
}

interface Target {
    readonly api: CoreV1Api;
    readonly namespace: string;
    readonly name: string;
    readonly pollMs: number;
    readonly timeoutMs: number;
}

class RemoteKubernetes implements Component {
    private target: Target | undefined;
    private lastData: string | undefined;
    private timer: NodeJS.Timeout | undefined;
    private started = false;
    private stopped = false;
    private polling: Promise<void> | undefined;

    constructor(
        private readonly ctx: ComponentContext,
        private readonly type: ResourceType,
        private readonly componentName: string,
    ) {}

    async update(body: ArgumentBody): Promise<void> {
        const args = Args.of(this.componentName, resourceSchema(this.type), body, { ignored: IGNORED });
        const pollMs = args.duration('poll_frequency', 60_000);
        if (pollMs <= 0) throw new ArgumentError('poll_frequency must be greater than 0');
        const timeoutMs = args.duration('poll_timeout', 15_000);
        // Alloy's message (sic).
        if (timeoutMs <= 0) throw new ArgumentError('poll_timeout must not be greater than 0');
        const clientArgs = args.block('client');
        const client = decodeClient(clientArgs);
        if (clientArgs !== undefined) validateClient(clientArgs, client);
        const conn = connect(client);
        this.target = { api: conn.config.makeApiClient(CoreV1Api), namespace: args.string('namespace', ''), name: args.string('name', ''), pollMs, timeoutMs };
        const error = await this.poll();
        if (error !== undefined) throw new Error(error);
        if (this.started) this.schedule();
    }

    start(): void {
        this.started = true;
        this.schedule();
    }

    private schedule(): void {
        if (this.timer !== undefined) clearTimeout(this.timer);
        if (this.stopped || this.target === undefined) return;
        this.timer = setTimeout(() => {
            this.timer = undefined;
            this.polling = this.poll().then(() => this.schedule());
        }, this.target.pollMs);
    }

    /** Gets the object and publishes its data; returns the error message when the get failed. */
    private async poll(): Promise<string | undefined> {
        const target = this.target!;
        let data: Map<string, Value>;
        try {
            data = await withTimeout(this.get(target), target.timeoutMs);
        } catch (e) {
            if (this.stopped) return undefined;
            const message = describeKubeError(e);
            this.ctx.countError();
            this.ctx.setHealth('unhealthy', `polling failed: ${message}`);
            return `polling failed: ${message}`;
        }
        if (this.stopped || target !== this.target) return undefined;
        this.ctx.setHealth('healthy', `got ${this.type}`);
        const fingerprint = JSON.stringify([...data].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
        if (fingerprint !== this.lastData) {
            this.lastData = fingerprint;
            this.ctx.setExports({ data: { kind: 'object', fields: data } });
        }
        return undefined;
    }

    private async get(target: Target): Promise<Map<string, Value>> {
        const data = new Map<string, Value>();
        if (this.type === 'secret') {
            const secret = await target.api.readNamespacedSecret({ name: target.name, namespace: target.namespace });
            for (const [k, v] of Object.entries(secret.data ?? {})) data.set(k, { kind: 'secret', value: Buffer.from(v, 'base64').toString('utf8') });
        } else {
            const cm = await target.api.readNamespacedConfigMap({ name: target.name, namespace: target.namespace });
            for (const [k, v] of Object.entries(cm.data ?? {})) data.set(k, { kind: 'string', value: v });
        }
        return data;
    }

    async stop(): Promise<void> {
        this.stopped = true;
        if (this.timer !== undefined) clearTimeout(this.timer);
        this.timer = undefined;
        await this.polling;
    }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
    return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms (poll_timeout)`)), ms);
        p.then(
            (v) => {
                clearTimeout(timer);
                resolve(v);
            },
            (e: unknown) => {
                clearTimeout(timer);
                reject(e);
            },
        );
    });
}

export function remoteKubernetesDefinition(type: ResourceType): ComponentDefinition {
    const name = `remote.kubernetes.${type}`;
    return { name, schema: resourceSchema(type), create: (ctx) => new RemoteKubernetes(ctx, type, name) };
}
