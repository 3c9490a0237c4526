// Turns a decoded OTLP metrics export into Prometheus samples as Prometheus 3's OTLP receiver
// does: resource identity -> job/instance, other resource attributes -> target_info, sums ->
// counters or gauges, explicit-bucket histograms -> classic _bucket/_sum/_count series, summaries
// -> quantile series. Metrics Prometheus cannot take (delta temporality) and those flint cannot
// store (exponential histograms: no native histograms here) are skipped with a warning.
import type { OTLPConfig } from '../../config/types';
import { Label, Labels, labelsFromPairs, METRIC_NAME } from '../../model/labels';
import { STALE_NAN } from '../../model/value';
import { formatFloatPlain, NamingOptions, PromMetricKind, promLabelName, promMetricName } from './otlpNames';
import {
  AGGREGATION_TEMPORALITY_CUMULATIVE,
  FLAG_NO_RECORDED_VALUE,
  Int64,
  OtlpAnyValue,
  OtlpExemplar,
  OtlpExportRequest,
  OtlpKeyValue,
  OtlpMetric,
  OtlpNumberDataPoint,
  OtlpResourceMetrics,
  OtlpScopeMetrics,
} from './otlpProto';

export interface OtlpSample {
  labels: Labels;
  /** Milliseconds. */
  t: number;
  /** Kept in an object field so the stale marker's payload survives. */
  v: number;
}

export interface OtlpExemplarSample {
  series: Labels;
  labels: Labels;
  value: number;
  ts: number;
}

export interface OtlpTranslation {
  samples: OtlpSample[];
  exemplars: OtlpExemplarSample[];
  /** One line per skipped metric, Prometheus's wording where it has one. */
  warnings: string[];
  /** OTLP data points of the skipped metrics. */
  rejectedDataPoints: number;
}

export interface OtlpTranslateOptions {
  config: OTLPConfig;
  /** target_info gets a sample every half lookback delta between a resource's first and last point. */
  lookbackDeltaMs?: number;
}

const DEFAULT_LOOKBACK_DELTA_MS = 5 * 60_000;
const SERVICE_NAME = 'service.name';
const SERVICE_NAMESPACE = 'service.namespace';
const SERVICE_INSTANCE_ID = 'service.instance.id';
const IDENTIFYING = [SERVICE_NAMESPACE, SERVICE_NAME, SERVICE_INSTANCE_ID];
/** OTLP exemplars carry their trace context in these labels. */
const TRACE_ID = 'trace_id';
const SPAN_ID = 'span_id';

/**
 * Unsigned nanoseconds to milliseconds, truncated, exactly: high·2³² = high·4294·10⁶ + high·967296,
 * and high·967296 + low stays below 2⁵³.
 */
export function nanosToMillis(ns: Int64): number {
  const high = ns.high >>> 0;
  const low = ns.low >>> 0;
  return high * 4294 + Math.floor((high * 967296 + low) / 1e6);
}

function numberValue(p: { value?: 'asDouble' | 'asInt'; asDouble: number; asInt: Int64 }): number {
  return p.value === 'asInt' ? p.asInt.toNumber() : p.asDouble;
}

function anyValueRaw(v: OtlpAnyValue | null): unknown {
  if (!v?.value) return null;
  switch (v.value) {
    case 'stringValue':
      return v.stringValue;
    case 'boolValue':
      return v.boolValue;
    case 'intValue':
      return v.intValue.toNumber();
    case 'doubleValue':
      return v.doubleValue;
    case 'bytesValue':
      return Buffer.from(v.bytesValue ?? []).toString('base64');
    case 'arrayValue':
      return (v.arrayValue?.values ?? []).map(anyValueRaw);
    case 'kvlistValue':
      return Object.fromEntries((v.kvlistValue?.values ?? []).map((kv) => [kv.key, anyValueRaw(kv.value)]));
  }
}

/** An attribute value as a label value (what OpenTelemetry's Value.AsString gives). */
export function anyValueString(v: OtlpAnyValue | null): string {
  if (!v?.value) return '';
  switch (v.value) {
    case 'stringValue':
      return v.stringValue ?? '';
    case 'boolValue':
      return v.boolValue ? 'true' : 'false';
    case 'intValue':
      return v.intValue.toString();
    case 'doubleValue':
      return formatFloatPlain(v.doubleValue ?? 0);
    default:
      return typeof anyValueRaw(v) === 'string' ? (anyValueRaw(v) as string) : JSON.stringify(anyValueRaw(v));
  }
}

