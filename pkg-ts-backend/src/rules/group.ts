// A rule group: evaluated every interval at a stable per-group offset, its rules in order, each
// rule's output committed before the next rule runs (so later rules see earlier results), with
// stale markers for series that disappear and `for` state restored from ALERTS_FOR_STATE.
import { Labels, labelsEqual, labelsKey, METRIC_NAME } from '../model/labels';
import { Matcher } from '../model/matcher';
import { isStaleNaN, STALE_NAN } from '../model/value';
import type { Appendable, Queryable } from '../storage/interface';
import type { Logger } from '../util/log';
import { ruleEvaluationFailuresTotal, ruleEvaluationsTotal, ruleGroupIterationsMissedTotal } from '../util/metrics';
import { Alert, ALERTS_FOR_STATE_METRIC, AlertingRule } from './alerting';
import type { QueryFunc, Rule, TextQueryFunc } from './rule';

export interface GroupOptions {
  name: string;
  file: string;
  intervalMs: number;
  limit: number;
  queryOffsetMs: number;
  rules: Rule[];
  appendable: Appendable;
  queryable: Queryable;
  query: QueryFunc;
  textQuery?: TextQueryFunc;
  logger: Logger;
  /** Receives the alerts an alerting rule wants sent (firing, re-sends, resolutions). */
  notify?: (rule: AlertingRule, alerts: Alert[]) => void;
  resendDelayMs: number;
  outageToleranceMs: number;
  gracePeriodMs: number;
  /** True for groups loaded at startup: their `for` state is restored after two evaluations. */
  shouldRestore: boolean;
  now: () => number;
}

