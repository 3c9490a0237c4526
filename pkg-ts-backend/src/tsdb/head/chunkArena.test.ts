import { ChunkArena, SLAB_SIZES, slabOffset, slabPage } from './chunkArena';

describe('ChunkArena', () => {
  it('hands out distinct zeroed slabs and reuses freed ones zeroed', () => {
    const arena = new ChunkArena();
    const c = arena.classFor(40);
    expect(SLAB_SIZES[c]).toBeGreaterThanOrEqual(40);
    const addrs = new Set<number>();
    for (let i = 0; i < 5000; i++) addrs.add(arena.alloc(c));
    expect(addrs.size).toBe(5000);
    const a = [...addrs][17];
    const page = arena.pages[slabPage(a)];
    const off = slabOffset(a);
    page.fill(0xab, off, off + SLAB_SIZES[c]);
    arena.free(a, c, SLAB_SIZES[c]);
    expect(arena.alloc(c)).toBe(a);
    expect(page.subarray(off, off + SLAB_SIZES[c]).every((b) => b === 0)).toBe(true);
  });

  it('gives large slabs pages of their own and returns them whole', () => {
    const arena = new ChunkArena();
    const c = arena.classFor(100_000);
    const a = arena.alloc(c);
    expect(slabOffset(a)).toBe(0);
    expect(arena.pages[slabPage(a)].length).toBe(SLAB_SIZES[c]);
    const held = arena.bytesHeld();
    arena.free(a, c, 10);
    expect(arena.bytesHeld()).toBe(held - SLAB_SIZES[c]);
    const b = arena.alloc(c);
    expect(slabPage(b)).toBe(slabPage(a));
  });

  it('has a class for the largest possible chunk', () => {
    expect(SLAB_SIZES[SLAB_SIZES.length - 1]).toBeGreaterThan(65535 * 20 + 2);
  });
});
