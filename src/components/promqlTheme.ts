// Colours and layout of the PromQL editor, taken from the Grafana theme so the editor
// matches light and dark mode.
import { HighlightStyle } from '@codemirror/language';
import { EditorView } from '@codemirror/view';
import type { Extension } from '@codemirror/state';
import { tags } from '@lezer/highlight';
import type { GrafanaTheme2 } from '@grafana/data';

export function promqlTheme(theme: GrafanaTheme2): Extension {
  return EditorView.theme(
    {
      '&': {
        backgroundColor: theme.components.input.background,
        color: theme.colors.text.primary,
        border: `1px solid ${theme.components.input.borderColor}`,
        borderRadius: theme.shape.radius.default,
        fontSize: theme.typography.bodySmall.fontSize,
        width: '100%',
      },
      '&.cm-focused': { outline: `2px solid ${theme.colors.primary.main}` },
      // Room below the baseline, or underscores in metric names are clipped.
      '.cm-scroller': { fontFamily: theme.typography.fontFamilyMonospace, lineHeight: '1.6' },
      '.cm-content': { padding: '4px 0', minHeight: '24px' },
      '.cm-line': { padding: '0 8px' },
      '.cm-tooltip': {
        backgroundColor: theme.colors.background.primary,
        border: `1px solid ${theme.colors.border.medium}`,
        color: theme.colors.text.primary,
      },
      '.cm-tooltip-autocomplete > ul > li[aria-selected]': {
        backgroundColor: theme.colors.action.selected,
        color: theme.colors.text.primary,
      },
      '.cm-completionDetail': { color: theme.colors.text.secondary, marginLeft: '8px', fontStyle: 'normal' },
      '.cm-diagnostic-error': { borderLeft: `3px solid ${theme.colors.error.main}` },
    },
    { dark: theme.isDark }
  );
}

export function promqlHighlightStyle(theme: GrafanaTheme2): HighlightStyle {
  const v = theme.visualization;
  return HighlightStyle.define([
    { tag: tags.keyword, color: v.getColorByName('purple') },
    { tag: tags.function(tags.variableName), color: v.getColorByName('blue') },
    { tag: tags.labelName, color: v.getColorByName('orange') },
    { tag: tags.string, color: v.getColorByName('green') },
    { tag: tags.number, color: v.getColorByName('yellow') },
    { tag: tags.operator, color: v.getColorByName('red') },
    { tag: tags.modifier, color: v.getColorByName('purple') },
    { tag: tags.comment, color: theme.colors.text.disabled, fontStyle: 'italic' },
    { tag: tags.invalid, color: theme.colors.error.text },
  ]);
}
