// Rules -> notifier -> Debian's real prometheus-alertmanager on 127.0.0.1: an alert fires and
// shows up with its labels and annotations, resolves and disappears, and survives Alertmanager
// going down and coming back (re-sent within the resend delay).
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AlertmanagerConfig } from '../config/types';
import { labelsFromRecord } from '../model/labels';
import type { Sample } from '../promql/value';
import { RuleManager } from '../rules/manager';
import { quietLogger, selectorQuery } from '../rules/testutil';
import { MemoryStorage } from '../storage/memory';
import { defaultHttpClientConfig } from '../util/httpclient';
import { Notifier } from './notifier';

const ALERTMANAGER = '/usr/bin/prometheus-alertmanager';

interface AmAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
  status: { state: string };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch {
      // not ready yet
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

class AlertmanagerProcess {
  private proc: ChildProcess | null = null;
  private dir = '';
  constructor(readonly port: number) {}

  async start(): Promise<void> {
    this.dir = mkdtempSync(join(tmpdir(), 'flint-am-'));
    const config = join(this.dir, 'alertmanager.yml');
    writeFileSync(config, "route:\n  receiver: devnull\n  group_wait: 1s\nreceivers:\n- name: devnull\n");
    this.proc = spawn(ALERTMANAGER, [`--web.listen-address=127.0.0.1:${this.port}`, `--storage.path=${join(this.dir, 'data')}`, `--config.file=${config}`, '--cluster.listen-address='], { stdio: 'ignore' });
    await waitFor('alertmanager ready', async () => ((await fetch(`http://127.0.0.1:${this.port}/-/ready`)).ok ? true : undefined), 20_000);
  }

  async stop(): Promise<void> {
    const p = this.proc;
    this.proc = null;
    if (p && p.exitCode === null) {
      const exited = new Promise((r) => p.once('exit', r));
      p.kill('SIGTERM');
      await exited;
    }
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }

  async alerts(): Promise<AmAlert[]> {
    const res = await fetch(`http://127.0.0.1:${this.port}/api/v2/alerts`);
    return (await res.json()) as AmAlert[];
  }
}

const RULES = `groups:
- name: interop
  interval: 1s
  rules:
  - alert: DiskFull
    expr: disk_used_ratio > 0.9
    labels:
      severity: page
    annotations:
      summary: "{{ $labels.instance }} disk at {{ $value | humanizePercentage }}"
`;

describe('notifier with a real Alertmanager', () => {
  let am: AlertmanagerProcess;
  let manager: RuleManager;
  let notifier: Notifier;
  const fixed = new Map<string, Sample[]>();
  const firing = (): void => {
    fixed.set('disk_used_ratio > 0.9', [{ metric: labelsFromRecord({ __name__: 'disk_used_ratio', instance: 'host1:9100' }), t: 0, v: 0.95 }]);
  };
  const resolved = (): void => {
    fixed.set('disk_used_ratio > 0.9', []);
  };
  const ours = async (): Promise<AmAlert | undefined> => (await am.alerts()).find((a) => a.labels.alertname === 'DiskFull');

  beforeAll(async () => {
    am = new AlertmanagerProcess(await freePort());
    await am.start();
    const storage = new MemoryStorage();
    notifier = new Notifier({ logger: quietLogger, queueCapacity: 10000, externalLabels: labelsFromRecord({ cluster: 'interop' }), discoveryUpdateIntervalMs: 0 });
    const amCfg: AlertmanagerConfig = {
      scheme: 'http',
      pathPrefix: '',
      timeoutMs: 2000,
      apiVersion: 'v2',
      httpClient: defaultHttpClientConfig(),
      serviceDiscovery: [{ kind: 'static', groups: [{ targets: [`127.0.0.1:${am.port}`], labels: [] }] }],
      relabelConfigs: [],
      alertRelabelConfigs: [],
    };
    notifier.applyConfig([amCfg], []);
    manager = new RuleManager({
      appendable: storage,
      queryable: storage,
      query: selectorQuery(storage, fixed),
      notifier,
      logger: quietLogger,
      externalLabels: labelsFromRecord({ cluster: 'interop' }),
      externalUrl: 'http://flint.test:9090',
      forOutageToleranceMs: 3_600_000,
      forGracePeriodMs: 600_000,
      resendDelayMs: 1000,
      defaultEvaluationIntervalMs: 1000,
    });
    const dir = mkdtempSync(join(tmpdir(), 'flint-am-rules-'));
    writeFileSync(join(dir, 'rules.yml'), RULES);
    resolved();
    await manager.update([join(dir, 'rules.yml')], 1000);
  }, 30_000);

  afterAll(async () => {
    await manager?.stop();
    await notifier?.stop();
    await am?.stop();
  });

  test('a firing alert reaches Alertmanager with labels and annotations, then resolves', async () => {
    firing();
    const alert = await waitFor('the alert in Alertmanager', ours, 15_000);
    expect(alert.labels).toEqual({ alertname: 'DiskFull', instance: 'host1:9100', severity: 'page', cluster: 'interop' });
    expect(alert.annotations).toEqual({ summary: 'host1:9100 disk at 95%' });
    expect(alert.generatorURL).toBe('http://flint.test:9090/graph?g0.expr=disk_used_ratio+%3E+0.9&g0.tab=1');
    expect(alert.status.state).toBe('active');
    expect(Date.parse(alert.endsAt)).toBeGreaterThan(Date.now());

    resolved();
    await waitFor('the alert to resolve', async () => ((await ours()) === undefined ? true : undefined), 15_000);
  }, 40_000);

  test('Alertmanager down and back up loses no firing alert', async () => {
    firing();
    await waitFor('the alert in Alertmanager', ours, 15_000);
    await am.stop();
    // Evaluations and re-sends keep failing while it is down.
    await new Promise((r) => setTimeout(r, 3000));
    expect(notifier.metrics().errors[`http://127.0.0.1:${am.port}/api/v2/alerts`]).toBeGreaterThan(0);
    // A fresh storage directory: whatever it shows after the restart was sent again.
    await am.start();
    const alert = await waitFor('the alert re-sent after restart', ours, 20_000);
    expect(alert.labels.alertname).toBe('DiskFull');
    resolved();
  }, 60_000);
});
