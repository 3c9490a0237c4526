// One scrape loop per target: fetch on a fixed phase of the interval, parse, relabel, check
// limits, append atomically (all of the body or none of it), write the synthetic series and the
// staleness markers Prometheus writes.
import type { NameValidationScheme } from '../config/types';
import {
  Label,
  Labels,
  labelsFromPairs,
  METRIC_NAME,
  isValidLegacyLabelName,
  isValidLegacyMetricName,
} from '../model/labels';
import { STALE_NAN } from '../model/value';
import { relabel, RelabelConfig } from '../relabel/relabel';
import {
  Appendable,
  Appender,
  ERR_DUPLICATE_SAMPLE_FOR_TIMESTAMP,
  ERR_OUT_OF_BOUNDS,
  ERR_OUT_OF_ORDER_SAMPLE,
  ERR_TOO_OLD_SAMPLE,
  SeriesRef,
  StorageError,
} from '../storage/interface';
import { createParser, Entry, MetricMetadata } from '../textparse';
import type { Logger } from '../util/log';
import * as metrics from '../util/metrics';
import type { ExemplarInput, ExemplarStorage } from '../storage/exemplars';
import { ScrapeCache } from './cache';
import { ScrapeClient, ScrapeError } from './client';
import { ResolvedTarget, scrapeOffsetMs, TargetHealth } from './target';

export interface ScrapeLoopOptions {
  honorLabels: boolean;
  honorTimestamps: boolean;
  trackTimestampsStaleness: boolean;
  sampleLimit: number;
  labelLimit: number;
  labelNameLengthLimit: number;
  labelValueLengthLimit: number;
  metricRelabelConfigs: readonly RelabelConfig[];
  fallbackScrapeProtocol?: string;
  validationScheme: NameValidationScheme;
  /** Mixed into every target's offset (Prometheus seeds it from external labels and hostname). */
  offsetSeed: bigint;
  /** Where exemplars of OpenMetrics scrapes go (exemplar storage enabled); dropped without it. */
  exemplars?: ExemplarSink;
  /**
   * A scrape starting within this many ms of one interval after the previous scrape's timestamp
   * gets exactly that timestamp (Prometheus's --scrape.timestamp-tolerance, with
   * --scrape.adjust-timestamps): timer jitter would otherwise cost chunk space. 0 turns it off.
   */
  timestampToleranceMs?: number;
}

/** The part of exemplar storage a scrape loop uses. */
export type ExemplarSink = Pick<ExemplarStorage, 'tryAdd'>;

interface PendingExemplar {
  series: Labels;
  exemplar: ExemplarInput;
}

/** A scrape that fails as a whole: nothing of its body is kept. */
class ScrapeFailure extends Error {}

const REPORT_SERIES = [
  'up',
  'scrape_duration_seconds',
  'scrape_samples_scraped',
  'scrape_samples_post_metric_relabeling',
  'scrape_series_added',
] as const;

interface AppendCounts {
  total: number;
  added: number;
  seriesAdded: number;
}

export class ScrapeLoop {
  health: TargetHealth = 'unknown';
  lastError = '';
  /** ms since epoch; 0 before the first scrape. */
  lastScrape = 0;
  /** seconds */
  lastScrapeDuration = 0;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private abort: AbortController | undefined;
  private stopped = false;
  private lastScheduled = 0;
  private readonly reportLabels: Labels[];
  private readonly reportRefs: SeriesRef[] = REPORT_SERIES.map(() => 0);
  /** Timestamp of the last report, so end-of-run stale markers land after it. */
  private lastAppendTime = 0;
  /** Exemplars of the running scrape, stored once its samples are committed. */
  private pendingExemplars: PendingExemplar[] = [];

  constructor(
    readonly target: ResolvedTarget,
    private readonly appendable: Appendable,
    private readonly client: ScrapeClient,
    private readonly opts: ScrapeLoopOptions,
    private readonly logger: Logger,
    readonly cache = new ScrapeCache()
  ) {
    this.reportLabels = REPORT_SERIES.map((name) =>
      labelsFromPairs([...target.labels, { name: METRIC_NAME, value: name }])
    );
  }

  start(): void {
    const delay = scrapeOffsetMs(this.target.key, this.target.intervalMs, Date.now(), this.opts.offsetSeed);
    this.schedule(Date.now() + delay);
  }

