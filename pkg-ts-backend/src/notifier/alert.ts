// An alert as it travels to Alertmanager (times in ms since the epoch; 0 = unset).
import type { Labels } from '../model/labels';

export interface NotifierAlert {
  labels: Labels;
  annotations: Labels;
  startsAt: number;
  endsAt: number;
  generatorURL: string;
}

/** What the rule manager needs from a notifier. */
export interface NotifierLike {
  send(alerts: NotifierAlert[]): void;
}
