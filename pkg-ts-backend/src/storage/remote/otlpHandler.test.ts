import zlib from 'node:zlib';
import { defaultOTLPConfig } from '../../config/load';
import type { OTLPConfig } from '../../config/types';
import { Labels, labelsToRecord } from '../../model/labels';
import { Matcher } from '../../model/matcher';
import { isStaleNaN } from '../../model/value';
import { nopLogger } from '../../util/log';
import { WebServer } from '../../web/server';
import { ExemplarStorage } from '../exemplars';
import { MemoryStorage } from '../memory';
import { OTLP_METRICS_PATH, registerOtlpHandler } from './otlpHandler';
import { decodeOtlpResponse, encodeOtlpRequest } from './otlpProto';

interface Got {
  labels: Record<string, string>;
  samples: [number, number][];
}

function select(store: MemoryStorage, ...matchers: Matcher[]): Got[] {
  const q = store.querier(-Infinity, Infinity);
  try {
    return q.select(true, undefined, matchers).map((s) => {
      const samples: [number, number][] = [];
      const it = s.iterator();
      while (it.next()) samples.push([it.t(), it.v()]);
      return { labels: labelsToRecord(s.labels as Labels), samples };
    });
  } finally {
    q.close();
  }
}

const byName = (store: MemoryStorage, name: string) => select(store, new Matcher('=', '__name__', name));

const ms = (t: number) => `${t}000000`;
const str = (key: string, value: string) => ({ key, value: { stringValue: value } });

function resource(attrs: { key: string; value: unknown }[], metrics: unknown[], scope?: unknown) {
  return { resource: { attributes: attrs }, scopeMetrics: [{ scope, metrics }] };
}

const serviceAttrs = [
  str('service.name', 'checkout'),
  str('service.namespace', 'shop'),
  str('service.instance.id', 'pod-1'),
  str('host.name', 'h1'),
];

