// Flint's own metrics, served on GET /metrics. Names follow Prometheus's own where the meaning is
// the same, with `prometheus_` replaced by `flint_`, so existing dashboards need only that rename.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry, Summary } from 'prom-client';
import { BUILD_INFO } from '../version';

export const registry = new Registry();

let defaultsStarted = false;

/**
 * Adds the process, heap, GC and event-loop-lag collectors (`process_*`, `nodejs_*`). Called by
 * the server at start rather than at import, so tests that import a counter start no monitor.
 */
export function startDefaultMetrics(): void {
  if (defaultsStarted) return;
  defaultsStarted = true;
  collectDefaultMetrics({ register: registry });
}

/** The text exposition of every registered metric, for GET /metrics. */
export async function renderMetrics(): Promise<{ contentType: string; body: string }> {
  return { contentType: registry.contentType, body: await registry.metrics() };
}

function counter<L extends string = never>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> {
  return new Counter<L>({ name, help, labelNames, registers: [registry] });
}

function gauge<L extends string = never>(name: string, help: string, labelNames: readonly L[] = []): Gauge<L> {
  return new Gauge<L>({ name, help, labelNames, registers: [registry] });
}

// --- build and lifecycle -------------------------------------------------------------------
export const buildInfo = gauge(
  'flint_build_info',
  'A metric with a constant 1 value labeled by version, revision, branch and goversion from which flint was built.',
  ['version', 'revision', 'branch', 'goversion']
);
buildInfo.set(
  {
    version: BUILD_INFO.version,
    revision: BUILD_INFO.revision,
    branch: BUILD_INFO.branch,
    goversion: BUILD_INFO.goVersion,
  },
  1
);
export const ready = gauge(
  'flint_ready',
  'Whether flint startup was fully completed and the server is ready for normal operation.'
);
export const configLastReloadSuccessful = gauge(
  'flint_config_last_reload_successful',
  'Whether the last configuration reload attempt was successful.'
);
export const configLastReloadSuccessTimestampSeconds = gauge(
  'flint_config_last_reload_success_timestamp_seconds',
  'Timestamp of the last successful configuration reload.'
);

// --- HTTP ------------------------------------------------------------------------------------
export const httpRequestsTotal = counter('flint_http_requests_total', 'Counter of HTTP requests.', ['handler', 'code']);
export const httpRequestDurationSeconds = new Histogram<'handler'>({
  name: 'flint_http_request_duration_seconds',
  help: 'Histogram of latencies for HTTP requests.',
  labelNames: ['handler'],
  buckets: [0.1, 0.2, 0.4, 1, 3, 8, 20, 60, 120],
  registers: [registry],
});

// --- TSDB ------------------------------------------------------------------------------------
export const tsdbHeadSeries = gauge('flint_tsdb_head_series', 'Total number of series in the head block.');
export const tsdbHeadSeriesCreatedTotal = counter(
  'flint_tsdb_head_series_created_total',
  'Total number of series created in the head'
);
export const tsdbHeadSeriesRemovedTotal = counter(
  'flint_tsdb_head_series_removed_total',
  'Total number of series removed in the head'
);
export const tsdbHeadSamplesAppendedTotal = counter(
  'flint_tsdb_head_samples_appended_total',
  'Total number of appended samples.',
  ['type']
);
export const tsdbHeadChunks = gauge('flint_tsdb_head_chunks', 'Total number of chunks in the head block.');
export const tsdbHeadMinTime = gauge('flint_tsdb_head_min_time', 'Minimum time bound of the head block.');
export const tsdbHeadMaxTime = gauge('flint_tsdb_head_max_time', 'Maximum timestamp of the head block.');
export const tsdbOutOfOrderSamplesTotal = counter(
  'flint_tsdb_out_of_order_samples_total',
  'Total number of out of order samples ingestion failed attempts due to out of order being disabled.',
  ['type']
);
export const tsdbOutOfBoundSamplesTotal = counter(
  'flint_tsdb_out_of_bound_samples_total',
  'Total number of out of bound samples ingestion failed attempts with out of order support disabled.',
  ['type']
);
export const tsdbBlocksLoaded = gauge('flint_tsdb_blocks_loaded', 'Number of currently loaded data blocks');
export const tsdbCompactionsTotal = counter(
  'flint_tsdb_compactions_total',
  'Total number of compactions that were executed for the partition.'
);
export const tsdbCompactionsFailedTotal = counter(
  'flint_tsdb_compactions_failed_total',
  'Total number of compactions that failed for the partition.'
);
export const tsdbStorageBlocksBytes = gauge(
  'flint_tsdb_storage_blocks_bytes',
  'The number of bytes that are currently used for local storage by all blocks.'
);
export const tsdbWalFsyncDurationSeconds = new Summary({
  name: 'flint_tsdb_wal_fsync_duration_seconds',
  help: 'Duration of write log fsync.',
  percentiles: [0.5, 0.9, 0.99],
  registers: [registry],
});
export const tsdbWalWritesFailedTotal = counter(
  'flint_tsdb_wal_writes_failed_total',
  'Total number of write log writes that failed.'
);
export const tsdbWalCorruptionsTotal = counter(
  'flint_tsdb_wal_corruptions_total',
  'Total number of write log corruptions.'
);
export const tsdbWalSegmentCurrent = gauge(
  'flint_tsdb_wal_segment_current',
  'Write log segment index that TSDB is currently writing to.'
);

