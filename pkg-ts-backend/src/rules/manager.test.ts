import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labelsFromRecord } from '../model/labels';
import type { NotifierAlert } from '../notifier/alert';
import type { Sample } from '../promql/value';
import { MemoryStorage } from '../storage/memory';
import { RuleFileError } from './file';
import { generatorURL, RuleManager } from './manager';
import { quietLogger, samplesOf, selectorQuery } from './testutil';

const HOUR = 3_600_000;

function setup(): { manager: RuleManager; storage: MemoryStorage; fixed: Map<string, Sample[]>; sent: NotifierAlert[]; clock: { now: number } } {
  const storage = new MemoryStorage();
  const fixed = new Map<string, Sample[]>();
  const sent: NotifierAlert[] = [];
  const clock = { now: 10 * HOUR };
  const manager = new RuleManager({
    appendable: storage,
    queryable: storage,
    query: selectorQuery(storage, fixed),
    notifier: { send: (alerts) => sent.push(...alerts) },
    logger: quietLogger,
    externalLabels: labelsFromRecord({ cluster: 'c1' }),
    externalUrl: 'http://flint.example:9090',
    forOutageToleranceMs: HOUR,
    forGracePeriodMs: 600_000,
    resendDelayMs: 60_000,
    defaultEvaluationIntervalMs: 60_000,
    now: () => clock.now,
  });
  return { manager, storage, fixed, sent, clock };
}

const dir = mkdtempSync(join(tmpdir(), 'flint-rules-'));
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const RULES = `groups:
- name: main
  interval: 1h
  labels: {team: core}
  rules:
  - record: job:x
    expr: x
  - alert: XHigh
    expr: x > 1
    labels: {severity: page}
    annotations: {summary: "x is {{ $value }} on {{ $labels.job }} in {{ $externalLabels.cluster }}"}
`;

describe('RuleManager', () => {
  test('loads groups and reports them as /api/v1/rules does', async () => {
    const { manager, fixed, clock } = setup();
    const f = file('a.yml', RULES);
    await manager.update([f], 60_000);
    fixed.set('x > 1', [{ metric: labelsFromRecord({ job: 'j' }), t: 0, v: 5 }]);
    await manager.ruleGroups()[0].evaluate(clock.now);
    const [g] = manager.groups();
    expect(g).toMatchObject({ name: 'main', file: f, interval: 3600, limit: 0, lastEvaluation: new Date(clock.now).toISOString() });
    expect(g.rules[0]).toEqual({ name: 'job:x', query: 'x', labels: { team: 'core' }, health: 'ok', evaluationTime: 0, lastEvaluation: new Date(clock.now).toISOString(), type: 'recording' });
    expect(g.rules[1]).toMatchObject({
      state: 'firing',
      name: 'XHigh',
      query: 'x > 1',
      duration: 0,
      keepFiringFor: 0,
      labels: { severity: 'page', team: 'core' },
      annotations: { summary: 'x is {{ $value }} on {{ $labels.job }} in {{ $externalLabels.cluster }}' },
      health: 'ok',
      type: 'alerting',
    });
    expect(manager.alerts()).toEqual([
      {
        labels: { alertname: 'XHigh', job: 'j', severity: 'page', team: 'core' },
        annotations: { summary: 'x is 5 on j in c1' },
        state: 'firing',
        activeAt: new Date(clock.now).toISOString(),
        value: '5e+00',
      },
    ]);
    await manager.stop();
  });

  test('firing alerts reach the notifier with endsAt and the generator URL', async () => {
    const { manager, fixed, sent, clock } = setup();
    await manager.update([file('b.yml', RULES)], 60_000);
    fixed.set('x > 1', [{ metric: labelsFromRecord({ job: 'j' }), t: 0, v: 5 }]);
    await manager.ruleGroups()[0].evaluate(clock.now);
    expect(sent).toEqual([
      {
        labels: labelsFromRecord({ alertname: 'XHigh', job: 'j', severity: 'page', team: 'core' }),
        annotations: labelsFromRecord({ summary: 'x is 5 on j in c1' }),
        startsAt: clock.now,
        endsAt: clock.now + 4 * HOUR,
        generatorURL: 'http://flint.example:9090/graph?g0.expr=x+%3E+1&g0.tab=1',
      },
    ]);
    await manager.stop();
  });

  test('a bad file is rejected with every error and the running rules stay', async () => {
    const { manager } = setup();
    const good = file('c.yml', RULES);
    await manager.update([good], 60_000);
    const bad = file('bad.yml', 'groups:\n- name: g\n  rules:\n  - record: r\n    expr: "sum("\n  - alert: ""\n    expr: up\n');
    const err = await manager.update([good, bad], 60_000).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RuleFileError);
    expect((err as RuleFileError).errors).toHaveLength(2);
    expect(manager.groups().map((g) => g.name)).toEqual(['main']);
    await manager.stop();
  });

  test('reloading keeps unchanged groups and carries alert state into changed ones', async () => {
    const { manager, fixed, clock } = setup();
    const f = file('d.yml', RULES);
    await manager.update([f], 60_000);
    const before = manager.ruleGroups()[0];
    await manager.update([f], 60_000);
    expect(manager.ruleGroups()[0]).toBe(before);

    fixed.set('x > 1', [{ metric: labelsFromRecord({ job: 'j' }), t: 0, v: 5 }]);
    await before.evaluate(clock.now);
    writeFileSync(f, RULES.replace('interval: 1h', 'interval: 2h'));
    await manager.update([f], 60_000);
    const after = manager.ruleGroups()[0];
    expect(after).not.toBe(before);
    expect(manager.alerts()).toHaveLength(1);
    expect(manager.groups()[0].interval).toBe(7200);
    await manager.stop();
  });

  test('a reload can change external labels and the default query offset', async () => {
    const { manager, fixed, clock } = setup();
    const f = file('f.yml', RULES);
    await manager.update([f], 60_000);
    const before = manager.ruleGroups()[0];
    await manager.update([f], 60_000, { externalLabels: labelsFromRecord({ cluster: 'c2' }), defaultQueryOffsetMs: 0 });
    expect(manager.ruleGroups()[0]).not.toBe(before);
    fixed.set('x > 1', [{ metric: labelsFromRecord({ job: 'j' }), t: 0, v: 5 }]);
    await manager.ruleGroups()[0].evaluate(clock.now);
    expect(manager.alerts()[0].annotations).toEqual({ summary: 'x is 5 on j in c2' });
    await manager.stop();
  });

  test('removed groups mark their series stale', async () => {
    const { manager, storage, fixed, clock } = setup();
    const f = file('e.yml', RULES);
    await manager.update([f], 60_000);
    fixed.set('x', [{ metric: labelsFromRecord({ __name__: 'x', job: 'j' }), t: 0, v: 1 }]);
    await manager.ruleGroups()[0].evaluate(clock.now);
    clock.now += 1000;
    await manager.update([], 60_000);
    expect(samplesOf(storage, { __name__: 'job:x', job: 'j', team: 'core' })).toEqual([
      [10 * HOUR, 1],
      [10 * HOUR + 1000, 'stale'],
    ]);
    await manager.stop();
  });

  test('generatorURL escapes the expression like url.QueryEscape', () => {
    expect(generatorURL('http://h/prefix/', 'rate(x{a="b"}[5m]) > 0')).toBe('http://h/prefix/graph?g0.expr=rate%28x%7Ba%3D%22b%22%7D%5B5m%5D%29+%3E+0&g0.tab=1');
  });
});
