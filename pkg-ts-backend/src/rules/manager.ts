// The rule manager: loads rule files, runs their groups, swaps groups on reload (keeping the
// state of unchanged rules, marking removed ones stale) and hands alerts to the notifier.
import { readFile } from 'node:fs/promises';
import { Labels, labelsKey } from '../model/labels';
import type { NotifierAlert, NotifierLike } from '../notifier/alert';
import { formatExpr, parseExpr, ParseOptions } from '../promql/parser';
import type { Appendable, Queryable } from '../storage/interface';
import type { Logger } from '../util/log';
import { Alert, AlertingRule } from './alerting';
import { parseRuleFile, RuleFileError, RuleGroupSpec } from './file';
import { Group } from './group';
import { RecordingRule } from './recording';
import type { QueryFunc, Rule } from './rule';
import { AlertStatus, alertStatus, groupStatus, RuleGroupStatus } from './status';
import { queryEscape } from './template/builtins';

export interface RuleManagerOptions {
  appendable: Appendable;
  queryable: Queryable;
  query: QueryFunc;
  notifier?: NotifierLike;
  logger: Logger;
  externalLabels: Labels;
  externalUrl: string;
  forOutageToleranceMs: number;
  forGracePeriodMs: number;
  resendDelayMs: number;
  defaultEvaluationIntervalMs: number;
  /** global.rule_query_offset; a group's query_offset overrides it. */
  defaultQueryOffsetMs?: number;
  /** The PromQL language features enabled on the server, for rule expressions. */
  parseOptions?: ParseOptions;
  now?: () => number;
}

/** Settings a config reload may change besides the rule files (global.external_labels, global.rule_query_offset). */
export interface ReloadableSettings {
  externalLabels?: Labels;
  defaultQueryOffsetMs?: number;
}

/** The generator URL Prometheus gives alerts: the expression's table view in the UI. */
export function generatorURL(externalUrl: string, expr: string): string {
  return `${externalUrl.replace(/\/$/, '')}/graph?g0.expr=${queryEscape(expr)}&g0.tab=1`;
}

/** What a notifier receives for an alert, with endsAt as Prometheus sets it. */
export function toNotifierAlert(a: Alert, externalUrl: string, expr: string): NotifierAlert {
  return {
    labels: a.labels,
    annotations: a.annotations,
    startsAt: a.firedAt,
    endsAt: a.resolvedAt !== 0 ? a.resolvedAt : a.validUntil,
    generatorURL: generatorURL(externalUrl, expr),
  };
}

function ruleSignature(r: Rule): string {
  if (r instanceof AlertingRule) return `${r.identity()}\xff${r.query}\xff${r.forMs}\xff${r.keepFiringForMs}\xff${labelsKey(r.annotations)}`;
  return r.identity();
}

function groupSignature(g: Group): string {
  return [g.intervalMs, g.limit, g.queryOffsetMs, ...g.rules.map(ruleSignature)].join('\n');
}

export class RuleManager {
  private groupsByKey = new Map<string, Group>();
  private restoredOnce = false;
  private readonly now: () => number;
  private readonly log: Logger;
  private updating: Promise<void> = Promise.resolve();
  private externalLabels: Labels;
  private defaultQueryOffsetMs: number;

  constructor(private readonly opts: RuleManagerOptions) {
    this.now = opts.now ?? Date.now;
    this.externalLabels = opts.externalLabels;
    this.defaultQueryOffsetMs = opts.defaultQueryOffsetMs ?? 0;
    this.log = opts.logger.child({ component: 'rule manager' });
  }

  /**
   * Loads the given rule files (resolved paths) and replaces the running groups. When any file is
   * bad, throws a RuleFileError listing every problem and leaves the running rules untouched.
   */
  update(files: string[], evaluationIntervalMs: number, settings: ReloadableSettings = {}): Promise<void> {
    const run = this.updating.then(() => this.doUpdate(files, evaluationIntervalMs, settings));
    this.updating = run.catch(() => undefined);
    return run;
  }

