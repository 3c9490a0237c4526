// Alerting rules: one alert per output series of the expression, moving through
// inactive -> pending -> firing with `for`, held firing by `keep_firing_for`, kept for 15 minutes
// after resolving so Alertmanager hears about the resolution, and written out as the ALERTS and
// ALERTS_FOR_STATE series.
import { EMPTY_LABELS, Labels, labelsKey, METRIC_NAME, withLabel, withoutLabels } from '../model/labels';
import type { Expr } from '../promql/parser/ast';
import type { Sample } from '../promql/value';
import type { EvalContext, Rule, RuleHealth } from './rule';
import { expandAlertTemplate } from './template';

export type AlertState = 'inactive' | 'pending' | 'firing';

/** How long a resolved alert stays around (and is re-sent) after it stopped firing. */
export const RESOLVED_RETENTION_MS = 15 * 60 * 1000;

export const ALERTS_METRIC = 'ALERTS';
export const ALERTS_FOR_STATE_METRIC = 'ALERTS_FOR_STATE';

export interface Alert {
  state: AlertState;
  labels: Labels;
  annotations: Labels;
  /** The value of the expression's sample in the latest evaluation. */
  value: number;
  /** All times in ms; 0 = never. */
  activeAt: number;
  firedAt: number;
  resolvedAt: number;
  lastSentAt: number;
  validUntil: number;
  keepFiringSince: number;
}

export interface AlertingRuleOptions {
  name: string;
  expr: Expr;
  query: string;
  forMs: number;
  keepFiringForMs: number;
  labels: Labels;
  annotations: Labels;
  externalLabels: Labels;
  externalUrl: string;
  /** False while the rule waits for its `for` state to be restored after a restart. */
  restored: boolean;
}

const NAME_ONLY = new Set([METRIC_NAME]);

export class AlertingRule implements Rule {
  readonly kind = 'alerting';
  readonly name: string;
  readonly query: string;
  readonly labels: Labels;
  readonly annotations: Labels;
  readonly forMs: number;
  readonly keepFiringForMs: number;
  health: RuleHealth = 'unknown';
  lastError = '';
  lastEvaluation = 0;
  evaluationTimeMs = 0;
  restored: boolean;
  /** Alerts by label-set key, including resolved ones still retained. */
  active = new Map<string, Alert>();
  private readonly expr: Expr;

  constructor(private readonly opts: AlertingRuleOptions) {
    this.name = opts.name;
    this.expr = opts.expr;
    this.query = opts.query;
    this.labels = opts.labels;
    this.annotations = opts.annotations;
    this.forMs = opts.forMs;
    this.keepFiringForMs = opts.keepFiringForMs;
    this.restored = opts.restored;
  }

  identity(): string {
    return `alert\xff${this.name}\xff${labelsKey(this.labels)}`;
  }

  /** The rule's state for /api/v1/rules: the most severe state among its alerts. */
  state(): AlertState {
    let s: AlertState = 'inactive';
    for (const a of this.active.values()) {
      if (a.state === 'firing') return 'firing';
      if (a.state === 'pending') s = 'pending';
    }
    return s;
  }

  /** Alerts that are pending or firing. */
  activeAlerts(): Alert[] {
    return [...this.active.values()].filter((a) => a.state !== 'inactive');
  }

  async eval(ctx: EvalContext): Promise<Sample[]> {
    const { ts } = ctx;
    const queryTs = ts - ctx.queryOffsetMs;
    const vector = await ctx.query(this.expr, queryTs);
    const current = new Map<string, Alert>();
    for (const s of vector) {
      const data = { labels: s.metric, externalLabels: this.opts.externalLabels, externalUrl: this.opts.externalUrl, value: s.v };
      const expandOpts = { ts: queryTs, externalUrl: this.opts.externalUrl, query: ctx.textQuery };
      let labels = withoutLabels(s.metric, NAME_ONLY);
      for (const l of this.labels) labels = withLabel(labels, l.name, await expandAlertTemplate(this.name, l.value, data, expandOpts));
      labels = withLabel(labels, 'alertname', this.name);
      const annotations: { name: string; value: string }[] = [];
      for (const a of this.annotations) annotations.push({ name: a.name, value: await expandAlertTemplate(this.name, a.value, data, expandOpts) });
      const key = labelsKey(labels);
      if (current.has(key)) throw new Error('vector contains metrics with the same labelset after applying alert labels');
      current.set(key, {
        state: 'pending',
        labels,
        annotations: annotations.length ? annotations : EMPTY_LABELS,
        value: s.v,
        activeAt: ts,
        firedAt: 0,
        resolvedAt: 0,
        lastSentAt: 0,
        validUntil: 0,
        keepFiringSince: 0,
      });
    }
    for (const [key, fresh] of current) {
      const existing = this.active.get(key);
      if (existing && existing.state !== 'inactive') {
        existing.value = fresh.value;
        existing.annotations = fresh.annotations;
      } else this.active.set(key, fresh);
    }

    const out: Sample[] = [];
    let activeCount = 0;
    for (const [key, a] of this.active) {
      if (!current.has(key)) {
        let keepFiring = false;
        if (a.state === 'firing' && this.keepFiringForMs > 0) {
          if (a.keepFiringSince === 0) a.keepFiringSince = ts;
          keepFiring = ts - a.keepFiringSince < this.keepFiringForMs;
        }
        if (a.state === 'pending' || (a.resolvedAt !== 0 && ts - a.resolvedAt > RESOLVED_RETENTION_MS)) this.active.delete(key);
        if (a.state !== 'inactive' && !keepFiring) {
          a.state = 'inactive';
          a.resolvedAt = ts;
        }
        if (!keepFiring) continue;
      } else a.keepFiringSince = 0;
      activeCount++;
      if (a.state === 'pending' && ts - a.activeAt >= this.forMs) {
        a.state = 'firing';
        a.firedAt = ts;
      }
      if (this.restored) {
        out.push({ metric: this.alertsSeries(a), t: queryTs, v: 1 });
        out.push({ metric: this.forStateSeries(a.labels), t: queryTs, v: Math.floor(a.activeAt / 1000) });
      }
    }
    if (ctx.limit > 0 && activeCount > ctx.limit) {
      this.active.clear();
      throw new Error(`exceeded limit of ${ctx.limit} with ${activeCount} alerts`);
    }
    return out;
  }

  private alertsSeries(a: Alert): Labels {
    return withLabel(withLabel(a.labels, METRIC_NAME, ALERTS_METRIC), 'alertstate', a.state);
  }

  /** ALERTS_FOR_STATE's label set for an alert with these labels. */
  forStateSeries(labels: Labels): Labels {
    return withLabel(labels, METRIC_NAME, ALERTS_FOR_STATE_METRIC);
  }

  /**
   * The alerts to hand to the notifier now: firing ones not sent within the resend delay and
   * resolved ones not yet sent since resolving; marks them sent and sets how long they stay valid.
   */
  alertsToSend(ts: number, resendDelayMs: number, intervalMs: number): Alert[] {
    const out: Alert[] = [];
    for (const a of this.active.values()) {
      if (a.state === 'pending') continue;
      const needs = a.lastSentAt === 0 || a.resolvedAt > a.lastSentAt || a.lastSentAt + resendDelayMs < ts;
      if (!needs) continue;
      a.lastSentAt = ts;
      a.validUntil = ts + 4 * Math.max(resendDelayMs, intervalMs);
      out.push({ ...a });
    }
    return out;
  }
}
