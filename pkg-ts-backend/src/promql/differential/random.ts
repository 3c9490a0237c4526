// A small seeded PRNG (mulberry32) so that a differential run can be reproduced from its seed.

export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
  /** The items of one list in turn (per list object), so that every item gets its turn. */
  cycle<T>(items: readonly T[]): T;
}

export function seededRandom(seed: number): Random {
  let state = seed | 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number): number => Math.floor(next() * n);
  const turns = new Map<readonly unknown[], number>();
  return {
    cycle: <T>(items: readonly T[]): T => {
      const turn = turns.get(items) ?? 0;
      turns.set(items, turn + 1);
      return items[turn % items.length];
    },
    next,
    int,
    pick: <T>(items: readonly T[]): T => items[int(items.length)],
    chance: (p: number) => next() < p,
  };
}
