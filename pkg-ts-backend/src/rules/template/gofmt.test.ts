import { formatFloatE, formatFloatF, formatFloatG, sprintf } from './gofmt';
import { GoInt } from './values';

describe('Go float formatting', () => {
  test('%v uses the shortest digits and switches to exponents outside [1e-4, 1e21)', () => {
    expect([1234567, 100000, 1e-5, 0.0001, 0, -2.5, NaN, Infinity, -Infinity].map((v) => formatFloatG(v, -1))).toEqual([
      '1.234567e+06',
      '100000',
      '1e-05',
      '0.0001',
      '0',
      '-2.5',
      'NaN',
      '+Inf',
      '-Inf',
    ]);
  });

  test('%.4g rounds to significant digits and drops trailing zeros', () => {
    expect([1234567, 999.99, 100000, 1.5, 0.001234, 12].map((v) => formatFloatG(v, 4))).toEqual(['1.235e+06', '1000', '1e+05', '1.5', '0.001234', '12']);
  });

  test('exact ties round half to even, as strconv does', () => {
    expect([formatFloatF(95.25, 1), formatFloatF(2.5, 0), formatFloatF(3.5, 0), formatFloatF(0.125, 2), formatFloatF(0.5, 0)]).toEqual(['95.2', '2', '4', '0.12', '0']);
    expect(formatFloatF(1.005, 2)).toBe('1.00');
    expect(formatFloatF(0.06, 1)).toBe('0.1');
    expect(formatFloatF(1e22, 1)).toBe('10000000000000000000000.0');
  });

  test('%e with shortest and fixed precision', () => {
    expect([formatFloatE(1234.5, -1), formatFloatE(1, -1), formatFloatE(1234.5678, 2)]).toEqual(['1.2345e+03', '1e+00', '1.23e+03']);
  });

  test('printf flags, widths and mismatches', () => {
    expect(sprintf('%+d|%5s|%-5d|%05.1f|%x|%q|%v', [new GoInt(3), 'ab', new GoInt(7), -2.25, new GoInt(255), 'a"b', true])).toBe('+3|   ab|7    |-02.2|ff|"a\\"b"|true');
    expect(sprintf('%d %s', [1.5])).toBe('%!d(float64=1.5) %!s(MISSING)');
  });
});