  private schedule(at: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => this.tick(at), Math.max(0, at - Date.now()));
  }

  private tick(scheduled: number): void {
    if (this.stopped) return;
    if (this.lastScheduled > 0)
      metrics.targetIntervalLengthSeconds.observe(
        { interval: goDuration(this.target.intervalMs) },
        (scheduled - this.lastScheduled) / 1000
      );
    this.lastScheduled = scheduled;
    this.running = this.scrapeAndReport()
      .catch((e: unknown) => this.logger.error('Scrape loop iteration failed', { err: e as Error }))
      .finally(() => {
        this.running = undefined;
        // A scrape that overran its interval skips the missed slots instead of bunching up.
        let next = scheduled + this.target.intervalMs;
        const now = Date.now();
        while (next <= now) next += this.target.intervalMs;
        this.schedule(next);
      });
  }

  /** Runs one scrape now (the scheduler's unit of work; tests call it directly). */
  async scrapeAndReport(): Promise<void> {
    const start = Date.now();
    const abort = (this.abort = new AbortController());
    let error: string | undefined;
    let response: { body: Buffer; contentType: string } | undefined;
    metrics.targetScrapesTotal.inc();
    try {
      response = await this.client.fetch(this.target.url, this.target.timeoutMs, abort.signal);
    } catch (e) {
      if (e instanceof ScrapeError && e.kind === 'body_size') metrics.targetScrapesExceededBodySizeLimitTotal.inc();
      error = (e as Error).message;
    }
    if (this.stopped) return;
    const appendTime = Math.max(this.alignedTime(start), this.lastAppendTime + 1);
    const cache = this.cache;
    cache.startIteration();
    let app = this.appendable.appender();
    const counts: AppendCounts = { total: 0, added: 0, seriesAdded: 0 };
    if (response) {
      try {
        this.appendBody(app, response.body, response.contentType, appendTime, counts);
      } catch (e) {
        // Anything thrown while appending fails this scrape only; the unexpected is logged loudly.
        if (!(e instanceof ScrapeFailure) && !(e instanceof StorageError) && (e as Error).name !== 'ParseError')
          this.logger.error('Unexpected error while appending a scrape', { err: e as Error });
        app.rollback();
        app = this.appendable.appender();
        this.pendingExemplars = [];
        error = (e as Error).message;
      }
    }
    if (error !== undefined) {
      // A failed scrape counts as an empty one: everything the last good scrape produced is now stale.
      this.appendStaleMarkers(app, cache.vanishedAfterFailure(), appendTime);
      cache.failIteration();
      metrics.targetScrapesFailedTotal.inc();
    } else {
      cache.commitIteration();
    }
    const durationSeconds = (Date.now() - start) / 1000;
    this.report(app, appendTime, [
      error === undefined ? 1 : 0,
      durationSeconds,
      counts.total,
      counts.added,
      counts.seriesAdded,
    ]);
    try {
      await app.commit();
      this.storeExemplars();
    } catch (e) {
      this.logger.error('Scrape commit failed', { err: e as Error });
      error ??= (e as Error).message;
    }
    this.pendingExemplars = [];
    this.lastAppendTime = appendTime;
    this.health = error === undefined ? 'up' : 'down';
    this.lastError = error ?? '';
    this.lastScrape = start;
    this.lastScrapeDuration = durationSeconds;
    if (error !== undefined) this.logger.debug('Scrape failed', { target: this.target.url, err: error });
  }

  /** The scrape timestamp: `start`, or the previous one plus the interval when within tolerance. */
  private alignedTime(start: number): number {
    const tolerance = this.opts.timestampToleranceMs ?? 0;
    const interval = this.target.intervalMs;
    // As Prometheus: only for intervals long enough that the tolerance is a small part of them.
    if (tolerance <= 0 || this.lastAppendTime === 0 || interval <= 100 * tolerance) return start;
    const expected = this.lastAppendTime + interval;
    return Math.abs(start - expected) < tolerance ? expected : start;
  }

  private storeExemplars(): void {
    const sink = this.opts.exemplars;
    if (!sink) return;
    // Duplicates (the same exemplar exposed again) and out-of-order ones are dropped, as in Prometheus.
    for (const { series, exemplar } of this.pendingExemplars) sink.tryAdd(series, exemplar);
  }

  /** Parses and appends a body; throws ScrapeFailure/ParseError/StorageError to fail the whole scrape. */
  private appendBody(app: Appender, body: Buffer, contentType: string, defTime: number, counts: AppendCounts): void {
    const cache = this.cache;
    if (body.length === 0) {
      // An empty body is a valid empty scrape (whatever its Content-Type).
      this.appendStaleMarkers(app, cache.vanished(), defTime);
      return;
    }
    const { parser, warning } = createParser(body, contentType, {
      fallbackScrapeProtocol: this.opts.fallbackScrapeProtocol,
    });
    if (warning)
      this.logger.debug('Invalid content type on scrape, using fallback setting.', {
        content_type: contentType,
        err: warning,
      });
    const { honorTimestamps, trackTimestampsStaleness, sampleLimit } = this.opts;
    const metadata = new Map<string, MetricMetadata>();
    const metadataOf = (name: string): MetricMetadata => {
      let m = metadata.get(name);
      if (!m) metadata.set(name, (m = { type: 'unknown', help: '', unit: '' }));
      return m;
    };
    let appended = 0;
    let sampleLimitExceeded = false;
    let outOfOrder = 0;
    let duplicates = 0;
    let outOfBounds = 0;
    cache.beginBody(parser.format);
    for (;;) {
      const predicted = cache.predicted();
      parser.hintNextSeries(predicted < 0 ? '' : cache.keyOf(predicted));
      const entry = parser.next();
      if (entry === Entry.End) break;
      if (entry !== Entry.Series) {
        if (entry === Entry.Type) metadataOf(parser.metadataName()).type = parser.metricType();
        else if (entry === Entry.Help) metadataOf(parser.metadataName()).help = parser.help();
        else if (entry === Entry.Unit) metadataOf(parser.metadataName()).unit = parser.unit();
        continue;
      }
      counts.total++;
      let t = defTime;
      let explicitTimestamp = false;
      if (honorTimestamps) {
        const ts = parser.timestamp();
        if (ts === ts) {
          t = ts;
          explicitTimestamp = true;
        }
      }
      let key = '';
      let slot: number;
      if (predicted >= 0 && parser.seriesIsHint()) {
        slot = predicted;
        cache.confirmPrediction();
      } else {
        key = parser.series();
        slot = cache.lookup(key);
      }
      if (slot < 0 && cache.isDropped(key)) continue;
      let labels: Labels;
      let ref: SeriesRef = 0;
      if (slot >= 0) {
        if (!explicitTimestamp && cache.producedNow(slot)) {
          // The same series twice in one body without timestamps: Prometheus drops the repeat.
          duplicates++;
          counts.added++;
          continue;
        }
        labels = cache.labelsOf(slot);
        ref = cache.refOf(slot);
      } else {
        const exposed = parser.labels();
        for (let i = 1; i < exposed.length; i++) {
          if (exposed[i].name === exposed[i - 1].name)
            throw new ScrapeFailure(`label name "${exposed[i].name}" is not unique: invalid sample`);
        }
        const mutated = this.mutateSampleLabels(exposed);
        if (mutated === null) {
          cache.addDropped(key);
          continue;
        }
        this.validateSeries(mutated);
        labels = mutated;
      }
      counts.added++;
      if (sampleLimit > 0 && ++appended > sampleLimit) {
        // Keep counting so scrape_samples_scraped reports the whole body.
        sampleLimitExceeded = true;
        continue;
      }
      try {
        ref = app.append(ref, labels, t, parser.value());
      } catch (e) {
        if (!(e instanceof StorageError)) throw e;
        if (e.message === ERR_OUT_OF_ORDER_SAMPLE || e.message === ERR_TOO_OLD_SAMPLE) outOfOrder++;
        else if (e.message === ERR_DUPLICATE_SAMPLE_FOR_TIMESTAMP) duplicates++;
        else if (e.message === ERR_OUT_OF_BOUNDS) outOfBounds++;
        else throw e;
        continue;
      }
      if (this.opts.exemplars) {
        const ex = parser.exemplar();
        if (ex) this.pendingExemplars.push({ series: labels, exemplar: { labels: ex.labels, value: ex.value, ts: ex.timestamp ?? t } });
      }
      const trackStaleness = !explicitTimestamp || trackTimestampsStaleness;
      if (slot >= 0) {
        cache.produced(slot, ref, trackStaleness);
      } else {
        cache.add(key, ref, labels, trackStaleness);
        counts.seriesAdded++;
      }
    }
    if (sampleLimitExceeded) {
      metrics.targetScrapesExceededSampleLimitTotal.inc();
      throw new ScrapeFailure('sample limit exceeded');
    }
    this.noteAppendErrors(outOfOrder, duplicates, outOfBounds);
    this.appendStaleMarkers(app, cache.vanished(), defTime);
    cache.replaceMetadata(metadata);
  }

  private noteAppendErrors(outOfOrder: number, duplicates: number, outOfBounds: number): void {
    if (outOfOrder > 0) {
      metrics.targetScrapesSampleOutOfOrderTotal.inc(outOfOrder);
      this.logger.warn('Error on ingesting out-of-order samples', { num_dropped: outOfOrder });
    }
    if (duplicates > 0) {
      metrics.targetScrapesSampleDuplicateTimestampTotal.inc(duplicates);
      this.logger.warn('Error on ingesting samples with different value but same timestamp', {
        num_dropped: duplicates,
      });
    }
    if (outOfBounds > 0) {
      metrics.targetScrapesSampleOutOfBoundsTotal.inc(outOfBounds);
      this.logger.warn('Error on ingesting samples that are too old or are too far into the future', {
        num_dropped: outOfBounds,
      });
    }
  }

  /** Adds the target's labels (honor_labels decides who wins a clash) and applies metric_relabel_configs. */
  private mutateSampleLabels(exposed: Labels): Labels | null {
    const targetLabels = this.target.labels;
    // Both sets are sorted: merge them directly unless a clash needs exported_ renaming.
    const merged = mergeSortedLabels(exposed, targetLabels, this.opts.honorLabels);
    if (merged !== null)
      return this.opts.metricRelabelConfigs.length > 0 ? relabel(merged, this.opts.metricRelabelConfigs) : merged;
    const pairs: Label[] = [];
    if (this.opts.honorLabels) {
      const have = new Set<string>();
      for (const l of exposed) {
        if (l.value !== '') have.add(l.name);
        pairs.push(l);
      }
      for (const l of targetLabels) if (!have.has(l.name)) pairs.push(l);
    } else {
      const exposedMap = new Map<string, string>();
      for (const l of exposed) if (l.value !== '') exposedMap.set(l.name, l.value);
      for (const l of targetLabels) {
        const clash = exposedMap.get(l.name);
        if (clash === undefined) continue;
        // The exposed value survives under exported_<name> (prefixed again until the name is free).
        let name = 'exported_' + l.name;
        while (exposedMap.has(name) || targetLabels.some((t) => t.name === name)) name = 'exported_' + name;
        exposedMap.delete(l.name);
        exposedMap.set(name, clash);
      }
      for (const [name, value] of exposedMap) pairs.push({ name, value });
      for (const l of targetLabels) pairs.push(l);
    }
    const ls = labelsFromPairs(pairs);
    return this.opts.metricRelabelConfigs.length > 0 ? relabel(ls, this.opts.metricRelabelConfigs) : ls;
  }

  private validateSeries(ls: Labels): void {
    let name = '';
    for (const l of ls) if (l.name === METRIC_NAME) name = l.value;
    if (name === '') throw new ScrapeFailure('missing metric name (__name__ label)');
    const legacy = this.opts.validationScheme === 'legacy';
    const invalid = ls.some((l) =>
      legacy
        ? l.name === METRIC_NAME
          ? !isValidLegacyMetricName(l.value)
          : !isValidLegacyLabelName(l.name)
        : l.name === ''
    );
    if (invalid) throw new ScrapeFailure(`invalid metric name or label names: ${formatLabelSet(ls)}`);
    const { labelLimit, labelNameLengthLimit, labelValueLengthLimit } = this.opts;
    const metric = name.slice(0, 50);
    if (labelLimit > 0 && ls.length > labelLimit) {
      metrics.targetScrapePoolExceededLabelLimitsTotal.inc();
      throw new ScrapeFailure(
        `label_limit exceeded (metric: ${metric}, number of labels: ${ls.length}, limit: ${labelLimit})`
      );
    }
    for (const l of ls) {
      if (labelNameLengthLimit > 0 && l.name.length > labelNameLengthLimit) {
        metrics.targetScrapePoolExceededLabelLimitsTotal.inc();
        throw new ScrapeFailure(
          `label_name_length_limit exceeded (metric: ${metric}, label name: ${l.name.slice(0, 50)}, length: ${l.name.length}, limit: ${labelNameLengthLimit})`
        );
      }
      if (labelValueLengthLimit > 0 && l.value.length > labelValueLengthLimit) {
        metrics.targetScrapePoolExceededLabelLimitsTotal.inc();
        throw new ScrapeFailure(
          `label_value_length_limit exceeded (metric: ${metric}, label name: ${l.name.slice(0, 50)}, value: ${JSON.stringify(l.value.slice(0, 50))}, length: ${l.value.length}, limit: ${labelValueLengthLimit})`
        );
      }
    }
  }

  private appendStaleMarkers(app: Appender, entries: Iterable<{ ref: SeriesRef; labels: Labels }>, t: number): void {
    for (const e of entries) {
      try {
        app.append(e.ref, e.labels, t, STALE_NAN);
      } catch (err) {
        // A stale marker that cannot be placed (out of order after a timestamped sample) is simply skipped.
        if (!(err instanceof StorageError)) throw err;
      }
    }
  }

  private report(app: Appender, t: number, values: readonly number[]): void {
    for (let i = 0; i < REPORT_SERIES.length; i++) {
      try {
        this.reportRefs[i] = app.append(this.reportRefs[i], this.reportLabels[i], t, values[i]);
      } catch (err) {
        if (!(err instanceof StorageError)) throw err;
      }
    }
  }

  /**
   * Stops scheduling and waits for a running scrape. With `staleness`, the target has gone away:
   * its last series and the synthetic ones get stale markers, as Prometheus writes at end of run.
   */
  async stop(staleness: boolean): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.abort?.abort();
    await this.running;
    if (staleness) await this.retire();
  }

  /** End of the target: stale markers for what it last produced, then its cache is given up. */
  async retire(): Promise<void> {
    await this.writeEndOfRunStaleness();
    this.cache.dispose();
  }

  /** Stale markers for the last scrape's series and the synthetic ones, after the loop stopped. */
  async writeEndOfRunStaleness(): Promise<void> {
    if (this.lastScrape === 0) return;
    const t = Math.max(Date.now(), this.lastAppendTime + 1);
    const app = this.appendable.appender();
    this.appendStaleMarkers(app, this.cache.live(), t);
    this.appendStaleMarkers(
      app,
      this.reportLabels.map((labels, i) => ({ labels, ref: this.reportRefs[i] })),
      t
    );
    try {
      await app.commit();
    } catch (e) {
      this.logger.warn('Writing end-of-run staleness markers failed', { target: this.target.url, err: e as Error });
    }
  }
}

