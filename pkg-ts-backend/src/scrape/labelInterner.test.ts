import { labelsFromRecord } from '../model/labels';
import { ScrapeCache } from './cache';
import { LabelInterner } from './labelInterner';

describe('LabelInterner', () => {
  it('shares pair objects between label sets and frees pairs no set uses', () => {
    const li = new LabelInterner();
    const a = li.intern(labelsFromRecord({ __name__: 'x', job: 'api', id: '1' }));
    const b = li.intern(labelsFromRecord({ __name__: 'x', job: 'api', id: '2' }));
    expect(a).toEqual(labelsFromRecord({ __name__: 'x', job: 'api', id: '1' }));
    expect(a[0]).toBe(b[0]);
    expect(a[2]).toBe(b[2]);
    expect(a[1]).not.toBe(b[1]);
    expect(Object.isFrozen(a) && Object.isFrozen(a[0])).toBe(true);
    expect(li.size()).toBe(4);
    li.release(a);
    expect(li.size()).toBe(3);
    li.release(b);
    expect(li.size()).toBe(0);
    // Once freed, a pair is made afresh.
    const c = li.intern(labelsFromRecord({ __name__: 'x' }));
    expect(c[0]).not.toBe(b[0]);
  });
});

describe('ScrapeCache with an interner', () => {
  it('keeps label sets through the interner and gives them back on failure and on dispose', () => {
    const li = new LabelInterner();
    const cache = new ScrapeCache(li);
    cache.startIteration();
    cache.beginBody('prometheus-text');
    cache.add('a{x="1"}', 1, labelsFromRecord({ __name__: 'a', x: '1' }), true);
    cache.add('a{x="2"}', 2, labelsFromRecord({ __name__: 'a', x: '2' }), true);
    cache.commitIteration();
    expect(li.size()).toBe(3);
    expect(cache.labelsOf(cache.lookup('a{x="1"}'))[0]).toBe(cache.labelsOf(cache.lookup('a{x="2"}'))[0]);
    cache.startIteration();
    cache.beginBody('prometheus-text');
    cache.add('b', 3, labelsFromRecord({ __name__: 'b' }), true);
    expect(li.size()).toBe(4);
    cache.failIteration();
    expect(li.size()).toBe(3);
    cache.dispose();
    expect(li.size()).toBe(0);
    expect(cache.lookup('a{x="1"}')).toBeLessThan(0);
  });
});