function attributeValue(attrs: readonly OtlpKeyValue[], key: string): string | undefined {
  const kv = attrs.find((a) => a.key === key);
  return kv ? anyValueString(kv.value) : undefined;
}

/** A metric name or attribute key with no usable Prometheus name; the metric it belongs to is skipped. */
class LabelNameError extends Error {}

class Translator {
  readonly out: OtlpTranslation = { samples: [], exemplars: [], warnings: [], rejectedDataPoints: 0 };
  private readonly naming: NamingOptions;
  private readonly seenTargetInfo = new Set<string>();
  // Per resource and scope, while walking:
  private identity: Label[] = [];
  private promoted: Label[] = [];
  private scopeLabels: Label[] = [];

  constructor(private readonly opts: OtlpTranslateOptions) {
    this.naming = {
      strategy: opts.config.translationStrategy,
      labelNameUnderscoreSanitization: opts.config.labelNameUnderscoreSanitization,
      labelNamePreserveMultipleUnderscores: opts.config.labelNamePreserveMultipleUnderscores,
    };
  }

  /**
   * Attributes as labels: sorted by key, sanitised, and values of keys that sanitise to the same
   * name joined with `;` in key order.
   */
  private attributeLabels(attrs: readonly OtlpKeyValue[], skip?: readonly string[]): Map<string, string> {
    const sorted = attrs
      .filter((a) => !skip?.includes(a.key))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const out = new Map<string, string>();
    for (const a of sorted) {
      const name = promLabelName(a.key, this.naming);
      if (name === '')
        throw new LabelNameError(`normalization for label name ${JSON.stringify(a.key)} resulted in empty name`);
      if (name !== a.key && /^_+$/.test(name)) {
        throw new LabelNameError(
          `normalization for label name ${JSON.stringify(a.key)} resulted in invalid name ${JSON.stringify(name)}`
        );
      }
      const value = anyValueString(a.value);
      const prev = out.get(name);
      out.set(name, prev ? `${prev};${value}` : value);
    }
    return out;
  }

  private beginResource(rm: OtlpResourceMetrics): void {
    const attrs = rm.resource?.attributes ?? [];
    const identity: Label[] = [];
    const name = attributeValue(attrs, SERVICE_NAME);
    if (name !== undefined) {
      const ns = attributeValue(attrs, SERVICE_NAMESPACE);
      identity.push({ name: 'job', value: ns ? `${ns}/${name}` : name });
    }
    const instance = attributeValue(attrs, SERVICE_INSTANCE_ID);
    if (instance !== undefined) identity.push({ name: 'instance', value: instance });
    this.identity = identity;

    const cfg = this.opts.config;
    const promotedAttrs = cfg.promoteAllResourceAttributes
      ? attrs.filter((a) => !cfg.ignoreResourceAttributes.includes(a.key))
      : attrs.filter((a) => cfg.promoteResourceAttributes.includes(a.key));
    this.promoted = [...this.attributeLabels(promotedAttrs)].map(([n, value]) => ({ name: n, value }));
  }

  private beginScope(
    scope: { name: string; version: string; attributes: OtlpKeyValue[] } | null | undefined,
    schemaUrl: string
  ): void {
    if (!this.opts.config.promoteScopeMetadata) {
      this.scopeLabels = [];
      return;
    }
    const labels: Label[] = [];
    for (const [n, value] of this.attributeLabels(scope?.attributes ?? []))
      labels.push({ name: `otel_scope_${n}`, value });
    labels.push(
      { name: 'otel_scope_name', value: scope?.name ?? '' },
      { name: 'otel_scope_version', value: scope?.version ?? '' }
    );
    labels.push({ name: 'otel_scope_schema_url', value: schemaUrl });
    this.scopeLabels = labels;
  }

  /** A data point's base labels; later entries win, so the order gives Prometheus's precedence. */
  private pointLabels(attrs: readonly OtlpKeyValue[]): Label[] {
    const own = this.attributeLabels(attrs);
    const out: Label[] = [];
    for (const p of this.promoted) if (!own.has(p.name)) out.push(p);
    for (const [name, value] of own) out.push({ name, value });
    out.push(...this.identity, ...this.scopeLabels);
    return out;
  }

  private add(base: Label[], name: string, t: number, v: number, extra?: Label): Labels {
    const labels = labelsFromPairs(
      extra ? [...base, extra, { name: METRIC_NAME, value: name }] : [...base, { name: METRIC_NAME, value: name }]
    );
    this.out.samples.push({ labels, t, v });
    return labels;
  }

