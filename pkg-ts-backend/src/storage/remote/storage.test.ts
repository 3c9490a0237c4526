import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RemoteWriteConfig } from '../../config/types';
import { labelsFromRecord } from '../../model/labels';
import { Matcher } from '../../model/matcher';
import { TSDB } from '../../tsdb/db';
import { defaultHttpClientConfig } from '../../util/httpclient';
import { nopLogger } from '../../util/log';
import { WebServer } from '../../web/server';
import { MemoryStorage } from '../memory';
import { registerRemoteHandlers } from './handlers';
import { RemoteWriteStorage } from './storage';

function config(url: string): RemoteWriteConfig {
  return {
    url,
    name: 'durable',
    remoteTimeoutMs: 2000,
    headers: {},
    writeRelabelConfigs: [],
    sendExemplars: false,
    sendNativeHistograms: false,
    protobufMessage: 'prometheus.WriteRequest',
    httpClient: defaultHttpClientConfig(),
    queueConfig: { capacity: 1000, maxShards: 2, minShards: 1, maxSamplesPerSend: 100, batchSendDeadlineMs: 20, minBackoffMs: 10, maxBackoffMs: 50, retryOnHttp429: true, sampleAgeLimitMs: 0 },
    metadataConfig: { send: false, sendIntervalMs: 60000, maxSamplesPerSend: 500 },
  };
}

function received(store: MemoryStorage): number[] {
  const q = store.querier(-Infinity, Infinity);
  const out: number[] = [];
  for (const s of q.select(true, undefined, [new Matcher('=', '__name__', 'durable_metric')])) {
    const it = s.iterator();
    while (it.next()) out.push(it.t());
  }
  return out;
}

describe('RemoteWriteStorage', () => {
  it('resends from the WAL after a restart what the receiver had not accepted', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flint-rw-durable-'));
    const store = new MemoryStorage();
    let up = false;
    const web = new WebServer({ listenAddress: '127.0.0.1:0', enableLifecycle: false, readTimeoutMs: 5000, maxConnections: 10, logger: nopLogger });
    web.router.post('/down', (_req, res) => {
      res.writeHead(503);
      res.end('unavailable');
    });
    registerRemoteHandlers(web.router, { appendable: store, queryable: store, enableWriteReceiver: true, logger: nopLogger });
    const port = (await web.listen()).port;
    const url = () => `http://127.0.0.1:${port}${up ? '/api/v1/write' : '/down'}`;
    try {
      const labels = labelsFromRecord({ __name__: 'durable_metric', job: 'x' });
      let db = await TSDB.open(dir, { logger: nopLogger });
      let rw = new RemoteWriteStorage(nopLogger, dir);
      await rw.applyConfig([config(url())], []);
      const app = rw.wrap(db).appender();
      for (let i = 1; i <= 50; i++) app.append(0, labels, i * 1000, i);
      await app.commit();
      await new Promise((r) => setTimeout(r, 100));
      await rw.stop();
      await db.close();
      expect(received(store)).toEqual([]);

      up = true;
      db = await TSDB.open(dir, { logger: nopLogger });
      rw = new RemoteWriteStorage(nopLogger, dir);
      await rw.applyConfig([config(url())], []);
      for (let i = 0; i < 100 && received(store).length < 50; i++) await new Promise((r) => setTimeout(r, 50));
      expect(received(store)).toEqual(Array.from({ length: 50 }, (_, i) => (i + 1) * 1000));
      await rw.stop();
      await db.close();
    } finally {
      await web.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