  private async doUpdate(files: string[], evaluationIntervalMs: number, settings: ReloadableSettings): Promise<void> {
    const specs: RuleGroupSpec[] = [];
    const errors: string[] = [];
    for (const file of files) {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (err) {
        errors.push(`${file}: ${(err as Error).message}`);
        continue;
      }
      try {
        specs.push(...parseRuleFile(text, file, this.opts.parseOptions));
      } catch (err) {
        if (err instanceof RuleFileError) errors.push(...err.errors);
        else throw err;
      }
    }
    if (errors.length > 0) throw new RuleFileError(errors);
    // Alert templates see the external labels: a change rebuilds every group (state carried over).
    const externalLabelsChanged = settings.externalLabels !== undefined && labelsKey(settings.externalLabels) !== labelsKey(this.externalLabels);
    if (settings.externalLabels) this.externalLabels = settings.externalLabels;
    if (settings.defaultQueryOffsetMs !== undefined) this.defaultQueryOffsetMs = settings.defaultQueryOffsetMs;

    const shouldRestore = !this.restoredOnce;
    const next = new Map<string, Group>();
    for (const spec of specs) {
      const g = this.buildGroup(spec, evaluationIntervalMs || this.opts.defaultEvaluationIntervalMs, shouldRestore);
      next.set(g.key(), g);
    }
    const stops: Promise<void>[] = [];
    const replaced: [Group, Group][] = [];
    const final = new Map<string, Group>();
    for (const [key, g] of next) {
      const old = this.groupsByKey.get(key);
      if (old && !externalLabelsChanged && groupSignature(old) === groupSignature(g)) {
        final.set(key, old);
        continue;
      }
      if (old) {
        replaced.push([g, old]);
        stops.push(old.stop(false));
      }
      final.set(key, g);
    }
    for (const [key, old] of this.groupsByKey) if (!next.has(key)) stops.push(old.stop(true));
    // Take over state only once the old group's last evaluation has finished.
    await Promise.all(stops);
    for (const [g, old] of replaced) g.copyState(old);
    for (const [key, g] of final) if (this.groupsByKey.get(key) !== g) g.start();
    this.groupsByKey = final;
    this.restoredOnce = true;
    this.log.info('Rules loaded', { files: files.length, groups: final.size });
  }

  private buildGroup(spec: RuleGroupSpec, defaultIntervalMs: number, shouldRestore: boolean): Group {
    const rules: Rule[] = spec.rules.map((r) => {
      let labels = spec.labels;
      for (const l of r.labels) labels = [...labels.filter((x) => x.name !== l.name), l].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      const query = formatExpr(r.expr);
      if (r.kind === 'recording') return new RecordingRule(r.name, r.expr, query, labels);
      return new AlertingRule({
        name: r.name,
        expr: r.expr,
        query,
        forMs: r.forMs,
        keepFiringForMs: r.keepFiringForMs,
        labels,
        annotations: r.annotations,
        externalLabels: this.externalLabels,
        externalUrl: this.opts.externalUrl,
        restored: !shouldRestore,
      });
    });
    const notifier = this.opts.notifier;
    return new Group({
      name: spec.name,
      file: spec.file,
      intervalMs: spec.intervalMs || defaultIntervalMs,
      limit: spec.limit,
      queryOffsetMs: spec.queryOffsetMs ?? this.defaultQueryOffsetMs,
      rules,
      appendable: this.opts.appendable,
      queryable: this.opts.queryable,
      query: this.opts.query,
      textQuery: (q, ts) => this.opts.query(parseExpr(q, this.opts.parseOptions), ts),
      logger: this.log,
      notify: notifier ? (rule, alerts) => notifier.send(alerts.map((a) => toNotifierAlert(a, this.opts.externalUrl, rule.query))) : undefined,
      resendDelayMs: this.opts.resendDelayMs,
      outageToleranceMs: this.opts.forOutageToleranceMs,
      gracePeriodMs: this.opts.forGracePeriodMs,
      shouldRestore,
      now: this.now,
    });
  }

  /** Stops every group (without marking its series stale, as on shutdown). */
  async stop(): Promise<void> {
    await this.updating;
    await Promise.all([...this.groupsByKey.values()].map((g) => g.stop(false)));
    this.groupsByKey.clear();
  }

  /** The running groups, sorted by file then name, as GET /api/v1/rules lists them. */
  ruleGroups(): Group[] {
    return [...this.groupsByKey.values()].sort((a, b) => (a.file !== b.file ? (a.file < b.file ? -1 : 1) : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  groups(): RuleGroupStatus[] {
    return this.ruleGroups().map(groupStatus);
  }

  /** Every pending or firing alert, as GET /api/v1/alerts lists them. */
  alerts(): AlertStatus[] {
    const out: AlertStatus[] = [];
    for (const g of this.ruleGroups()) for (const r of g.rules) if (r instanceof AlertingRule) out.push(...r.activeAlerts().map(alertStatus));
    return out;
  }
}
