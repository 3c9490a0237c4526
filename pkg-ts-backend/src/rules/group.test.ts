import { labelsFromRecord } from '../model/labels';
import { parseExpr } from '../promql/parser';
import type { Sample } from '../promql/value';
import { MemoryStorage } from '../storage/memory';
import { Alert, AlertingRule } from './alerting';
import { Group, GroupOptions } from './group';
import { RecordingRule } from './recording';
import type { Rule } from './rule';
import { quietLogger, samplesOf, selectorQuery } from './testutil';

const MIN = 60_000;

function alertRule(name: string, expr: string, forMs = 0, extra: Partial<ConstructorParameters<typeof AlertingRule>[0]> = {}): AlertingRule {
  return new AlertingRule({
    name,
    expr: parseExpr(expr),
    query: expr,
    forMs,
    keepFiringForMs: 0,
    labels: [],
    annotations: [],
    externalLabels: [],
    externalUrl: 'http://flint:9090',
    restored: true,
    ...extra,
  });
}

interface Harness {
  storage: MemoryStorage;
  fixed: Map<string, Sample[]>;
  group: Group;
  sent: Alert[][];
  clock: { now: number };
}

function harness(rules: Rule[], opts: Partial<GroupOptions> = {}): Harness {
  const storage = new MemoryStorage();
  const fixed = new Map<string, Sample[]>();
  const sent: Alert[][] = [];
  const clock = { now: 0 };
  const group = new Group({
    name: 'g',
    file: 'f.yml',
    intervalMs: MIN,
    limit: 0,
    queryOffsetMs: 0,
    rules,
    appendable: storage,
    queryable: storage,
    query: selectorQuery(storage, fixed),
    logger: quietLogger,
    notify: (_r, alerts) => sent.push(alerts),
    resendDelayMs: MIN,
    outageToleranceMs: 60 * MIN,
    gracePeriodMs: 10 * MIN,
    shouldRestore: false,
    now: () => clock.now,
    ...opts,
  });
  return { storage, fixed, group, sent, clock };
}

function vec(...items: Array<[Record<string, string>, number]>): Sample[] {
  return items.map(([m, v]) => ({ metric: labelsFromRecord(m), t: 0, v }));
}

async function evalAt(h: Harness, ts: number): Promise<void> {
  h.clock.now = ts;
  await h.group.evaluate(ts);
}

async function seed(storage: MemoryStorage, labels: Record<string, string>, t: number, v: number): Promise<void> {
  const app = storage.appender();
  app.append(0, labelsFromRecord(labels), t, v);
  await app.commit();
}

describe('recording rules', () => {
  test('write their series with the rule name and labels; later rules see them in the same evaluation', async () => {
    const first = new RecordingRule('job:up', parseExpr('up'), 'up', labelsFromRecord({ source: 'rule' }));
    const second = new RecordingRule('job:up:copy', parseExpr('job:up'), 'job:up', []);
    const h = harness([first, second]);
    await seed(h.storage, { __name__: 'up', job: 'a' }, 0, 1);
    await evalAt(h, MIN);
    expect(samplesOf(h.storage, { __name__: 'job:up', job: 'a', source: 'rule' })).toEqual([[MIN, 1]]);
    expect(samplesOf(h.storage, { __name__: 'job:up:copy', job: 'a', source: 'rule' })).toEqual([[MIN, 1]]);
    expect([first.health, second.health]).toEqual(['ok', 'ok']);
  });

  test('series that disappear get a stale marker', async () => {
    const rule = new RecordingRule('r', parseExpr('src'), 'src', []);
    const h = harness([rule]);
    h.fixed.set('src', vec([{ a: '1' }, 5]));
    await evalAt(h, MIN);
    h.fixed.set('src', []);
    h.fixed.set('src', vec([{ a: '2' }, 6]));
    await evalAt(h, 2 * MIN);
    expect(samplesOf(h.storage, { __name__: 'r', a: '1' })).toEqual([
      [MIN, 5],
      [2 * MIN, 'stale'],
    ]);
  });

  test('errors and limits make the rule unhealthy without writing', async () => {
    const rule = new RecordingRule('r', parseExpr('src'), 'src', []);
    const h = harness([rule], { limit: 1 });
    h.fixed.set('src', vec([{ a: '1' }, 1], [{ a: '2' }, 2]));
    await evalAt(h, MIN);
    expect(rule.health).toBe('err');
    expect(rule.lastError).toBe('exceeded limit of 1 with 2 series');
    expect(samplesOf(h.storage, { __name__: 'r', a: '1' })).toEqual([]);
  });

  test('query_offset moves both the query and the written timestamp back', async () => {
    const rule = new RecordingRule('r', parseExpr('up'), 'up', []);
    const h = harness([rule], { queryOffsetMs: 30_000 });
    await seed(h.storage, { __name__: 'up', job: 'a' }, 0, 7);
    await evalAt(h, MIN);
    expect(samplesOf(h.storage, { __name__: 'r', job: 'a' })).toEqual([[30_000, 7]]);
  });
});

