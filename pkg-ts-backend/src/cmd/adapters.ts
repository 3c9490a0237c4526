// Adapters from each subsystem's own types to the narrow views the HTTP API consumes.
import type { TsdbAdmin } from '../api/types';
import type { TSDB } from '../tsdb/db';

export function tsdbAdmin(db: TSDB): TsdbAdmin {
  return {
    status: (limit) => db.status(limit),
    walReplayStatus: () => db.walReplayStatus(),
    deleteSeries: (matchers, mint, maxt) => db.deleteSeries([...matchers], mint, maxt),
    cleanTombstones: () => db.cleanTombstones(),
    snapshot: (dir, withHead) => db.snapshot(dir, withHead),
  };
}
