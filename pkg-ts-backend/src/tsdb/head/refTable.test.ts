import { RefTable } from './refTable';

describe('RefTable', () => {
  it('stores, finds, deletes and lists in reference order', () => {
    const t = new RefTable<string>();
    const refs = [5, 1, 4096, 4095, 100_000, 3];
    for (const r of refs) t.set(r, `s${r}`);
    t.set(5, 'again');
    expect(t.size).toBe(refs.length);
    expect(t.get(4096)).toBe('s4096');
    expect(t.get(4097)).toBeUndefined();
    expect(t.has(2)).toBe(false);
    expect([...t.values()]).toEqual(['s1', 's3', 'again', 's4095', 's4096', 's100000']);
    t.delete(4096);
    t.delete(4096);
    t.delete(7);
    expect(t.size).toBe(refs.length - 1);
    expect(t.get(4096)).toBeUndefined();
    t.delete(100_000);
    expect(t.get(100_000)).toBeUndefined();
    t.set(100_001, 'new page');
    expect(t.get(100_001)).toBe('new page');
    expect(t.size).toBe(refs.length - 1);
  });
});
