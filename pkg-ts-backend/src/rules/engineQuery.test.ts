// Rules evaluated by the real PromQL engine over in-memory storage.
import { labelsFromRecord } from '../model/labels';
import { parseExpr } from '../promql/parser';
import { Engine } from '../promql/engine';
import { MemoryStorage } from '../storage/memory';
import { AlertingRule } from './alerting';
import { engineQueryFunc } from './engineQuery';
import { Group } from './group';
import { RecordingRule } from './recording';
import { quietLogger, samplesOf } from './testutil';

const MIN = 60_000;

async function seedCounter(storage: MemoryStorage, labels: Record<string, string>, perMinute: number, minutes: number): Promise<void> {
  const app = storage.appender();
  for (let i = 0; i <= minutes; i++) app.append(0, labelsFromRecord(labels), i * MIN, i * perMinute);
  await app.commit();
}

describe('rules on the PromQL engine', () => {
  test('a recording rule feeds an alert in the same evaluation; the alert fires after `for`', async () => {
    const storage = new MemoryStorage();
    await seedCounter(storage, { __name__: 'http_requests_total', job: 'api', instance: 'a' }, 120, 20);
    await seedCounter(storage, { __name__: 'http_requests_total', job: 'api', instance: 'b' }, 60, 20);
    const clock = { now: 0 };
    const recording = new RecordingRule('job:http_requests:rate1m', parseExpr('sum by (job) (rate(http_requests_total[2m]))'), 'x', []);
    const alert = new AlertingRule({
      name: 'HighTraffic',
      expr: parseExpr('job:http_requests:rate1m > 2.5'),
      query: 'job:http_requests:rate1m > 2.5',
      forMs: 2 * MIN,
      keepFiringForMs: 0,
      labels: labelsFromRecord({ severity: 'warn' }),
      annotations: labelsFromRecord({ summary: '{{ $labels.job }}: {{ $value | humanize }} req/s; instances {{ range query "count by (instance) (http_requests_total)" }}{{ .Labels.instance }} {{ end }}' }),
      externalLabels: [],
      externalUrl: '',
      restored: true,
    });
    const group = new Group({
      name: 'g',
      file: 'f',
      intervalMs: MIN,
      limit: 0,
      queryOffsetMs: 0,
      rules: [recording, alert],
      appendable: storage,
      queryable: storage,
      query: engineQueryFunc(new Engine(), storage),
      textQuery: (q, ts) => engineQueryFunc(new Engine(), storage)(parseExpr(q), ts),
      logger: quietLogger,
      resendDelayMs: MIN,
      outageToleranceMs: 60 * MIN,
      gracePeriodMs: 10 * MIN,
      shouldRestore: false,
      now: () => clock.now,
    });
    for (const m of [5, 6, 7]) {
      clock.now = m * MIN;
      await group.evaluate(m * MIN);
    }
    expect(samplesOf(storage, { __name__: 'job:http_requests:rate1m', job: 'api' })).toEqual([
      [5 * MIN, 3],
      [6 * MIN, 3],
      [7 * MIN, 3],
    ]);
    expect([recording.health, alert.health, alert.lastError]).toEqual(['ok', 'ok', '']);
    expect(alert.state()).toBe('firing');
    expect(alert.activeAlerts()[0].annotations).toEqual(labelsFromRecord({ summary: 'api: 3 req/s; instances a b ' }));
    expect(samplesOf(storage, { __name__: 'ALERTS', alertname: 'HighTraffic', alertstate: 'firing', job: 'api', severity: 'warn' })).toEqual([[7 * MIN, 1]]);
  });

  test('a string result is an evaluation error', async () => {
    const q = engineQueryFunc(new Engine(), new MemoryStorage());
    await expect(q(parseExpr('"s"'), 0)).rejects.toThrow('rule result is not a vector or scalar');
    await expect(q(parseExpr('1 + 1'), 5)).resolves.toEqual([{ metric: [], t: 5, v: 2 }]);
  });
});
