// Round trips of generated queries that use the syntax behind feature flags, alongside the
// rest of the language (the printer and the prettifier must write all of it back).
import fc from 'fast-check';
import { ALL_LANGUAGE_FEATURES } from '../features';
import { validExprArbitrary } from './exprArbitrary';
import { formatExpr, parseExpr, prettifyExpr } from './index';
import { stripPositions } from './testUtil';

test('generated queries with experimental syntax parse and round-trip', () => {
  fc.assert(
    fc.property(validExprArbitrary({ experimentalSyntax: true }), (q) => {
      const e = parseExpr(q, ALL_LANGUAGE_FEATURES);
      // Deep equality: optional fields may be set in another order.
      const tree = stripPositions(e);
      expect(stripPositions(parseExpr(formatExpr(e), ALL_LANGUAGE_FEATURES))).toEqual(tree);
      expect(stripPositions(parseExpr(prettifyExpr(e, 30), ALL_LANGUAGE_FEATURES))).toEqual(tree);
    }),
    { numRuns: 400 }
  );
});
