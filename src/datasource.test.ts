import {
  CoreApp,
  FieldType,
  createDataFrame,
  dateTime,
  type DataQueryRequest,
  type DataSourceInstanceSettings,
} from '@grafana/data';
import { DataSourceWithBackend } from '@grafana/runtime';
import { of } from 'rxjs';
import { FlintDataSource, instantSeriesOf } from './datasource';
import { fakeTemplateSrv } from './test/fakeTemplateSrv';
import type { FlintOptions, FlintQuery } from './types';

function settings(jsonData: FlintOptions = {}): DataSourceInstanceSettings<FlintOptions> {
  return {
    id: 1,
    uid: 'flint',
    type: 'flintlabs-flint-datasource',
    name: 'Flint',
    access: 'proxy',
    readOnly: false,
    jsonData,
    meta: { id: 'flintlabs-flint-datasource' } as DataSourceInstanceSettings['meta'],
  };
}

const range = () => {
  const from = dateTime(1_700_000_000_000);
  const to = dateTime(1_700_000_600_000);
  return { from, to, raw: { from, to } };
};

function request(targets: FlintQuery[], intervalMs = 30_000): DataQueryRequest<FlintQuery> {
  return {
    app: CoreApp.Dashboard,
    requestId: 'r',
    timezone: 'utc',
    range: range(),
    interval: `${intervalMs / 1000}s`,
    intervalMs,
    scopedVars: { __interval: { text: `${intervalMs / 1000}s`, value: `${intervalMs / 1000}s` } },
    startTime: 0,
    targets,
  };
}

describe('FlintDataSource', () => {
  afterEach(() => jest.restoreAllMocks());

  test('applyTemplateVariables fills variables, escaping multi-value ones as regex', () => {
    const ds = new FlintDataSource(
      settings(),
      fakeTemplateSrv([
        { name: 'job', value: ['api.v1', 'web'], multi: true },
        { name: 'instance', value: 'h:9100' },
      ])
    );
    const query = ds.applyTemplateVariables(
      {
        refId: 'A',
        expr: 'rate(x{job=~"$job",instance="${instance}"}[$__interval])',
        legendFormat: '{{job}} $instance',
        exemplar: true,
      },
      { __interval: { text: '30s', value: '30s' } }
    );
    expect(query.expr).toBe('rate(x{job=~"(api\\\\.v1|web)",instance="h:9100"}[30s])');
    expect(query.legendFormat).toBe('{{job}} h:9100');
    expect(query.exemplar).toBe(false);
  });

  test('query adds $__range and $__rate_interval from the request and the scrape interval', () => {
    const ds = new FlintDataSource(settings({ timeInterval: '10s' }), fakeTemplateSrv());
    const sent = jest.spyOn(DataSourceWithBackend.prototype, 'query').mockReturnValue(of({ data: [] }));
    ds.query(request([{ refId: 'A', expr: 'rate(x[$__rate_interval]) / $__range_s' }]));
    const scoped = sent.mock.calls[0][0].scopedVars;
    expect(scoped.__rate_interval?.value).toBe('40s');
    expect(scoped.__range?.value).toBe('600s');
    expect(ds.applyTemplateVariables({ refId: 'A', expr: 'rate(x[$__rate_interval]) / $__range_s' }, scoped).expr).toBe(
      'rate(x[40s]) / 600'
    );
  });

  test('empty and hidden queries are not sent; history shows the expression', () => {
    const ds = new FlintDataSource(settings(), fakeTemplateSrv());
    expect(ds.filterQuery({ refId: 'A', expr: '  ' })).toBe(false);
    expect(ds.filterQuery({ refId: 'A', expr: 'up', hide: true })).toBe(false);
    expect(ds.filterQuery({ refId: 'A', expr: 'up' })).toBe(true);
    expect(ds.getQueryDisplayText({ refId: 'A', expr: 'sum(up)' })).toBe('sum(up)');
  });

  test('metricFindQuery answers label_values through the resource endpoints', async () => {
    const ds = new FlintDataSource(settings(), fakeTemplateSrv([{ name: 'metric', value: 'up' }]));
    const getResource = jest.spyOn(ds, 'getResource').mockResolvedValue({ status: 'success', data: ['a', 'b'] });
    const values = await ds.metricFindQuery('label_values($metric, job)', { range: range() });
    expect(values).toEqual([
      { text: 'a', value: 'a' },
      { text: 'b', value: 'b' },
    ]);
    expect(getResource).toHaveBeenCalledWith('api/v1/label/job/values', {
      start: '1700000000',
      end: '1700000600',
      limit: '10000',
      'match[]': '{__name__="up"}',
    });
  });

  test('metricFindQuery runs query_result (and plain expressions) as instant queries', async () => {
    const ds = new FlintDataSource(settings(), fakeTemplateSrv());
    const frame = createDataFrame({
      fields: [
        { name: 'Time', type: FieldType.time, values: [1000, 2000] },
        { name: 'Value', type: FieldType.number, values: [3, 4], labels: { __name__: 'up', job: 'x' } },
      ],
    });
    const sent = jest.spyOn(DataSourceWithBackend.prototype, 'query').mockReturnValue(of({ data: [frame] }));
    await expect(ds.metricFindQuery('query_result(up)')).resolves.toEqual([
      { text: 'up{job="x"} 4 2000', value: 'up{job="x"} 4 2000' },
    ]);
    expect(sent.mock.calls[0][0].targets[0]).toMatchObject({ expr: 'up', instant: true, range: false });
    await ds.metricFindQuery('sum(up)');
    expect(sent.mock.calls[1][0].targets[0].expr).toBe('sum(up)');
  });

  test('query errors reach the variable editor', async () => {
    const ds = new FlintDataSource(settings(), fakeTemplateSrv());
    jest
      .spyOn(DataSourceWithBackend.prototype, 'query')
      .mockReturnValue(of({ data: [], errors: [{ message: 'bad_data: parse error' }] }));
    await expect(ds.metricFindQuery('query_result(up[)')).rejects.toThrow('parse error');
  });

  test('annotations are range queries turned into events', async () => {
    const ds = new FlintDataSource(settings(), fakeTemplateSrv());
    const support = ds.annotations!;
    const anno = {
      name: 'a',
      enable: true,
      iconColor: 'red',
      target: { refId: 'Anno', expr: 'ALERTS', instant: true },
    };
    expect(support.prepareQuery!(anno)).toMatchObject({ expr: 'ALERTS', range: true, instant: false });
    expect(support.prepareQuery!({ ...anno, target: { refId: 'Anno', expr: '' } })).toBeUndefined();
    const frame = createDataFrame({
      fields: [
        { name: 'Time', type: FieldType.time, values: [1000], config: { interval: 1000 } },
        { name: 'Value', type: FieldType.number, values: [1], labels: { alertname: 'X' } },
      ],
    });
    const events = await new Promise((resolve) => support.processEvents!(anno, [frame]).subscribe(resolve));
    expect(events).toEqual([expect.objectContaining({ time: 1000, title: '{alertname="X"}' })]);
  });
});

test('instantSeriesOf takes the last sample of each frame', () => {
  const frame = createDataFrame({
    fields: [
      { name: 'Time', type: FieldType.time, values: [1, 2] },
      { name: 'Value', type: FieldType.number, values: [5, 6], labels: { a: 'b' } },
    ],
  });
  expect(instantSeriesOf([frame, createDataFrame({ fields: [] })])).toEqual([
    { labels: { a: 'b' }, value: 6, timeMs: 2 },
  ]);
});
