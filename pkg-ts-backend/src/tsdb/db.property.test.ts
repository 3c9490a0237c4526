// Drives random appends, deletions, head cuts, compactions, tombstone cleaning and restarts
// against a naive model (a map of samples per series) and compares every query result. Some
// runs open an out-of-order window, within which older samples are accepted like new ones.
import fc from 'fast-check';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Labels, labelsFromRecord } from '../model/labels';
import { Matcher } from '../model/matcher';
import { float64Bits, isStaleNaN, STALE_NAN } from '../model/value';
import { StorageError } from '../storage/interface';
import { TSDB, TSDBOptions } from './db';

const OPTS: Partial<TSDBOptions> = {
  minBlockDurationMs: 1000,
  maxBlockDurationMs: 9000,
  retentionTimeMs: 0,
  walFsync: 'interval',
};
const SERIES: Labels[] = [0, 1, 2, 3, 4].map((i) =>
  labelsFromRecord({ __name__: i % 2 ? 'odd' : 'even', i: String(i), ...(i === 4 ? { extra: 'x' } : {}) })
);

/**
 * A value's bits as stored. V8 quiets the signalling stale NaN on arithmetic, so the TSDB also
 * reads the quieted pattern 0x7ff8000000000002 as a stale marker and stores the exact marker.
 */
function bits(v: number): string {
  const [hi, lo] = float64Bits(isStaleNaN(v) ? STALE_NAN : v);
  return `${hi}:${lo}`;
}

type Sample = { series: number; dt: number; v: number; mode: 'new' | 'dup' | 'old' };
type Command =
  | { kind: 'append'; samples: Sample[]; rollback: boolean }
  | { kind: 'delete'; series: number; back: number; width: number }
  | { kind: 'compact' }
  | { kind: 'restart' }
  | { kind: 'clean' }
  | { kind: 'query'; from: number; width: number };

const value = fc.oneof(fc.constantFrom(0, -0, 1.5, Infinity, NaN, STALE_NAN), fc.double());
const command: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('append' as const),
      samples: fc.array(
        fc.record({
          series: fc.integer({ min: 0, max: 4 }),
          dt: fc.integer({ min: 1, max: 300 }),
          v: value,
          mode: fc.constantFrom('new', 'new', 'new', 'dup', 'old'),
        }),
        { minLength: 1, maxLength: 12 }
      ),
      rollback: fc.boolean().map((b) => b && Math.random() < 0.2),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('delete' as const),
      series: fc.integer({ min: 0, max: 4 }),
      back: fc.integer({ min: 0, max: 3000 }),
      width: fc.integer({ min: 0, max: 2000 }),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'compact' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'restart' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'clean' as const }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('query' as const),
      from: fc.integer({ min: 0, max: 20_000 }),
      width: fc.integer({ min: 0, max: 20_000 }),
    }),
  }
);

class Model {
  readonly data: Map<number, string>[] = SERIES.map(() => new Map());
  readonly last: { t: number; bits: string }[] = SERIES.map(() => ({ t: -Infinity, bits: '' }));
  readonly deleted: { mint: number; maxt: number }[][] = SERIES.map(() => []);

  select(mint: number, maxt: number): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    this.data.forEach((m, i) => {
      const pts = [...m.entries()].filter(([t]) => t >= mint && t <= maxt).sort((a, b) => a[0] - b[0]);
      if (pts.length) out[JSON.stringify(SERIES[i])] = pts.map(([t, b]) => `${t}=${b}`);
    });
    return out;
  }
}

function selectDb(db: TSDB, mint: number, maxt: number): Record<string, string[]> {
  const q = db.querier(mint, maxt);
  const out: Record<string, string[]> = {};
  const series = q.select(true, undefined, [new Matcher('=~', '__name__', '.+')]);
  for (const s of series) {
    const pts: string[] = [];
    const it = s.iterator();
    while (it.next()) pts.push(`${it.t()}=${bits(it.v())}`);
    if (pts.length) out[JSON.stringify(s.labels)] = pts;
  }
  q.close();
  return out;
}

/**
 * The outcome an out-of-order sample must have: too old behind the head's newest sample minus
 * the window, else the duplicate rules against what is held, else accepted ('bounds' when the
 * head may also refuse it as out of bounds, which the model does not track).
 */
function expectOutOfOrder(
  db: TSDB,
  window: number,
  t: number,
  b: string,
  held: string | undefined
): { expected: string; mayBeOutOfBounds: boolean } {
  if (t < db.head.maxT() - window) return { expected: 'too old sample', mayBeOutOfBounds: false };
  if (held === undefined) return { expected: 'ok', mayBeOutOfBounds: true };
  return { expected: held === b ? 'noop' : 'duplicate sample for timestamp', mayBeOutOfBounds: true };
}