// --- scraping --------------------------------------------------------------------------------
export const targetScrapePoolsTotal = counter(
  'flint_target_scrape_pools_total',
  'Total number of scrape pool creation attempts.'
);
export const targetScrapePoolsFailedTotal = counter(
  'flint_target_scrape_pools_failed_total',
  'Total number of scrape pool creations that failed.'
);
export const targetScrapePoolReloadsTotal = counter(
  'flint_target_scrape_pool_reloads_total',
  'Total number of scrape pool reloads.'
);
export const targetScrapePoolTargets = gauge(
  'flint_target_scrape_pool_targets',
  'Current number of targets in this scrape pool.',
  ['scrape_job']
);
export const targetSyncLengthSeconds = new Summary<'scrape_job'>({
  name: 'flint_target_sync_length_seconds',
  help: 'Actual interval to sync the scrape pool.',
  labelNames: ['scrape_job'],
  percentiles: [0.01, 0.05, 0.5, 0.9, 0.99],
  registers: [registry],
});
export const targetIntervalLengthSeconds = new Summary<'interval'>({
  name: 'flint_target_interval_length_seconds',
  help: 'Actual intervals between scrapes.',
  labelNames: ['interval'],
  percentiles: [0.01, 0.05, 0.5, 0.9, 0.99],
  registers: [registry],
});
export const targetScrapesTotal = counter('flint_target_scrapes_total', 'Total number of scrapes attempted.');
export const targetScrapesFailedTotal = counter(
  'flint_target_scrapes_failed_total',
  'Total number of scrapes that failed (target down).'
);
export const targetScrapesExceededSampleLimitTotal = counter(
  'flint_target_scrapes_exceeded_sample_limit_total',
  'Total number of scrapes that hit the sample limit and were rejected.'
);
export const targetScrapesExceededBodySizeLimitTotal = counter(
  'flint_target_scrapes_exceeded_body_size_limit_total',
  'Total number of scrapes that hit the body size limit'
);
export const targetScrapePoolExceededLabelLimitsTotal = counter(
  'flint_target_scrape_pool_exceeded_label_limits_total',
  'Total number of times scrape pools hit the label limits, during sync or scrape.'
);
export const targetScrapesSampleOutOfOrderTotal = counter(
  'flint_target_scrapes_sample_out_of_order_total',
  'Total number of samples rejected due to not being out of the expected order.'
);
export const targetScrapesSampleDuplicateTimestampTotal = counter(
  'flint_target_scrapes_sample_duplicate_timestamp_total',
  'Total number of samples rejected due to duplicate timestamps but different values.'
);
export const targetScrapesSampleOutOfBoundsTotal = counter(
  'flint_target_scrapes_sample_out_of_bounds_total',
  'Total number of samples rejected due to timestamp falling outside of the time bounds.'
);
export const scrapeSamplesAppendedTotal = counter(
  'flint_scrape_samples_appended_total',
  'Total number of samples appended by scrapes (synthetic series and staleness markers included).'
);

