import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AlertmanagerConfig } from '../config/types';
import { labelsFromRecord } from '../model/labels';
import { compileAnchored } from '../model/regex';
import type { RelabelConfig } from '../relabel/relabel';
import { defaultHttpClientConfig } from '../util/httpclient';
import { createLogger } from '../util/log';
import { notificationsDroppedTotal, registry } from '../util/metrics';
import type { NotifierAlert } from './alert';
import { Notifier } from './notifier';

const logger = createLogger({ level: 'error', write: () => undefined });

interface FakeAlertmanager {
  server: Server;
  port: number;
  requests: { path: string; body: unknown[]; authorization?: string }[];
  status: number;
}

async function fakeAlertmanager(): Promise<FakeAlertmanager> {
  const am: FakeAlertmanager = { server: createServer(), port: 0, requests: [], status: 200 };
  am.server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      am.requests.push({ path: req.url ?? '', body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown[], ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) });
      res.statusCode = am.status;
      res.end();
    });
  });
  await new Promise<void>((r) => am.server.listen(0, '127.0.0.1', r));
  am.port = (am.server.address() as AddressInfo).port;
  return am;
}

function amConfig(targets: string[], extra: Partial<AlertmanagerConfig> = {}): AlertmanagerConfig {
  return {
    scheme: 'http',
    pathPrefix: '',
    timeoutMs: 2000,
    apiVersion: 'v2',
    httpClient: defaultHttpClientConfig(),
    serviceDiscovery: [{ kind: 'static', groups: [{ targets, labels: [] }] }],
    relabelConfigs: [],
    alertRelabelConfigs: [],
    ...extra,
  };
}

function dropWhere(label: string, value: string): RelabelConfig {
  return { sourceLabels: [label], separator: ';', regex: compileAnchored(value), modulus: 0, targetLabel: '', replacement: '$1', action: 'drop' };
}

function alert(name: string, extra: Record<string, string> = {}): NotifierAlert {
  return { labels: labelsFromRecord({ alertname: name, ...extra }), annotations: labelsFromRecord({ summary: `${name} happened` }), startsAt: Date.UTC(2024, 0, 1), endsAt: Date.UTC(2024, 0, 1, 0, 4), generatorURL: 'http://flint/graph?g0.expr=up&g0.tab=1' };
}

