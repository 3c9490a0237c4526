import * as protobuf from 'protobufjs';
import { defaultOTLPConfig } from '../../config/load';
import { labelsToRecord } from '../../model/labels';
import { isStaleNaN } from '../../model/value';
import { decodeOtlpProtobuf, encodeOtlpRequest, Int64 } from './otlpProto';
import { nanosToMillis, translateOtlp } from './otlpTranslate';

interface PlainKeyValue {
  key: string;
  value: Record<string, unknown>;
}
type PlainMetric = Record<string, unknown>;

const str = (key: string, value: string): PlainKeyValue => ({ key, value: { stringValue: value } });

function gauge(name: string, attributes: PlainKeyValue[], timeUnixNano = '1000000'): PlainMetric {
  return { name, gauge: { dataPoints: [{ attributes, timeUnixNano, asDouble: 1 }] } };
}

function request(resourceAttrs: PlainKeyValue[], metrics: PlainMetric[]) {
  return { resourceMetrics: [{ resource: { attributes: resourceAttrs }, scopeMetrics: [{ metrics }] }] };
}

/** Translates a request given in protobufjs's plain form, through its protobuf encoding. */
function translate(req: unknown, config = defaultOTLPConfig()) {
  return translateOtlp(decodeOtlpProtobuf(encodeOtlpRequest(req)), { config });
}

function seriesOf(req: unknown, config = defaultOTLPConfig()) {
  const tr = translate(req, config);
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
    const empty = seriesOf(request([], [gauge('...', []), gauge('ok', [])]));
    expect(empty.series).toEqual([{ __name__: 'ok' }]);
    expect(empty.tr.warnings).toEqual(['normalization for metric "..." resulted in empty name']);
  });

  test('target_info needs job or instance and is written once per label set and timestamp across resources', () => {
    const res = (extra: PlainKeyValue[]) => ({
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
    const m: PlainMetric = {
      name: 'h',
      histogram: {
        aggregationTemporality: 2,
        dataPoints: [{ timeUnixNano: '5000000', count: '0', bucketCounts: ['0'], explicitBounds: [1], flags: 1 }],
      },
    };
    const tr = translate(request([], [m]));
    expect(tr.samples.map((s) => labelsToRecord(s.labels).__name__)).toEqual(['h_count', 'h_bucket', 'h_bucket']);
    expect(tr.samples.every((s) => isStaleNaN(s.v) && s.t === 5)).toBe(true);
  });

  test('attribute values convert like OpenTelemetry-Go and nanoseconds truncate exactly to milliseconds', () => {
    const attrs = [
      { key: 'int', value: { intValue: '-9007199254740993' } },
      { key: 'bool', value: { boolValue: true } },
      { key: 'double', value: { doubleValue: 1e21 } },
      { key: 'array', value: { arrayValue: { values: [{ stringValue: 'a' }, { intValue: '1' }] } } },
      { key: 'bytes', value: { bytesValue: Buffer.from('hi') } },
      { key: 'empty', value: {} },
    ];
    const { series } = seriesOf(request([], [gauge('m', attrs, '1700000000123999999')]));
    expect(series).toEqual([
      {
        __name__: 'm',
        int: '-9007199254740993',
        bool: 'true',
        double: '1000000000000000000000',
        array: '["a",1]',
        bytes: 'aGk=',
      },
    ]);
    const { Long } = protobuf.util as unknown as { Long: { fromString(s: string, unsigned: boolean): Int64 } };
    const long = (s: string) => Long.fromString(s, true);
    expect(nanosToMillis(long('1700000000123999999'))).toBe(1700000000123);
    expect(nanosToMillis(long('18446744073709551615'))).toBe(18446744073709);
    expect(nanosToMillis(long('999999'))).toBe(0);
    expect(translate(request([], [gauge('m', [], '1700000000123999999')])).samples[0].t).toBe(1700000000123);
  });
});
