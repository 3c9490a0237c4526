import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { parseConfig } from '../config/load';
import { formatLabels, Labels, labelsFromRecord } from '../model/labels';
import { isStaleNaN } from '../model/value';
import { Appendable, Appender, StorageError } from '../storage/interface';
import { createLogger } from '../util/log';
import { acceptHeader, ScrapeClient } from './client';
import { ExemplarStorage } from '../storage/exemplars';
import { Matcher } from '../model/matcher';
import { goDuration, ScrapeLoop, ScrapeLoopOptions } from './loop';
import { populateTarget } from './target';

interface Stored {
  series: string;
  t: number;
  v: number;
}

/** Keeps committed samples in order; rolled-back ones never show. Rejects out-of-order samples like the TSDB. */
class RecordingStorage implements Appendable {
  samples: Stored[] = [];
  private last = new Map<string, number>();
  appender(): Appender {
    const staged: Stored[] = [];
    return {
      append: (_ref, labels: Labels, t, v) => {
        const series = formatLabels(labels);
        if (t < (this.last.get(series) ?? -Infinity)) throw new StorageError('out of order sample');
        staged.push({ series, t, v });
        return 1;
      },
      commit: async () => {
        for (const s of staged) {
          this.samples.push(s);
          this.last.set(s.series, s.t);
        }
        staged.length = 0;
      },
      rollback: () => {
        staged.length = 0;
      },
    };
  }
  values(series: string): number[] {
    return this.samples.filter((s) => s.series === series).map((s) => s.v);
  }
  last_(series: string): number | undefined {
    return this.values(series).at(-1);
  }
}

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

let server: http.Server;
let handler: Handler;
let port: number;
const logger = createLogger({ level: 'error', write: () => undefined });

