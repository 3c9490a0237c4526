// Data.QueryData: each DataQuery's JSON model becomes an instant and/or range query against
// the data source's Prometheus API; the results come back as Arrow frames. Every failure is
// confined to its own query's DataResponse (status, error, errorSource).
import {
  encodeFrameArrow,
  framesFromPrometheus,
  parsePromQueryData,
  PromResultError,
  type Frame,
  type PromQueryData,
  type PromResultFormat,
} from '../frames';
import type { Logger } from '../../util/log';
import { alignToStep, calculateStepMs, IntervalError } from './interval';
import type { PluginMetrics } from './metrics';
import { UpstreamError, type ApiEnvelope, type PrometheusApiClient } from './promClient';
import type { DataQuery, DataResponse, QueryDataRequest, QueryDataResponse } from './protocol';
import { interpolateVariables } from './variables';

/** The query model the frontend (and alert rules) store; the keys of Grafana's Prometheus queries. */
export interface PromQueryModel {
  expr: string;
  legendFormat?: string;
  instant: boolean;
  range: boolean;
  /** Min step. */
  interval?: string;
  intervalFactor?: number;
  format: PromResultFormat;
  utcOffsetSec: number;
}

export class QueryModelError extends Error {}

/** Queries of one request run at most this many at a time (Grafana's default concurrency). */
const QUERY_CONCURRENCY = 10;
const FORMATS: readonly PromResultFormat[] = ['time_series', 'table', 'heatmap'];

