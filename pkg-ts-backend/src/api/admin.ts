// /admin/tsdb/*: delete_series, clean_tombstones and snapshot, only with --web.enable-admin-api.
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ApiRequest, ApiResult } from './handler';
import { invalidParam, MAX_TIME_MS, MIN_TIME_MS, timeParam } from './params';
import { ApiError } from './respond';
import { parseGoBool } from './rules';
import { readyTsdb } from './status';

function requireAdmin(r: ApiRequest): void {
  if (!r.deps.enableAdminApi) throw new ApiError('unavailable', 'admin APIs disabled');
}

export async function deleteSeries(r: ApiRequest): Promise<ApiResult> {
  requireAdmin(r);
  const selectors = r.form.all('match[]');
  if (selectors.length === 0) throw new ApiError('bad_data', 'no match[] parameter provided');
  const start = timeParam(r.form, 'start', MIN_TIME_MS);
  const end = timeParam(r.form, 'end', MAX_TIME_MS);
  const sets = selectors.map((s) => {
    try {
      return r.deps.parser.parseMetricSelector(s);
    } catch (err) {
      throw invalidParam('match[]', err);
    }
  });
  const tsdb = readyTsdb(r);
  for (const ms of sets) {
    try {
      await tsdb.deleteSeries(ms, start, end);
    } catch (err) {
      throw new ApiError('internal', (err as Error).message);
    }
  }
  return null;
}

export async function cleanTombstones(r: ApiRequest): Promise<ApiResult> {
  requireAdmin(r);
  try {
    await readyTsdb(r).cleanTombstones();
  } catch (err) {
    if (err instanceof ApiError) throw err;
    throw new ApiError('internal', (err as Error).message);
  }
  return null;
}

/** Go's time layout 20060102T150405Z0700 for a UTC time. */
function snapshotTime(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

export async function snapshot(r: ApiRequest): Promise<ApiResult> {
  requireAdmin(r);
  let skipHead = false;
  const s = r.form.get('skip_head');
  if (s !== '') {
    try {
      skipHead = parseGoBool(s);
    } catch (err) {
      throw invalidParam('skip_head', new Error(`unable to parse boolean: ${(err as Error).message}`));
    }
  }
  const tsdb = readyTsdb(r);
  const name = `${snapshotTime(r.now)}-${randomBytes(8).toString('hex')}`;
  const dir = join(r.deps.storagePath, 'snapshots', name);
  try {
    await mkdir(dir, { recursive: true });
  } catch (err) {
    throw new ApiError('internal', `create snapshot directory: ${(err as Error).message}`);
  }
  try {
    await tsdb.snapshot(dir, !skipHead);
  } catch (err) {
    throw new ApiError('internal', `create snapshot: ${(err as Error).message}`);
  }
  return { data: { name } };
}
