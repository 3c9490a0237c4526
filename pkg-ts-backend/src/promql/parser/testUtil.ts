// Test helper: an AST as plain data without positions, for deep comparisons.
import { Matcher } from '../../model/matcher';
import type { Expr } from './ast';

/** The tree without positions; selector matchers are sorted, as their order carries no meaning. */
export function stripPositions(e: Expr): unknown {
  return JSON.parse(
    JSON.stringify(e, (key, value: unknown) => {
      if (key === 'pos') return undefined;
      if (key === 'matchers' && Array.isArray(value)) {
        return (value as Matcher[]).map((m) => `${m.name}${m.type}${JSON.stringify(m.value)}`).sort();
      }
      if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
      return value;
    })
  );
}
