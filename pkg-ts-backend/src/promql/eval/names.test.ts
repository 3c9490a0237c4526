import { labelsFromRecord } from '../../model/labels';
import { sameNameLike, sharesOneName, withoutName } from './names';

describe('name-like labels', () => {
  const ls = (rec: Record<string, string>) => labelsFromRecord(rec);

  it('compares only __name__, __type__ and __unit__', () => {
    expect(sameNameLike(ls({ __name__: 'a', x: '1' }), ls({ __name__: 'a', x: '2', A: 'z', _b: 'y' }))).toBe(true);
    expect(sameNameLike(ls({ __name__: 'a' }), ls({ __name__: 'b' }))).toBe(false);
    expect(sameNameLike(ls({ __name__: 'a' }), ls({ __name__: 'a', __unit__: 'seconds' }))).toBe(false);
    expect(sameNameLike(ls({ __name__: 'a', __type__: 'counter' }), ls({ __name__: 'a', __type__: 'gauge' }))).toBe(
      false
    );
    expect(sameNameLike(ls({ x: '1' }), ls({ Y: '2' }))).toBe(true);
  });

  it('says whether dropping the name keeps distinct series distinct', () => {
    expect(sharesOneName([{ metric: ls({ __name__: 'a', i: '1' }) }, { metric: ls({ __name__: 'a', i: '2' }) }])).toBe(
      true
    );
    expect(sharesOneName([{ metric: ls({ __name__: 'a', i: '1' }) }, { metric: ls({ __name__: 'b', i: '1' }) }])).toBe(
      false
    );
    expect(withoutName(ls({ __name__: 'a', __type__: 't', i: '1' }))).toEqual(ls({ i: '1' }));
  });
});
