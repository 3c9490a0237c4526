import {
  CoreApp,
  FieldType,
  type DataFrame,
  type DataQueryRequest,
  type DataQueryResponse,
  type DataSourceInstanceSettings,
  type LegacyMetricFindQueryOptions,
  type MetricFindValue,
  type ScopedVars,
  type TimeRange,
  dateTime,
  rangeUtil,
} from '@grafana/data';
import { DataSourceWithBackend, getTemplateSrv, type TemplateSrv } from '@grafana/runtime';
import { lastValueFrom, of, type Observable } from 'rxjs';
import { annotationEventsFromFrames } from './annotations';
import { AnnotationQueryEditor } from './components/AnnotationQueryEditor';
import {
  formatVariableValue,
  rangeScopedVars,
  rateIntervalScopedVars,
  type VariableShape,
  type VariableValue,
} from './interpolation';
import { FlintResourceClient, type TimeWindow } from './resourceClient';
import { DEFAULT_QUERY, DEFAULT_SCRAPE_INTERVAL, type FlintOptions, type FlintQuery } from './types';
import { parseVariableQuery, runVariableQuery, type InstantSeries } from './variableQuery';

const LAST_HOUR_MS = 60 * 60 * 1000;

function windowOf(range: TimeRange): TimeWindow {
  return { start: Math.floor(range.from.valueOf() / 1000), end: Math.ceil(range.to.valueOf() / 1000) };
}

function lastHour(): TimeRange {
  const to = dateTime();
  const from = dateTime(to.valueOf() - LAST_HOUR_MS);
  return { from, to, raw: { from: 'now-1h', to: 'now' } };
}

/** The last sample of every series frame of an instant query. */
export function instantSeriesOf(frames: DataFrame[]): InstantSeries[] {
  const series: InstantSeries[] = [];
  for (const frame of frames) {
    const time = frame.fields.find((f) => f.type === FieldType.time);
    const value = frame.fields.find((f) => f.type === FieldType.number);
    if (!time || !value || frame.length === 0) continue;
    const last = frame.length - 1;
    series.push({
      labels: { ...(value.labels ?? {}) },
      value: Number(value.values[last]),
      timeMs: Number(time.values[last]),
    });
  }
  return series;
}

export class FlintDataSource extends DataSourceWithBackend<FlintQuery, FlintOptions> {
  readonly scrapeInterval: string;
  /** The time range of the last query run, which bounds the editor's label lookups. */
  private lastRange: TimeRange | undefined;

  constructor(
    instanceSettings: DataSourceInstanceSettings<FlintOptions>,
    private readonly templateSrv: TemplateSrv = getTemplateSrv()
  ) {
    super(instanceSettings);
    this.scrapeInterval = instanceSettings.jsonData.timeInterval || DEFAULT_SCRAPE_INTERVAL;
    this.annotations = {
      QueryEditor: AnnotationQueryEditor,
      getDefaultQuery: () => ({ ...DEFAULT_QUERY, legendFormat: '' }),
      // Annotations are always evaluated over the range: one event per run of non-zero steps.
      prepareQuery: (annotation) =>
        annotation.target?.expr
          ? { ...annotation.target, range: true, instant: false, format: 'time_series' }
          : undefined,
      processEvents: (annotation, frames) =>
        of(annotation.target ? annotationEventsFromFrames(frames, annotation.target) : []),
    };
  }

  /** Label names and values through the backend's resource endpoints, over the dashboard's range. */
  resourceClient(): FlintResourceClient {
    return new FlintResourceClient(
      (path, params) => this.getResource(path, params),
      () => windowOf(this.lastRange ?? lastHour())
    );
  }

  override getDefaultQuery(_app: CoreApp): Partial<FlintQuery> {
    return DEFAULT_QUERY;
  }

  override filterQuery(query: FlintQuery): boolean {
    return !query.hide && typeof query.expr === 'string' && query.expr.trim() !== '';
  }

  override getQueryDisplayText(query: FlintQuery): string {
    return query.expr;
  }

  override query(request: DataQueryRequest<FlintQuery>): Observable<DataQueryResponse> {
    this.lastRange = request.range;
    const scopedVars: ScopedVars = {
      ...request.scopedVars,
      ...rangeScopedVars(request.range),
      ...rateIntervalScopedVars(request.intervalMs, this.scrapeInterval),
    };
    return super.query({ ...request, scopedVars });
  }

  private interpolate(text: string, scopedVars: ScopedVars): string {
    return this.templateSrv.replace(text, scopedVars, (value: VariableValue, variable: VariableShape) =>
      formatVariableValue(value, variable)
    );
  }

  override applyTemplateVariables(query: FlintQuery, scopedVars: ScopedVars): FlintQuery {
    return {
      ...query,
      expr: this.interpolate(query.expr ?? '', scopedVars),
      legendFormat:
        query.legendFormat === undefined ? undefined : this.templateSrv.replace(query.legendFormat, scopedVars),
      interval: query.interval === undefined ? undefined : this.templateSrv.replace(query.interval, scopedVars),
      exemplar: false,
    };
  }

  override interpolateVariablesInQueries(queries: FlintQuery[], scopedVars: ScopedVars): FlintQuery[] {
    return queries.map((q) => ({ ...this.applyTemplateVariables(q, scopedVars), datasource: this.getRef() }));
  }

  override async metricFindQuery(query: string, options?: LegacyMetricFindQueryOptions): Promise<MetricFindValue[]> {
    const range = options?.range ?? this.lastRange ?? lastHour();
    const scopedVars: ScopedVars = { ...options?.scopedVars, ...rangeScopedVars(range) };
    const text = this.interpolate(query, scopedVars);
    const parsed = parseVariableQuery(text) ?? { kind: 'query_result' as const, expr: text };
    const client = new FlintResourceClient(
      (path, params) => this.getResource(path, params),
      () => windowOf(range)
    );
    const values = await runVariableQuery(parsed, client, (expr) => this.instantQuery(expr, range));
    return values.map((value) => ({ text: value, value }));
  }

  private async instantQuery(expr: string, range: TimeRange): Promise<InstantSeries[]> {
    const request: DataQueryRequest<FlintQuery> = {
      app: CoreApp.Unknown,
      requestId: `flint-variable-${Date.now()}`,
      timezone: 'utc',
      range,
      interval: this.scrapeInterval,
      intervalMs: rangeUtil.intervalToMs(this.scrapeInterval),
      scopedVars: {},
      startTime: Date.now(),
      targets: [{ refId: 'variable', expr, instant: true, range: false, format: 'time_series' }],
    };
    const response = await lastValueFrom(super.query(request));
    if (response.errors && response.errors.length > 0) throw new Error(response.errors[0].message ?? 'query failed');
    return instantSeriesOf(response.data as DataFrame[]);
  }
}
