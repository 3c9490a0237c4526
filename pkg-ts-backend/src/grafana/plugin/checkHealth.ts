// Diagnostics.CheckHealth, what Grafana's "Save & test" shows: OK with the server's name and
// version from /api/v1/status/buildinfo once a query has also gone through, or the reason it
// did not (unreachable, credentials refused, not a Prometheus API).
import { UpstreamError, type PrometheusApiClient } from './promClient';
import type { CheckHealthResponse } from './protocol';

interface BuildInfo {
  version?: string;
  revision?: string;
  goVersion?: string;
  /** flint's own version; `version` is then the Prometheus version whose API it implements. */
  flintVersion?: string;
}

function serverName(info: BuildInfo): string {
  if (info.flintVersion) return `flint ${info.flintVersion}${info.version ? ` (Prometheus API ${info.version})` : ''}`;
  // flint reports its Node.js runtime where Prometheus reports its Go version.
  const product = info.goVersion?.startsWith('node') ? 'flint' : 'Prometheus';
  return info.version ? `${product} ${info.version}` : product;
}

function healthy(message: string, details: Record<string, unknown>): CheckHealthResponse {
  return { status: 'OK', message, jsonDetails: Buffer.from(JSON.stringify(details)) };
}

function unhealthy(message: string): CheckHealthResponse {
  return { status: 'ERROR', message, jsonDetails: Buffer.alloc(0) };
}

export async function checkHealth(client: PrometheusApiClient): Promise<CheckHealthResponse> {
  let info: BuildInfo | undefined;
  try {
    info = (await client.call<BuildInfo>('GET', 'api/v1/status/buildinfo', new URLSearchParams())).data;
  } catch (e) {
    if (!(e instanceof UpstreamError)) throw e;
    // Prometheus-compatible servers without build information still answer queries.
    const withoutBuildInfo = (e.kind === 'api' || e.kind === 'not-prometheus') && e.status === 404;
    if (!withoutBuildInfo) return unhealthy(e.message);
  }
  try {
    await client.instantQuery('1+1', Date.now());
  } catch (e) {
    if (!(e instanceof UpstreamError)) throw e;
    return unhealthy(`the query API of ${client.config.url} failed: ${e.message}`);
  }
  const name = info ? serverName(info) : 'a Prometheus-compatible server';
  return healthy(`Data source is working: ${name} at ${client.config.url}`, {
    version: info?.flintVersion ?? info?.version ?? '',
    revision: info?.revision ?? '',
  });
}
