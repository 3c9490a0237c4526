// Connects rules to the PromQL engine: an instant query whose result must be a vector (or a
// scalar, which becomes one sample without labels), as Prometheus's EngineQueryFunc does.
import type { Engine } from '../promql/engine';
import type { Queryable } from '../storage/interface';
import type { QueryFunc } from './rule';

export function engineQueryFunc(engine: Engine, queryable: Queryable): QueryFunc {
  return async (expr, ts) => {
    const { value } = await engine.instantQuery(queryable, expr, ts);
    switch (value.type) {
      case 'vector':
        return value.samples;
      case 'scalar':
        return [{ metric: [], t: value.t, v: value.v }];
      default:
        throw new Error('rule result is not a vector or scalar');
    }
  };
}
