import { Matcher } from '../../model/matcher';
import { isStaleNaN, STALE_NAN } from '../../model/value';
import { nopLogger } from '../../util/log';
import { WebServer } from '../../web/server';
import { ExemplarStorage } from '../exemplars';
import { MemoryStorage } from '../memory';
import { snappyEncode } from './codec';
import { registerRemoteHandlers } from './handlers';
import { encodeRw2Request, parseProtoMsg, PROTO_MSG_V1, PROTO_MSG_V2, RemoteWriteProtoMsg, Rw2TimeSeries } from './rw2';

const V2_TYPE = 'application/x-protobuf;proto=io.prometheus.write.v2.Request';

function samples(store: MemoryStorage, name: string): [number, number][] {
  const q = store.querier(-Infinity, Infinity);
  const out: [number, number][] = [];
  for (const s of q.select(true, undefined, [new Matcher('=', '__name__', name)])) {
    const it = s.iterator();
    while (it.next()) out.push([it.t(), it.v()]);
  }
  q.close();
  return out;
}

/** Builds a request with a symbol table from readable series. */
function request(
  series: {
    labels: [string, string][];
    samples?: [number, number][];
    exemplars?: { labels: [string, string][]; value: number; ts: number }[];
    histograms?: { timestamp: number }[];
  }[]
) {
  const symbols = [''];
  const ref = (s: string) => {
    let i = symbols.indexOf(s);
    if (i < 0) i = symbols.push(s) - 1;
    return i;
  };
  const refs = (ls: [string, string][]) => ls.flatMap(([n, v]) => [ref(n), ref(v)]);
  const timeseries: Partial<Rw2TimeSeries>[] = series.map((s) => ({
    labelsRefs: refs(s.labels),
    samples: (s.samples ?? []).map(([timestamp, value]) => ({ timestamp, value })),
    exemplars: (s.exemplars ?? []).map((e) => ({ labelsRefs: refs(e.labels), value: e.value, timestamp: e.ts })),
    histograms: (s.histograms ?? []).map((h) => ({ timestamp: h.timestamp, countInt: 1 })),
  }));
  return Buffer.from(snappyEncode(encodeRw2Request({ symbols, timeseries })));
}