describe('alerting rules', () => {
  test('go pending, then firing after `for`, then inactive, with ALERTS and ALERTS_FOR_STATE', async () => {
    const rule = alertRule('HighLoad', 'load', 2 * MIN);
    const h = harness([rule]);
    h.fixed.set('load', vec([{ __name__: 'load', host: 'h1' }, 9]));
    const series = { alertname: 'HighLoad', host: 'h1' };
    await evalAt(h, MIN);
    expect(rule.state()).toBe('pending');
    expect(rule.activeAlerts()[0].labels).toEqual(labelsFromRecord(series));
    await evalAt(h, 2 * MIN);
    expect(rule.state()).toBe('pending');
    await evalAt(h, 3 * MIN);
    expect(rule.state()).toBe('firing');
    expect(rule.activeAlerts()[0].firedAt).toBe(3 * MIN);
    h.fixed.set('load', []);
    await evalAt(h, 4 * MIN);
    expect(rule.state()).toBe('inactive');
    expect(rule.activeAlerts()).toEqual([]);

    expect(samplesOf(h.storage, { __name__: 'ALERTS', alertstate: 'pending', ...series })).toEqual([
      [MIN, 1],
      [2 * MIN, 1],
      [3 * MIN, 'stale'],
    ]);
    expect(samplesOf(h.storage, { __name__: 'ALERTS', alertstate: 'firing', ...series })).toEqual([
      [3 * MIN, 1],
      [4 * MIN, 'stale'],
    ]);
    expect(samplesOf(h.storage, { __name__: 'ALERTS_FOR_STATE', ...series })).toEqual([
      [MIN, 60],
      [2 * MIN, 60],
      [3 * MIN, 60],
      [4 * MIN, 'stale'],
    ]);
  });

  test('a pending alert that clears is forgotten; one that returns starts its `for` again', async () => {
    const rule = alertRule('A', 'x', 2 * MIN);
    const h = harness([rule]);
    h.fixed.set('x', vec([{ i: '1' }, 1]));
    await evalAt(h, MIN);
    h.fixed.set('x', []);
    await evalAt(h, 2 * MIN);
    h.fixed.set('x', vec([{ i: '1' }, 1]));
    await evalAt(h, 3 * MIN);
    expect(rule.activeAlerts()[0].activeAt).toBe(3 * MIN);
    await evalAt(h, 4 * MIN);
    expect(rule.state()).toBe('pending');
  });

  test('keep_firing_for holds a firing alert after the condition clears', async () => {
    const rule = alertRule('A', 'x', 0, { keepFiringForMs: 2 * MIN });
    const h = harness([rule]);
    h.fixed.set('x', vec([{ i: '1' }, 1]));
    await evalAt(h, MIN);
    expect(rule.state()).toBe('firing');
    h.fixed.set('x', []);
    await evalAt(h, 2 * MIN);
    expect(rule.state()).toBe('firing');
    expect(rule.activeAlerts()[0].keepFiringSince).toBe(2 * MIN);
    await evalAt(h, 3 * MIN);
    expect(rule.state()).toBe('firing');
    await evalAt(h, 4 * MIN);
    expect(rule.state()).toBe('inactive');
  });

  test('labels and annotations are templated with the sample', async () => {
    const rule = alertRule('Disk', 'disk', 0, {
      labels: labelsFromRecord({ severity: '{{ if gt $value 90.0 }}page{{ else }}ticket{{ end }}' }),
      annotations: labelsFromRecord({ summary: '{{ $labels.host }} at {{ humanizePercentage (printf "%f" $value | humanize) }}', value: '{{ $value | printf "%.1f" }}' }),
    });
    const h = harness([rule]);
    h.fixed.set('disk', vec([{ host: 'h1' }, 95.25]));
    await evalAt(h, MIN);
    const a = rule.activeAlerts()[0];
    expect(a.labels).toEqual(labelsFromRecord({ alertname: 'Disk', host: 'h1', severity: 'page' }));
    expect(a.annotations).toEqual(
      labelsFromRecord({ summary: 'h1 at 9525%', value: '95.2' })
    );
  });

  test('two series that collapse to one label set are an error', async () => {
    const rule = alertRule('A', 'x');
    const h = harness([rule]);
    h.fixed.set('x', vec([{ __name__: 'a', i: '1' }, 1], [{ __name__: 'b', i: '1' }, 1]));
    await evalAt(h, MIN);
    expect(rule.health).toBe('err');
    expect(rule.lastError).toBe('vector contains metrics with the same labelset after applying alert labels');
  });

  test('the group limit caps active alerts', async () => {
    const rule = alertRule('A', 'x');
    const h = harness([rule], { limit: 1 });
    h.fixed.set('x', vec([{ i: '1' }, 1], [{ i: '2' }, 1]));
    await evalAt(h, MIN);
    expect(rule.lastError).toBe('exceeded limit of 1 with 2 alerts');
    expect(rule.activeAlerts()).toEqual([]);
  });

  test('firing alerts are sent, re-sent after the resend delay, and sent once more when resolved', async () => {
    const rule = alertRule('A', 'x');
    const h = harness([rule]);
    h.fixed.set('x', vec([{ i: '1' }, 1]));
    await evalAt(h, MIN);
    expect(h.sent).toHaveLength(1);
    expect(h.sent[0][0]).toMatchObject({ state: 'firing', firedAt: MIN, validUntil: MIN + 4 * MIN });
    await evalAt(h, 2 * MIN);
    expect(h.sent).toHaveLength(1);
    await evalAt(h, 2 * MIN + 1);
    expect(h.sent).toHaveLength(2);
    h.fixed.set('x', []);
    await evalAt(h, 3 * MIN);
    expect(h.sent).toHaveLength(3);
    expect(h.sent[2][0]).toMatchObject({ state: 'inactive', resolvedAt: 3 * MIN });
    await evalAt(h, 3 * MIN + 30_000);
    expect(h.sent).toHaveLength(3);
  });

  test('pending alerts are not sent', async () => {
    const rule = alertRule('A', 'x', 5 * MIN);
    const h = harness([rule]);
    h.fixed.set('x', vec([{ i: '1' }, 1]));
    await evalAt(h, MIN);
    expect(h.sent).toEqual([]);
  });
});