function stringField(model: Record<string, unknown>, key: string): string | undefined {
  const v = model[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new QueryModelError(`query field "${key}" must be a string`);
  return v;
}

function numberField(model: Record<string, unknown>, key: string): number | undefined {
  const v = model[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new QueryModelError(`query field "${key}" must be a number`);
  return v;
}

export function parseQueryModel(json: Uint8Array): PromQueryModel {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(json).toString('utf8'));
  } catch {
    throw new QueryModelError('the query model is not valid JSON');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new QueryModelError('the query model is not a JSON object');
  const model = parsed as Record<string, unknown>;
  const format = (stringField(model, 'format') || 'time_series') as PromResultFormat;
  if (!FORMATS.includes(format))
    throw new QueryModelError(`unknown format "${format}": use time_series, table or heatmap`);
  const instant = model.instant === true;
  // Old dashboards set neither; Grafana runs those as range queries.
  const range = model.range === true || !instant;
  return {
    expr: stringField(model, 'expr') ?? '',
    legendFormat: stringField(model, 'legendFormat'),
    instant,
    range,
    interval: stringField(model, 'interval'),
    intervalFactor: numberField(model, 'intervalFactor'),
    format,
    utcOffsetSec: numberField(model, 'utcOffsetSec') ?? 0,
  };
}

export interface QueryContext {
  client: PrometheusApiClient;
  logger: Logger;
  metrics: PluginMetrics;
  fromAlert: boolean;
  /** How many queries of the request ask for the table format (names their value columns). */
  tableQueries: number;
}

function errorResponse(
  message: string,
  status: number,
  errorSource: 'plugin' | 'downstream',
  frames: Uint8Array[] = []
): DataResponse {
  return { frames, error: message, status, errorSource };
}

/** The `data` of a query response, checked; a malformed one is the upstream's fault. */
function queryResultOf(data: unknown, url: string): PromQueryData {
  try {
    return parsePromQueryData(data);
  } catch (e) {
    if (!(e instanceof PromResultError)) throw e;
    throw new UpstreamError(`${url} sent a ${e.message}`, 'not-prometheus', 502);
  }
}

async function runOne(query: DataQuery, ctx: QueryContext): Promise<DataResponse> {
  const model = parseQueryModel(query.json);
  if (model.expr.trim() === '') throw new QueryModelError('the query has no expression');
  const fromMs = query.timeRange?.fromEpochMS ?? 0;
  const toMs = query.timeRange?.toEpochMS ?? 0;
  if (!(toMs >= fromMs)) throw new QueryModelError('the query time range ends before it starts');
  const config = ctx.client.config;
  const stepMs = calculateStepMs({
    fromMs,
    toMs,
    intervalMs: query.intervalMS,
    maxDataPoints: query.maxDataPoints,
    queryInterval: model.interval,
    dataSourceInterval: config.timeInterval,
    intervalFactor: model.intervalFactor,
  });
  const expr = interpolateVariables(model.expr, {
    stepMs,
    intervalMs: query.intervalMS,
    rangeMs: toMs - fromMs,
    queryInterval: model.interval,
    dataSourceInterval: config.timeInterval,
  });
  const framing = {
    refId: query.refId,
    expr,
    legendFormat: model.legendFormat,
    stepMs,
    format: model.format,
    tableValueName: ctx.tableQueries > 1 ? `Value #${query.refId}` : 'Value',
  };
  const frames: Frame[] = [];
  const errors: UpstreamError[] = [];
  const collect = async (run: () => Promise<ApiEnvelope<unknown>>) => {
    try {
      const envelope = await run();
      const data = queryResultOf(envelope.data, config.url);
      for (const frame of framesFromPrometheus(data, {
        ...framing,
        warnings: envelope.warnings,
        infos: envelope.infos,
      })) {
        frames.push(frame);
      }
    } catch (e) {
      if (!(e instanceof UpstreamError)) throw e;
      errors.push(e);
    }
  };
  if (model.instant) await collect(() => ctx.client.instantQuery(expr, toMs));
  if (model.range) {
    const start = alignToStep(fromMs, stepMs, model.utcOffsetSec);
    const end = alignToStep(toMs, stepMs, model.utcOffsetSec);
    await collect(() => ctx.client.rangeQuery(expr, start, end, stepMs));
  }
  const encoded = frames.map(encodeFrameArrow);
  if (errors.length > 0) {
    return errorResponse(
      errors.map((e) => e.message).join('; '),
      errors[errors.length - 1].status,
      'downstream',
      encoded
    );
  }
  return { frames: encoded, error: '', status: 200, errorSource: '' };
}

async function runQuery(query: DataQuery, ctx: QueryContext): Promise<DataResponse> {
  let response: DataResponse;
  try {
    response = await runOne(query, ctx);
  } catch (e) {
    if (e instanceof QueryModelError || e instanceof IntervalError) {
      response = errorResponse(`query ${query.refId}: ${e.message}`, 400, 'plugin');
    } else {
      ctx.logger.error('query failed', {
        refId: query.refId,
        err: e instanceof Error ? (e.stack ?? e.message) : String(e),
      });
      response = errorResponse(
        `query ${query.refId}: internal error: ${e instanceof Error ? e.message : String(e)}`,
        500,
        'plugin'
      );
    }
  }
  ctx.metrics.queries.inc({ outcome: response.error === '' ? 'success' : 'error', from_alert: String(ctx.fromAlert) });
  return response;
}

/** Runs every query of the request; a failed query fails only its own response. */
export async function queryData(
  request: QueryDataRequest,
  ctx: Omit<QueryContext, 'fromAlert' | 'tableQueries'>
): Promise<QueryDataResponse> {
  const fromAlert = Object.entries(request.headers).some(([k, v]) => k.toLowerCase() === 'fromalert' && v === 'true');
  let tableQueries = 0;
  for (const q of request.queries) {
    try {
      if (parseQueryModel(q.json).format === 'table') tableQueries++;
    } catch {
      // reported by the query's own response
    }
  }
  const full: QueryContext = { ...ctx, fromAlert, tableQueries };
  const responses: Record<string, DataResponse> = {};
  let next = 0;
  const worker = async () => {
    while (next < request.queries.length) {
      const query = request.queries[next++];
      responses[query.refId] = await runQuery(query, full);
    }
  };
  await Promise.all(Array.from({ length: Math.min(QUERY_CONCURRENCY, request.queries.length) }, worker));
  return { responses };
}