async function run(window: number, commands: Command[]): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flint-tsdb-prop-'));
  const opts = { ...OPTS, outOfOrderTimeWindowMs: window };
  let db = await TSDB.open(dir, opts);
  const model = new Model();
  let cursor = 0;
  try {
    for (const cmd of commands) {
      switch (cmd.kind) {
        case 'append': {
          const app = db.appender();
          const staged: { i: number; t: number; bits: string }[] = [];
          const stagedAt = SERIES.map(() => new Map<number, string>());
          const lastStaged = model.last.map((l) => ({ ...l }));
          let next = cursor;
          for (const s of cmd.samples) {
            const last = lastStaged[s.series];
            // 'new' samples always lie after every earlier sample and deletion; the others
            // probe the duplicate and out-of-order rules and are never accepted as new data,
            // unless an out-of-order window is open.
            const t =
              s.mode === 'new' || last.t === -Infinity ? (next += s.dt) : s.mode === 'dup' ? last.t : last.t - s.dt;
            const b = bits(s.v);
            const outOfOrder = window > 0 && t < last.t;
            // A deleted range stays deleted for samples appended into it later (its tombstone
            // outlives them); the model does not follow that, so it is not probed.
            if (outOfOrder && model.deleted[s.series].some((iv) => t >= iv.mint && t <= iv.maxt)) continue;
            let expected = 'ok';
            let mayBeOutOfBounds = true;
            if (outOfOrder)
              ({ expected, mayBeOutOfBounds } = expectOutOfOrder(
                db,
                window,
                t,
                b,
                stagedAt[s.series].get(t) ?? model.data[s.series].get(t)
              ));
            else if (t < last.t) expected = 'out of order sample';
            else if (t === last.t) expected = b === last.bits ? 'noop' : 'duplicate sample for timestamp';
            try {
              app.append(0, SERIES[s.series], t, s.v);
              expect(expected === 'ok' || expected === 'noop').toBe(true);
            } catch (err) {
              expect(err).toBeInstanceOf(StorageError);
              // Prometheus checks the head's time window first: a sample that is not new may be
              // reported as out of bounds (or, with a window, too old) instead; it changes
              // nothing either way.
              const message = (err as Error).message;
              if (message === 'out of bounds' && mayBeOutOfBounds) expected = 'rejected';
              else if (message === 'too old sample' && !outOfOrder) expect(expected).not.toBe('ok');
              else expect(message).toBe(expected);
              if (expected === 'noop' || expected === 'ok') expected = 'rejected';
            }
            if (expected === 'ok') {
              staged.push({ i: s.series, t, bits: b });
              stagedAt[s.series].set(t, b);
              if (!outOfOrder) lastStaged[s.series] = { t, bits: b };
            }
          }
          if (cmd.rollback) app.rollback();
          else {
            await app.commit();
            for (const x of staged) model.data[x.i].set(x.t, x.bits);
            lastStaged.forEach((l, i) => (model.last[i] = l));
            cursor = next;
          }
          break;
        }
        case 'delete': {
          const maxt = cursor - cmd.back;
          const mint = maxt - cmd.width;
          model.deleted[cmd.series].push({ mint, maxt });
          await db.deleteSeries([new Matcher('=', 'i', String(cmd.series))], mint, maxt);
          for (const t of [...model.data[cmd.series].keys()])
            if (t >= mint && t <= maxt) model.data[cmd.series].delete(t);
          break;
        }
        case 'compact':
          await db.compact();
          break;
        case 'restart':
          await db.close();
          db = await TSDB.open(dir, opts);
          break;
        case 'clean':
          await db.cleanTombstones();
          break;
        case 'query': {
          const expected = model.select(cmd.from, cmd.from + cmd.width);
          expect(selectDb(db, cmd.from, cmd.from + cmd.width)).toEqual(expected);
          // seek() lands on the first sample at or after its target, lazily skipping chunks.
          const target = cmd.from + cmd.width / 2;
          const q = db.querier(cmd.from, cmd.from + cmd.width);
          for (const series of q.select(false, undefined, [new Matcher('=~', 'i', '.+')])) {
            const want = (expected[JSON.stringify(series.labels)] ?? []).find((p) => Number(p.split('=')[0]) >= target);
            const it = series.iterator();
            const found = it.seek(target);
            expect(found ? `${it.t()}=${bits(it.v())}` : undefined).toEqual(want);
          }
          q.close();
          break;
        }
      }
    }
    expect(selectDb(db, -Infinity, Infinity)).toEqual(model.select(-Infinity, Infinity));
    await db.close();
    db = await TSDB.open(dir, opts);
    expect(selectDb(db, -Infinity, Infinity)).toEqual(model.select(-Infinity, Infinity));
    const withData = model.data.map((m, i) => (m.size > 0 ? SERIES[i] : undefined)).filter((x) => x !== undefined);
    const q = db.querier(-Infinity, Infinity);
    for (const ls of withData) for (const l of ls) expect(q.labelValues(l.name)).toContain(l.value);
  } finally {
    await db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('TSDB against a naive model', () => {
  it('returns the same data under random appends, deletions, compactions and restarts', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(0, 0, 400, 2000), fc.array(command, { minLength: 5, maxLength: 40 }), run),
      { numRuns: 40 }
    );
  }, 120_000);
});