// --- query engine ----------------------------------------------------------------------------
export const engineQueries = gauge('flint_engine_queries', 'The current number of queries being executed or waiting.');
export const engineQueriesConcurrentMax = gauge(
  'flint_engine_queries_concurrent_max',
  'The max number of concurrent queries.'
);
export const engineQueryDurationSeconds = new Summary<'slice'>({
  name: 'flint_engine_query_duration_seconds',
  help: 'Query timings',
  labelNames: ['slice'],
  percentiles: [0.5, 0.9, 0.99],
  registers: [registry],
});

// --- rules and notifications -----------------------------------------------------------------
export const ruleEvaluationsTotal = counter('flint_rule_evaluations_total', 'The total number of rule evaluations.', [
  'rule_group',
]);
export const ruleEvaluationFailuresTotal = counter(
  'flint_rule_evaluation_failures_total',
  'The total number of rule evaluation failures.',
  ['rule_group']
);
export const ruleGroupIterationsMissedTotal = counter(
  'flint_rule_group_iterations_missed_total',
  'The total number of rule group evaluations missed due to slow rule group evaluation.',
  ['rule_group']
);
export const notificationsSentTotal = counter('flint_notifications_sent_total', 'Total number of alerts sent.', [
  'alertmanager',
]);
export const notificationsErrorsTotal = counter(
  'flint_notifications_errors_total',
  'Total number of sent alerts affected by errors.',
  ['alertmanager']
);
export const notificationsDroppedTotal = counter(
  'flint_notifications_dropped_total',
  'Total number of alerts dropped due to errors when sending to Alertmanager.'
);
export const notificationsQueueLength = gauge(
  'flint_notifications_queue_length',
  'The number of alert notifications in the queue.'
);

// --- remote storage --------------------------------------------------------------------------
export const remoteStorageSamplesTotal = counter(
  'flint_remote_storage_samples_total',
  'Total number of samples sent to remote storage.',
  ['remote_name', 'url']
);
export const remoteStorageSamplesFailedTotal = counter(
  'flint_remote_storage_samples_failed_total',
  'Total number of samples which failed on send to remote storage, non-recoverable errors.',
  ['remote_name', 'url']
);
export const remoteStorageSamplesRetriedTotal = counter(
  'flint_remote_storage_samples_retried_total',
  'Total number of samples which failed on send to remote storage but were retried because the send error was recoverable.',
  ['remote_name', 'url']
);
export const remoteStorageSamplesPending = gauge(
  'flint_remote_storage_samples_pending',
  'The number of samples pending in the queues shards to be sent to the remote storage.',
  ['remote_name', 'url']
);

// --- exemplar storage ------------------------------------------------------------------------
/** Where the exemplar gauges read from; set by the server when exemplar storage is enabled. */
export interface ExemplarStats {
  appendedTotal: number;
  size(): number;
  seriesWithExemplars(): number;
  maxExemplars(): number;
}
let exemplarStats: ExemplarStats | undefined;
export function setExemplarStats(s: ExemplarStats | undefined): void {
  exemplarStats = s;
}
function exemplarGauge(name: string, help: string, read: (s: ExemplarStats) => number): Gauge {
  return new Gauge({
    name,
    help,
    registers: [registry],
    collect() {
      this.set(exemplarStats ? read(exemplarStats) : 0);
    },
  });
}
export const exemplarsAppendedTotal = new Counter({
  name: 'flint_tsdb_exemplar_exemplars_appended_total',
  help: 'Total number of appended exemplars.',
  registers: [registry],
  collect() {
    if (!exemplarStats) return;
    this.reset();
    this.inc(exemplarStats.appendedTotal);
  },
});
export const exemplarsInStorage = exemplarGauge(
  'flint_tsdb_exemplar_exemplars_in_storage',
  'Number of exemplars currently in circular storage.',
  (s) => s.size()
);
export const exemplarSeriesInStorage = exemplarGauge(
  'flint_tsdb_exemplar_series_with_exemplars_in_storage',
  'Number of series with exemplars currently in circular storage.',
  (s) => s.seriesWithExemplars()
);
export const exemplarMaxExemplars = exemplarGauge(
  'flint_tsdb_exemplar_max_exemplars',
  'Total number of exemplars the exemplar storage can store, resizeable.',
  (s) => s.maxExemplars()
);
