import { expandTemplate, namedGroupIndexes } from './labelFunctions';

describe('label_replace templates', () => {
  it('numbers named groups among all capturing groups, skipping classes, escapes and (?:…)', () => {
    expect([...namedGroupIndexes('(?P<k>[a-z]):(\\d+)')]).toEqual([['k', 1]]);
    expect([...namedGroupIndexes('(a)(?:b)[(](?<x>c)\\((?P<y>d)')]).toEqual([
      ['x', 2],
      ['y', 3],
    ]);
    expect([...namedGroupIndexes('[]()](?P<z>.)')]).toEqual([['z', 1]]);
  });

  it('expands $name and ${name} to the named group, unknown names to nothing', () => {
    const pattern = '(?P<k>[a-z]):(\\d+)';
    const groups = ['a:9090', 'a', '9090'];
    const named = namedGroupIndexes(pattern);
    expect(expandTemplate('$k-$1', groups, named)).toBe('a-a');
    expect(expandTemplate('${k}x$2', groups, named)).toBe('ax9090');
    expect(expandTemplate('$kx|$nope|$$', groups, named)).toBe('||$');
  });
});
