// The status pages of the built-in UI: Targets, Rules, Alerts, Service discovery,
// Configuration, Flags, TSDB status. Each is a table rendered from flint's API.
import { ago, api, el, showError } from './common';

type Labels = Record<string, string>;
interface Target {
  discoveredLabels: Labels;
  labels: Labels;
  scrapePool: string;
  scrapeUrl: string;
  lastError: string;
  lastScrape: string;
  lastScrapeDuration: number;
  health: string;
}
interface Rule {
  name: string;
  query: string;
  type: 'alerting' | 'recording';
  health: string;
  lastError?: string;
  lastEvaluation: string;
  evaluationTime: number;
  state?: string;
  duration?: number;
  labels?: Labels;
  alerts?: Alert[];
}
interface Alert {
  labels: Labels;
  annotations: Labels;
  state: string;
  activeAt?: string;
  value: string;
}

const root = document.getElementById('app')!;
const page = document.body.dataset.page ?? '';

function labelChips(ls: Labels): HTMLElement {
  return el('div', { class: 'labels' }, ...Object.entries(ls).map(([k, v]) => el('span', { class: 'chip' }, `${k}="${v}"`)));
}

function table(head: string[], rows: (Node | string)[][], id?: string): HTMLTableElement {
  const t = el('table', id ? { class: 'results', id } : { class: 'results' });
  t.append(el('tr', {}, ...head.map((h) => el('th', {}, h))));
  for (const r of rows) t.append(el('tr', {}, ...r.map((c) => el('td', {}, c))));
  return t;
}

const renderers: Record<string, () => Promise<Node[]>> = {
  async targets() {
    const r = await api<{ activeTargets: Target[] }>('api/v1/targets?state=active');
    const pools = new Map<string, Target[]>();
    for (const t of r.data.activeTargets) pools.set(t.scrapePool, [...(pools.get(t.scrapePool) ?? []), t]);
    if (pools.size === 0) return [el('p', { class: 'muted' }, 'No targets.')];
    return [...pools].flatMap(([pool, ts]) => [
      el('h2', {}, `${pool} (${ts.filter((t) => t.health === 'up').length}/${ts.length} up)`),
      table(
        ['Endpoint', 'State', 'Labels', 'Last scrape', 'Scrape duration', 'Error'],
        ts.map((t) => [
          el('a', { href: t.scrapeUrl }, t.scrapeUrl),
          el('span', { class: `health ${t.health}` }, t.health.toUpperCase()),
          labelChips(t.labels),
          ago(t.lastScrape),
          `${(t.lastScrapeDuration * 1000).toFixed(1)}ms`,
          t.lastError ? el('span', { class: 'error-text' }, t.lastError) : '',
        ]),
        'targets'
      ),
    ]);
  },
  async rules() {
    const r = await api<{ groups: { name: string; file: string; interval: number; rules: Rule[] }[] }>('api/v1/rules');
    if (r.data.groups.length === 0) return [el('p', { class: 'muted' }, 'No rule groups configured.')];
    return r.data.groups.flatMap((g) => [
      el('h2', {}, `${g.name}`),
      el('div', { class: 'muted' }, `${g.file} · every ${g.interval}s`),
      table(
        ['Rule', 'State', 'Error', 'Last evaluation', 'Evaluation time'],
        g.rules.map((rule) => [
          el('pre', {}, rule.type === 'alerting' ? `alert: ${rule.name}\nexpr: ${rule.query}` : `record: ${rule.name}\nexpr: ${rule.query}`),
          el('span', { class: `health ${rule.health}` }, rule.health.toUpperCase()),
          rule.lastError ?? '',
          ago(rule.lastEvaluation),
          `${(rule.evaluationTime * 1000).toFixed(2)}ms`,
        ])
      ),
    ]);
  },
  async alerts() {
    const r = await api<{ groups: { name: string; rules: Rule[] }[] }>('api/v1/rules?type=alert');
    const rules = r.data.groups.flatMap((g) => g.rules);
    if (rules.length === 0) return [el('p', { class: 'muted' }, 'No alerting rules configured.')];
    return rules.map((rule) =>
      el(
        'details',
        { class: `alert ${rule.state ?? 'inactive'}`, ...(rule.state === 'firing' ? { open: '' } : {}) },
        el('summary', {}, `${rule.name} (${rule.alerts?.length ?? 0} active) — ${(rule.state ?? 'inactive').toUpperCase()}`),
        el('pre', {}, rule.query),
        table(
          ['Labels', 'State', 'Active since', 'Value'],
          (rule.alerts ?? []).map((a) => [labelChips(a.labels), a.state, a.activeAt ?? '', a.value])
        )
      )
    );
  },
  async 'service-discovery'() {
    const r = await api<{ activeTargets: Target[]; droppedTargets: { discoveredLabels: Labels; scrapePool?: string }[] }>('api/v1/targets?state=any');
    return [
      el('h2', {}, 'Active targets'),
      table(['Discovered labels', 'Target labels'], r.data.activeTargets.map((t) => [labelChips(t.discoveredLabels), labelChips(t.labels)])),
      el('h2', {}, 'Dropped targets'),
      table(['Discovered labels', 'Target labels'], r.data.droppedTargets.map((t) => [labelChips(t.discoveredLabels), 'dropped'])),
    ];
  },
  async config() {
    const r = await api<{ yaml: string }>('api/v1/status/config');
    return [el('pre', { class: 'config', id: 'config' }, r.data.yaml)];
  },
  async flags() {
    const r = await api<Record<string, string>>('api/v1/status/flags');
    return [table(['Flag', 'Value'], Object.entries(r.data).sort().map(([k, v]) => [`--${k}`, v]))];
  },
  async 'tsdb-status'() {
    const r = await api<{
      headStats: Record<string, number>;
      seriesCountByMetricName: { name: string; value: number }[];
      labelValueCountByLabelName: { name: string; value: number }[];
      seriesCountByLabelValuePair: { name: string; value: number }[];
    }>('api/v1/status/tsdb');
    const d = r.data;
    const pairs = (xs: { name: string; value: number }[]) => xs.map((x) => [x.name, String(x.value)]);
    return [
      el('h2', {}, 'Head'),
      table(['Stat', 'Value'], Object.entries(d.headStats).map(([k, v]) => [k, String(v)])),
      el('h2', {}, 'Top series count by metric name'),
      table(['Name', 'Count'], pairs(d.seriesCountByMetricName)),
      el('h2', {}, 'Top label names by value count'),
      table(['Name', 'Count'], pairs(d.labelValueCountByLabelName)),
      el('h2', {}, 'Top series count by label value pair'),
      table(['Pair', 'Count'], pairs(d.seriesCountByLabelValuePair)),
    ];
  },
  async status() {
    const [b, rt] = await Promise.all([api<Record<string, string>>('api/v1/status/buildinfo'), api<Record<string, unknown>>('api/v1/status/runtimeinfo')]);
    return [
      el('h2', {}, 'Build information'),
      table(['', ''], Object.entries(b.data).map(([k, v]) => [k, String(v)])),
      el('h2', {}, 'Runtime information'),
      table(['', ''], Object.entries(rt.data).map(([k, v]) => [k, String(v)])),
    ];
  },
};

async function render(): Promise<void> {
  const r = renderers[page];
  if (!r) return showError(root, new Error(`unknown page ${page}`));
  try {
    root.replaceChildren(...(await r()));
  } catch (err) {
    showError(root, err);
  }
}

void render();
