// The API's envelope: `{"status":"success","data":…,"warnings":[…],"infos":[…]}` or
// `{"status":"error","errorType":…,"error":…}` with the HTTP status Prometheus uses per type.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendBody } from './compress';
import { jsonWithRawBytes } from './encode';

export type ApiErrorType = 'bad_data' | 'execution' | 'canceled' | 'timeout' | 'internal' | 'unavailable' | 'not_found' | 'not_acceptable';

const STATUS_BY_TYPE: Record<ApiErrorType, number> = {
  bad_data: 400,
  execution: 422,
  canceled: 499,
  timeout: 503,
  internal: 500,
  unavailable: 503,
  not_found: 404,
  not_acceptable: 406,
};

/** An error answered with Prometheus's error envelope. */
export class ApiError extends Error {
  constructor(
    readonly errorType: ApiErrorType,
    message: string
  ) {
    super(message);
  }

  get httpStatus(): number {
    return STATUS_BY_TYPE[this.errorType];
  }
}

/** Prometheus 3 caps each annotation list at this many entries. */
const MAX_ANNOTATIONS = 10;

export interface Annotations {
  warnings?: readonly string[];
  infos?: readonly string[];
}

function capped(list: readonly string[] | undefined): readonly string[] | undefined {
  if (!list || list.length === 0) return undefined;
  return list.length > MAX_ANNOTATIONS ? list.slice(0, MAX_ANNOTATIONS) : list;
}

function sendJSON(req: IncomingMessage | undefined, res: ServerResponse, status: number, body: Buffer): Promise<void> {
  return sendBody(req, res, status, { 'Content-Type': 'application/json' }, body);
}

/** Writes a success envelope; `data` may contain RawJSON fragments. */
export function respondData(req: IncomingMessage | undefined, res: ServerResponse, data: unknown, ann: Annotations = {}): Promise<void> {
  return sendJSON(req, res, 200, jsonWithRawBytes({ status: 'success', data, warnings: capped(ann.warnings), infos: capped(ann.infos) }));
}

export function respondError(req: IncomingMessage | undefined, res: ServerResponse, err: ApiError, ann: Annotations = {}): Promise<void> {
  return sendJSON(
    req,
    res,
    err.httpStatus,
    jsonWithRawBytes({ status: 'error', errorType: err.errorType, error: err.message, warnings: capped(ann.warnings), infos: capped(ann.infos) })
  );
}

/** Handlers with no data to return (delete_series, clean_tombstones) answer 204. */
export function respondNoContent(res: ServerResponse): void {
  res.writeHead(204);
  res.end();
}
