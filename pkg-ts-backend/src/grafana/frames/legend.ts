// Series display names as Grafana's Prometheus data source derives them from legendFormat.
import type { FrameLabels } from './frame';

/** legendFormat value that asks Grafana to pick the name itself from the labels. */
export const LEGEND_AUTO = '__auto';
const LEGEND_TEMPLATE = /\{\{\s*(.+?)\s*\}\}/g;

/** `name{a="1", b="2"}`, the Prometheus series notation (labels sorted, `__name__` in front). */
export function seriesNotation(labels: FrameLabels): string {
  const name = labels.__name__;
  const pairs = Object.keys(labels)
    .filter((k) => k !== '__name__')
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`);
  if (pairs.length === 0) return name ?? '{}';
  return `${name ?? ''}{${pairs.join(', ')}}`;
}

/**
 * The display name of one series: `{{label}}` templates filled from its labels, the series
 * notation without a legend, the expression for a series with no labels, and nothing for
 * `__auto` (Grafana then names it from the labels).
 */
export function legendName(legendFormat: string | undefined, labels: FrameLabels, expr: string): string {
  let legend: string;
  if (legendFormat === LEGEND_AUTO) {
    legend = Object.keys(labels).length > 0 ? '' : seriesNotation(labels);
  } else if (legendFormat) {
    legend = legendFormat.replace(LEGEND_TEMPLATE, (_, label: string) =>
      Object.hasOwn(labels, label) ? labels[label] : ''
    );
  } else {
    legend = seriesNotation(labels);
  }
  return legend === '{}' ? expr : legend;
}