describe('OTLP receiver', () => {
  let web: WebServer;
  let store: MemoryStorage;
  let base: string;
  let enabled = true;
  let config: OTLPConfig = defaultOTLPConfig();
  const exemplars = new ExemplarStorage(100);

  beforeEach(() => {
    store = new MemoryStorage();
    config = defaultOTLPConfig();
  });

  beforeAll(async () => {
    web = new WebServer({
      listenAddress: '127.0.0.1:0',
      enableLifecycle: false,
      readTimeoutMs: 10_000,
      maxConnections: 10,
      logger: nopLogger,
    });
    registerOtlpHandler(web.router, {
      get appendable() {
        return store;
      },
      get enabled() {
        return enabled;
      },
      config: () => config,
      logger: nopLogger,
      maxBodyBytes: 1 << 20,
      maxDecodedBytes: 1 << 20,
      exemplars,
    });
    const addr = await web.listen();
    base = `http://127.0.0.1:${addr.port}${OTLP_METRICS_PATH}`;
  });
  afterAll(() => web.close());

  function post(req: unknown, headers: Record<string, string> = {}, encode: (b: Uint8Array) => Uint8Array = (b) => b) {
    return fetch(base, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-protobuf', ...headers },
      body: Buffer.from(encode(encodeOtlpRequest(req))),
    });
  }

  it('maps a gauge, a counter and a non-monotonic sum with job, instance and sanitised names', async () => {
    const res = await post({
      resourceMetrics: [
        resource(serviceAttrs, [
          {
            name: 'system.memory.utilization',
            unit: '1',
            gauge: {
              dataPoints: [{ timeUnixNano: ms(1000), asDouble: 0.25, attributes: [str('state.kind', 'used')] }],
            },
          },
          {
            name: 'http.requests',
            unit: '{request}',
            sum: {
              aggregationTemporality: 2,
              isMonotonic: true,
              dataPoints: [{ timeUnixNano: ms(1000), asInt: '7', attributes: [str('0code', '200')] }],
            },
          },
          {
            name: 'queue.size',
            sum: {
              aggregationTemporality: 2,
              isMonotonic: false,
              dataPoints: [{ timeUnixNano: '2000999999', asInt: '-3' }],
            },
          },
        ]),
      ],
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-protobuf');
    expect(decodeOtlpResponse(new Uint8Array(await res.arrayBuffer()))).toEqual({});

    expect(byName(store, 'system_memory_utilization_ratio')).toEqual([
      {
        labels: {
          __name__: 'system_memory_utilization_ratio',
          job: 'shop/checkout',
          instance: 'pod-1',
          state_kind: 'used',
        },
        samples: [[1000, 0.25]],
      },
    ]);
    expect(byName(store, 'http_requests_total')).toEqual([
      {
        labels: { __name__: 'http_requests_total', job: 'shop/checkout', instance: 'pod-1', key_0code: '200' },
        samples: [[1000, 7]],
      },
    ]);
    // Nanoseconds are truncated to the millisecond.
    expect(byName(store, 'queue_size')[0].samples).toEqual([[2000, -3]]);
  });

  it('writes target_info with the non-identifying resource attributes at every half lookback delta', async () => {
    const res = await post({
      resourceMetrics: [
        resource(serviceAttrs, [
          {
            name: 'g',
            gauge: {
              dataPoints: [
                { timeUnixNano: ms(1_000), asDouble: 1 },
                { timeUnixNano: ms(400_000), asDouble: 2 },
              ],
            },
          },
        ]),
        // Only identifying attributes: no target_info.
        resource(
          [str('service.name', 'bare')],
          [{ name: 'g', gauge: { dataPoints: [{ timeUnixNano: ms(1_000), asDouble: 3 }] } }]
        ),
      ],
    });
    expect(res.status).toBe(200);
    expect(byName(store, 'target_info')).toEqual([
      {
        labels: { __name__: 'target_info', host_name: 'h1', instance: 'pod-1', job: 'shop/checkout' },
        samples: [
          [1_000, 1],
          [151_000, 1],
          [301_000, 1],
          [400_000, 1],
        ],
      },
    ]);
    expect(
      byName(store, 'g')
        .map((s) => s.labels.job)
        .sort()
    ).toEqual(['bare', 'shop/checkout']);
  });

  it('keeps identifying attributes on target_info and promotes configured resource attributes', async () => {
    config = {
      ...defaultOTLPConfig(),
      keepIdentifyingResourceAttributes: true,
      promoteResourceAttributes: ['host.name', 'missing.attr'],
    };
    await post({
      resourceMetrics: [
        resource(serviceAttrs, [{ name: 'up.ish', gauge: { dataPoints: [{ timeUnixNano: ms(5), asDouble: 1 }] } }]),
      ],
    });
    expect(byName(store, 'target_info')[0].labels).toEqual({
      __name__: 'target_info',
      host_name: 'h1',
      instance: 'pod-1',
      job: 'shop/checkout',
      service_instance_id: 'pod-1',
      service_name: 'checkout',
      service_namespace: 'shop',
    });
    expect(byName(store, 'up_ish')[0].labels).toEqual({
      __name__: 'up_ish',
      host_name: 'h1',
      instance: 'pod-1',
      job: 'shop/checkout',
    });
  });

  it('adds scope labels only when promote_scope_metadata is set', async () => {
    const req = {
      resourceMetrics: [
        {
          resource: { attributes: [str('service.name', 's')] },
          scopeMetrics: [
            {
              scope: { name: 'io.lib', version: '1.2', attributes: [str('team', 'core')] },
              schemaUrl: 'https://opentelemetry.io/schemas/1.0',
              metrics: [{ name: 'm', gauge: { dataPoints: [{ timeUnixNano: ms(10), asDouble: 1 }] } }],
            },
          ],
        },
      ],
    };
    await post(req);
    expect(byName(store, 'm')[0].labels).toEqual({ __name__: 'm', job: 's' });
    store = new MemoryStorage();
    config = { ...defaultOTLPConfig(), promoteScopeMetadata: true };
    await post(req);
    expect(byName(store, 'm')[0].labels).toEqual({
      __name__: 'm',
      job: 's',
      otel_scope_name: 'io.lib',
      otel_scope_version: '1.2',
      otel_scope_schema_url: 'https://opentelemetry.io/schemas/1.0',
      otel_scope_team: 'core',
    });
  });

  it('turns an explicit-bucket histogram into cumulative _bucket series, _sum and _count, and files exemplars by bucket', async () => {
    const traceId = Buffer.from('0102030405060708090a0b0c0d0e0f10', 'hex');
    await post({
      resourceMetrics: [
        resource(
          [str('service.name', 'api')],
          [
            {
              name: 'http.server.duration',
              unit: 'ms',
              histogram: {
                aggregationTemporality: 2,
                dataPoints: [
                  {
                    timeUnixNano: ms(2000),
                    count: '10',
                    sum: 123.5,
                    bucketCounts: ['1', '4', '5'],
                    explicitBounds: [0.5, 100],
                    exemplars: [{ timeUnixNano: ms(1990), asDouble: 42, traceId }],
                  },
                ],
              },
            },
          ]
        ),
      ],
    });
    const buckets = byName(store, 'http_server_duration_milliseconds_bucket').map((s) => [
      s.labels.le,
      s.samples[0][1],
    ]);
    expect(buckets.sort()).toEqual([
      ['+Inf', 10],
      ['0.5', 1],
      ['100', 5],
    ]);
    expect(byName(store, 'http_server_duration_milliseconds_sum')[0].samples).toEqual([[2000, 123.5]]);
    expect(byName(store, 'http_server_duration_milliseconds_count')[0].samples).toEqual([[2000, 10]]);
    const ex = exemplars.select(0, 10_000, [
      [new Matcher('=', '__name__', 'http_server_duration_milliseconds_bucket')],
    ]);
    expect(ex).toHaveLength(1);
    expect(labelsToRecord(ex[0].seriesLabels).le).toBe('100');
    expect(ex[0].exemplars).toEqual([
      { labels: [{ name: 'trace_id', value: traceId.toString('hex') }], value: 42, ts: 1990 },
    ]);
  });

  it('turns a summary into quantile series, _sum and _count, and writes stale markers for NO_RECORDED_VALUE', async () => {
    await post({
      resourceMetrics: [
        resource(
          [str('service.name', 'db')],
          [
            {
              name: 'rpc.latency',
              unit: 's',
              summary: {
                dataPoints: [
                  {
                    timeUnixNano: ms(1000),
                    count: '3',
                    sum: 1.5,
                    quantileValues: [
                      { quantile: 0.5, value: 0.4 },
                      { quantile: 0.99, value: 0.9 },
                    ],
                  },
                  {
                    timeUnixNano: ms(2000),
                    count: '0',
                    sum: 0,
                    flags: 1,
                    quantileValues: [{ quantile: 0.5, value: 0 }],
                  },
                ],
              },
            },
            {
              name: 'temp',
              unit: 'Cel',
              gauge: {
                dataPoints: [
                  { timeUnixNano: ms(1000), asDouble: 21 },
                  { timeUnixNano: ms(2000), flags: 1 },
                ],
              },
            },
          ]
        ),
      ],
    });
    const q = byName(store, 'rpc_latency_seconds');
    expect(q.map((s) => [s.labels.quantile, s.samples[0]])).toEqual([
      ['0.5', [1000, 0.4]],
      ['0.99', [1000, 0.9]],
    ]);
    expect(isStaleNaN(q[0].samples[1][1])).toBe(true);
    expect(byName(store, 'rpc_latency_seconds_sum')[0].samples[0]).toEqual([1000, 1.5]);
    expect(isStaleNaN(byName(store, 'rpc_latency_seconds_count')[0].samples[1][1])).toBe(true);
    const temp = byName(store, 'temp_celsius')[0].samples;
    expect(temp[0]).toEqual([1000, 21]);
    expect(isStaleNaN(temp[1][1])).toBe(true);
  });

  it('skips delta and exponential histogram metrics, stores the rest and reports a partial success', async () => {
    const res = await post({
      resourceMetrics: [
        resource(
          [str('service.name', 'x')],
          [
            {
              name: 'delta.count',
              sum: { aggregationTemporality: 1, isMonotonic: true, dataPoints: [{ timeUnixNano: ms(1), asInt: '1' }] },
            },
            {
              name: 'exp',
              exponentialHistogram: {
                aggregationTemporality: 2,
                dataPoints: [
                  { timeUnixNano: ms(1), count: '1' },
                  { timeUnixNano: ms(2), count: '1' },
                ],
              },
            },
            { name: 'fine', gauge: { dataPoints: [{ timeUnixNano: ms(1), asDouble: 1 }] } },
          ]
        ),
      ],
    });
    expect(res.status).toBe(200);
    const body = decodeOtlpResponse(new Uint8Array(await res.arrayBuffer()));
    expect(body.partialSuccess?.rejectedDataPoints).toBe(3);
    expect(body.partialSuccess?.errorMessage).toContain(
      'invalid temporality and type combination for metric "delta.count"'
    );
    expect(body.partialSuccess?.errorMessage).toContain('exponential histogram "exp" dropped');
    expect(byName(store, 'fine')).toHaveLength(1);
    expect(byName(store, 'delta_count_total')).toEqual([]);
  });

  it('rejects a whole request with an out-of-order sample and writes nothing of it', async () => {
    const gauge = (name: string, t: number) => ({
      name,
      gauge: { dataPoints: [{ timeUnixNano: ms(t), asDouble: 1 }] },
    });
    expect((await post({ resourceMetrics: [resource([str('service.name', 'o')], [gauge('a', 5000)])] })).status).toBe(
      200
    );
    const res = await post({
      resourceMetrics: [resource([str('service.name', 'o')], [gauge('b', 6000), gauge('a', 1000)])],
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('out of order sample');
    expect(byName(store, 'b')).toEqual([]);
  });

  it('accepts gzip-compressed protobuf and OTLP JSON', async () => {
    const req = {
      resourceMetrics: [
        resource(
          [str('service.name', 'z')],
          [{ name: 'zipped', gauge: { dataPoints: [{ timeUnixNano: ms(7), asDouble: 7 }] } }]
        ),
      ],
    };
    const res = await post(req, { 'Content-Encoding': 'gzip' }, (b) => zlib.gzipSync(b));
    expect(res.status).toBe(200);
    expect(byName(store, 'zipped')[0].samples).toEqual([[7, 7]]);

    const json = {
      resourceMetrics: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'j' } }] },
          scopeMetrics: [
            {
              metrics: [
                {
                  name: 'json.count',
                  sum: {
                    aggregationTemporality: 'AGGREGATION_TEMPORALITY_CUMULATIVE',
                    isMonotonic: true,
                    dataPoints: [
                      {
                        timeUnixNano: '9000000',
                        asInt: '12',
                        exemplars: [{ timeUnixNano: '8000000', asInt: '1', spanId: '0a0b0c0d0e0f1011' }],
                      },
                    ],
                  },
                },
              ],
            },
          ],
        },
      ],
    };
    const jr = await fetch(base, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(json),
    });
    expect(jr.status).toBe(200);
    expect(await jr.json()).toEqual({});
    expect(byName(store, 'json_count_total')).toEqual([
      { labels: { __name__: 'json_count_total', job: 'j' }, samples: [[9, 12]] },
    ]);
    const ex = exemplars.select(0, 100, [[new Matcher('=', '__name__', 'json_count_total')]]);
    expect(ex[0].exemplars[0].labels).toEqual([{ name: 'span_id', value: '0a0b0c0d0e0f1011' }]);
  });

  it('answers 400 to bad bodies and content types, 413 to oversized ones', async () => {
    const badProto = await fetch(base, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-protobuf' },
      body: Buffer.from([0x0a, 0x05, 0x01]),
    });
    expect(badProto.status).toBe(400);
    expect(await badProto.text()).toContain('decoding protobuf');
    const badJson = await fetch(base, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"resourceMetrics": [',
    });
    expect(badJson.status).toBe(400);
    const badType = await fetch(base, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: 'x' });
    expect(badType.status).toBe(400);
    expect(await badType.text()).toBe(
      'unsupported content type: text/plain, supported: [application/json, application/x-protobuf]\n'
    );
    const badGzip = await fetch(base, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-protobuf', 'Content-Encoding': 'gzip' },
      body: 'nope',
    });
    expect(badGzip.status).toBe(400);
    const huge = await fetch(base, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-protobuf' },
      body: Buffer.alloc((1 << 20) + 10),
    });
    expect(huge.status).toBe(413);
    const bomb = await fetch(base, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-protobuf', 'Content-Encoding': 'gzip' },
      body: zlib.gzipSync(Buffer.alloc(2 << 20)),
    });
    expect(bomb.status).toBe(413);
  });

  it('answers 404 with Prometheus text when the receiver is disabled', async () => {
    enabled = false;
    try {
      const res = await post({ resourceMetrics: [] });
      expect(res.status).toBe(404);
      expect(await res.text()).toBe('otlp write receiver needs to be enabled with --web.enable-otlp-receiver\n');
    } finally {
      enabled = true;
    }
  });
});
