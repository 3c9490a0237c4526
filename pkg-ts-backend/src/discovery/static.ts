// static_configs: the groups written in the config file, emitted once.
import { StaticSDConfig } from '../config/types';
import { Discoverer } from './discoverer';
import { addressTarget, TargetGroup } from './targetGroup';

export class StaticDiscoverer implements Discoverer {
  constructor(private readonly config: StaticSDConfig) {}

  run(update: (groups: TargetGroup[]) => void): void {
    update(this.config.groups.map((g, i) => ({ source: String(i), targets: g.targets.map(addressTarget), labels: g.labels })));
  }

  stop(): void {}
}
