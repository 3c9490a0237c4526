// A CodeMirror 6 editor for PromQL: highlighting, completion from flint (functions,
// metric names, label names and values) and parse errors shown inline and below the editor.
import { autocompletion, closeBrackets, closeBracketsKeymap, completionKeymap } from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { bracketMatching, syntaxHighlighting } from '@codemirror/language';
import { forEachDiagnostic } from '@codemirror/lint';
import { EditorState } from '@codemirror/state';
import { EditorView, keymap, placeholder as placeholderText } from '@codemirror/view';
import { useTheme2 } from '@grafana/ui';
import { PromQLExtension, type PrometheusClient } from '@prometheus-io/codemirror-promql';
import { useEffect, useRef, useState } from 'react';
import { promqlHighlightStyle, promqlTheme } from './promqlTheme';
import { syntaxLinter } from './syntaxLint';

export interface PromQLEditorProps {
  value: string;
  client: PrometheusClient;
  onChange: (expr: string) => void;
  /** Shift+Enter and leaving the editor run the query. */
  onRunQuery: () => void;
  placeholder?: string;
}

/** Metric metadata (type and help in completions) is fetched only below this many metrics. */
const MAX_METRICS_METADATA = 10000;

export function PromQLEditor({ value, client, onChange, onRunQuery, placeholder }: PromQLEditorProps) {
  const theme = useTheme2();
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const [errors, setErrors] = useState<string[]>([]);
  // The latest callbacks, read by the editor's listeners, which are created once.
  const callbacks = useRef({ onChange, onRunQuery });
  callbacks.current = { onChange, onRunQuery };

  useEffect(() => {
    if (!host.current) return;
    const promql = new PromQLExtension().setComplete({ remote: client, maxMetricsMetadata: MAX_METRICS_METADATA });
    const editor = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: value,
        extensions: [
          history(),
          closeBrackets(),
          bracketMatching(),
          autocompletion({ activateOnTyping: true }),
          keymap.of([
            {
              key: 'Shift-Enter',
              run: () => {
                callbacks.current.onRunQuery();
                return true;
              },
            },
            ...closeBracketsKeymap,
            ...defaultKeymap,
            ...historyKeymap,
            ...completionKeymap,
          ]),
          placeholderText(placeholder ?? 'Enter a PromQL query (Shift+Enter to run)'),
          promql.asExtension(),
          syntaxLinter(),
          syntaxHighlighting(promqlHighlightStyle(theme)),
          promqlTheme(theme),
          EditorView.lineWrapping,
          EditorView.updateListener.of((update) => {
            if (update.docChanged) callbacks.current.onChange(update.state.doc.toString());
            const found: string[] = [];
            forEachDiagnostic(update.state, (d) => {
              if (d.severity === 'error') found.push(d.message);
            });
            setErrors((previous) => (previous.join('\n') === found.join('\n') ? previous : found));
          }),
          EditorView.domEventHandlers({
            blur: () => {
              callbacks.current.onRunQuery();
            },
          }),
        ],
      }),
    });
    view.current = editor;
    return () => {
      editor.destroy();
      promql.destroy();
      view.current = null;
    };
    // The editor is built once per client and theme; value changes are applied below.
  }, [client, theme]);

  // A value set from outside (the metric browser, a query history entry) replaces the text.
  useEffect(() => {
    const editor = view.current;
    if (editor && editor.state.doc.toString() !== value) {
      editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: value } });
    }
  }, [value]);

  return (
    <div style={{ flex: 1, minWidth: 0 }}>
      <div ref={host} data-testid="promql-editor" />
      {errors.length > 0 && (
        <div role="alert" style={{ color: theme.colors.error.text, fontSize: theme.typography.bodySmall.fontSize }}>
          {errors[0]}
        </div>
      )}
    </div>
  );
}
