// HTTP client for the Prometheus query API of one data source instance. It speaks only the
// public HTTP API, so the data source may point at any flint or any Prometheus-compatible
// server. Failures become UpstreamError with the HTTP-like status Grafana shows.
import type { DataSourceConfig } from './settings';

export type UpstreamFailure = 'unreachable' | 'timeout' | 'too-large' | 'unauthorised' | 'not-prometheus' | 'api';

export class UpstreamError extends Error {
  constructor(
    message: string,
    readonly kind: UpstreamFailure,
    /** The status for the DataResponse / resource reply. */
    readonly status: number
  ) {
    super(message);
  }
}

export interface RawResponse {
  status: number;
  contentType: string;
  body: Uint8Array;
}

/** The Prometheus API's JSON envelope. */
export interface ApiEnvelope<T> {
  status: 'success' | 'error';
  data: T;
  errorType?: string;
  error?: string;
  warnings?: string[];
  infos?: string[];
}

/** Query responses can be large (11,000 points per series); anything beyond this is refused. */
export const MAX_QUERY_RESPONSE_BYTES = 256 * 1024 * 1024;

interface ErrorLike {
  name?: string;
  message?: string;
  code?: string;
  cause?: unknown;
  errors?: unknown[];
}

// fetch's errors may come from another realm (undici's), so they are read by shape, not
// instanceof. The useful part is the cause: "connect ECONNREFUSED 127.0.0.1:9090".
function causeOf(e: unknown): string {
  const err = (e ?? {}) as ErrorLike;
  const cause = (err.cause ?? {}) as ErrorLike;
  const first = (cause.errors?.[0] ?? {}) as ErrorLike;
  return cause.message || first.message || cause.code || err.message || String(e);
}

function isTimeout(e: unknown): boolean {
  const name = ((e ?? {}) as ErrorLike).name;
  return name === 'TimeoutError' || name === 'AbortError';
}

async function readBounded(response: Response, limit: number, what: string): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > limit) {
    await response.body?.cancel();
    throw new UpstreamError(
      `${what}: the response (${declared} bytes) exceeds the limit of ${limit} bytes`,
      'too-large',
      502
    );
  }
  if (!response.body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    size += chunk.length;
    if (size > limit) {
      await response.body.cancel().catch(() => undefined);
      throw new UpstreamError(`${what}: the response exceeds the limit of ${limit} bytes`, 'too-large', 502);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function parseEnvelope<T>(body: Uint8Array): ApiEnvelope<T> | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(body).toString('utf8'));
  } catch {
    return undefined;
  }
  const status = (parsed as { status?: unknown } | null)?.status;
  return status === 'success' || status === 'error' ? (parsed as ApiEnvelope<T>) : undefined;
}

export class PrometheusApiClient {
  constructor(readonly config: DataSourceConfig) {}

  /** One HTTP exchange with the API; throws UpstreamError only for transport failures. */
  async raw(method: 'GET' | 'POST', path: string, params: URLSearchParams, limitBytes: number): Promise<RawResponse> {
    const target = new URL(`${this.config.url}/${path.replace(/^\/+/, '')}`);
    const init: RequestInit = {
      method,
      headers: { ...this.config.headers },
      signal: AbortSignal.timeout(this.config.timeoutMs),
      redirect: 'follow',
    };
    if (method === 'POST') {
      init.body = params.toString();
      (init.headers as Record<string, string>)['Content-Type'] = 'application/x-www-form-urlencoded';
    } else {
      params.forEach((value, key) => target.searchParams.append(key, value));
    }
    const what = `${method} ${this.config.url}/${path.replace(/^\/+/, '')}`;
    let response: Response;
    try {
      response = await fetch(target, init);
    } catch (e) {
      if (isTimeout(e)) {
        throw new UpstreamError(`${what}: no answer within ${this.config.timeoutMs / 1000}s`, 'timeout', 504);
      }
      throw new UpstreamError(`cannot reach ${this.config.url}: ${causeOf(e)}`, 'unreachable', 502);
    }
    let body: Uint8Array;
    try {
      body = await readBounded(response, limitBytes, what);
    } catch (e) {
      if (e instanceof UpstreamError) throw e;
      throw new UpstreamError(`${what}: the response broke off: ${causeOf(e)}`, 'unreachable', 502);
    }
    return { status: response.status, contentType: response.headers.get('content-type') ?? '', body };
  }

  /** Calls an API endpoint and returns its envelope's data, or throws UpstreamError. */
  async call<T>(method: 'GET' | 'POST', path: string, params: URLSearchParams): Promise<ApiEnvelope<T>> {
    const response = await this.raw(method, path, params, MAX_QUERY_RESPONSE_BYTES);
    const where = `${this.config.url}/${path}`;
    if (response.status === 401 || response.status === 403) {
      throw new UpstreamError(
        `${where} refused the credentials (HTTP ${response.status}): check the data source's authentication settings`,
        'unauthorised',
        response.status
      );
    }
    const envelope = parseEnvelope<T>(response.body);
    if (envelope === undefined) {
      const type = response.contentType || 'no content type';
      throw new UpstreamError(
        `${where} did not answer like the Prometheus HTTP API (HTTP ${response.status}, ${type}): check that the data source URL points at flint or Prometheus`,
        'not-prometheus',
        response.status >= 400 ? response.status : 502
      );
    }
    if (envelope.status === 'error') {
      const status = response.status >= 400 ? response.status : 500;
      throw new UpstreamError(`${envelope.errorType ?? 'error'}: ${envelope.error ?? 'unknown error'}`, 'api', status);
    }
    return envelope;
  }

  instantQuery<T>(expr: string, timeMs: number): Promise<ApiEnvelope<T>> {
    const params = new URLSearchParams({ query: expr, time: String(timeMs / 1000) });
    if (this.config.queryTimeout) params.set('timeout', this.config.queryTimeout);
    return this.call<T>(this.config.httpMethod, 'api/v1/query', params);
  }

  rangeQuery<T>(expr: string, startMs: number, endMs: number, stepMs: number): Promise<ApiEnvelope<T>> {
    const params = new URLSearchParams({
      query: expr,
      start: String(startMs / 1000),
      end: String(endMs / 1000),
      step: String(stepMs / 1000),
    });
    if (this.config.queryTimeout) params.set('timeout', this.config.queryTimeout);
    return this.call<T>(this.config.httpMethod, 'api/v1/query_range', params);
  }
}
