// discovery.http: targets from an HTTP endpoint serving Prometheus' HTTP SD format (a JSON list of
// target groups, Content-Type application/json), fetched every refresh_interval (60s) with that
// interval as the request timeout; each group gets `__meta_url`. Requests carry
// `X-Prometheus-Refresh-Interval-Seconds`, as Prometheus' http SD sends.

import type { ArgumentBody, ComponentContext, ComponentDefinition } from '../../component.js';
import { Args, attr, schema } from '../decode.js';
import { USER_AGENT } from '../version.js';
import { HTTP_CLIENT_ATTRIBUTES, HTTP_CLIENT_BLOCKS, type HttpOptions, decodeHttpOptions, httpClientIgnored, requestHeaders } from './http-options.js';
import { type RefreshFn, RefreshDiscovery, type TargetGroup } from './refresh.js';
import { parseTargetGroups } from './target-groups.js';

const SCHEMA = schema(
    [attr('url', 'string', true), attr('refresh_interval', 'duration'), ...HTTP_CLIENT_ATTRIBUTES],
    HTTP_CLIENT_BLOCKS,
    [{ name: 'targets', type: 'list(map(string))' }],
);

export const IGNORED = httpClientIgnored();

/** Prometheus' matchContentType. */
const JSON_CONTENT_TYPE = /^application\/json(;\s*charset=("utf-8"|utf-8))?$/i;

/** new URL, or undefined when malformed (URL.parse is Node 22). */
function parseUrl(text: string): URL | undefined {
    try {
        return new URL(text);
    } catch {
        return undefined;
    }
}

interface Config {
    readonly url: string;
    readonly intervalMs: number;
    readonly http: HttpOptions;
}

class DiscoveryHttp extends RefreshDiscovery<Config> {
    constructor(ctx: ComponentContext) {
        super(ctx, 'http');
    }

    protected decode(body: ArgumentBody): Config {
        const args = Args.of('discovery.http', SCHEMA, body, { ignored: IGNORED });
        const url = args.string('url', '');
        const parsed = parseUrl(url) ?? args.fail('url', `invalid URL ${JSON.stringify(url)}`);
        if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') args.fail('url', "URL scheme must be 'http' or 'https'");
        if (parsed.host === '') args.fail('url', 'host is missing in URL');
        return { url, intervalMs: args.duration('refresh_interval', 60_000, { allowZero: false }), http: decodeHttpOptions(args) };
    }

    protected refreshFor(config: Config): RefreshFn {
        // Groups in the last response (Prometheus' tgLastLength): fewer now sends empty groups for the rest.
        let lastLength = 0;
        return async (stop) => {
            const groups = await fetchGroups(config, stop);
            const n = groups.length;
            for (let i = n; i < lastLength; i++) groups.push({ source: `${config.url}:${i}`, labels: {}, targets: [] });
            lastLength = n;
            return groups;
        };
    }
}

async function fetchGroups(config: Config, stop: AbortSignal): Promise<TargetGroup[]> {
    const headers = {
        ...(await requestHeaders(config.http)),
        'User-Agent': USER_AGENT,
        Accept: 'application/json',
        'X-Prometheus-Refresh-Interval-Seconds': String(config.intervalMs / 1000),
    };
    const signal = AbortSignal.any([stop, AbortSignal.timeout(config.intervalMs)]);
    const res = await fetch(config.url, { headers, signal, redirect: config.http.followRedirects ? 'follow' : 'manual' });
    let text: string;
    try {
        if (res.status !== 200) throw new Error(`server returned HTTP status ${res.status}${res.statusText ? ' ' + res.statusText : ''}`);
        const type = res.headers.get('content-type') ?? '';
        if (!JSON_CONTENT_TYPE.test(type.trim())) throw new Error(`unsupported content type ${JSON.stringify(type)}`);
        text = await res.text();
    } finally {
        await res.body?.cancel().catch(() => undefined);
    }
    return parseTargetGroups(text, 'json', (i) => `${config.url}:${i}`, { __meta_url: config.url });
}

export const discoveryHttp: ComponentDefinition = {
    name: 'discovery.http',
    schema: SCHEMA,
    create: (ctx) => new DiscoveryHttp(ctx),
};
