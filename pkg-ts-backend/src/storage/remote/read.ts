// The remote_read client: sends sampled ReadRequests (Prometheus's remote read protocol, snappy
// + protobuf) and loads the answers into an in-memory store a query can merge with local data.
import type { RemoteReadConfig } from '../../config/types';
import { Label, Labels, labelsFromPairs } from '../../model/labels';
import type { Matcher } from '../../model/matcher';
import { HttpClient } from '../../util/httpclient';
import { VERSION } from '../../version';
import { MemoryStorage } from '../memory';
import { snappyDecode, snappyEncode } from './codec';
import { decodeReadResponse, encodeReadRequest, PbQuery } from './prompb';

const MATCH_TYPE = { '=': 0, '!=': 1, '=~': 2, '!~': 3 } as const;
const MAX_RESPONSE_BYTES = 256 << 20;

export class RemoteReadClient {
  private readonly http: HttpClient;

  constructor(
    readonly cfg: RemoteReadConfig,
    private readonly externalLabels: Labels
  ) {
    this.http = new HttpClient(cfg.httpClient);
  }

  /** Whether this endpoint is asked for a selector over [mint, ...], per read_recent and required_matchers. */
  wants(matchers: readonly Matcher[], mint: number, localMinTime: number): boolean {
    if (!this.cfg.readRecent && mint >= localMinTime) return false;
    return Object.entries(this.cfg.requiredMatchers).every(([n, v]) => matchers.some((m) => m.type === '=' && m.name === n && m.value === v));
  }

  /** Reads every selector over [mint, maxt] into `into`. */
  async read(selectors: readonly (readonly Matcher[])[], mint: number, maxt: number, into: MemoryStorage): Promise<void> {
    const ext = this.cfg.filterExternalLabels ? this.externalLabels : [];
    const queries: PbQuery[] = selectors.map((ms) => ({
      startTimestampMs: mint,
      endTimestampMs: maxt,
      matchers: [
        ...ms.map((m) => ({ type: MATCH_TYPE[m.type], name: m.name, value: m.value })),
        ...ext.map((l) => ({ type: 0, name: l.name, value: l.value })),
      ],
    }));
    const res = await this.http.request(this.cfg.url, {
      method: 'POST',
      timeoutMs: this.cfg.remoteTimeoutMs,
      maxBodyBytes: MAX_RESPONSE_BYTES,
      headers: {
        ...this.cfg.headers,
        'Content-Encoding': 'snappy',
        'Accept-Encoding': 'snappy',
        'Content-Type': 'application/x-protobuf',
        'User-Agent': `Flint/${VERSION}`,
        'X-Prometheus-Remote-Read-Version': '0.1.0',
      },
      body: snappyEncode(encodeReadRequest({ queries })),
    });
    if (res.status < 200 || res.status >= 300) {
      throw new Error(`remote server ${this.cfg.url} returned HTTP status ${res.status}: ${res.body.toString('utf8', 0, 256).trim()}`);
    }
    const body = decodeReadResponse(snappyDecode(res.body, MAX_RESPONSE_BYTES));
    const drop = new Set(ext.map((l) => l.name));
    const app = into.appender();
    for (const r of body.results) {
      for (const ts of r.timeseries) {
        const labels = labelsFromPairs((ts.labels as Label[]).filter((l) => !drop.has(l.name)));
        let ref = 0;
        for (const s of ts.samples) {
          try {
            ref = app.append(ref, labels, Number(s.timestamp), s.value);
          } catch {
            // A sample another endpoint already supplied for this series and time.
          }
        }
      }
    }
    await app.commit();
  }

  close(): void {
    this.http.close();
  }
}
