import { labelsFromRecord } from '../../model/labels';
import { MemoryStorage } from '../../storage/memory';
import { Engine } from '../engine';
import { formatExpr, parseExpr, prettifyExpr } from '../parser';
import { stripPositions } from '../parser/testUtil';

const opts = { enableBinopFillModifiers: true };

describe('fill modifiers: syntax', () => {
  test.each([
    ['a + fill(0) b', 'a + fill (0) b'],
    ['a + fill_left(1) fill_right(1) b', 'a + fill (1) b'],
    ['a + on(x) group_left(y) fill_right(-Inf) b', 'a + on (x) group_left (y) fill_right (-Inf) b'],
    ['a > bool ignoring(x) fill_left(NaN) b', 'a > bool ignoring (x) fill_left (NaN) b'],
    ['a + fill_left(5) fill_right(7) b', 'a + fill_left (5) fill_right (7) b'],
    ['fill + fill(0) fill', 'fill + fill (0) fill'],
  ])('%s prints as %s and round-trips', (q, printed) => {
    const e = parseExpr(q, opts);
    expect(formatExpr(e)).toBe(printed);
    expect(stripPositions(parseExpr(printed, opts))).toEqual(stripPositions(e));
    expect(stripPositions(parseExpr(prettifyExpr(e), opts))).toEqual(stripPositions(e));
  });

  test.each([
    ['a and fill(0) b', 'fill modifiers not allowed for "and" operation'],
    ['a + fill(0) 1', 'fill modifiers only allowed between instant vectors'],
    ['a + fill(b) c', 'unexpected identifier "b" in fill modifier, expected number'],
    ['a + fill(0) b', 'binop fill modifiers are experimental and not enabled'],
  ])('%s is rejected', (q, msg) => {
    const enabled = !msg.includes('not enabled');
    expect(() => parseExpr(q, enabled ? opts : {})).toThrow(msg);
  });
});

describe('fill modifiers: evaluation', () => {
  const engine = new Engine(opts);

  async function storage(): Promise<MemoryStorage> {
    const st = new MemoryStorage();
    const app = st.appender();
    const put = (rec: Record<string, string>, v: number): void => void app.append(0, labelsFromRecord(rec), 0, v);
    put({ __name__: 'l', k: 'a' }, 1);
    put({ __name__: 'l', k: 'b' }, 2);
    put({ __name__: 'r', k: 'a' }, 10);
    put({ __name__: 'r', k: 'c' }, 30);
    await app.commit();
    return st;
  }

  async function values(q: string): Promise<Record<string, number>> {
    const r = await engine.instantQuery(await storage(), q, 0);
    if (r.value.type !== 'vector') throw new Error(r.value.type);
    return Object.fromEntries(r.value.samples.map((s) => [JSON.stringify(s.metric), s.v]));
  }

  test('a stand-in keeps the operand order for non-commutative operators', async () => {
    expect(await values('l - fill(100) r')).toEqual({
      '[{"name":"k","value":"a"}]': -9,
      '[{"name":"k","value":"b"}]': -98,
      '[{"name":"k","value":"c"}]': 70,
    });
  });

  test('with group_right, fill_left fills the right-hand (many) side', async () => {
    expect(await values('l - on(k) group_right fill_left(100) r')).toEqual({
      '[{"name":"k","value":"a"}]': -9,
      '[{"name":"k","value":"b"}]': -98,
    });
  });

  test('without a fill value the missing side stays missing', async () => {
    expect(Object.keys(await values('l - r'))).toEqual(['[{"name":"k","value":"a"}]']);
  });
});
