import { defaultOTLPConfig } from '../../config/load';
import { labelsToRecord } from '../../model/labels';
import { isStaleNaN } from '../../model/value';
import { OtlpExportRequest, OtlpKeyValue, OtlpMetric } from './otlpProto';
import { anyValueString, nanosToMillis, translateOtlp } from './otlpTranslate';

const str = (key: string, value: string): OtlpKeyValue => ({
  key,
  value: { stringValue: value, value: 'stringValue' },
});

function gauge(name: string, attributes: OtlpKeyValue[], timeUnixNano = '1000000', flags = 0): OtlpMetric {
  return {
    name,
    description: '',
    unit: '',
    gauge: {
      dataPoints: [{ attributes, timeUnixNano, asDouble: 1, value: 'asDouble', exemplars: [], flags } as never],
    },
  };
}

function request(resourceAttrs: OtlpKeyValue[], metrics: OtlpMetric[]): OtlpExportRequest {
  return {
    resourceMetrics: [
      { resource: { attributes: resourceAttrs }, scopeMetrics: [{ scope: null, metrics, schemaUrl: '' }] },
    ],
  };
}

function seriesOf(req: OtlpExportRequest, config = defaultOTLPConfig()) {
  const tr = translateOtlp(req, { config });
  return { tr, series: tr.samples.map((s) => labelsToRecord(s.labels)) };
}

describe('translateOtlp', () => {
  test('attribute keys that sanitise alike are merged with ";" in key order; job and instance win over attributes', () => {
    const { series } = seriesOf(
      request([str('service.name', 'svc')], [gauge('m', [str('a_b', '2'), str('a.b', '1'), str('job', 'mine')])])
    );
    expect(series).toEqual([{ __name__: 'm', a_b: '1;2', job: 'svc' }]);
  });

  test('data point attributes win over promoted resource attributes', () => {
    const config = { ...defaultOTLPConfig(), promoteResourceAttributes: ['region', 'zone'] };
    const { series } = seriesOf(
      request([str('region', 'eu'), str('zone', 'a')], [gauge('m', [str('region', 'us')])]),
      config
    );
    expect(series).toEqual([{ __name__: 'm', region: 'us', zone: 'a' }]);
  });

  test('promote_all_resource_attributes copies all but the ignored ones', () => {
    const config = {
      ...defaultOTLPConfig(),
      promoteAllResourceAttributes: true,
      ignoreResourceAttributes: ['host.id'],
    };
    const { series } = seriesOf(request([str('host.id', 'x'), str('k8s.pod.name', 'p')], [gauge('m', [])]), config);
    expect(series).toEqual([{ __name__: 'm', k8s_pod_name: 'p' }]);
  });

  test('a metric with an attribute key that has no label name is skipped, others are kept', () => {
    const { tr, series } = seriesOf(request([], [gauge('bad', [str('...', 'v')]), gauge('good', [])]));
    expect(series).toEqual([{ __name__: 'good' }]);
    expect(tr.warnings).toEqual(['normalization for label name "..." resulted in invalid name "___"']);
    expect(tr.rejectedDataPoints).toBe(1);
  });

  test('target_info needs job or instance and is written once per label set and timestamp across resources', () => {
    const res = (extra: OtlpKeyValue[]) => ({
      resource: { attributes: [str('service.name', 's'), ...extra] },
      scopeMetrics: [{ scope: null, schemaUrl: '', metrics: [gauge('m', [])] }],
    });
    const { series } = seriesOf({ resourceMetrics: [res([str('os', 'linux')]), res([str('os', 'linux')])] });
    expect(series.filter((s) => s.__name__ === 'target_info')).toEqual([
      { __name__: 'target_info', job: 's', os: 'linux' },
    ]);
    const anonymous = seriesOf(request([str('os', 'linux')], [gauge('m', [])]));
    expect(anonymous.series).toEqual([{ __name__: 'm' }]);
  });

  test('a histogram point without recorded value writes stale markers on every series, and no _sum when sum is unset', () => {
    const m: OtlpMetric = {
      name: 'h',
      description: '',
      unit: '',
      histogram: {
        aggregationTemporality: 2,
        dataPoints: [
          {
            attributes: [],
            timeUnixNano: '5000000',
            count: '0',
            bucketCounts: ['0'],
            explicitBounds: [1],
            exemplars: [],
            flags: 1,
          },
        ],
      },
    };
    const tr = translateOtlp(request([], [m]), { config: defaultOTLPConfig() });
    expect(tr.samples.map((s) => labelsToRecord(s.labels).__name__)).toEqual(['h_count', 'h_bucket', 'h_bucket']);
    expect(tr.samples.every((s) => isStaleNaN(s.v) && s.t === 5)).toBe(true);
  });

  test('attribute values and timestamps convert like OpenTelemetry-Go', () => {
    expect(anyValueString({ intValue: '-42', value: 'intValue' })).toBe('-42');
    expect(anyValueString({ boolValue: true, value: 'boolValue' })).toBe('true');
    expect(anyValueString({ doubleValue: 1e21, value: 'doubleValue' })).toBe('1000000000000000000000');
    expect(
      anyValueString({
        arrayValue: {
          values: [
            { stringValue: 'a', value: 'stringValue' },
            { intValue: '1', value: 'intValue' },
          ],
        },
        value: 'arrayValue',
      })
    ).toBe('["a",1]');
    expect(anyValueString({ bytesValue: Buffer.from('hi'), value: 'bytesValue' })).toBe('aGk=');
    expect(anyValueString(undefined)).toBe('');
    expect(nanosToMillis('1700000000123999999')).toBe(1700000000123);
    expect(nanosToMillis('999999')).toBe(0);
  });
});
