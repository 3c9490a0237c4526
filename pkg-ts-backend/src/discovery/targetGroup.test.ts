import { parseTargetGroups, TargetGroupFormatError } from './targetGroup';

describe('parseTargetGroups', () => {
  test('reads targets and labels, adds the group labels, numbers the sources', () => {
    const groups = parseTargetGroups(
      [
        { targets: ['a:1', 'b:2'], labels: { env: 'prod' } },
        { targets: ['c:3'] },
      ],
      '/sd/x.json',
      [{ name: '__meta_filepath', value: '/sd/x.json' }]
    );
    expect(groups).toEqual([
      {
        source: '/sd/x.json:0',
        targets: [[{ name: '__address__', value: 'a:1' }], [{ name: '__address__', value: 'b:2' }]],
        labels: [
          { name: '__meta_filepath', value: '/sd/x.json' },
          { name: 'env', value: 'prod' },
        ],
      },
      { source: '/sd/x.json:1', targets: [[{ name: '__address__', value: 'c:3' }]], labels: [{ name: '__meta_filepath', value: '/sd/x.json' }] },
    ]);
  });

  test('an empty document has no groups', () => {
    expect(parseTargetGroups(null, 'x', [])).toEqual([]);
  });

  test.each([
    [{ targets: ['a'] }, 'must be a list'],
    [[{ targets: 'a:1' }], 'must be a list of strings'],
    [[{ targets: [1] }], 'must be a list of strings'],
    [[{ targets: [], labels: { a: 1 } }], 'must be a string'],
    [[{ targets: [], labelz: {} }], 'field labelz not found'],
    [['x'], 'is not an object'],
  ])('rejects %j', (doc, msg) => {
    expect(() => parseTargetGroups(doc, 'x', [])).toThrow(TargetGroupFormatError);
    expect(() => parseTargetGroups(doc, 'x', [])).toThrow(msg);
  });
});
