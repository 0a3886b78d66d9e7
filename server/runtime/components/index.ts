// The built-in components of flowlens' embedded runtime, one file each, grouped by family
// (prometheus/, otelcol/, discovery/, local/, ...) like Alloy's internal/component tree.

import type { ComponentDefinition } from '../component.js';
import { IGNORED as discoveryDockerIgnored, discoveryDocker } from './discovery/docker.js';
import { discoveryDns } from './discovery/dns.js';
import { discoveryFile } from './discovery/file.js';
import { IGNORED as discoveryHttpIgnored, discoveryHttp } from './discovery/http.js';
import { IGNORED as discoveryKubernetesIgnored, discoveryKubernetes } from './discovery/kubernetes.js';
import { discoveryRelabel } from './discovery/relabel.js';
import { localFile } from './local/file.js';
import { localFileMatch } from './local/file-match.js';
import { lokiProcess } from './loki/process.js';
import { lokiEcho } from './loki/echo.js';
import { lokiRelabel } from './loki/relabel.js';
import { lokiSourceApi } from './loki/source-api.js';
import { IGNORED as lokiSourceDockerIgnored, lokiSourceDocker } from './loki/source-docker.js';
import { lokiSourceFile } from './loki/source-file.js';
import { IGNORED as lokiWriteIgnored, lokiWrite } from './loki/write.js';
import { IGNORED as debugIgnored, otelcolExporterDebug } from './otelcol/exporter-debug.js';
import { IGNORED as otlpExporterIgnored, otelcolExporterOtlp } from './otelcol/exporter-otlp.js';
import { IGNORED as otlphttpIgnored, otelcolExporterOtlpHttp } from './otelcol/exporter-otlphttp.js';
import { IGNORED as batchIgnored, otelcolProcessorBatch } from './otelcol/processor-batch.js';
import { IGNORED as otlpIgnored, otelcolReceiverOtlp } from './otelcol/receiver-otlp.js';
import { prometheusExporterSelf } from './prometheus/exporter-self.js';
import { prometheusExporterUnix } from './prometheus/exporter-unix/component.js';
import { IGNORED as receiveHttpIgnored, prometheusReceiveHttp } from './prometheus/receive-http.js';
import { prometheusRelabel } from './prometheus/relabel.js';
import { IGNORED as remoteWriteIgnored, prometheusRemoteWrite } from './prometheus/remote-write.js';
import { IGNORED as scrapeIgnored, prometheusScrape } from './prometheus/scrape.js';
import { PYROSCOPE_NOT_RUNNABLE } from './pyroscope/not-runnable.js';
import { HOST_BOUND_NOT_RUNNABLE } from './host-bound.js';
import { IGNORED as pyroscopeReceiveHttpIgnored, pyroscopeReceiveHttp } from './pyroscope/receive-http.js';
import { IGNORED as pyroscopeScrapeIgnored, pyroscopeScrape } from './pyroscope/scrape.js';
import { IGNORED as pyroscopeWriteIgnored, pyroscopeWrite } from './pyroscope/write.js';
import { IGNORED as remoteConfigMapIgnored, remoteKubernetesConfigMap } from './remote/kubernetes-configmap.js';
import { IGNORED as remoteSecretIgnored, remoteKubernetesSecret } from './remote/kubernetes-secret.js';

export const BUILTIN_COMPONENTS: readonly ComponentDefinition[] = [
    discoveryDns,
    discoveryDocker,
    discoveryFile,
    discoveryHttp,
    discoveryKubernetes,
    discoveryRelabel,
    localFile,
    localFileMatch,
    lokiProcess,
    lokiEcho,
    lokiRelabel,
    lokiSourceApi,
    lokiSourceDocker,
    lokiSourceFile,
    lokiWrite,
    otelcolExporterDebug,
    otelcolExporterOtlp,
    otelcolExporterOtlpHttp,
    otelcolProcessorBatch,
    otelcolReceiverOtlp,
    prometheusExporterSelf,
    prometheusExporterUnix,
    prometheusReceiveHttp,
    prometheusRelabel,
    prometheusRemoteWrite,
    prometheusScrape,
    pyroscopeReceiveHttp,
    pyroscopeScrape,
    pyroscopeWrite,
    remoteKubernetesConfigMap,
    remoteKubernetesSecret,
];

/**
 * Catalog arguments and blocks (dotted paths) each component accepts but ignores because ignoring them
 * is harmless locally; every other catalog argument a component does not implement is refused with
 * "... is not supported by flowlens' embedded runtime; it runs on Grafana Alloy".
 */
export const IGNORED_ARGUMENTS: Readonly<Record<string, readonly string[]>> = {
    'discovery.docker': discoveryDockerIgnored,
    'discovery.http': discoveryHttpIgnored,
    'discovery.kubernetes': discoveryKubernetesIgnored,
    'loki.source.docker': lokiSourceDockerIgnored,
    'loki.write': lokiWriteIgnored,
    'otelcol.exporter.debug': debugIgnored,
    'otelcol.exporter.otlp': otlpExporterIgnored,
    'otelcol.exporter.otlphttp': otlphttpIgnored,
    'otelcol.processor.batch': batchIgnored,
    'otelcol.receiver.otlp': otlpIgnored,
    'prometheus.receive_http': receiveHttpIgnored,
    'prometheus.remote_write': remoteWriteIgnored,
    'prometheus.scrape': scrapeIgnored,
    'pyroscope.receive_http': pyroscopeReceiveHttpIgnored,
    'pyroscope.scrape': pyroscopeScrapeIgnored,
    'pyroscope.write': pyroscopeWriteIgnored,
    'remote.kubernetes.configmap': remoteConfigMapIgnored,
    'remote.kubernetes.secret': remoteSecretIgnored,
};

/**
 * Why components the runtime does not have cannot run, where there is more to say than that (they
 * need privileges or other processes a local run does not have); the dry-run and refusals say it.
 */
export const NOT_RUNNABLE_REASONS: Readonly<Record<string, string>> = {
    ...PYROSCOPE_NOT_RUNNABLE,
    ...HOST_BOUND_NOT_RUNNABLE,
};

export { SELF_SCRAPE_ADDRESS } from './prometheus/exporter-self.js';
export { UNSUPPORTED_SUFFIX } from './decode.js';
