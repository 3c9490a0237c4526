import { ensureSyntaxTree } from '@codemirror/language';
import { EditorState } from '@codemirror/state';
import { PromQLExtension } from '@prometheus-io/codemirror-promql';
import { syntaxDiagnostics } from './syntaxLint';

function diagnose(doc: string) {
  const state = EditorState.create({ doc, extensions: [new PromQLExtension().asExtension()] });
  ensureSyntaxTree(state, doc.length, 5000);
  return syntaxDiagnostics(state);
}

test.each([
  'up',
  'sum by (job) (rate(http_requests_total{code=~"5.."}[5m]))',
  'a + on(x) group_left b',
  'up offset 5m @ 100',
])('valid: %s', (expr) => {
  expect(diagnose(expr)).toEqual([]);
});

test('an unclosed selector is an error at the end', () => {
  const [d] = diagnose('up{');
  expect(d.message).toBe('syntax error: unexpected end of input');
  expect(d.to).toBe(3);
});

test('two expressions side by side: the second is unexpected', () => {
  const found = diagnose('foo bar');
  expect(found).toHaveLength(1);
  expect(found[0].message).toContain('unexpected');
  expect(found[0].from).toBeGreaterThanOrEqual(3);
});