describe('restoring `for` state', () => {
  async function previousRun(storage: MemoryStorage, activeAtSec: number, lastWriteMs: number): Promise<void> {
    await seed(storage, { __name__: 'ALERTS_FOR_STATE', alertname: 'A', i: '1' }, lastWriteMs, activeAtSec);
  }

  test('a pending alert continues where it stopped, shifted by the downtime', async () => {
    const rule = alertRule('A', 'x', 30 * MIN, { restored: false });
    const h = harness([rule], { shouldRestore: true });
    // Before the restart the alert had been pending since 0 and was last written at 10m.
    await previousRun(h.storage, 0, 10 * MIN);
    h.fixed.set('x', vec([{ i: '1' }, 1]));
    await evalAt(h, 15 * MIN);
    expect(samplesOf(h.storage, { __name__: 'ALERTS', alertname: 'A', alertstate: 'pending', i: '1' })).toEqual([]);
    h.group.restoreForState(15 * MIN);
    // 10m spent pending; 5m down: the alert is now considered active since 5m.
    expect(rule.activeAlerts()[0].activeAt).toBe(5 * MIN);
    await evalAt(h, 16 * MIN);
    expect(samplesOf(h.storage, { __name__: 'ALERTS_FOR_STATE', alertname: 'A', i: '1' }).at(-1)).toEqual([16 * MIN, 300]);
  });

  test('less remaining than the grace period fires after the grace period', async () => {
    const rule = alertRule('A', 'x', 30 * MIN, { restored: false });
    const h = harness([rule], { shouldRestore: true });
    await previousRun(h.storage, 0, 25 * MIN);
    h.fixed.set('x', vec([{ i: '1' }, 1]));
    await evalAt(h, 26 * MIN);
    h.group.restoreForState(26 * MIN);
    expect(rule.activeAlerts()[0].activeAt).toBe(26 * MIN + 10 * MIN - 30 * MIN);
  });

  test('rules whose `for` is shorter than the grace period are not restored', async () => {
    const rule = alertRule('A', 'x', 5 * MIN, { restored: false });
    const h = harness([rule], { shouldRestore: true });
    await previousRun(h.storage, 0, 4 * MIN);
    h.fixed.set('x', vec([{ i: '1' }, 1]));
    await evalAt(h, 6 * MIN);
    h.group.restoreForState(6 * MIN);
    expect(rule.activeAlerts()[0].activeAt).toBe(6 * MIN);
    expect(rule.restored).toBe(true);
  });
});