  private exemplar(series: Labels, e: OtlpExemplar): void {
    const labels: Label[] = [];
    if (e.traceId?.length) labels.push({ name: TRACE_ID, value: Buffer.from(e.traceId).toString('hex') });
    if (e.spanId?.length) labels.push({ name: SPAN_ID, value: Buffer.from(e.spanId).toString('hex') });
    for (const a of e.filteredAttributes) labels.push({ name: a.key, value: anyValueString(a.value) });
    this.out.exemplars.push({
      series,
      labels: labelsFromPairs(labels),
      value: numberValue(e),
      ts: nanosToMillis(e.timeUnixNano),
    });
  }

  private skip(points: number, message: string): void {
    this.out.warnings.push(message);
    this.out.rejectedDataPoints += points;
  }

  private metric(m: OtlpMetric): void {
    const { config } = this.opts;
    const name = (kind: PromMetricKind) => {
      const promName = promMetricName(m.name, m.unit, kind, config.translationStrategy);
      if (promName === '')
        throw new LabelNameError(`normalization for metric ${JSON.stringify(m.name)} resulted in empty name`);
      return promName;
    };
    const invalidTemporality = `invalid temporality and type combination for metric ${JSON.stringify(m.name)}`;
    if (m.gauge) {
      this.numberPoints(m.gauge.dataPoints, name('gauge'));
    } else if (m.sum) {
      if (m.sum.aggregationTemporality !== AGGREGATION_TEMPORALITY_CUMULATIVE)
        return this.skip(m.sum.dataPoints.length, invalidTemporality);
      this.numberPoints(m.sum.dataPoints, name(m.sum.isMonotonic ? 'counter' : 'nonMonotonicCounter'));
    } else if (m.histogram) {
      if (m.histogram.aggregationTemporality !== AGGREGATION_TEMPORALITY_CUMULATIVE)
        return this.skip(m.histogram.dataPoints.length, invalidTemporality);
      this.histogramPoints(m, name('histogram'));
    } else if (m.summary) {
      this.summaryPoints(m, name('summary'));
    } else if (m.exponentialHistogram) {
      const points = m.exponentialHistogram.dataPoints.length;
      if (m.exponentialHistogram.aggregationTemporality !== AGGREGATION_TEMPORALITY_CUMULATIVE)
        return this.skip(points, invalidTemporality);
      this.skip(points, `exponential histogram ${JSON.stringify(m.name)} dropped: native histograms are not supported`);
    } else {
      this.skip(0, `unsupported metric type for metric ${JSON.stringify(m.name)}`);
    }
  }

  private numberPoints(points: readonly OtlpNumberDataPoint[], name: string): void {
    for (const p of points) {
      const t = nanosToMillis(p.timeUnixNano);
      const v = p.flags & FLAG_NO_RECORDED_VALUE ? STALE_NAN : numberValue(p);
      const series = this.add(this.pointLabels(p.attributes), name, t, v);
      for (const e of p.exemplars) this.exemplar(series, e);
    }
  }

  private histogramPoints(m: OtlpMetric, name: string): void {
    for (const p of m.histogram?.dataPoints ?? []) {
      const t = nanosToMillis(p.timeUnixNano);
      const stale = (p.flags & FLAG_NO_RECORDED_VALUE) !== 0;
      const base = this.pointLabels(p.attributes);
      const count = p.count.toNumber();
      if (p.sum !== null && p.sum !== undefined) this.add(base, `${name}_sum`, t, stale ? STALE_NAN : p.sum);
      this.add(base, `${name}_count`, t, stale ? STALE_NAN : count);
      // Exemplars go to the first bucket whose bound holds their value.
      const exemplars = [...p.exemplars].sort((a, b) => exemplarValue(a) - exemplarValue(b));
      let next = 0;
      let cumulative = 0;
      const n = Math.min(p.explicitBounds.length, p.bucketCounts.length);
      for (let i = 0; i < n; i++) {
        const bound = p.explicitBounds[i];
        cumulative += p.bucketCounts[i].toNumber();
        const series = this.add(base, `${name}_bucket`, t, stale ? STALE_NAN : cumulative, {
          name: 'le',
          value: formatFloatPlain(bound),
        });
        for (; next < exemplars.length && exemplarValue(exemplars[next]) <= bound; next++)
          this.exemplar(series, exemplars[next]);
      }
      const inf = this.add(base, `${name}_bucket`, t, stale ? STALE_NAN : count, { name: 'le', value: '+Inf' });
      for (; next < exemplars.length; next++) this.exemplar(inf, exemplars[next]);
    }
  }

