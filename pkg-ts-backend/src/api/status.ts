// /status/*: configuration, flags, runtime and build information, TSDB statistics.
import { hostname } from 'node:os';
import { availableParallelism } from 'node:os';
import { formatDuration } from '../model/duration';
import { formatRFC3339 } from './encode';
import type { ApiRequest, ApiResult } from './handler';
import { ApiError } from './respond';
import type { TsdbAdmin } from './types';

/** The Prometheus release whose API flint speaks; Grafana enables features by this version. */
export const PROMETHEUS_API_VERSION = '3.5.0';

const BYTE_UNITS = ['', 'K', 'M', 'G', 'T', 'P', 'E'];

/** A byte count as Prometheus prints a units.Base2Bytes (`512MiB`, `1GiB512MiB`). */
export function formatBase2Bytes(n: number): string {
  if (n === 0) return '0B';
  const parts: string[] = [];
  let rest = n;
  for (let i = 0; i < BYTE_UNITS.length && rest > 0; i++) {
    const r = rest % 1024;
    if (r !== 0) parts.unshift(`${r}${BYTE_UNITS[i]}${i === 0 ? 'B' : 'iB'}`);
    rest = Math.floor(rest / 1024);
  }
  return parts.join('');
}

export function storageRetention(timeMs: number, sizeBytes: number): string {
  const parts: string[] = [];
  if (timeMs !== 0) parts.push(formatDuration(timeMs));
  if (sizeBytes !== 0) parts.push(formatBase2Bytes(sizeBytes));
  return parts.join(' or ');
}

export function readyTsdb(r: ApiRequest): TsdbAdmin {
  if (!r.deps.tsdb) throw new ApiError('unavailable', 'TSDB not ready');
  return r.deps.tsdb;
}

export function config(r: ApiRequest): ApiResult {
  return { data: { yaml: r.deps.configYaml() } };
}

export function flags(r: ApiRequest): ApiResult {
  return { data: r.deps.flags };
}

export function runtimeInfo(r: ApiRequest): ApiResult {
  const state = r.deps.runtime();
  return {
    data: {
      startTime: formatRFC3339(r.deps.startTime),
      CWD: process.cwd(),
      hostname: hostname(),
      serverTime: formatRFC3339(r.now),
      reloadConfigSuccess: state.reloadConfigSuccess,
      lastConfigTime: formatRFC3339(state.lastConfigTime),
      corruptionCount: state.corruptionCount,
      // Node's nearest equivalents of Go's goroutines and GOMAXPROCS.
      goroutineCount: process.getActiveResourcesInfo().length,
      GOMAXPROCS: availableParallelism(),
      GOMEMLIMIT: 0,
      GOGC: process.env.GOGC ?? '',
      GODEBUG: process.env.GODEBUG ?? '',
      storageRetention: storageRetention(r.deps.retentionTimeMs, r.deps.retentionSizeBytes),
    },
  };
}

export function buildInfo(r: ApiRequest): ApiResult {
  const b = r.deps.buildInfo;
  return {
    data: {
      version: PROMETHEUS_API_VERSION,
      revision: b.revision,
      branch: b.branch,
      buildUser: b.buildUser,
      buildDate: b.buildDate,
      goVersion: b.goVersion,
      flintVersion: b.version,
    },
  };
}

export function tsdbStatus(r: ApiRequest): ApiResult {
  let limit = 10;
  const s = r.form.get('limit');
  if (s !== '') {
    limit = /^[+-]?\d+$/.test(s) ? Number(s) : NaN;
    if (!(limit >= 1)) throw new ApiError('bad_data', 'limit must be a positive number');
  }
  return { data: readyTsdb(r).status(limit) };
}

export function walReplay(r: ApiRequest): ApiResult {
  return { data: readyTsdb(r).walReplayStatus() };
}
