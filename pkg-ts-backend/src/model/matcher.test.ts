import { Matcher } from './matcher';

describe('Matcher', () => {
  it('matches equality and inequality', () => {
    expect(new Matcher('=', 'a', 'x').matches('x')).toBe(true);
    expect(new Matcher('=', 'a', '').matchesEmpty()).toBe(true);
    expect(new Matcher('!=', 'a', 'x').matches('')).toBe(true);
  });

  it('anchors regexes and lets . match newlines', () => {
    const m = new Matcher('=~', 'a', 'fo+');
    expect(m.matches('foo')).toBe(true);
    expect(m.matches('xfoo')).toBe(false);
    expect(m.matches('foox')).toBe(false);
    expect(new Matcher('=~', 'a', 'a.b').matches('a\nb')).toBe(true);
    expect(new Matcher('=~', 'a', '.*').matchesEmpty()).toBe(true);
    expect(new Matcher('!~', 'a', 'x|y').matches('y')).toBe(false);
    expect(new Matcher('!~', 'a', 'x|y').matches('z')).toBe(true);
    expect(new Matcher('=~', 'a', 'x|y|zz').matches('zz')).toBe(true);
    expect(new Matcher('=~', 'a', '(?i)FOO').matches('foo')).toBe(true);
  });

  it('handles UTF-8', () => {
    expect(new Matcher('=~', 'a', 'é.').matches('éa')).toBe(true);
  });

  it('rejects bad RE2 and does not backtrack catastrophically', () => {
    expect(() => new Matcher('=~', 'a', '(')).toThrow('error parsing regexp: missing closing ): `^(?s:()$`');
    expect(() => new Matcher('=~', 'a', 'a**')).toThrow('error parsing regexp: invalid nested repetition operator: `**`');
    expect(() => new Matcher('=~', 'a', '(?<=a)b')).toThrow('error parsing regexp');
    expect(new Matcher('=~', 'a', '(a+)+$').matches('a'.repeat(5000) + '!')).toBe(false);
  });
});