  private summaryPoints(m: OtlpMetric, name: string): void {
    for (const p of m.summary?.dataPoints ?? []) {
      const t = nanosToMillis(p.timeUnixNano);
      const stale = (p.flags & FLAG_NO_RECORDED_VALUE) !== 0;
      const base = this.pointLabels(p.attributes);
      this.add(base, `${name}_sum`, t, stale ? STALE_NAN : p.sum);
      this.add(base, `${name}_count`, t, stale ? STALE_NAN : p.count.toNumber());
      for (const q of p.quantileValues)
        this.add(base, name, t, stale ? STALE_NAN : q.value, { name: 'quantile', value: formatFloatPlain(q.quantile) });
    }
  }

  /**
   * target_info carries the resource's non-identifying attributes, from its earliest to its latest
   * data point, so a join finds it wherever the resource's series have samples.
   */
  private targetInfo(rm: OtlpResourceMetrics, earliest: number, latest: number): void {
    const attrs = rm.resource?.attributes ?? [];
    if (!attrs.some((a) => !IDENTIFYING.includes(a.key)) || this.identity.length === 0) return;
    const skip = this.opts.config.keepIdentifyingResourceAttributes ? undefined : IDENTIFYING;
    const base: Label[] = [...this.attributeLabels(attrs, skip)].map(([name, value]) => ({ name, value }));
    base.push(...this.identity, { name: METRIC_NAME, value: 'target_info' });
    const labels = labelsFromPairs(base);
    const key = labels.map((l) => `${l.name}\xff${l.value}`).join('\xff');
    const step = (this.opts.lookbackDeltaMs ?? DEFAULT_LOOKBACK_DELTA_MS) / 2;
    const emit = (t: number) => {
      if (this.seenTargetInfo.has(`${key}\xfe${t}`)) return;
      this.seenTargetInfo.add(`${key}\xfe${t}`);
      this.out.samples.push({ labels, t, v: 1 });
    };
    for (let t = earliest; t < latest; t += step) emit(t);
    emit(latest);
  }

  resource(rm: OtlpResourceMetrics): void {
    const metrics = rm.scopeMetrics.flatMap((sm) => sm.metrics);
    try {
      this.beginResource(rm);
    } catch (err) {
      if (!(err instanceof LabelNameError)) throw err;
      return this.skip(
        metrics.reduce((n, m) => n + pointsOf(m).length, 0),
        err.message
      );
    }
    let earliest = Infinity;
    let latest = -Infinity;
    for (const sm of rm.scopeMetrics) {
      this.scoped(
        sm.scope,
        sm.schemaUrl,
        () => {
          for (const m of sm.metrics) {
            for (const p of pointsOf(m)) {
              const t = nanosToMillis(p.timeUnixNano);
              if (t < earliest) earliest = t;
              if (t > latest) latest = t;
            }
            this.scoped(null, '', () => this.metric(m), pointsOf(m).length, false);
          }
        },
        sm.metrics.reduce((n, m) => n + pointsOf(m).length, 0)
      );
    }
    if (latest >= earliest) this.scoped(null, '', () => this.targetInfo(rm, earliest, latest), 0, false);
  }

  /**
   * Runs `body` (after switching scope when `enterScope`); a label name that cannot be built skips
   * what `body` produced, reported with the number of data points it covered.
   */
  private scoped(
    scope: OtlpScopeMetrics['scope'],
    schemaUrl: string,
    body: () => void,
    points: number,
    enterScope = true
  ): void {
    const samples = this.out.samples.length;
    const exemplars = this.out.exemplars.length;
    try {
      if (enterScope) this.beginScope(scope, schemaUrl);
      body();
    } catch (err) {
      if (!(err instanceof LabelNameError)) throw err;
      this.out.samples.length = samples;
      this.out.exemplars.length = exemplars;
      this.skip(points, err.message);
    }
  }
}

function exemplarValue(e: OtlpExemplar): number {
  return numberValue(e);
}

function pointsOf(m: OtlpMetric): { timeUnixNano: Int64 }[] {
  return (
    m.gauge?.dataPoints ??
    m.sum?.dataPoints ??
    m.histogram?.dataPoints ??
    m.summary?.dataPoints ??
    m.exponentialHistogram?.dataPoints ??
    []
  );
}

export function translateOtlp(req: OtlpExportRequest, opts: OtlpTranslateOptions): OtlpTranslation {
  const t = new Translator(opts);
  for (const rm of req.resourceMetrics) t.resource(rm);
  return t.out;
}