beforeAll(async () => {
  server = http.createServer((req, res) => handler(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const TEXT = 'text/plain; version=0.0.4; charset=utf-8';

function serve(body: string | Buffer, contentType = TEXT, status = 200, headers: Record<string, string> = {}) {
  handler = (_req, res) => {
    res.writeHead(status, { 'content-type': contentType, ...headers });
    res.end(body);
  };
}

function makeLoop(extraConfig = '', storage = new RecordingStorage(), extraOpts: Partial<ScrapeLoopOptions> = {}) {
  const cfg = parseConfig(`scrape_configs:\n  - job_name: test\n    scrape_timeout: 500ms\n${extraConfig}`, 'test.yml')
    .scrapeConfigs[0];
  const r = populateTarget([], labelsFromRecord({ __address__: `127.0.0.1:${port}` }), cfg);
  if (r.kind !== 'target') throw new Error(r.kind);
  const client = new ScrapeClient(
    cfg.httpClient,
    acceptHeader(cfg.scrapeProtocols, cfg.metricNameValidationScheme),
    cfg.enableCompression,
    cfg.bodySizeLimit
  );
  const loop = new ScrapeLoop(
    r.target,
    storage,
    client,
    {
      honorLabels: cfg.honorLabels,
      honorTimestamps: cfg.honorTimestamps,
      trackTimestampsStaleness: cfg.trackTimestampsStaleness,
      sampleLimit: cfg.sampleLimit,
      labelLimit: cfg.labelLimit,
      labelNameLengthLimit: cfg.labelNameLengthLimit,
      labelValueLengthLimit: cfg.labelValueLengthLimit,
      metricRelabelConfigs: cfg.metricRelabelConfigs,
      fallbackScrapeProtocol: cfg.fallbackScrapeProtocol,
      validationScheme: cfg.metricNameValidationScheme,
      offsetSeed: 0n,
      ...extraOpts,
    },
    logger
  );
  return { loop, storage, client, instance: `127.0.0.1:${port}` };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('scrape loop', () => {
  test('stores samples with target labels and the synthetic series', async () => {
    serve('# TYPE a counter\n# HELP a Help.\na_total{x="1"} 5\nb 2.5\n');
    const { loop, storage, client, instance } = makeLoop();
    await loop.scrapeAndReport();
    const tl = `instance="${instance}", job="test"`;
    expect(storage.values(`a_total{${tl}, x="1"}`)).toEqual([5]);
    expect(storage.values(`b{${tl}}`)).toEqual([2.5]);
    expect(storage.values(`up{${tl}}`)).toEqual([1]);
    expect(storage.values(`scrape_samples_scraped{${tl}}`)).toEqual([2]);
    expect(storage.values(`scrape_samples_post_metric_relabeling{${tl}}`)).toEqual([2]);
    expect(storage.values(`scrape_series_added{${tl}}`)).toEqual([2]);
    expect(storage.last_(`scrape_duration_seconds{${tl}}`)).toBeGreaterThanOrEqual(0);
    expect(loop.health).toBe('up');
    expect(loop.lastError).toBe('');
    expect(loop.cache.metadata().get('a')).toEqual({ type: 'counter', help: 'Help.', unit: '' });

    // A second scrape: b vanished and gets a stale marker; a_total is not a new series.
    serve('a_total{x="1"} 6\n');
    await sleep(2);
    await loop.scrapeAndReport();
    expect(storage.values(`a_total{${tl}, x="1"}`)).toEqual([5, 6]);
    const b = storage.values(`b{${tl}}`);
    expect(b).toHaveLength(2);
    expect(isStaleNaN(b[1])).toBe(true);
    expect(storage.values(`scrape_series_added{${tl}}`)).toEqual([2, 0]);
    client.close();
  });

  test('sends Prometheus 3 request headers and reads gzip', async () => {
    let seen: http.IncomingHttpHeaders = {};
    handler = (req, res) => {
      seen = req.headers;
      res.writeHead(200, { 'content-type': TEXT, 'content-encoding': 'gzip' });
      res.end(gzipSync('g 1\n'));
    };
    const { loop, storage, client, instance } = makeLoop(
      '    basic_auth: {username: u, password: p}\n    params: {x: ["1"]}\n'
    );
    await loop.scrapeAndReport();
    expect(seen.accept).toBe(
      'application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,application/openmetrics-text;version=0.0.1;q=0.5,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2'
    );
    expect(seen['accept-encoding']).toBe('gzip');
    expect(seen['x-prometheus-scrape-timeout-seconds']).toBe('0.5');
    expect(seen['user-agent']).toMatch(/^Flint\//);
    expect(seen.authorization).toBe('Basic ' + Buffer.from('u:p').toString('base64'));
    expect(storage.values(`g{instance="${instance}", job="test"}`)).toEqual([1]);
    client.close();
  });

  const failures: Array<[string, () => void, string, string]> = [
    ['garbage', () => serve('<html>oops</html>\n'), '', 'expected a valid start token'],
    ['a truncated line', () => serve('good 1\ntrunc'), '', 'expected value after metric'],
    [
      'a body cut short',
      () => {
        handler = (_req, res) => {
          res.writeHead(200, { 'content-type': TEXT, 'content-length': '1000' });
          res.write('good 1\n');
          setTimeout(() => res.destroy(), 10);
        };
      },
      '',
      'unexpected EOF',
    ],
    ['HTTP 500', () => serve('good 1\n', TEXT, 500), '', 'server returned HTTP status 500 Internal Server Error'],
    [
      'a timeout',
      () => {
        handler = (_req, res) => {
          const t = setTimeout(() => res.end('good 1\n'), 2000);
          res.on('close', () => clearTimeout(t));
        };
      },
      '',
      'context deadline exceeded',
    ],
    ['an invalid label name', () => serve('good 1\nbad{0x="1"} 2\n'), '', 'expected label name'],
    [
      'a metric name invalid under the legacy scheme',
      () => serve('good 1\n{"a.b"} 2\n'),
      '    metric_name_validation_scheme: legacy\n',
      'invalid metric name or label names',
    ],
    ['too many samples', () => serve('good 1\nx 2\ny 3\n'), '    sample_limit: 2\n', 'sample limit exceeded'],
    [
      'a body over the size limit',
      () => serve('good 1\n' + 'x 1\n'.repeat(100)),
      '    body_size_limit: 100B\n',
      'body size limit exceeded',
    ],
    ['no Content-Type', () => serve('good 1\n', ''), '', 'non-compliant scrape target sending blank Content-Type'],
    [
      'too many labels',
      () => serve('good{a="1",b="2"} 1\n'),
      '    label_limit: 3\n',
      'label_limit exceeded (metric: good, number of labels: 5, limit: 3)',
    ],
    [
      'a long label value',
      () => serve('good{a="' + 'v'.repeat(30) + '"} 1\n'),
      '    label_value_length_limit: 20\n',
      'label_value_length_limit exceeded',
    ],
    ['a duplicate label', () => serve('good{a="1",a="2"} 1\n'), '', 'label name "a" is not unique: invalid sample'],
  ];

  test.each(failures)('a scrape with %s fails as a whole', async (_name, setup, config, message) => {
    serve('good 1\nold 1\n');
    const { loop, storage, client, instance } = makeLoop(config);
    await loop.scrapeAndReport();
    const tl = `instance="${instance}", job="test"`;
    expect(storage.values(`up{${tl}}`)).toEqual([1]);
    setup();
    await sleep(2);
    await loop.scrapeAndReport();
    expect(loop.health).toBe('down');
    expect(loop.lastError).toContain(message);
    expect(storage.values(`up{${tl}}`)).toEqual([1, 0]);
    // Nothing of the failed body was kept: both series only got their stale markers.
    for (const s of [`good{${tl}}`, `old{${tl}}`]) {
      const v = storage.values(s);
      expect(v).toHaveLength(2);
      expect(isStaleNaN(v[1])).toBe(true);
    }
    expect(storage.samples.filter((s) => ['x', 'y', 'bad', 'trunc'].includes(s.series.split('{')[0]))).toEqual([]);
    client.close();
  });

  test('honor_labels and exported_ prefixes', async () => {
    serve('m{job="theirs",instance="i"} 1\n');
    const plain = makeLoop();
    await plain.loop.scrapeAndReport();
    expect(plain.storage.samples.map((s) => s.series)).toContain(
      `m{exported_instance="i", exported_job="theirs", instance="${plain.instance}", job="test"}`
    );
    plain.client.close();
    const honoring = makeLoop('    honor_labels: true\n');
    await honoring.loop.scrapeAndReport();
    expect(honoring.storage.samples.map((s) => s.series)).toContain('m{instance="i", job="theirs"}');
    honoring.client.close();
  });

  test('empty exposed values count as absent, with or without honor_labels', async () => {
    serve('m{job="",zone="a",empty=""} 1\n');
    for (const cfg of ['', '    honor_labels: true\n']) {
      const { loop, storage, client, instance } = makeLoop(cfg);
      await loop.scrapeAndReport();
      expect(storage.samples.map((s) => s.series)).toContain(`m{instance="${instance}", job="test", zone="a"}`);
      client.close();
    }
  });

  test('honor_timestamps decides between the exposed and the scrape time', async () => {
    serve('m 1 1000\n');
    const honoring = makeLoop();
    await honoring.loop.scrapeAndReport();
    expect(honoring.storage.samples.find((s) => s.series.startsWith('m{'))?.t).toBe(1000);
    honoring.client.close();
    const ignoring = makeLoop('    honor_timestamps: false\n');
    await ignoring.loop.scrapeAndReport();
    expect(ignoring.storage.samples.find((s) => s.series.startsWith('m{'))?.t).toBeGreaterThan(1_600_000_000_000);
    ignoring.client.close();
  });

  test('metric_relabel_configs drop and rewrite series; post-relabeling count reflects it', async () => {
    serve('keep_me 1\ndrop_me 2\n');
    const { loop, storage, client, instance } = makeLoop(
      '    metric_relabel_configs:\n      - {source_labels: [__name__], regex: drop_me, action: drop}\n      - {target_label: extra, replacement: x}\n'
    );
    await loop.scrapeAndReport();
    await sleep(2);
    await loop.scrapeAndReport();
    const tl = `instance="${instance}", job="test"`;
    expect(storage.values(`keep_me{extra="x", ${tl}}`)).toEqual([1, 1]);
    expect(storage.samples.some((s) => s.series.startsWith('drop_me'))).toBe(false);
    expect(storage.values(`scrape_samples_scraped{${tl}}`)).toEqual([2, 2]);
    expect(storage.values(`scrape_samples_post_metric_relabeling{${tl}}`)).toEqual([1, 1]);
    client.close();
  });

  test('OpenMetrics bodies, with a fallback protocol for a wrong Content-Type', async () => {
    serve('# TYPE c counter\nc_total 3 1700000000.5\nc_created 1700000000\n# EOF\n', 'application/json');
    const { loop, storage, client, instance } = makeLoop('    fallback_scrape_protocol: OpenMetricsText1.0.0\n');
    await loop.scrapeAndReport();
    expect(loop.lastError).toBe('');
    const tl = `instance="${instance}", job="test"`;
    expect(storage.samples.find((s) => s.series === `c_total{${tl}}`)).toMatchObject({ t: 1700000000500, v: 3 });
    expect(storage.values(`c_created{${tl}}`)).toEqual([1700000000]);
    client.close();
  });

  test('an empty body is an empty successful scrape', async () => {
    serve('a 1\n');
    const { loop, storage, client, instance } = makeLoop();
    await loop.scrapeAndReport();
    serve('', '');
    await sleep(2);
    await loop.scrapeAndReport();
    expect(loop.health).toBe('up');
    const v = storage.values(`a{instance="${instance}", job="test"}`);
    expect(isStaleNaN(v[1])).toBe(true);
    client.close();
  });

  test('stopping a loop for a vanished target writes stale markers for its series and the synthetic ones', async () => {
    serve('a 1\n');
    const { loop, storage, client, instance } = makeLoop();
    await loop.scrapeAndReport();
    await loop.stop(true);
    const tl = `instance="${instance}", job="test"`;
    for (const s of [`a{${tl}}`, `up{${tl}}`, `scrape_series_added{${tl}}`])
      expect(isStaleNaN(storage.values(s).at(-1) as number)).toBe(true);
    client.close();
  });
});

describe('scrape loop extras', () => {
  const OM = 'application/openmetrics-text; version=1.0.0; charset=utf-8';

  test('exemplars of a committed OpenMetrics scrape go to exemplar storage; a failed scrape stores none', async () => {
    const exemplars = new ExemplarStorage(100);
    const { loop, client, instance } = makeLoop('', new RecordingStorage(), { exemplars });
    serve('# TYPE req counter\nreq_total 5 # {trace_id="abc"} 1.5 1600000000.000\nreq_created 1\n# TYPE lat histogram\nlat_bucket{le="1"} 2 # {trace_id="def"} 0.5\nlat_bucket{le="+Inf"} 2\nlat_sum 1\nlat_count 2\n# EOF\n', OM);
    await loop.scrapeAndReport();
    const all = exemplars.select(-Infinity, Infinity, [[new Matcher('=~', '__name__', '.+')]]);
    expect(all.map((r) => formatLabels(r.seriesLabels))).toEqual([
      `lat_bucket{instance="${instance}", job="test", le="1.0"}`,
      `req_total{instance="${instance}", job="test"}`,
    ]);
    expect(all[1].exemplars).toEqual([{ labels: labelsFromRecord({ trace_id: 'abc' }), value: 1.5, ts: 1_600_000_000_000 }]);
    // Without its own timestamp an exemplar takes the sample's.
    expect(Math.abs(all[0].exemplars[0].ts - loop.lastScrape)).toBeLessThan(1000);

    serve('# TYPE req counter\nreq_total 6 # {trace_id="zzz"} 2 1600000001.000\nreq_total{ garbage\n# EOF\n', OM);
    await sleep(2);
    await loop.scrapeAndReport();
    expect(loop.health).toBe('down');
    expect(exemplars.size()).toBe(2);
    client.close();
  });

  test('a scrape within the tolerance of one interval after the last gets exactly that timestamp', async () => {
    const storage = new RecordingStorage();
    const { loop, client, instance } = makeLoop('    scrape_interval: 5m\n', storage, { timestampToleranceMs: 5 });
    const series = `a{instance="${instance}", job="test"}`;
    const t0 = 1_700_000_000_000;
    const now = jest.spyOn(Date, 'now');
    try {
      serve('a 1\n');
      for (const at of [t0, t0 + 300_000 + 3, t0 + 600_000 - 4, t0 + 900_000 + 40]) {
        now.mockReturnValue(at);
        await loop.scrapeAndReport();
      }
    } finally {
      now.mockRestore();
    }
    expect(storage.samples.filter((s) => s.series === series).map((s) => s.t)).toEqual([t0, t0 + 300_000, t0 + 600_000, t0 + 900_000 + 40]);
    client.close();
  });
});

describe('scrape cache predicting the series order', () => {
  test('reordered, inserted, removed, dropped and repeated series keep their own labels and staleness', async () => {
    const { loop, storage, client, instance } = makeLoop(
      "    metric_relabel_configs:\n      - {source_labels: [__name__], regex: dropme, action: drop}\n"
    );
    const tl = `instance="${instance}", job="test"`;
    const bodies: Array<[string, string]> = [
      ['a{x="1"} 1\nb 2\ndropme 0\nc{y="2"} 3\n', TEXT],
      ['c{y="2"} 13\na{x="1"} 11\nnew 5\ndropme 0\nb 12\n', TEXT],
      ['a{x="1"} 21\nb 22\nb 99\nc{y="2"} 23\n', TEXT],
      ['garbage\n', TEXT],
      ['a{x="1"} 31\nb 32\nc{y="2"} 33\n# EOF\n', 'application/openmetrics-text; version=1.0.0'],
      ['a{x="1"} 41\nb{z="1"} 42\nc{y="2"} 43\n', TEXT],
    ];
    const added: number[] = [];
    for (const [body, type] of bodies) {
      serve(body, type);
      await sleep(2);
      await loop.scrapeAndReport();
      added.push(storage.last_(`scrape_series_added{${tl}}`) ?? -1);
    }
    const show = (series: string) => storage.values(series).map((v) => (isStaleNaN(v) ? 'stale' : v));
    expect(show(`a{${tl}, x="1"}`)).toEqual([1, 11, 21, 'stale', 31, 41]);
    expect(show(`b{${tl}}`)).toEqual([2, 12, 22, 'stale', 32, 'stale']);
    expect(show(`b{${tl}, z="1"}`)).toEqual([42]);
    expect(show(`c{${tl}, y="2"}`)).toEqual([3, 13, 23, 'stale', 33, 43]);
    expect(show(`new{${tl}}`)).toEqual([5, 'stale']);
    expect(show(`dropme{${tl}}`)).toEqual([]);
    expect(added).toEqual([3, 1, 0, 0, 0, 1]);
    client.close();
  });
});

describe('goDuration', () => {
  test.each([
    [15000, '15s'],
    [60000, '1m0s'],
    [100, '100ms'],
    [90500, '1m30.5s'],
    [3600000, '1h0m0s'],
  ])('%d ms -> %s', (ms, s) => {
    expect(goDuration(ms)).toBe(s);
  });
});
