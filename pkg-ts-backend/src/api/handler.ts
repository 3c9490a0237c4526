// The shape every API endpoint shares: parse the form once, run, answer with the envelope.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { QueryError } from '../promql/value';
import { StorageError } from '../storage/interface';
import type { Handler, Params } from '../web/router';
import { FormValues, readForm } from './params';
import { Annotations, ApiError, respondData, respondError, respondNoContent } from './respond';
import type { ApiDeps } from './types';

export interface ApiRequest {
  req: IncomingMessage;
  res: ServerResponse;
  form: FormValues;
  params: Params;
  url: URL;
  deps: ApiDeps;
  now: number;
}

/** What an endpoint returns: data (with annotations) or nothing (answered 204). */
export type ApiResult = ({ data: unknown } & Annotations) | null;

export type Endpoint = (r: ApiRequest) => Promise<ApiResult> | ApiResult;

/** The warning Prometheus 3 adds when a `limit` cut the result short. */
export const TRUNCATED_WARNING = 'results truncated due to limit';

/** Maps any failure to Prometheus's error envelope (unknown failures are `internal`). */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof QueryError) return new ApiError(err.errorType, err.message);
  if (err instanceof StorageError) return new ApiError('internal', err.message);
  return new ApiError('internal', err instanceof Error ? err.message : String(err));
}

export function endpoint(deps: ApiDeps, fn: Endpoint): Handler {
  return async (req, res, params, url) => {
    if (deps.ready && !deps.ready()) {
      res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('Service Unavailable');
      return;
    }
    let result: ApiResult;
    try {
      const form = await readForm(req, url);
      result = await fn({ req, res, form, params, url, deps, now: deps.now?.() ?? Date.now() });
    } catch (err) {
      const apiErr = toApiError(err);
      // Anything not classified on purpose is a bug or a storage failure worth a log line.
      if (apiErr.errorType === 'internal') deps.logger?.error('API request failed', { path: url.pathname, err: err as Error });
      return respondError(req, res, apiErr);
    }
    if (result === null) respondNoContent(res);
    else await respondData(req, res, result.data, result);
  };
}
