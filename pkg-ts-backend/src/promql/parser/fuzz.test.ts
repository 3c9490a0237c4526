// Property tests: the parser never crashes or hangs, fails only with ParseError, and whatever
// it accepts prints to text that parses back to the same tree.
import fc from 'fast-check';
import type { Expr } from './ast';
import { formatExpr, ParseError, parseExpr, parseMetricSelector, parseSeriesDesc, prettifyExpr } from './index';
import { validExprArbitrary } from './exprArbitrary';
import { stripPositions } from './testUtil';

const TOKENS = [
  'sum',
  'rate',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'offset',
  '@',
  'start()',
  'end()',
  'and',
  'or',
  'unless',
  'atan2',
  'topk',
  'count_values',
  'quantile',
  'histogram_quantile',
  'label_replace',
  'time()',
  'constructor',
  '__proto__',
  'toString',
  'foo',
  'bar',
  'job',
  '{',
  '}',
  '(',
  ')',
  '[',
  ']',
  ',',
  ':',
  '=',
  '!=',
  '=~',
  '!~',
  '==',
  '>',
  '<=',
  '+',
  '-',
  '*',
  '/',
  '%',
  '^',
  '"a"',
  "'b'",
  '`c`',
  '1',
  '0x1f',
  '1.5',
  '1e3',
  'Inf',
  'NaN',
  '5m',
  '1h30m',
  '# x\n',
  ' ',
  '\n',
  '"\\x41"',
];

const tokenSoup = fc.array(fc.constantFrom(...TOKENS), { maxLength: 30 }).map((ts) => ts.join(' '));

const validExpr = validExprArbitrary();

function expectOnlyParseErrors(run: () => unknown): void {
  try {
    run();
  } catch (e) {
    if (!(e instanceof ParseError)) throw e;
  }
}

/** Compares trees as JSON text: much cheaper than a deep toEqual inside thousands of runs. */
function expectSameTree(actual: Expr, expected: Expr): void {
  expect(JSON.stringify(stripPositions(actual))).toBe(JSON.stringify(stripPositions(expected)));
}

function assertRoundTrip(q: string): void {
  let e;
  try {
    e = parseExpr(q, { enableExperimentalFunctions: true });
  } catch (err) {
    if (err instanceof ParseError) return;
    throw err;
  }
  expectSameTree(parseExpr(formatExpr(e), { enableExperimentalFunctions: true }), e);
  expectSameTree(parseExpr(prettifyExpr(e, 20), { enableExperimentalFunctions: true }), e);
}

describe('parser fuzzing', () => {
  test('arbitrary strings only raise ParseError', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (s) => {
        expectOnlyParseErrors(() => parseExpr(s));
        expectOnlyParseErrors(() => parseMetricSelector(s));
        expectOnlyParseErrors(() => parseSeriesDesc(s));
      }),
      { numRuns: 1500 }
    );
  });

  test('unicode strings only raise ParseError', () => {
    fc.assert(
      // Any code point, lone surrogates included (fast-check's own binary strings are slow to build).
      fc.property(
        fc.array(fc.integer({ min: 0, max: 0x10ffff }), { maxLength: 40 }).map((cps) => String.fromCodePoint(...cps)),
        (s) => {
          expectOnlyParseErrors(() => parseExpr(s));
        }
      ),
      { numRuns: 1000 }
    );
  });

  test('generated valid expressions parse and round-trip', () => {
    fc.assert(
      fc.property(validExpr, (q) => {
        const e = parseExpr(q, { enableExperimentalFunctions: true });
        expectSameTree(parseExpr(formatExpr(e), { enableExperimentalFunctions: true }), e);
        expectSameTree(parseExpr(prettifyExpr(e, 30), { enableExperimentalFunctions: true }), e);
      }),
      { numRuns: 500 }
    );
  });

  test('token soups only raise ParseError, and what parses round-trips', () => {
    fc.assert(
      fc.property(tokenSoup, (q) => {
        expectOnlyParseErrors(() => parseMetricSelector(q));
        assertRoundTrip(q);
      }),
      { numRuns: 2500 }
    );
  });

  test('deep nesting is parsed up to a limit, then refused with a ParseError', () => {
    const deep = (n: number): string => '('.repeat(n) + 'x' + ')'.repeat(n);
    const e = parseExpr(deep(450));
    expect(prettifyExpr(e)).toContain('x');
    expect(formatExpr(e)).toBe(deep(450));
    expect(parseExpr('-'.repeat(450) + '1').type).toBe('NumberLiteral');
    expect(() => parseExpr(deep(100000))).toThrow('expression nesting too deep (more than 500 levels)');
    expect(() => parseExpr('-'.repeat(100000) + '1')).toThrow(ParseError);
    expect(() => parseExpr(Array(100000).fill('1').join(' ^ '))).toThrow(ParseError);
    // Left-associative chains are parsed in a loop but still make deep trees.
    expect(() => parseExpr(Array(5000).fill('a').join(' + '))).toThrow(
      '1:1: parse error: expression nesting too deep (more than 1000 levels)'
    );
    expect(() => parseExpr('(' + '-{}-1'.repeat(10000) + ')' + '[1m:]'.repeat(1000))).toThrow(ParseError);
    const wide = parseExpr(Array(900).fill('a').join(' + '));
    expect(formatExpr(wide)).toBe(Array(900).fill('a').join(' + '));
  });
});
