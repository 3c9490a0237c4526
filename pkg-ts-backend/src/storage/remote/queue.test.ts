import type { RemoteWriteConfig } from '../../config/types';
import { compileAnchored } from '../../model/regex';
import { labelsFromRecord } from '../../model/labels';
import { isStaleNaN, STALE_NAN } from '../../model/value';
import { defaultHttpClientConfig } from '../../util/httpclient';
import { nopLogger } from '../../util/log';
import { snappyDecode } from './codec';
import { decodeWriteRequest, PbWriteRequest } from './prompb';
import { QueueManager } from './queue';
import { remoteStorageSamplesPending, remoteStorageSamplesRetriedTotal, remoteStorageSamplesTotal } from '../../util/metrics';

function config(over: Partial<RemoteWriteConfig['queueConfig']> = {}, cfg: Partial<RemoteWriteConfig> = {}): RemoteWriteConfig {
  return {
    url: 'http://127.0.0.1:1/api/v1/write',
    name: 'test',
    remoteTimeoutMs: 1000,
    headers: {},
    writeRelabelConfigs: [],
    sendExemplars: false,
    sendNativeHistograms: false,
    protobufMessage: 'prometheus.WriteRequest',
    httpClient: defaultHttpClientConfig(),
    queueConfig: {
      capacity: 100,
      maxShards: 1,
      minShards: 1,
      maxSamplesPerSend: 10,
      batchSendDeadlineMs: 20,
      minBackoffMs: 5,
      maxBackoffMs: 20,
      retryOnHttp429: true,
      sampleAgeLimitMs: 0,
      ...over,
    },
    metadataConfig: { send: false, sendIntervalMs: 60000, maxSamplesPerSend: 500 },
    ...cfg,
  };
}

const until = async (f: () => boolean) => {
  for (let i = 0; i < 200 && !f(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(f()).toBe(true);
};

describe('QueueManager', () => {
  it('batches, adds external labels, keeps the stale marker and per-series order', async () => {
    const got: PbWriteRequest[] = [];
    const qm = new QueueManager({
      cfg: config(),
      externalLabels: labelsFromRecord({ cluster: 'c1' }),
      logger: nopLogger,
      send: async (body) => {
        got.push(decodeWriteRequest(snappyDecode(body, 1 << 20)));
        return { status: 204, message: '' };
      },
    });
    const a = labelsFromRecord({ __name__: 'a', job: 'x' });
    for (let i = 0; i < 25; i++) expect(qm.append(a, i * 1000, i)).toBe(true);
    qm.append(a, 25_000, STALE_NAN);
    await until(() => qm.getStats().samplesSent === 26);
    const samples = got.flatMap((r) => r.timeseries.flatMap((t) => t.samples));
    expect(samples.map((s) => s.timestamp)).toEqual(Array.from({ length: 26 }, (_, i) => i * 1000));
    expect(isStaleNaN(samples[25].value)).toBe(true);
    expect(got[0].timeseries[0].labels).toEqual([
      { name: '__name__', value: 'a' },
      { name: 'cluster', value: 'c1' },
      { name: 'job', value: 'x' },
    ]);
    expect(got.length).toBeGreaterThanOrEqual(3);
    await qm.stop();
  });

  it('counts sent, retried and pending samples in flint_remote_storage_*', async () => {
    const labels = { remote_name: 'metrics-test', url: 'http://127.0.0.1:1/api/v1/write' };
    const value = async (m: { get(): Promise<{ values: { labels: Record<string, string | number>; value: number }[] }> }) =>
      (await m.get()).values.find((v) => v.labels.remote_name === labels.remote_name)?.value ?? 0;
    const statuses = [503, 204];
    const qm = new QueueManager({
      cfg: config({ maxSamplesPerSend: 3 }, { name: labels.remote_name }),
      externalLabels: [],
      logger: nopLogger,
      send: async () => ({ status: statuses.shift() ?? 204, message: '' }),
    });
    for (let i = 0; i < 3; i++) qm.append(labelsFromRecord({ __name__: 'm' }), i, i);
    await until(() => qm.getStats().samplesSent === 3);
    expect(await value(remoteStorageSamplesTotal)).toBe(3);
    expect(await value(remoteStorageSamplesRetriedTotal)).toBe(3);
    expect(await value(remoteStorageSamplesPending)).toBe(0);
    await qm.stop();
  });

  it('retries 5xx and 429 until accepted, drops 4xx', async () => {
    const statuses = [500, 429, 204, 400];
    let calls = 0;
    const qm = new QueueManager({
      cfg: config({ maxSamplesPerSend: 1 }),
      externalLabels: [],
      logger: nopLogger,
      send: async () => ({ status: statuses[calls++] ?? 204, message: 'x' }),
    });
    qm.append(labelsFromRecord({ __name__: 'a' }), 1, 1);
    await until(() => qm.getStats().samplesSent === 1);
    expect(qm.getStats().samplesRetried).toBe(2);
    qm.append(labelsFromRecord({ __name__: 'a' }), 2, 1);
    await until(() => qm.getStats().samplesFailed === 1);
    expect(calls).toBe(4);
    await qm.stop();
  });

  it('applies write_relabel_configs', async () => {
    let n = 0;
    const qm = new QueueManager({
      cfg: config({}, {
        writeRelabelConfigs: [{ sourceLabels: ['__name__'], separator: ';', regex: compileAnchored('drop_.*'), modulus: 0, targetLabel: '', replacement: '$1', action: 'drop' }],
      }),
      externalLabels: [],
      logger: nopLogger,
      send: async (body) => {
        n += decodeWriteRequest(snappyDecode(body, 1 << 20)).timeseries.length;
        return { status: 200, message: '' };
      },
    });
    qm.append(labelsFromRecord({ __name__: 'drop_me' }), 1, 1);
    qm.append(labelsFromRecord({ __name__: 'keep_me' }), 1, 1);
    await until(() => qm.getStats().samplesSent === 1);
    expect(qm.getStats().samplesDroppedByRelabel).toBe(1);
    expect(n).toBe(1);
    await qm.stop();
  });

  it('pushes back when full instead of dropping', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const qm = new QueueManager({
      cfg: config({ capacity: 5, maxSamplesPerSend: 5 }),
      externalLabels: [],
      logger: nopLogger,
      send: async () => {
        await gate;
        return { status: 200, message: '' };
      },
    });
    const l = labelsFromRecord({ __name__: 'a' });
    let accepted = 0;
    for (let i = 0; i < 20; i++) if (qm.append(l, i, i)) accepted++;
    expect(accepted).toBeLessThan(20);
    release();
    await until(() => qm.getStats().samplesSent === accepted);
    await qm.stop();
  });
});