/** Go's time.Duration String() for whole milliseconds ("15s", "1m0s", "100ms"), as Prometheus labels intervals. */
export function goDuration(ms: number): string {
  if (ms === 0) return '0s';
  if (ms < 1000) return `${ms}ms`;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const sec = (ms % 60_000) / 1000;
  return `${h > 0 ? `${h}h` : ''}${h > 0 || m > 0 ? `${m}m` : ''}${sec}s`;
}

function formatLabelSet(ls: Labels): string {
  return `{${ls.map((l) => `${l.name}=${JSON.stringify(l.value)}`).join(', ')}}`;
}

/**
 * Merges sorted exposed and target labels, dropping empty exposed values. On a name both have,
 * honor_labels keeps the exposed value; otherwise returns null (the caller renames the exposed one).
 */
function mergeSortedLabels(exposed: Labels, target: Labels, honorLabels: boolean): Label[] | null {
  const out: Label[] = [];
  let i = 0;
  let j = 0;
  while (i < exposed.length || j < target.length) {
    const a = i < exposed.length ? exposed[i] : undefined;
    const b = j < target.length ? target[j] : undefined;
    if (b === undefined || (a !== undefined && a.name < b.name)) {
      if (a !== undefined && a.value !== '') out.push(a);
      i++;
    } else if (a === undefined || b.name < a.name) {
      out.push(b);
      j++;
    } else {
      if (a.value === '') out.push(b);
      else if (honorLabels) out.push(a);
      else return null;
      i++;
      j++;
    }
  }
  return out;
}
