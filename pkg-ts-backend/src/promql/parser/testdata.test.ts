// Every expression in Prometheus's own promqltest files must parse, print and re-parse to the
// same tree. Files of experimental language features (README: duration expressions, extended
// range selectors, fill modifiers, ...) are left out: their syntax is not supported yet; so are
// the native-histogram trim operators and duration expressions using step() or range().
import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { formatExpr, parseExpr } from './index';
import { stripPositions } from './testUtil';

const TESTDATA = join(__dirname, '..', 'promqltest', 'testdata');
const EXPERIMENTAL_LANGUAGE = new Set([
  'extended_vectors.test',
  'fill-modifier.test',
  'info.test',
  'type_and_unit.test',
  'start_timestamps.test',
]);
const EVAL_LINE = /^eval(?:_\w+)?\s+(?:instant\s+at\s+\S+|range\s+from\s+\S+\s+to\s+\S+\s+step\s+\S+)\s+(.*)$/;

interface Case {
  file: string;
  line: number;
  expr: string;
}

function evalCases(): Case[] {
  const cases: Case[] = [];
  for (const file of readdirSync(TESTDATA).filter((f) => f.endsWith('.test') && !EXPERIMENTAL_LANGUAGE.has(f))) {
    readFileSync(join(TESTDATA, file), 'utf8')
      .split('\n')
      .forEach((text, i) => {
        const m = EVAL_LINE.exec(text.trim());
        // `</` and `>/` (histogram trimming) have no place in the AST yet.
        if (m && !/[<>]\//.test(m[1]) && !/(step|range)\(\)/i.test(m[1])) cases.push({ file, line: i + 1, expr: m[1] });
      });
  }
  return cases;
}

describe('promqltest expressions', () => {
  const cases = evalCases();

  test('there are many of them', () => {
    expect(cases.length).toBeGreaterThan(1500);
  });

  test('all parse and round-trip through formatExpr', () => {
    const failures: string[] = [];
    for (const c of cases) {
      try {
        const e = parseExpr(c.expr, { enableExperimentalFunctions: true });
        const printed = formatExpr(e);
        const again = parseExpr(printed, { enableExperimentalFunctions: true });
        if (JSON.stringify(stripPositions(again)) !== JSON.stringify(stripPositions(e))) {
          failures.push(`${c.file}:${c.line}: ${c.expr} -> ${printed} does not round-trip`);
        }
      } catch (err) {
        failures.push(`${c.file}:${c.line}: ${c.expr}: ${(err as Error).message}`);
      }
    }
    expect(failures).toEqual([]);
  });
});
