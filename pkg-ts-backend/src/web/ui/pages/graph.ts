// The expression browser: a PromQL editor (CodeMirror + codemirror-promql, completing from
// flint's own API), a table tab (instant query) and a graph tab (range query, uPlot).
import { autocompletion, closeBrackets, closeCompletion } from '@codemirror/autocomplete';
import { history as editHistory, historyKeymap, defaultKeymap } from '@codemirror/commands';
import { syntaxHighlighting, defaultHighlightStyle, bracketMatching } from '@codemirror/language';
import { lintGutter } from '@codemirror/lint';
import { EditorState, Prec } from '@codemirror/state';
import { EditorView, keymap, placeholder } from '@codemirror/view';
import { PromQLExtension } from '@prometheus-io/codemirror-promql';
import uPlot from 'uplot';
import { api, el, formatSeries, showError } from './common';

type Metric = Record<string, string>;
type InstantResult =
  | { resultType: 'vector'; result: { metric: Metric; value: [number, string] }[] }
  | { resultType: 'matrix'; result: { metric: Metric; values: [number, string][] }[] }
  | { resultType: 'scalar' | 'string'; result: [number, string] };
type RangeResult = { resultType: 'matrix'; result: { metric: Metric; values: [number, string][] }[] };

const RANGES: Record<string, number> = { '5m': 300, '15m': 900, '30m': 1800, '1h': 3600, '3h': 10800, '6h': 21600, '12h': 43200, '1d': 86400, '1w': 604800 };

const params = new URLSearchParams(location.search);
let tab: 'table' | 'graph' = params.get('g0.tab') === '1' ? 'table' : 'graph';

const root = document.getElementById('app')!;
const output = el('div', { class: 'output', id: 'output' });
const rangeSelect = el('select', { id: 'range', 'aria-label': 'Range' }, ...Object.keys(RANGES).map((k) => el('option', { value: k }, k)));
rangeSelect.value = params.get('g0.range_input') ?? '1h';
const stepInput = el('input', { id: 'step', placeholder: 'Resolution (s)', size: '12', 'aria-label': 'Resolution' });
const endInput = el('input', { id: 'end', type: 'datetime-local', 'aria-label': 'End time' });
const stacked = el('input', { id: 'stacked', type: 'checkbox' });
const tabTable = el('button', { class: 'tab', id: 'tab-table' }, 'Table');
const tabGraph = el('button', { class: 'tab', id: 'tab-graph' }, 'Graph');
const execute = el('button', { class: 'primary', id: 'execute' }, 'Execute');
const editorHost = el('div', { class: 'editor', id: 'expr' });

const promql = new PromQLExtension().setComplete({ remote: { url: location.origin + location.pathname.replace(/\/(query|graph)$/, '') } });
const view = new EditorView({
  parent: editorHost,
  state: EditorState.create({
    doc: params.get('g0.expr') ?? '',
    extensions: [
      editHistory(),
      closeBrackets(),
      bracketMatching(),
      autocompletion(),
      lintGutter(),
      syntaxHighlighting(defaultHighlightStyle),
      placeholder('Expression (press Shift+Enter for newlines)'),
      promql.asExtension(),
      Prec.highest(keymap.of([{ key: 'Enter', run: () => (void run(), true) }])),
      keymap.of([...defaultKeymap, ...historyKeymap]),
      EditorView.lineWrapping,
    ],
  }),
});

function setTab(t: 'table' | 'graph') {
  tab = t;
  tabTable.classList.toggle('active', t === 'table');
  tabGraph.classList.toggle('active', t === 'graph');
  for (const c of [rangeSelect, stepInput, stacked.parentElement!]) (c as HTMLElement).hidden = t !== 'graph';
}

tabTable.onclick = () => (setTab('table'), void run());
tabGraph.onclick = () => (setTab('graph'), void run());
execute.onclick = () => void run();
stacked.onchange = () => void run();
rangeSelect.onchange = () => void run();

root.append(
  el('div', { class: 'query-row' }, editorHost, execute),
  el('div', { class: 'controls' }, tabTable, tabGraph, rangeSelect, endInput, stepInput, el('label', {}, stacked, ' stacked')),
  output
);
setTab(tab);
if (view.state.doc.length) void run();

let inflight: AbortController | undefined;

