// Typed server options, read once from the command line.
import { parseDuration } from '../model/duration';
import type { LogFormat, LogLevel } from '../util/log';
import type { FlagValues } from './flags';
import { UsageError } from './flags';

export interface ServerOptions {
  configFile: string;
  /** True when --config.file was given: then a missing file is an error, not the embedded default. */
  configFileExplicit: boolean;
  listenAddress: string;
  externalUrl: string;
  webConfigFile: string;
  enableLifecycle: boolean;
  enableAdminApi: boolean;
  enableRemoteWriteReceiver: boolean;
  enableOtlpReceiver: boolean;
  /** 0 when --no-scrape.adjust-timestamps. */
  scrapeTimestampToleranceMs: number;
  readTimeoutMs: number;
  maxConnections: number;
  tsdbPath: string;
  retentionTimeMs: number;
  retentionSizeBytes: number;
  minBlockDurationMs: number;
  maxBlockDurationMs: number;
  walFsync: 'commit' | 'interval';
  lookbackDeltaMs: number;
  queryTimeoutMs: number;
  queryMaxConcurrency: number;
  queryMaxSamples: number;
  forOutageToleranceMs: number;
  forGracePeriodMs: number;
  resendDelayMs: number;
  notificationQueueCapacity: number;
  features: Set<string>;
  grafanaListenAddress: string;
  logLevel: LogLevel;
  logFormat: LogFormat;
  /** Every flag as given or defaulted, for /api/v1/status/flags. */
  flags: Record<string, string>;
}

const SIZE_UNITS: Record<string, number> = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4, PB: 1024 ** 5, EB: 1024 ** 6 };

/** Parses a byte size like Prometheus's units.Base2Bytes (`512MB`, `1GB`, `0`). */
export function parseByteSize(s: string): number {
  if (s === '0') return 0;
  const m = /^(\d+)(B|KB|MB|GB|TB|PB|EB)$/i.exec(s);
  if (!m) throw new UsageError(`invalid size '${s}': use a number with B, KB, MB, GB, TB, PB or EB`);
  return Number(m[1]) * SIZE_UNITS[m[2].toUpperCase()];
}

export function serverOptions(values: FlagValues, argv: readonly string[]): ServerOptions {
  const str = (n: string) => values.get(n) as string;
  const bool = (n: string) => values.get(n) as boolean;
  const dur = (n: string) => (str(n) === '' ? 0 : parseDuration(str(n)));
  const int = (n: string) => Number(str(n));
  const retentionTimeMs = dur('storage.tsdb.retention.time');
  const maxBlock = dur('storage.tsdb.max-block-duration');
  const flags: Record<string, string> = {};
  for (const [k, v] of values) flags[k] = Array.isArray(v) ? v.join(',') : String(v);
  return {
    configFile: str('config.file'),
    configFileExplicit: argv.some((a) => a === '--config.file' || a.startsWith('--config.file=')),
    listenAddress: str('web.listen-address'),
    externalUrl: str('web.external-url'),
    webConfigFile: str('web.config.file'),
    enableLifecycle: bool('web.enable-lifecycle'),
    enableAdminApi: bool('web.enable-admin-api'),
    enableRemoteWriteReceiver: bool('web.enable-remote-write-receiver'),
    enableOtlpReceiver: bool('web.enable-otlp-receiver'),
    scrapeTimestampToleranceMs: bool('scrape.adjust-timestamps') ? dur('scrape.timestamp-tolerance') : 0,
    readTimeoutMs: dur('web.read-timeout'),
    maxConnections: int('web.max-connections'),
    tsdbPath: str('storage.tsdb.path'),
    retentionTimeMs,
    retentionSizeBytes: parseByteSize(str('storage.tsdb.retention.size')),
    minBlockDurationMs: dur('storage.tsdb.min-block-duration'),
    maxBlockDurationMs: maxBlock || Math.min(Math.floor(retentionTimeMs / 10), 31 * 24 * 3600 * 1000),
    walFsync: str('storage.tsdb.wal-fsync') as 'commit' | 'interval',
    lookbackDeltaMs: dur('query.lookback-delta'),
    queryTimeoutMs: dur('query.timeout'),
    queryMaxConcurrency: int('query.max-concurrency'),
    queryMaxSamples: int('query.max-samples'),
    forOutageToleranceMs: dur('rules.alert.for-outage-tolerance'),
    forGracePeriodMs: dur('rules.alert.for-grace-period'),
    resendDelayMs: dur('rules.alert.resend-delay'),
    notificationQueueCapacity: int('alertmanager.notification-queue-capacity'),
    features: new Set((values.get('enable-feature') as string[]).flatMap((f) => f.split(',')).filter(Boolean)),
    grafanaListenAddress: str('grafana.listen-address'),
    logLevel: str('log.level') as LogLevel,
    logFormat: str('log.format') as LogFormat,
    flags,
  };
}
