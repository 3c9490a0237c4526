// Property tests: the parser never crashes or hangs, fails only with ParseError, and whatever
// it accepts prints to text that parses back to the same tree.
import fc from 'fast-check';
import type { Expr } from './ast';
import { formatExpr, ParseError, parseExpr, parseMetricSelector, parseSeriesDesc, prettifyExpr } from './index';
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

const name = fc.constantFrom('foo', 'bar:baz', 'sum', 'offset', 'by', 'step', 'up');
const labelName = fc.constantFrom('job', 'le', 'instance', 'on', 'bool', '"a.b"', 'sum');
const stringLit = fc.constantFrom('"x"', "'y'", '`z\\d`', '"\\u00e9\\n"', '"a\\xc5"', '""');
const matchOp = fc.constantFrom('=', '!=', '=~', '!~');
const duration = fc.constantFrom('5m', '1h30m', '30s', '90', '1.5', '250ms', '1d', '2w');
const numberLit = fc.constantFrom('1', '0.5', '1e3', '0x1f', 'Inf', 'NaN', '-2', '+3', '1e-7', '123456789', '010');
const matcher = fc
  .tuple(labelName, matchOp, fc.constantFrom('"v"', '"a|b"', "'.+'"))
  .map(([l, op, v]) => `${l}${op}${v}`);
const selector = fc
  .tuple(fc.option(name, { nil: undefined }), fc.array(matcher, { minLength: 0, maxLength: 3 }))
  .map(([n, ms]) =>
    n === undefined ? `{job="x"${ms.map((m) => `, ${m}`).join('')}}` : `${n}${ms.length ? `{${ms.join(',')}}` : ''}`
  );
const modifiers = fc
  .tuple(
    fc.option(fc.tuple(fc.boolean(), duration), { nil: undefined }),
    fc.option(fc.constantFrom('@ 100', '@ -5.5', '@ start()', '@ end()', '@ 1e3'), { nil: undefined })
  )
  .map(([off, at]) => `${off ? ` offset ${off[0] ? '-' : ''}${off[1]}` : ''}${at ? ` ${at}` : ''}`);
const grouping = fc.array(labelName, { maxLength: 3 }).map((ls) => `(${ls.join(', ')})`);

const { vectorExpr, scalarExpr } = fc.letrec<{ vectorExpr: string; scalarExpr: string }>((tie) => ({
  vectorExpr: fc.oneof(
    { depthSize: 'small', maxDepth: 5, withCrossShrink: true },
    fc.tuple(selector, modifiers).map(([s, m]) => s + m),
    fc
      .tuple(fc.constantFrom('rate', 'increase', 'max_over_time', 'mad_over_time'), selector, duration, modifiers)
      .map(([f, s, d, m]) => `${f}(${s}[${d}]${m})`),
    fc
      .tuple(tie('vectorExpr'), duration, fc.option(duration, { nil: undefined }))
      .map(([v, r, st]) => `max_over_time((${v})[${r}:${st ?? ''}])`),
    fc
      .tuple(
        fc.constantFrom('sum', 'avg', 'max', 'group', 'stddev'),
        fc.constantFrom('by', 'without'),
        grouping,
        tie('vectorExpr'),
        fc.boolean()
      )
      .map(([op, kind, g, v, after]) => (after ? `${op}(${v}) ${kind} ${g}` : `${op} ${kind} ${g} (${v})`)),
    fc
      .tuple(fc.constantFrom('topk', 'bottomk', 'quantile', 'limitk'), tie('scalarExpr'), tie('vectorExpr'))
      .map(([op, p, v]) => `${op}(${p}, ${v})`),
    fc.tuple(stringLit, tie('vectorExpr')).map(([s, v]) => `count_values(${s}, ${v})`),
    fc
      .tuple(
        tie('vectorExpr'),
        fc.constantFrom('+', '-', '*', '/', '%', '^', 'atan2', '==', '!=', '> bool', '<=', 'and', 'or', 'unless'),
        fc.constantFrom('', ' on(job)', ' ignoring(le)', ' on() group_left()', ' ignoring(instance) group_right(le)'),
        tie('vectorExpr')
      )
      .map(
        // Matching modifiers need vectors on both sides; parentheses keep precedence from regrouping them.
        ([l, op, m, r]) =>
          m === ''
            ? `${l} ${op} ${r}`
            : ['and', 'or', 'unless'].includes(op) && m.includes('group')
              ? `(${l}) ${op} (${r})`
              : `(${l}) ${op}${m} (${r})`
      ),
    fc
      .tuple(tie('vectorExpr'), fc.constantFrom('+', '*', '>', '^'), tie('scalarExpr'))
      .map(([v, op, sc]) => `${v} ${op} ${sc}`),
    fc.tuple(fc.constantFrom('-', '+'), tie('vectorExpr')).map(([op, v]) => `${op}${v}`),
    tie('vectorExpr').map((v) => `(${v})`),
    fc.tuple(tie('vectorExpr'), stringLit).map(([v, s]) => `label_replace(${v}, "dst", ${s}, "src", "(.*)")`),
    tie('scalarExpr').map((sc) => `vector(${sc})`)
  ),
  scalarExpr: fc.oneof(
    { depthSize: 'small', maxDepth: 5 },
    numberLit,
    duration,
    fc.constant('time()'),
    tie('vectorExpr').map((v) => `scalar(${v})`),
    fc
      .tuple(tie('scalarExpr'), fc.constantFrom('+', '-', '*', '/', '^', '== bool', 'atan2'), tie('scalarExpr'))
      .map(([a, op, b]) => `${a} ${op} ${b}`),
    tie('scalarExpr').map((sc) => `(${sc})`),
    tie('scalarExpr').map((sc) => `-${sc}`)
  ),
}));
const validExpr = fc.oneof(vectorExpr, scalarExpr, stringLit);

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