async function until(cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('Notifier', () => {
  let am: FakeAlertmanager;
  let notifier: Notifier;
  beforeEach(async () => {
    am = await fakeAlertmanager();
  });
  afterEach(async () => {
    await notifier?.stop();
    am.server.close();
  });

  test('posts alerts with external labels to /api/v2/alerts under the path prefix', async () => {
    notifier = new Notifier({ logger, queueCapacity: 10000, externalLabels: labelsFromRecord({ cluster: 'c1', alertname: 'ignored' }), discoveryUpdateIntervalMs: 0 });
    notifier.applyConfig([amConfig([`127.0.0.1:${am.port}`], { pathPrefix: '/am' })], []);
    await until(() => notifier.alertmanagers().active.length === 1);
    expect(notifier.alertmanagers()).toEqual({ active: [`http://127.0.0.1:${am.port}/am/api/v2/alerts`], dropped: [] });
    notifier.send([alert('A')]);
    await until(() => am.requests.length === 1);
    expect(am.requests[0]).toEqual({
      path: '/am/api/v2/alerts',
      body: [
        {
          labels: { alertname: 'A', cluster: 'c1' },
          annotations: { summary: 'A happened' },
          startsAt: '2024-01-01T00:00:00.000Z',
          endsAt: '2024-01-01T00:04:00.000Z',
          generatorURL: 'http://flint/graph?g0.expr=up&g0.tab=1',
        },
      ],
    });
    await until(() => notifier.metrics().sent[`http://127.0.0.1:${am.port}/am/api/v2/alerts`] === 1);
  });

  test('sends the configured credentials', async () => {
    notifier = new Notifier({ logger, queueCapacity: 10000, externalLabels: [], discoveryUpdateIntervalMs: 0 });
    const withAuth = (httpClient: AlertmanagerConfig['httpClient']) => amConfig([`127.0.0.1:${am.port}`], { httpClient });
    notifier.applyConfig(
      [
        withAuth({ ...defaultHttpClientConfig(), basicAuth: { username: 'u', password: 'p' } }),
        withAuth({ ...defaultHttpClientConfig(), authorization: { type: 'Bearer', credentials: 'tok' } }),
      ],
      []
    );
    await until(() => notifier.metrics().alertmanagersDiscovered === 2);
    notifier.send([alert('A')]);
    await until(() => am.requests.length === 2);
    expect(am.requests.map((r) => r.authorization).sort()).toEqual(['Basic ' + Buffer.from('u:p').toString('base64'), 'Bearer tok']);
  });

  test('a reload can replace the external labels', async () => {
    notifier = new Notifier({ logger, queueCapacity: 10000, externalLabels: labelsFromRecord({ cluster: 'old' }), discoveryUpdateIntervalMs: 0 });
    notifier.applyConfig([amConfig([`127.0.0.1:${am.port}`])], [], '.', labelsFromRecord({ cluster: 'new', region: 'r' }));
    await until(() => notifier.alertmanagers().active.length === 1);
    notifier.send([alert('A')]);
    await until(() => am.requests.length === 1);
    expect((am.requests[0].body[0] as { labels: Record<string, string> }).labels).toEqual({ alertname: 'A', cluster: 'new', region: 'r' });
  });

  test('batches at most 256 alerts per request', async () => {
    notifier = new Notifier({ logger, queueCapacity: 10000, externalLabels: [], discoveryUpdateIntervalMs: 0 });
    notifier.send(Array.from({ length: 600 }, (_, i) => alert(`A${i}`)));
    notifier.applyConfig([amConfig([`127.0.0.1:${am.port}`])], []);
    await until(() => am.requests.reduce((n, r) => n + r.body.length, 0) === 600);
    expect(am.requests.map((r) => r.body.length)).toEqual([256, 256, 88]);
  });

  test('global and per-Alertmanager alert relabeling drop alerts', async () => {
    notifier = new Notifier({ logger, queueCapacity: 10000, externalLabels: [], discoveryUpdateIntervalMs: 0 });
    notifier.applyConfig([amConfig([`127.0.0.1:${am.port}`], { alertRelabelConfigs: [dropWhere('team', 'b')] })], [dropWhere('severity', 'none')]);
    await until(() => notifier.alertmanagers().active.length === 1);
    notifier.send([alert('keep'), alert('dropGlobal', { severity: 'none' }), alert('dropLocal', { team: 'b' })]);
    await until(() => am.requests.length === 1);
    expect((am.requests[0].body as { labels: { alertname: string } }[]).map((a) => a.labels.alertname)).toEqual(['keep']);
  });

  test('target relabeling can drop an Alertmanager', async () => {
    notifier = new Notifier({ logger, queueCapacity: 10000, externalLabels: [], discoveryUpdateIntervalMs: 0 });
    notifier.applyConfig([amConfig(['a:9093', 'b:9093'], { relabelConfigs: [dropWhere('__address__', 'b:9093')] })], []);
    await until(() => notifier.alertmanagers().active.length === 1);
    expect(notifier.alertmanagers()).toEqual({ active: ['http://a:9093/api/v2/alerts'], dropped: ['http://b:9093/api/v2/alerts'] });
  });

  test('stop sends what is still queued', async () => {
    notifier = new Notifier({ logger, queueCapacity: 10000, externalLabels: [], discoveryUpdateIntervalMs: 0 });
    notifier.applyConfig([amConfig([`127.0.0.1:${am.port}`])], []);
    await until(() => notifier.alertmanagers().active.length === 1);
    notifier.send(Array.from({ length: 300 }, (_, i) => alert(`A${i}`)));
    await notifier.stop();
    expect(am.requests.reduce((n, r) => n + r.body.length, 0)).toBe(300);
    expect(notifier.metrics().queueLength).toBe(0);
  });

  test('a full queue drops the oldest alerts and counts them', async () => {
    notifier = new Notifier({ logger, queueCapacity: 3, externalLabels: [] });
    notifier.send([alert('1'), alert('2')]);
    notifier.send([alert('3'), alert('4'), alert('5')]);
    expect(notifier.metrics()).toMatchObject({ dropped: 2, queueLength: 3, queueCapacity: 3 });
    notifier.send([alert('6'), alert('7'), alert('8'), alert('9')]);
    expect(notifier.metrics()).toMatchObject({ dropped: 6, queueLength: 3 });
  });

  test('failed requests are retried, then counted as errors and dropped', async () => {
    notifier = new Notifier({ logger, queueCapacity: 100, externalLabels: [], retryDelaysMs: [10, 10], discoveryUpdateIntervalMs: 0 });
    am.status = 500;
    const droppedBefore = (await notificationsDroppedTotal.get()).values[0]?.value ?? 0;
    notifier.applyConfig([amConfig([`127.0.0.1:${am.port}`])], []);
    await until(() => notifier.alertmanagers().active.length === 1);
    notifier.send([alert('A'), alert('B')]);
    await until(() => notifier.metrics().dropped === 2);
    expect(am.requests).toHaveLength(3);
    const url = `http://127.0.0.1:${am.port}/api/v2/alerts`;
    expect(notifier.metrics().errors).toEqual({ [url]: 2 });
    const text = await registry.metrics();
    expect(text).toContain(`flint_notifications_errors_total{alertmanager="${url}"} 2`);
    expect((await notificationsDroppedTotal.get()).values[0].value - droppedBefore).toBe(2);
    expect(text).toContain('flint_notifications_queue_capacity 100');
  });
});
