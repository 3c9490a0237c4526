// GET /federate: the latest sample of every series matching match[], in the text exposition
// format, so another Prometheus can scrape this one.
import type { ServerResponse } from 'node:http';
import { compareLabels, getLabel, Labels, labelsKey, METRIC_NAME } from '../model/labels';
import { isStaleNaN } from '../model/value';
import type { Series } from '../storage/interface';
import type { Handler } from '../web/router';
import { sendBody } from './compress';
import { formatFloatG } from './encode';
import { readForm } from './params';
import { ApiError } from './respond';
import type { ApiDeps } from './types';

export const FEDERATE_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export interface LatestSample {
  labels: Labels;
  t: number;
  v: number;
}

/** The newest sample in (mint, maxt], unless it is a staleness marker. */
function latestSample(s: Series, mint: number, maxt: number): LatestSample | undefined {
  const it = s.iterator();
  let found = false;
  let t = 0;
  let v = 0;
  if (!it.seek(mint + 1)) return undefined;
  do {
    if (it.t() > maxt) break;
    t = it.t();
    v = it.v();
    found = true;
  } while (it.next());
  if (!found || isStaleNaN(v)) return undefined;
  return { labels: s.labels, t, v };
}

/** The text format 0.0.4 only knows legacy names: other characters become `_` (Prometheus 3's underscore escaping). */
export function escapeName(name: string): string {
  if (/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(name)) return name;
  let out = '';
  let i = 0;
  for (const ch of name) {
    out += /[a-zA-Z_:]/.test(ch) || (i > 0 && /[0-9]/.test(ch)) ? ch : '_';
    i++;
  }
  return out;
}

function escapeLabelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** Renders samples grouped by metric name, with external labels (and `instance`) filled in. */
export function renderFederation(samples: LatestSample[], externalLabels: Labels): string {
  const external = new Map<string, string>();
  for (const l of externalLabels) external.set(l.name, l.value);
  // `instance` is always present in federated series, so targets stay distinguishable upstream.
  if (!external.has('instance')) external.set('instance', '');
  const externalNames = [...external.keys()].sort();

  const sorted = samples.filter((s) => getLabel(s.labels, METRIC_NAME) !== '');
  sorted.sort((a, b) => {
    const na = getLabel(a.labels, METRIC_NAME);
    const nb = getLabel(b.labels, METRIC_NAME);
    return na < nb ? -1 : na > nb ? 1 : compareLabels(a.labels, b.labels);
  });

  const lines: string[] = [];
  let family = '';
  for (const s of sorted) {
    const name = escapeName(getLabel(s.labels, METRIC_NAME));
    if (name !== family) {
      lines.push(`# TYPE ${name} untyped`);
      family = name;
    }
    const pairs: string[] = [];
    const present = new Set<string>();
    for (const l of s.labels) {
      if (l.name === METRIC_NAME || l.value === '') continue;
      pairs.push(`${escapeName(l.name)}="${escapeLabelValue(l.value)}"`);
      present.add(l.name);
    }
    for (const n of externalNames) if (!present.has(n)) pairs.push(`${escapeName(n)}="${escapeLabelValue(external.get(n)!)}"`);
    lines.push(`${name}{${pairs.join(',')}} ${formatFloatG(s.v)} ${s.t}`);
  }
  return lines.length ? lines.join('\n') + '\n' : '';
}

function sendPlain(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(body);
}

export function federationHandler(deps: ApiDeps): Handler {
  return async (req, res, _params, url) => {
    if (deps.ready && !deps.ready()) return sendPlain(res, 503, 'Service Unavailable');
    let selectors: readonly string[];
    try {
      selectors = (await readForm(req, url)).all('match[]');
    } catch (err) {
      return sendPlain(res, 400, err instanceof ApiError ? err.message : String(err));
    }
    let sets;
    try {
      sets = selectors.map((s) => deps.parser.parseMetricSelector(s));
    } catch (err) {
      return sendPlain(res, 400, (err as Error).message + '\n');
    }
    const maxt = deps.now?.() ?? Date.now();
    const mint = maxt - deps.lookbackDeltaMs;
    const q = deps.queryable.querier(mint, maxt);
    const samples: LatestSample[] = [];
    try {
      const seen = new Set<string>();
      for (const ms of sets) {
        for (const s of q.select(false, { start: mint, end: maxt }, ms)) {
          const key = labelsKey(s.labels);
          if (seen.has(key)) continue;
          seen.add(key);
          const latest = latestSample(s, mint, maxt);
          if (latest) samples.push(latest);
        }
      }
    } catch (err) {
      return sendPlain(res, 500, (err as Error).message + '\n');
    } finally {
      q.close();
    }
    await sendBody(req, res, 200, { 'Content-Type': FEDERATE_CONTENT_TYPE }, renderFederation(samples, deps.externalLabels()));
  };
}
