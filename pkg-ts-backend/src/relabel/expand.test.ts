import { captureGroupNames, expandTemplate } from './expand';

describe('captureGroupNames', () => {
  test('numbers named groups in opening order, skipping non-capturing groups, classes and escapes', () => {
    const names = captureGroupNames('(?:x)(a)\\((?P<one>b)[(](?<two>c)(?i:d)');
    expect([...names]).toEqual([
      ['one', 2],
      ['two', 3],
    ]);
  });
});

describe('expandTemplate', () => {
  const groups = ['whole', 'g1', undefined];
  const names = new Map([['n', 1]]);
  test.each([
    ['$1', 'g1'],
    ['${1}x', 'g1x'],
    ['$1x', ''],
    ['$2', ''],
    ['$9', ''],
    ['$n-$0', 'g1-whole'],
    ['$$', '$'],
    ['a$', 'a$'],
    ['${bad-name}', '${bad-name}'],
    ['plain', 'plain'],
  ])('%s', (template, expected) => {
    expect(expandTemplate(template, groups, names)).toBe(expected);
  });
});
