import { labelsFromRecord } from '../../model/labels';
import { MemoryStorage } from '../../storage/memory';
import { Engine } from '../engine';
import { parseExpr } from '../parser';
import type { MatrixSelector } from '../parser/ast';
import { QueryError } from '../value';
import { resolveDurationExprs } from './durations';

async function counter(): Promise<MemoryStorage> {
  const st = new MemoryStorage();
  const app = st.appender();
  const ls = labelsFromRecord({ __name__: 'm' });
  for (let i = 0; i <= 100; i++) app.append(0, ls, i * 1000, i);
  await app.commit();
  return st;
}

describe('resolveDurationExprs', () => {
  const parse = (q: string) => parseExpr(q, { enableExperimentalFunctions: true });

  test('returns the same tree when nothing depends on the query', () => {
    const e = parse('rate(m[5m] offset 1m)');
    expect(resolveDurationExprs(e, 0, 60_000, 15_000)).toBe(e);
  });

  test('fills in a copy and leaves the parsed tree alone', () => {
    const e = parse('rate(m[step() * 4] offset range())');
    const r = resolveDurationExprs(e, 0, 60_000, 15_000);
    expect(r).not.toBe(e);
    const ms = (r as { args: MatrixSelector[] }).args[0];
    expect(ms.range).toBe(60_000);
    expect(ms.vectorSelector.offset).toBe(60_000);
    expect((e as { args: MatrixSelector[] }).args[0].range).toBe(0);
  });

  test('a range that comes out non-positive is bad data', () => {
    const e = parse('m[step()]');
    expect(() => resolveDurationExprs(e, 0, 0, 0)).toThrow(QueryError);
    expect(() => resolveDurationExprs(e, 0, 0, 0)).toThrow('duration must be greater than 0');
  });
});

describe('the engine with step() and range() durations', () => {
  const engine = new Engine({ enableExperimentalFunctions: true });

  test('a range query sees its own step and range', async () => {
    const st = await counter();
    const r = await engine.rangeQuery(st, 'count_over_time(m[step()])', 50_000, 60_000, 5_000);
    expect(r.value.type).toBe('matrix');
    if (r.value.type === 'matrix') expect(Array.from(r.value.series[0].vs)).toEqual([5, 5, 5]);
    const o = await engine.rangeQuery(st, 'm offset range()', 50_000, 60_000, 5_000);
    if (o.value.type === 'matrix') expect(Array.from(o.value.series[0].vs)).toEqual([40, 45, 50]);
  });

  test('an instant query has step() = range() = 0', async () => {
    const st = await counter();
    const r = await engine.instantQuery(st, 'm offset (range() + step())', 50_000);
    expect(r.value.type === 'vector' && r.value.samples.map((s) => s.v)).toEqual([50]);
    await expect(engine.instantQuery(st, 'm[step()]', 50_000)).rejects.toThrow('duration must be greater than 0');
  });
});
