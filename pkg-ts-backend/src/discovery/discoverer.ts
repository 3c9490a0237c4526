// The contract between the discovery manager and each mechanism (static, file, http, dns).
import { TargetGroup } from './targetGroup';

export interface Discoverer {
  /** Starts discovering; `update` receives the mechanism's complete current list of groups each time it changes. */
  run(update: (groups: TargetGroup[]) => void): void;
  stop(): void;
}
