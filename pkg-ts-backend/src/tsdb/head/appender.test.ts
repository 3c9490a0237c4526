// The appender's staging buffers are reused across appenders: concurrent, committed, rolled-back
// and reused appenders must each keep exactly their own samples.
import { labelsFromRecord } from '../../model/labels';
import { Matcher } from '../../model/matcher';
import { float64Bits, STALE_NAN } from '../../model/value';
import { Head } from '../head';

function read(head: Head, name: string): [number, number][] {
  const out: [number, number][] = [];
  for (const s of head.querier(-Infinity, Infinity).select(true, undefined, [new Matcher('=', '__name__', name)])) {
    const it = s.iterator();
    while (it.next()) out.push([it.t(), it.v()]);
  }
  return out;
}

function stage(head: Head, name: string, from: number, count: number) {
  const app = head.appender();
  const labels = labelsFromRecord({ __name__: name });
  for (let i = 0; i < count; i++) app.append(0, labels, from + i, from + i);
  return app;
}

const expected = (from: number, count: number): [number, number][] =>
  Array.from({ length: count }, (_, i) => [from + i, from + i]);

describe('HeadAppender staging', () => {
  it('keeps interleaved appenders apart while their buffers are recycled between commits', async () => {
    const head = new Head();
    // Sizes across the initial capacity, so buffers grow while others are idle.
    const a = stage(head, 'a', 0, 300);
    const b = stage(head, 'b', 0, 10);
    await a.commit();
    const c = stage(head, 'c', 0, 1000);
    b.rollback();
    const d = stage(head, 'd', 0, 5);
    await Promise.all([c.commit(), d.commit()]);
    const e = stage(head, 'a', 300, 70);
    await e.commit();
    expect(read(head, 'a')).toEqual(expected(0, 370));
    expect(read(head, 'b')).toEqual([]);
    expect(read(head, 'c')).toEqual(expected(0, 1000));
    expect(read(head, 'd')).toEqual(expected(0, 5));
  });

  it('an appender used again after commit validates against what was committed', async () => {
    const head = new Head();
    const labels = labelsFromRecord({ __name__: 'm' });
    const app = head.appender();
    app.append(0, labels, 10, 1);
    await app.commit();
    expect(() => app.append(0, labels, 5, 1)).toThrow('out of order sample');
    expect(() => app.append(0, labels, 10, 2)).toThrow('duplicate sample for timestamp');
    app.append(0, labels, 20, 2);
    app.rollback();
    app.append(0, labels, 30, 3);
    await app.commit();
    expect(read(head, 'm')).toEqual([
      [10, 1],
      [30, 3],
    ]);
  });

  it('keeps the stale marker bit-exact through reused buffers', async () => {
    const head = new Head();
    await stage(head, 'x', 0, 100).commit();
    const app = head.appender();
    app.append(0, labelsFromRecord({ __name__: 's' }), 1, STALE_NAN);
    await app.commit();
    const it = head
      .querier(0, 10)
      .select(false, undefined, [new Matcher('=', '__name__', 's')])[0]
      .iterator();
    expect(it.next()).toBe(true);
    expect(float64Bits(it.v())).toEqual(float64Bits(STALE_NAN));
  });
});