describe('group schedule', () => {
  afterEach(() => jest.useRealTimers());

  test('evaluates at aligned instants on its interval and restores `for` state after two evaluations', async () => {
    jest.useFakeTimers({ now: 100 * MIN + 7_000 });
    const rule = alertRule('A', 'x', 30 * MIN, { restored: false });
    const h = harness([rule], { shouldRestore: true, now: () => Date.now() });
    h.fixed.set('x', vec([{ i: '1' }, 1]));
    const seen: number[] = [];
    const evaluate = h.group.evaluate.bind(h.group);
    h.group.evaluate = async (ts: number) => {
      seen.push(ts);
      await evaluate(ts);
    };
    const first = h.group.evalTimestamp(Date.now()) + MIN;
    h.group.start();
    await jest.advanceTimersByTimeAsync(first - Date.now() - 1);
    expect(seen).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    expect(seen).toEqual([first]);
    expect(rule.restored).toBe(false);
    await jest.advanceTimersByTimeAsync(MIN);
    expect(seen).toEqual([first, first + MIN]);
    expect(rule.restored).toBe(true);
    await jest.advanceTimersByTimeAsync(3 * MIN);
    expect(seen).toEqual([first, first + MIN, first + 2 * MIN, first + 3 * MIN, first + 4 * MIN]);
    await h.group.stop(false);
    await jest.advanceTimersByTimeAsync(5 * MIN);
    expect(seen).toHaveLength(5);
  });

  test('evaluation timestamps are aligned to the interval with a stable offset', () => {
    const h = harness([]);
    const t1 = h.group.evalTimestamp(10 * MIN + 12_345);
    const t2 = h.group.evalTimestamp(11 * MIN + 12_345);
    expect(t2 - t1).toBe(MIN);
    expect(t1).toBeLessThanOrEqual(10 * MIN + 12_345);
    expect(t1).toBeGreaterThan(9 * MIN + 12_345);
  });
});
