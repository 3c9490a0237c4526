// Mounts the Prometheus HTTP API v1 under /api/v1, plus /federate and /metrics.
import { httpRequestDurationSeconds, httpRequestsTotal } from '../util/metrics';
import type { Handler, Router } from '../web/router';
import { cleanTombstones, deleteSeries, snapshot } from './admin';
import { endpoint, Endpoint } from './handler';
import { federationHandler } from './federate';
import { formatQuery, parseQuery, query, queryExemplars, queryRange } from './query';
import { alertmanagers, alerts, rules } from './rules';
import { labelNames, labelValues, series } from './series';
import { buildInfo, config, flags, runtimeInfo, tsdbStatus, walReplay } from './status';
import { metricMetadata, scrapePools, targetMetadata, targets } from './targets';
import type { ApiDeps } from './types';

export const API_PREFIX = '/api/v1';

const GET = ['GET', 'HEAD'];
const GET_POST = ['GET', 'HEAD', 'POST'];
const ADMIN = ['POST', 'PUT'];

const ROUTES: ReadonlyArray<[string[], string, Endpoint]> = [
  [GET_POST, '/query', query],
  [GET_POST, '/query_range', queryRange],
  [GET_POST, '/query_exemplars', queryExemplars],
  [GET_POST, '/format_query', formatQuery],
  [GET_POST, '/parse_query', parseQuery],
  [GET_POST, '/series', series],
  [GET_POST, '/labels', labelNames],
  [GET, '/label/:name/values', labelValues],
  [GET, '/metadata', metricMetadata],
  [GET, '/targets', targets],
  [GET, '/targets/metadata', targetMetadata],
  [GET, '/scrape_pools', scrapePools],
  [GET, '/rules', rules],
  [GET, '/alerts', alerts],
  [GET, '/alertmanagers', alertmanagers],
  [GET, '/status/config', config],
  [GET, '/status/flags', flags],
  [GET, '/status/runtimeinfo', runtimeInfo],
  [GET, '/status/buildinfo', buildInfo],
  [GET, '/status/tsdb', tsdbStatus],
  [GET, '/status/walreplay', walReplay],
  [ADMIN, '/admin/tsdb/delete_series', deleteSeries],
  [ADMIN, '/admin/tsdb/clean_tombstones', cleanTombstones],
  [ADMIN, '/admin/tsdb/snapshot', snapshot],
];

/** Counts requests and their latency per route, as Prometheus's prometheus_http_* metrics do. */
function instrumented(route: string, handler: Handler): Handler {
  return (req, res, params, url) => {
    const started = performance.now();
    res.once('finish', () => {
      httpRequestsTotal.inc({ handler: route, code: String(res.statusCode) });
      httpRequestDurationSeconds.observe({ handler: route }, (performance.now() - started) / 1000);
    });
    return handler(req, res, params, url);
  };
}

export function registerApi(router: Router, deps: ApiDeps): void {
  // Preflight requests get an empty answer, as in Prometheus.
  const options: Handler = (_req, res) => {
    res.writeHead(204);
    res.end();
  };
  for (const [methods, path, fn] of ROUTES) {
    router.on(methods, API_PREFIX + path, instrumented(API_PREFIX + path, endpoint(deps, fn)));
    router.on('OPTIONS', API_PREFIX + path, options);
  }
  router.get('/federate', instrumented('/federate', federationHandler(deps)));
  const metrics = deps.metricsHandler;
  if (metrics) router.get('/metrics', (req, res) => metrics(req, res));
}