async function run(): Promise<void> {
  const expr = view.state.doc.toString().trim();
  if (!expr) return;
  // A completion list left open would cover the tabs and the result.
  closeCompletion(view);
  inflight?.abort();
  inflight = new AbortController();
  const end = endInput.value ? Date.parse(endInput.value) / 1000 : Date.now() / 1000;
  const url = new URL(location.href);
  url.searchParams.set('g0.expr', expr);
  url.searchParams.set('g0.tab', tab === 'table' ? '1' : '0');
  url.searchParams.set('g0.range_input', rangeSelect.value);
  history.replaceState(null, '', url);
  output.replaceChildren(el('div', { class: 'muted' }, 'Loading…'));
  const started = performance.now();
  try {
    if (tab === 'table') {
      const r = await api<InstantResult>('api/v1/query', new URLSearchParams({ query: expr, time: String(end) }), inflight.signal);
      renderTable(r.data, r.warnings ?? [], performance.now() - started);
    } else {
      const range = RANGES[rangeSelect.value] ?? 3600;
      const step = Number(stepInput.value) > 0 ? Number(stepInput.value) : Math.max(1, Math.round(range / 250));
      const r = await api<RangeResult>('api/v1/query_range', new URLSearchParams({ query: expr, start: String(end - range), end: String(end), step: String(step) }), inflight.signal);
      renderGraph(r.data, end - range, end, stacked.checked, r.warnings ?? []);
    }
  } catch (err) {
    if ((err as Error).name !== 'AbortError') showError(output, err);
  }
}

function warningsBox(warnings: string[]): Node[] {
  return warnings.map((w) => el('div', { class: 'warning' }, w));
}

function renderTable(data: InstantResult, warnings: string[], ms: number) {
  const table = el('table', { class: 'results', id: 'results-table' });
  if (data.resultType === 'scalar' || data.resultType === 'string') {
    table.append(el('tr', {}, el('td', {}, data.resultType), el('td', {}, data.result[1])));
  } else if (data.resultType === 'vector') {
    if (data.result.length === 0) table.append(el('tr', {}, el('td', { class: 'muted' }, 'Empty query result')));
    for (const s of data.result) table.append(el('tr', {}, el('td', {}, formatSeries(s.metric)), el('td', { class: 'value' }, s.value[1])));
  } else if (data.resultType === 'matrix') {
    for (const s of data.result) {
      table.append(el('tr', {}, el('td', {}, formatSeries(s.metric)), el('td', { class: 'value' }, s.values.map(([t, v]) => `${v} @${t}`).join('\n'))));
    }
  }
  const n = data.resultType === 'vector' || data.resultType === 'matrix' ? data.result.length : 1;
  output.replaceChildren(...warningsBox(warnings), el('div', { class: 'muted' }, `Load time: ${ms.toFixed(0)}ms · Result series: ${n}`), table);
}

const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

function renderGraph(data: RangeResult, start: number, end: number, stack: boolean, warnings: string[]) {
  if (data.result.length === 0) {
    output.replaceChildren(...warningsBox(warnings), el('div', { class: 'muted' }, 'Empty query result'));
    return;
  }
  const times = [...new Set(data.result.flatMap((s) => s.values.map((v) => v[0])))].sort((a, b) => a - b);
  const index = new Map(times.map((t, i) => [t, i]));
  const columns: (number | null)[][] = data.result.map((s) => {
    const col: (number | null)[] = new Array(times.length).fill(null);
    for (const [t, v] of s.values) col[index.get(t)!] = Number(v);
    return col;
  });
  if (stack) {
    for (let i = 1; i < columns.length; i++) for (let j = 0; j < times.length; j++) columns[i][j] = (columns[i][j] ?? 0) + (columns[i - 1][j] ?? 0);
  }
  const chart = el('div', { class: 'chart', id: 'graph' });
  output.replaceChildren(...warningsBox(warnings), chart);
  new uPlot(
    {
      width: Math.max(400, output.clientWidth - 20),
      height: 360,
      scales: { x: { time: true, min: start, max: end } },
      series: [
        {},
        ...data.result.map((s, i) => ({
          label: formatSeries(s.metric),
          stroke: PALETTE[i % PALETTE.length],
          fill: stack ? PALETTE[i % PALETTE.length] + '33' : undefined,
          spanGaps: false,
        })),
      ],
      legend: { show: true },
    },
    [times, ...columns] as uPlot.AlignedData,
    chart
  );
}
