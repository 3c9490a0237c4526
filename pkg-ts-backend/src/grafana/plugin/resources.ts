// Resource.CallResource: what the query editor asks through Grafana
// (/api/datasources/uid/<uid>/resources/<path>): label names and values, series, metric
// metadata and query parsing, passed on to the data source's Prometheus API. Only those
// paths are served, and requests and answers are bounded in size.
import { UpstreamError, type PrometheusApiClient } from './promClient';
import type { CallResourceRequest, CallResourceResponse, StringList } from './protocol';

export const MAX_RESOURCE_PATH = 1024;
export const MAX_RESOURCE_QUERY = 64 * 1024;
export const MAX_RESOURCE_BODY = 1024 * 1024;
export const MAX_RESOURCE_RESPONSE = 16 * 1024 * 1024;

const FIXED_PATHS = new Set([
  'api/v1/labels',
  'api/v1/series',
  'api/v1/metadata',
  'api/v1/parse_query',
  'api/v1/format_query',
  'api/v1/query_exemplars',
  'api/v1/status/buildinfo',
]);
/** Endpoints Prometheus also takes as POST; the others are GET only. */
const POST_PATHS = new Set([
  'api/v1/labels',
  'api/v1/series',
  'api/v1/parse_query',
  'api/v1/format_query',
  'api/v1/query_exemplars',
]);
const LABEL_VALUES = /^api\/v1\/label\/([^/]+)\/values$/;

export interface ResourceReply {
  code: number;
  contentType: string;
  body: Uint8Array;
}

function errorReply(code: number, errorType: string, error: string): ResourceReply {
  return {
    code,
    contentType: 'application/json',
    body: Buffer.from(JSON.stringify({ status: 'error', errorType, error })),
  };
}

/** The upstream path for a resource path, or undefined when it is not one the editor needs. */
export function upstreamPath(path: string): string | undefined {
  const p = path.replace(/^\/+/, '');
  if (FIXED_PATHS.has(p)) return p;
  const m = LABEL_VALUES.exec(p);
  if (!m) return undefined;
  let name: string;
  try {
    name = decodeURIComponent(m[1]);
  } catch {
    return undefined;
  }
  return name === '' ? undefined : `api/v1/label/${encodeURIComponent(name)}/values`;
}

function queryOf(url: string): URLSearchParams {
  const q = url.indexOf('?');
  return new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
}

export async function callResource(request: CallResourceRequest, client: PrometheusApiClient): Promise<ResourceReply> {
  if (request.path.length > MAX_RESOURCE_PATH)
    return errorReply(414, 'bad_data', `resource path longer than ${MAX_RESOURCE_PATH} characters`);
  const path = upstreamPath(request.path);
  if (path === undefined)
    return errorReply(
      404,
      'not_found',
      `no resource ${JSON.stringify(request.path)}: flint serves labels, label values, series, metadata and query parsing`
    );
  const method = (request.method || 'GET').toUpperCase();
  if (method !== 'GET' && method !== 'POST')
    return errorReply(405, 'bad_data', `method ${method} not allowed for ${path}`);
  if (request.url.length > MAX_RESOURCE_QUERY)
    return errorReply(414, 'bad_data', `request URL longer than ${MAX_RESOURCE_QUERY} characters`);
  if (request.body.length > MAX_RESOURCE_BODY)
    return errorReply(413, 'bad_data', `request body larger than ${MAX_RESOURCE_BODY} bytes`);
  const params = queryOf(request.url);
  // Form parameters in the body (POST from the editor) join those of the URL.
  if (request.body.length > 0)
    new URLSearchParams(Buffer.from(request.body).toString('utf8')).forEach((v, k) => params.append(k, v));
  try {
    const upstreamMethod = method === 'POST' && POST_PATHS.has(path) ? 'POST' : 'GET';
    const response = await client.raw(upstreamMethod, path, params, MAX_RESOURCE_RESPONSE);
    return { code: response.status, contentType: response.contentType || 'application/json', body: response.body };
  } catch (e) {
    if (!(e instanceof UpstreamError)) throw e;
    return errorReply(e.status, e.kind === 'timeout' ? 'timeout' : 'unavailable', e.message);
  }
}

/** The reply as a CallResource stream: headers and the first chunk, then the rest of the body in chunks. */
export function replyMessages(reply: ResourceReply, chunkBytes = 1024 * 1024): CallResourceResponse[] {
  const headers: Record<string, StringList> = { 'Content-Type': { values: [reply.contentType] } };
  const messages: CallResourceResponse[] = [{ code: reply.code, headers, body: reply.body.subarray(0, chunkBytes) }];
  for (let offset = chunkBytes; offset < reply.body.length; offset += chunkBytes) {
    messages.push({ code: 0, headers: {}, body: reply.body.subarray(offset, offset + chunkBytes) });
  }
  return messages;
}
