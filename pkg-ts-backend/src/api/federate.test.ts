import { labelsFromRecord } from '../model/labels';
import { STALE_NAN } from '../model/value';
import { MemoryStorage } from '../storage/memory';
import { escapeName, FEDERATE_CONTENT_TYPE, renderFederation } from './federate';
import { appendSamples, baseDeps, startApiServer, TestServer } from './testing/server';

const NOW = 10_000_000;

describe('/federate', () => {
  let server: TestServer;

  beforeAll(async () => {
    const storage = new MemoryStorage();
    await appendSamples(storage, [
      [{ __name__: 'up', job: 'api', instance: 'a:1' }, [[NOW - 120_000, 0], [NOW - 60_000, 1]]],
      [{ __name__: 'up', job: 'db', instance: 'b:1', env: 'prod' }, [[NOW - 30_000, 1e6]]],
      [{ __name__: 'http_requests_total', job: 'api', path: '/a"b\\c\nd' }, [[NOW - 10_000, 0.00001]]],
      [{ __name__: 'old', job: 'api' }, [[NOW - 600_000, 1]]],
      [{ __name__: 'stale', job: 'api' }, [[NOW - 60_000, 1], [NOW - 30_000, STALE_NAN]]],
      [{ __name__: 'future', job: 'api' }, [[NOW + 60_000, 1]]],
    ]);
    server = await startApiServer(baseDeps(storage, { now: () => NOW, externalLabels: () => labelsFromRecord({ env: 'dev', region: 'eu' }) }));
  });
  afterAll(() => server.close());

  it('writes the latest sample per series as text, with external labels and instance', async () => {
    const res = await fetch(`${server.base}/federate?match[]=up&match[]=${encodeURIComponent('{job="api"}')}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(FEDERATE_CONTENT_TYPE);
    expect(await res.text()).toBe(
      [
        '# TYPE http_requests_total untyped',
        `http_requests_total{job="api",path="/a\\"b\\\\c\\nd",env="dev",instance="",region="eu"} 1e-05 ${NOW - 10_000}`,
        '# TYPE up untyped',
        `up{env="prod",instance="b:1",job="db",region="eu"} 1e+06 ${NOW - 30_000}`,
        `up{instance="a:1",job="api",env="dev",region="eu"} 1 ${NOW - 60_000}`,
        '',
      ].join('\n')
    );
  });

  it('escapes UTF-8 names to legacy ones with underscores', () => {
    expect(escapeName('my.metric')).toBe('my_metric');
    expect(escapeName('1abc')).toBe('_abc');
    expect(escapeName('ok_name:x')).toBe('ok_name:x');
    expect(renderFederation([{ labels: labelsFromRecord({ __name__: 'a.b', 'c-d': 'v' }), t: 5, v: 1 }], [])).toBe('# TYPE a_b untyped\na_b{c_d="v",instance=""} 1 5\n');
  });

  it('answers an empty body without match[] and 400 for a bad selector', async () => {
    const empty = await fetch(`${server.base}/federate`);
    expect(empty.status).toBe(200);
    expect(await empty.text()).toBe('');
    const bad = await fetch(`${server.base}/federate?match[]=%7B`);
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/parse error/);
  });
});
