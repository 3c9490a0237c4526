// Syntax errors for the PromQL editor. codemirror-promql's linter checks types and function
// arguments but passes over the parser's error nodes, so text such as `up{` or `foo bar`
// would show no error; this linter reports each error node where it is.
import { syntaxTree } from '@codemirror/language';
import { linter, type Diagnostic } from '@codemirror/lint';
import type { EditorState, Extension } from '@codemirror/state';

export function syntaxDiagnostics(state: EditorState): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const doc = state.doc;
  syntaxTree(state).iterate({
    enter: (node) => {
      if (!node.type.isError) return;
      const atEnd = node.from >= doc.length;
      const text = doc.sliceString(node.from, Math.min(node.to, node.from + 20));
      diagnostics.push({
        from: atEnd ? Math.max(0, doc.length - 1) : node.from,
        to: atEnd ? doc.length : Math.max(node.to, node.from + 1),
        severity: 'error',
        message:
          atEnd || text === ''
            ? 'syntax error: unexpected end of input'
            : `syntax error: unexpected ${JSON.stringify(text)}`,
      });
      return false;
    },
  });
  // One message per place: nested error nodes repeat their parent's.
  return diagnostics.filter((d, i) => i === 0 || d.from !== diagnostics[i - 1].from);
}

export function syntaxLinter(): Extension {
  return linter((view) => syntaxDiagnostics(view.state), { delay: 300 });
}
