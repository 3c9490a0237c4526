import { Matcher } from '../../model/matcher';
import { isStaleNaN, STALE_NAN } from '../../model/value';
import { nopLogger } from '../../util/log';
import { WebServer } from '../../web/server';
import { ExemplarStorage } from '../exemplars';
import { MemoryStorage } from '../memory';
import { snappyDecode, snappyEncode } from './codec';
import { encodeOtlpRequest } from './otlpProto';
import { decodeReadResponse, encodeReadRequest, encodeWriteRequest, PbWriteRequest } from './prompb';

function samples(store: MemoryStorage, name: string): [number, number][] {
  const q = store.querier(-Infinity, Infinity);
  const out: [number, number][] = [];
  for (const s of q.select(true, undefined, [new Matcher('=', '__name__', name)])) {
    const it = s.iterator();
    while (it.next()) out.push([it.t(), it.v()]);
  }
  return out;
}

describe('remote storage handlers', () => {
  let web: WebServer;
  let store: MemoryStorage;
  let base: string;
  let enable = true;
  let enableOtlp = false;
  const exemplars = new ExemplarStorage(100);

  beforeAll(async () => {
    store = new MemoryStorage();
    web = new WebServer({ listenAddress: '127.0.0.1:0', enableLifecycle: false, readTimeoutMs: 10_000, maxConnections: 10, logger: nopLogger });
    const { registerRemoteHandlers } = await import('./handlers');
    const opts = { appendable: store, queryable: store, logger: nopLogger, maxBodyBytes: 1 << 20, maxDecodedBytes: 1 << 20, exemplars, get enableWriteReceiver() { return enable; }, get enableOtlpReceiver() { return enableOtlp; } };
    registerRemoteHandlers(web.router, opts);
    const addr = await web.listen();
    base = `http://127.0.0.1:${addr.port}`;
  });
  afterAll(() => web.close());

  function write(req: PbWriteRequest) {
    return fetch(`${base}/api/v1/write`, {
      method: 'POST',
      headers: { 'Content-Encoding': 'snappy', 'Content-Type': 'application/x-protobuf', 'X-Prometheus-Remote-Write-Version': '0.1.0' },
      body: Buffer.from(snappyEncode(encodeWriteRequest(req))),
    });
  }

  it('stores written samples, the stale marker bit-exact, and serves them back over remote read', async () => {
    const res = await write({
      timeseries: [
        { labels: [{ name: '__name__', value: 'rw_a' }, { name: 'job', value: 'x' }], samples: [{ timestamp: 1000, value: 1.5 }, { timestamp: 2000, value: STALE_NAN }] },
      ],
    });
    expect(res.status).toBe(204);
    const got = samples(store, 'rw_a');
    expect(got[0]).toEqual([1000, 1.5]);
    expect(isStaleNaN(got[1][1])).toBe(true);

    const rr = await fetch(`${base}/api/v1/read`, {
      method: 'POST',
      headers: { 'Content-Encoding': 'snappy', 'Content-Type': 'application/x-protobuf', 'X-Prometheus-Remote-Read-Version': '0.1.0' },
      body: Buffer.from(snappyEncode(encodeReadRequest({ queries: [{ startTimestampMs: 0, endTimestampMs: 1500, matchers: [{ type: 0, name: '__name__', value: 'rw_a' }] }] }))),
    });
    expect(rr.status).toBe(200);
    const body = decodeReadResponse(snappyDecode(new Uint8Array(await rr.arrayBuffer()), 1 << 20));
    expect(body.results[0].timeseries).toEqual([
      { labels: [{ name: '__name__', value: 'rw_a' }, { name: 'job', value: 'x' }], samples: [{ timestamp: 1000, value: 1.5 }], exemplars: [], histograms: [] },
    ]);
  });

  it('stores received exemplars after the samples and drops rejected ones without failing the request', async () => {
    const series = [{ name: '__name__', value: 'rw_ex_bucket' }, { name: 'le', value: '1' }];
    const ex = (trace: string, value: number, timestamp: number) => ({ labels: [{ name: 'trace_id', value: trace }], value, timestamp });
    const res = await write({
      timeseries: [{ labels: series, samples: [{ timestamp: 3000, value: 4 }], exemplars: [ex('abc', 0.5, 2900), ex('old', 0.1, 100)] }],
    });
    expect(res.status).toBe(204);
    const got = exemplars.select(0, 10_000, [[new Matcher('=', '__name__', 'rw_ex_bucket')]]);
    expect(got).toEqual([{ seriesLabels: series, exemplars: [{ labels: [{ name: 'trace_id', value: 'abc' }], value: 0.5, ts: 2900 }] }]);
  });

  it('rejects a whole request with an out-of-order sample and writes nothing of it', async () => {
    const res = await write({
      timeseries: [
        { labels: [{ name: '__name__', value: 'rw_b' }], samples: [{ timestamp: 5000, value: 1 }] },
        { labels: [{ name: '__name__', value: 'rw_a' }, { name: 'job', value: 'x' }], samples: [{ timestamp: 500, value: 9 }] },
      ],
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('out of order sample');
    expect(samples(store, 'rw_b')).toEqual([]);
  });

  it('answers 400 to a malformed snappy or protobuf body', async () => {
    const bad1 = await fetch(`${base}/api/v1/write`, { method: 'POST', body: Buffer.from([0x05, 0xff, 0xff, 0xff]) });
    expect(bad1.status).toBe(400);
    const bad2 = await fetch(`${base}/api/v1/write`, { method: 'POST', body: Buffer.from(snappyEncode(Buffer.from([0x0a, 0x05, 0x01]))) });
    expect(bad2.status).toBe(400);
  });

  it('answers 413 to an oversized body', async () => {
    const res = await fetch(`${base}/api/v1/write`, { method: 'POST', body: Buffer.alloc((1 << 20) + 10) });
    expect(res.status).toBe(413);
  });

  it('answers 404 with Prometheus text when the receiver is disabled', async () => {
    enable = false;
    try {
      const res = await write({ timeseries: [] });
      expect(res.status).toBe(404);
      expect(await res.text()).toContain('--web.enable-remote-write-receiver');
    } finally {
      enable = true;
    }
  });

  it('serves the OTLP receiver beside remote write, off unless enabled, with the default otlp config', async () => {
    const body = Buffer.from(
      encodeOtlpRequest({
        resourceMetrics: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'o' } }] }, scopeMetrics: [{ metrics: [{ name: 'otlp.up', unit: 's', gauge: { dataPoints: [{ timeUnixNano: '9000000000', asDouble: 1 }] } }] }] }],
      })
    );
    const post = () => fetch(`${base}/api/v1/otlp/v1/metrics`, { method: 'POST', headers: { 'Content-Type': 'application/x-protobuf' }, body });
    expect((await post()).status).toBe(404);
    enableOtlp = true;
    try {
      expect((await post()).status).toBe(200);
      expect(samples(store, 'otlp_up_seconds')).toEqual([[9000, 1]]);
    } finally {
      enableOtlp = false;
    }
  });
});