describe('Remote-Write 2.0 receiver', () => {
  let web: WebServer;
  let store: MemoryStorage;
  let base: string;
  let accepted: RemoteWriteProtoMsg[] | undefined;
  const exemplars = new ExemplarStorage(100);

  beforeEach(() => {
    store = new MemoryStorage();
    accepted = undefined;
  });

  beforeAll(async () => {
    web = new WebServer({
      listenAddress: '127.0.0.1:0',
      enableLifecycle: false,
      readTimeoutMs: 10_000,
      maxConnections: 10,
      logger: nopLogger,
    });
    registerRemoteHandlers(web.router, {
      get appendable() {
        return store;
      },
      get queryable() {
        return store;
      },
      get acceptedProtoMsgs() {
        return accepted;
      },
      enableWriteReceiver: true,
      logger: nopLogger,
      exemplars,
    });
    const addr = await web.listen();
    base = `http://127.0.0.1:${addr.port}/api/v1/write`;
  });
  afterAll(() => web.close());

  const post = (body: Buffer, headers: Record<string, string> = {}) =>
    fetch(base, {
      method: 'POST',
      headers: {
        'Content-Type': V2_TYPE,
        'Content-Encoding': 'snappy',
        'X-Prometheus-Remote-Write-Version': '2.0.0',
        ...headers,
      },
      body,
    });

  const written = (res: Response) => [
    res.headers.get('X-Prometheus-Remote-Write-Samples-Written'),
    res.headers.get('X-Prometheus-Remote-Write-Histograms-Written'),
    res.headers.get('X-Prometheus-Remote-Write-Exemplars-Written'),
  ];

  it('stores samples (stale marker bit-exact) and exemplars from symbol references and reports the counts', async () => {
    const res = await post(
      request([
        {
          labels: [
            ['__name__', 'rw2_a'],
            ['job', 'x'],
          ],
          samples: [
            [1000, 1.5],
            [2000, STALE_NAN],
          ],
          exemplars: [{ labels: [['trace_id', 'abc']], value: 1.5, ts: 1000 }],
        },
        {
          labels: [
            ['__name__', 'rw2_b'],
            ['job', 'x'],
          ],
          samples: [[1000, 3]],
        },
      ])
    );
    expect(res.status).toBe(204);
    expect(written(res)).toEqual(['3', '0', '1']);
    const a = samples(store, 'rw2_a');
    expect(a[0]).toEqual([1000, 1.5]);
    expect(isStaleNaN(a[1][1])).toBe(true);
    expect(samples(store, 'rw2_b')).toEqual([[1000, 3]]);
    const ex = exemplars.select(0, 5000, [[new Matcher('=', '__name__', 'rw2_a')]]);
    expect(ex[0].exemplars).toEqual([{ labels: [{ name: 'trace_id', value: 'abc' }], value: 1.5, ts: 1000 }]);
  });

  it('writes the good series of a partly bad request and answers 400 naming each problem', async () => {
    await post(request([{ labels: [['__name__', 'rw2_old']], samples: [[5000, 1]] }]));
    const res = await post(
      request([
        { labels: [['job', 'no_name']], samples: [[1000, 1]] },
        {
          labels: [
            ['__name__', 'rw2_dup'],
            ['a', '1'],
            ['a', '2'],
          ],
          samples: [[1000, 1]],
        },
        {
          labels: [['__name__', 'rw2_old']],
          samples: [
            [1000, 2],
            [6000, 3],
          ],
        },
        { labels: [['__name__', 'rw2_hist']], histograms: [{ timestamp: 1000 }] },
        { labels: [['__name__', 'rw2_good']], samples: [[1000, 4]] },
      ])
    );
    expect(res.status).toBe(400);
    expect(written(res)).toEqual(['2', '0', '0']);
    expect((await res.text()).trim().split('\n')).toEqual([
      'invalid metric name or labels, got {job="no_name"}',
      'invalid labels for series, labels {__name__="rw2_dup", a="1", a="2"}, duplicated label a',
      'out of order sample for series {__name__="rw2_old"}',
      'native histograms are not supported for series {__name__="rw2_hist"}',
    ]);
    expect(samples(store, 'rw2_old')).toEqual([
      [5000, 1],
      [6000, 3],
    ]);
    expect(samples(store, 'rw2_good')).toEqual([[1000, 4]]);
  });

  it('answers 400 to a dangling symbol reference and writes nothing', async () => {
    const body = Buffer.from(
      snappyEncode(
        encodeRw2Request({
          symbols: ['', '__name__'],
          timeseries: [{ labelsRefs: [1, 7], samples: [{ timestamp: 1, value: 1 }] }],
        })
      )
    );
    const res = await post(body);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('symbol reference 7 out of range');
  });

  it('answers 415 with Prometheus text to unknown messages, media types, encodings and messages not accepted', async () => {
    const body = request([{ labels: [['__name__', 'x']], samples: [[1, 1]] }]);
    const unknown = await post(body, { 'Content-Type': 'application/x-protobuf;proto=io.prometheus.write.v3.Request' });
    expect(unknown.status).toBe(415);
    expect(await unknown.text()).toBe(
      'got application/x-protobuf;proto=io.prometheus.write.v3.Request content type; unknown remote write protobuf message io.prometheus.write.v3.Request, supported: prometheus.WriteRequest, io.prometheus.write.v2.Request\n'
    );
    const media = await post(body, { 'Content-Type': 'application/json' });
    expect(media.status).toBe(415);
    expect(await media.text()).toBe(
      'expected application/x-protobuf as the first (media) part, got application/json content-type\n'
    );
    const gzip = await post(body, { 'Content-Encoding': 'gzip' });
    expect(gzip.status).toBe(415);
    expect(await gzip.text()).toBe(
      'gzip encoding (compression) is not accepted by this server; only snappy is acceptable\n'
    );
    accepted = [PROTO_MSG_V1];
    const refused = await post(body);
    expect(refused.status).toBe(415);
    expect(await refused.text()).toBe(
      'io.prometheus.write.v2.Request protobuf message is not accepted by this server; accepted [prometheus.WriteRequest]\n'
    );
    expect(samples(store, 'x')).toEqual([]);
  });
});

describe('parseProtoMsg', () => {
  test('an empty or parameterless protobuf type is 1.0; proto= selects the message', () => {
    expect(parseProtoMsg(undefined)).toBe(PROTO_MSG_V1);
    expect(parseProtoMsg('application/x-protobuf')).toBe(PROTO_MSG_V1);
    expect(parseProtoMsg('application/x-protobuf;proto=prometheus.WriteRequest')).toBe(PROTO_MSG_V1);
    expect(parseProtoMsg('application/x-protobuf;proto=io.prometheus.write.v2.Request')).toBe(PROTO_MSG_V2);
    expect(() => parseProtoMsg('application/x-protobuf;proto')).toThrow(
      'expected parameters to be key-values, got proto in'
    );
  });
});
