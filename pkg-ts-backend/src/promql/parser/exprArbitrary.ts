// A generator of valid PromQL text for property tests: selectors with matchers and modifiers,
// functions, aggregations, binary operators with matching, subqueries, unary signs, literals.
import fc from 'fast-check';

export interface ExprArbitraryOptions {
  /** Only syntax Prometheus 2.42 also accepts (no quoted names, numbers as durations, 3.x functions). */
  prometheus2Compatible?: boolean;
  /**
   * Also the experimental syntax behind feature flags: `step()`/`range()` durations,
   * `anchored`/`smoothed` selectors and `fill` modifiers (parse with every feature on).
   */
  experimentalSyntax?: boolean;
}

export function validExprArbitrary(opts: ExprArbitraryOptions = {}): fc.Arbitrary<string> {
  const v2 = opts.prometheus2Compatible === true;
  const x = opts.experimentalSyntax === true;
  const name = fc.constantFrom('foo', 'bar:baz', 'sum', 'offset', 'by', 'step', 'up');
  const labelName = fc.constantFrom(...['job', 'le', 'instance', 'on', 'bool', 'sum'], ...(v2 ? [] : ['"a.b"']));
  const stringLit = fc.constantFrom('"x"', "'y'", '`z\\d`', '"\\u00e9\\n"', '"a\\xc5"', '""');
  const matchOp = fc.constantFrom('=', '!=', '=~', '!~');
  const duration = fc.constantFrom(
    ...['5m', '1h30m', '30s', '250ms', '1d', '2w'],
    ...(v2 ? [] : ['90', '1.5']),
    ...(x ? ['step()', 'range() * 2', '(step() + 1m)', 'max_of(step(), 30s)', '-(step() - 1h)', '2 ^ step()'] : [])
  );
  // `offset` takes a single term, maybe signed.
  const offsetDuration = duration.filter((d) => !/[*^]|^-/.test(d));
  // Like Prometheus's lexer, a subquery range must show a number before its colon.
  const subqueryRange = duration.filter((d) => !/^(step|range)\(\)/.test(d));
  const extendedRange = fc.constantFrom('', ...(x ? [' anchored', ' smoothed'] : []));
  const fill = fc.constantFrom(
    '',
    ...(x ? [' fill(0)', ' fill_left(-1)', ' fill_right(NaN)', ' fill_left(1) fill_right(2)'] : [])
  );
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
      fc.option(fc.tuple(fc.boolean(), offsetDuration), { nil: undefined }),
      fc.option(fc.constantFrom('@ 100', '@ -5.5', '@ start()', '@ end()', '@ 1e3'), { nil: undefined })
    )
    .map(([off, at]) => `${off ? ` offset ${off[0] ? '-' : ''}${off[1]}` : ''}${at ? ` ${at}` : ''}`);
  const grouping = fc.array(labelName, { maxLength: 3 }).map((ls) => `(${ls.join(', ')})`);

  const { vectorExpr, scalarExpr } = fc.letrec<{ vectorExpr: string; scalarExpr: string }>((tie) => ({
    vectorExpr: fc.oneof(
      { depthSize: 'small', maxDepth: 5, withCrossShrink: true },
      fc.tuple(selector, modifiers, fc.constantFrom('', ...(x ? [' smoothed'] : []))).map(([s, m, sm]) => s + m + sm),
      fc
        .tuple(
          fc.constantFrom(...['rate', 'increase', 'max_over_time'], ...(v2 ? [] : ['mad_over_time'])),
          selector,
          duration,
          extendedRange,
          modifiers
        )
        .map(([f, s, d, e, m]) => `${f}(${s}[${d}]${e === ' smoothed' && f === 'max_over_time' ? '' : e}${m})`),
      fc
        .tuple(tie('vectorExpr'), subqueryRange, fc.option(duration, { nil: undefined }))
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
        .tuple(
          fc.constantFrom(...['topk', 'bottomk', 'quantile'], ...(v2 ? [] : ['limitk'])),
          tie('scalarExpr'),
          tie('vectorExpr')
        )
        .map(([op, p, v]) => `${op}(${p}, ${v})`),
      fc.tuple(stringLit, tie('vectorExpr')).map(([s, v]) => `count_values(${s}, ${v})`),
      fc
        .tuple(
          tie('vectorExpr'),
          fc.constantFrom('+', '-', '*', '/', '%', '^', 'atan2', '==', '!=', '> bool', '<=', 'and', 'or', 'unless'),
          fc.constantFrom('', ' on(job)', ' ignoring(le)', ' on() group_left()', ' ignoring(instance) group_right(le)'),
          fill,
          tie('vectorExpr')
        )
        .map(
          // Matching modifiers need vectors on both sides; parentheses keep precedence from regrouping them.
          ([l, op, m, f, r]) =>
            m === '' && f === ''
              ? `${l} ${op} ${r}`
              : ['and', 'or', 'unless'].includes(op) && m.includes('group')
                ? `(${l}) ${op} (${r})`
                : `(${l}) ${op}${m}${['and', 'or', 'unless'].includes(op) ? '' : f} (${r})`
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
      // Prometheus 3 also reads a duration as its number of seconds.
      v2 ? numberLit : duration,
      fc.constant('time()'),
      tie('vectorExpr').map((v) => `scalar(${v})`),
      fc
        .tuple(tie('scalarExpr'), fc.constantFrom('+', '-', '*', '/', '^', '== bool', 'atan2'), tie('scalarExpr'))
        .map(([a, op, b]) => `${a} ${op} ${b}`),
      tie('scalarExpr').map((sc) => `(${sc})`),
      tie('scalarExpr').map((sc) => `-${sc}`)
    ),
  }));
  return fc.oneof(vectorExpr, scalarExpr, stringLit);
}
