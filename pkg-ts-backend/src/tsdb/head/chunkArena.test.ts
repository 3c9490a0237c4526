import { ChunkArena, orderFor, slabBytes, slabOffset, slabPage } from './chunkArena';

function view(arena: ChunkArena, addr: number, order: number): Uint8Array {
  const o = slabOffset(addr);
  return arena.pages[slabPage(addr)].subarray(o, o + slabBytes(order));
}

describe('ChunkArena', () => {
  it('sizes slabs in powers of two from 32 bytes', () => {
    expect([orderFor(1), orderFor(32), orderFor(33), orderFor(65535 * 20 + 2)].map(slabBytes)).toEqual([
      32,
      32,
      64,
      2 ** 21,
    ]);
  });

  it('hands out zeroed, non-overlapping slabs and gives every page back once all are freed', () => {
    const arena = new ChunkArena();
    let seed = 1;
    const rand = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const live = new Map<number, { order: number; tag: number }>();
    for (let step = 0; step < 3000; step++) {
      if (live.size > 0 && rand() < 0.45) {
        const skip = Math.floor(rand() * Math.min(live.size, 50));
        const addr = [...live.keys()][skip];
        const { order, tag } = live.get(addr)!;
        const bytes = view(arena, addr, order);
        // Still holds what its owner wrote: no other slab overlapped it.
        expect(bytes.subarray(1).every((b) => b === tag)).toBe(true);
        arena.free(addr, order, bytes.length);
        live.delete(addr);
        continue;
      }
      const order = rand() < 0.02 ? 12 : Math.floor(rand() * 6);
      const addr = arena.alloc(order);
      expect(live.has(addr)).toBe(false);
      const bytes = view(arena, addr, order);
      expect(bytes.length).toBe(slabBytes(order));
      expect(bytes.every((b) => b === 0)).toBe(true);
      const tag = 1 + (step % 250);
      bytes.fill(tag, 1);
      live.set(addr, { order, tag });
    }
    for (const [addr, { order }] of live) arena.free(addr, order, slabBytes(order));
    expect(arena.bytesHeld()).toBe(0);
  });

  it('merges buddies so that freed small slabs serve larger ones', () => {
    const arena = new ChunkArena();
    const small = Array.from({ length: 64 }, () => arena.alloc(0));
    const held = arena.bytesHeld();
    for (const a of small) arena.free(a, 0, 32);
    const big = Array.from({ length: 32 }, () => arena.alloc(1));
    expect(new Set(big).size).toBe(32);
    expect(arena.bytesHeld()).toBe(held);
  });
});
