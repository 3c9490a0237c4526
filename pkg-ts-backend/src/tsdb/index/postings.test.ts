import fc from 'fast-check';
import { Matcher } from '../../model/matcher';
import { postingsForMatchers } from './matchers';
import { intersectPostings, MemPostings, PostingsList, subtractPostings, unionPostings } from './postings';

const sortedSet = fc
  .uniqueArray(fc.integer({ min: 0, max: 200 }))
  .map((a) => Uint32Array.from(a.sort((x, y) => x - y)));

describe('postings set operations', () => {
  it('match Set semantics (property)', () => {
    fc.assert(
      fc.property(sortedSet, sortedSet, sortedSet, (a, b, c) => {
        const A = new Set(a);
        const B = new Set(b);
        expect([...intersectPostings(a, b)]).toEqual([...a].filter((x) => B.has(x)));
        expect([...subtractPostings(a, b)]).toEqual([...a].filter((x) => !B.has(x)));
        expect([...unionPostings([a, b, c])]).toEqual([...new Set([...A, ...b, ...c])].sort((x, y) => x - y));
      })
    );
  });

  it('keeps a list sorted when a smaller reference is inserted', () => {
    const l = new PostingsList(1);
    for (const r of [5, 1, 9, 3, 9]) l.push(r);
    expect([...l.view()]).toEqual([1, 3, 5, 9]);
  });
});

describe('postingsForMatchers', () => {
  const series = [
    { __name__: 'up', job: 'a', instance: '1' },
    { __name__: 'up', job: 'b' },
    { __name__: 'down', job: 'a', instance: '2' },
    { __name__: 'down', instance: '' },
  ].map((r) =>
    Object.entries(r)
      .filter(([, v]) => v !== '')
      .map(([name, value]) => ({ name, value }))
      .sort((x, y) => (x.name < y.name ? -1 : 1))
  );
  const index = new MemPostings();
  series.forEach((ls, i) => index.add(i + 1, ls));
  const naive = (ms: Matcher[]): number[] =>
    series.flatMap((ls, i) =>
      ms.every((m) => m.matches(ls.find((l) => l.name === m.name)?.value ?? '')) ? [i + 1] : []
    );

  it('agrees with label-by-label evaluation for every matcher type (property)', () => {
    const matcher = fc
      .tuple(
        fc.constantFrom('=', '!=', '=~', '!~'),
        fc.constantFrom('__name__', 'job', 'instance', 'nope'),
        fc.constantFrom('', 'a', 'up', '1', '.*', '.+', 'a|b', 'u.*', '2|')
      )
      .map(([t, n, v]) => new Matcher(t as '=' | '!=' | '=~' | '!~', n, v));
    fc.assert(
      fc.property(fc.array(matcher, { minLength: 1, maxLength: 3 }), (ms) => {
        expect([...postingsForMatchers(index, ms)]).toEqual(naive(ms));
      }),
      { numRuns: 500 }
    );
  });
});