/** A stable offset within the interval so groups do not all evaluate at the same instant. */
function groupOffset(name: string, file: string, intervalMs: number): number {
  let h = 0xcbf29ce484222325n;
  for (const b of Buffer.from(`${file}\xff${name}`, 'utf8')) {
    h ^= BigInt(b);
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return Number(h % BigInt(Math.max(intervalMs, 1)));
}

export class Group {
  readonly name: string;
  readonly file: string;
  readonly intervalMs: number;
  readonly limit: number;
  readonly queryOffsetMs: number;
  readonly rules: Rule[];
  lastEvaluation = 0;
  evaluationTimeMs = 0;
  /** Per rule: the series its last successful evaluation wrote. */
  private seriesInPreviousEval: Map<string, Labels>[];
  /** Series of rules that no longer exist, to be marked stale at the next evaluation. */
  private staleSeries: Labels[] = [];
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  private shouldRestore: boolean;
  private readonly log: Logger;

  constructor(private readonly opts: GroupOptions) {
    this.name = opts.name;
    this.file = opts.file;
    this.intervalMs = opts.intervalMs;
    this.limit = opts.limit;
    this.queryOffsetMs = opts.queryOffsetMs;
    this.rules = opts.rules;
    this.seriesInPreviousEval = opts.rules.map(() => new Map());
    this.shouldRestore = opts.shouldRestore;
    this.log = opts.logger.child({ file: opts.file, group: opts.name });
  }

  /** Prometheus's rule_group label value: `<file>;<group>`. */
  private metricLabel(): string {
    return `${this.file};${this.name}`;
  }

  key(): string {
    return `${this.file}\xff${this.name}`;
  }

  /** The last aligned evaluation time at or before `now`. */
  evalTimestamp(now: number): number {
    const offset = groupOffset(this.name, this.file, this.intervalMs);
    const adj = now - offset;
    return adj - (((adj % this.intervalMs) + this.intervalMs) % this.intervalMs) + offset;
  }

  /** Starts evaluating on the group's schedule, the first time at the next aligned instant. */
  start(): void {
    let next = this.evalTimestamp(this.opts.now()) + this.intervalMs;
    let evaluationsBeforeRestore = this.shouldRestore ? 2 : 0;
    const tick = (): void => {
      if (this.stopped) return;
      const ts = next;
      this.running = (async () => {
        await this.evaluate(ts);
        if (evaluationsBeforeRestore > 0 && --evaluationsBeforeRestore === 0) this.restoreForState(this.opts.now());
      })()
        .catch((err: unknown) => this.log.error('rule group evaluation failed', { err }))
        .finally(() => {
          this.running = null;
          const now = this.opts.now();
          next = ts + this.intervalMs;
          if (next <= now) {
            const missed = Math.floor((now - next) / this.intervalMs) + 1;
            this.log.warn('Rule group evaluation took longer than the interval, skipping evaluations', { missed });
            ruleGroupIterationsMissedTotal.inc({ rule_group: this.metricLabel() }, missed);
            next += missed * this.intervalMs;
          }
          if (!this.stopped) this.timer = setTimeout(tick, Math.max(0, next - now));
        });
    };
    this.timer = setTimeout(tick, Math.max(0, next - this.opts.now()));
  }

  /** Stops the schedule after any running evaluation; with `markStale`, ends every series it wrote. */
  async stop(markStale: boolean): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.running) await this.running;
    if (!markStale) return;
    const app = this.opts.appendable.appender();
    const t = this.opts.now();
    for (const series of [...this.seriesInPreviousEval.flatMap((m) => [...m.values()]), ...this.staleSeries]) {
      try {
        app.append(0, series, t, STALE_NAN);
      } catch {
        // Out-of-order or duplicate stale markers are expected when a newer sample exists.
      }
    }
    await app.commit();
  }

  /** Evaluates every rule once at `ts` (ms), in order. */
  async evaluate(ts: number): Promise<void> {
    const start = this.opts.now();
    this.lastEvaluation = start;
    const writeTs = ts - this.queryOffsetMs;
    for (let i = 0; i < this.rules.length; i++) {
      const rule = this.rules[i];
      const ruleStart = this.opts.now();
      rule.lastEvaluation = ruleStart;
      ruleEvaluationsTotal.inc({ rule_group: this.metricLabel() });
      let samples;
      try {
        samples = await rule.eval({ ts, queryOffsetMs: this.queryOffsetMs, limit: this.limit, query: this.opts.query, textQuery: this.opts.textQuery });
      } catch (err) {
        rule.health = 'err';
        rule.lastError = (err as Error).message;
        rule.evaluationTimeMs = this.opts.now() - ruleStart;
        ruleEvaluationFailuresTotal.inc({ rule_group: this.metricLabel() });
        this.log.warn('Evaluating rule failed', { rule: rule.name, err: (err as Error).message });
        continue;
      }
      rule.health = 'ok';
      rule.lastError = '';
      if (rule instanceof AlertingRule && this.opts.notify) {
        const alerts = rule.alertsToSend(ts, this.opts.resendDelayMs, this.intervalMs);
        if (alerts.length > 0) this.opts.notify(rule, alerts);
      }
      const app = this.opts.appendable.appender();
      const returned = new Map<string, Labels>();
      for (const s of samples) {
        try {
          app.append(0, s.metric, s.t, s.v);
          returned.set(labelsKey(s.metric), s.metric);
        } catch (err) {
          rule.health = 'err';
          rule.lastError = (err as Error).message;
          this.log.warn('Rule evaluation result discarded', { rule: rule.name, err: (err as Error).message });
        }
      }
      for (const [key, series] of this.seriesInPreviousEval[i]) {
        if (returned.has(key)) continue;
        try {
          app.append(0, series, writeTs, STALE_NAN);
        } catch {
          // A newer sample already exists for this series: nothing to end.
        }
      }
      await app.commit();
      this.seriesInPreviousEval[i] = returned;
      rule.evaluationTimeMs = this.opts.now() - ruleStart;
    }
    if (this.staleSeries.length > 0) {
      const app = this.opts.appendable.appender();
      for (const series of this.staleSeries) {
        try {
          app.append(0, series, writeTs, STALE_NAN);
        } catch {
          // As above.
        }
      }
      await app.commit();
      this.staleSeries = [];
    }
    this.evaluationTimeMs = this.opts.now() - start;
  }

  /**
   * Restores when pending alerts became active, from the last ALERTS_FOR_STATE sample written
   * before a restart within the outage tolerance, so a restart does not reset `for` clocks.
   */
  restoreForState(now: number): void {
    const querier = this.opts.queryable.querier(now - this.opts.outageToleranceMs, now);
    try {
      for (const rule of this.rules) {
        if (!(rule instanceof AlertingRule)) continue;
        if (rule.forMs < this.opts.gracePeriodMs) {
          rule.restored = true;
          continue;
        }
        const matchers = [new Matcher('=', METRIC_NAME, ALERTS_FOR_STATE_METRIC), new Matcher('=', 'alertname', rule.name), ...rule.labels.filter((l) => !l.value.includes('{{')).map((l) => new Matcher('=', l.name, l.value))];
        const series = querier.select(false, undefined, matchers);
        for (const alert of rule.activeAlerts()) {
          const want = rule.forStateSeries(alert.labels);
          const s = series.find((x) => labelsEqual(x.labels, want));
          if (!s) continue;
          const it = s.iterator();
          let t = 0;
          let v = NaN;
          let found = false;
          while (it.next()) {
            t = it.t();
            v = it.v();
            found = true;
          }
          if (!found || isStaleNaN(v)) continue;
          const downAt = Math.floor(t / 1000) * 1000;
          let activeAt = Math.trunc(v) * 1000;
          const remaining = rule.forMs - (downAt - activeAt);
          if (remaining <= 0) {
            // It was already firing when flint went down; the next evaluation fires it again.
          } else if (remaining < this.opts.gracePeriodMs) activeAt = now + this.opts.gracePeriodMs - rule.forMs;
          else activeAt += now - downAt;
          alert.activeAt = activeAt;
        }
        rule.restored = true;
      }
    } finally {
      querier.close();
    }
    this.shouldRestore = false;
  }

  /** Takes over a previous version of this group: written series, alerts and timings of matching rules. */
  copyState(from: Group): void {
    this.lastEvaluation = from.lastEvaluation;
    this.evaluationTimeMs = from.evaluationTimeMs;
    const byIdentity = new Map<string, number[]>();
    from.rules.forEach((r, i) => byIdentity.set(r.identity(), [...(byIdentity.get(r.identity()) ?? []), i]));
    this.rules.forEach((rule, i) => {
      const candidates = byIdentity.get(rule.identity());
      if (!candidates || candidates.length === 0) return;
      const fi = candidates.shift() as number;
      const old = from.rules[fi];
      this.seriesInPreviousEval[i] = from.seriesInPreviousEval[fi];
      rule.health = old.health;
      rule.lastError = old.lastError;
      rule.lastEvaluation = old.lastEvaluation;
      rule.evaluationTimeMs = old.evaluationTimeMs;
      if (rule instanceof AlertingRule && old instanceof AlertingRule) for (const [k, a] of old.active) rule.active.set(k, a);
    });
    this.staleSeries = [...from.staleSeries];
    for (const indexes of byIdentity.values()) for (const fi of indexes) this.staleSeries.push(...from.seriesInPreviousEval[fi].values());
  }
}
