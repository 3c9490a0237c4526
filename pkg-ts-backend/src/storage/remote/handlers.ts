// The receiving side of remote storage: POST /api/v1/write (Remote-Write 1.0 and 2.0), POST /api/v1/read
// (sampled responses) and POST /api/v1/otlp/v1/metrics (OTLP, see otlpHandler.ts).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { defaultOTLPConfig } from '../../config/load';
import type { OTLPConfig } from '../../config/types';
import { Label, Labels, labelsFromPairs } from '../../model/labels';
import { Matcher, MatchType } from '../../model/matcher';
import type { Logger } from '../../util/log';
import { readBoundedBody } from '../../web/body';
import type { Router } from '../../web/router';
import type { ExemplarStorage } from '../exemplars';
import { Appendable, Queryable, StorageError } from '../interface';
import { BodyTooLargeError, snappyDecode, snappyEncode } from './codec';
import { registerOtlpHandler } from './otlpHandler';
import {
  appendRw2Request,
  decodeRw2Request,
  HEADER_EXEMPLARS_WRITTEN,
  HEADER_HISTOGRAMS_WRITTEN,
  HEADER_SAMPLES_WRITTEN,
  parseProtoMsg,
  PROTO_MSG_V1,
  PROTO_MSG_V2,
  RemoteWriteProtoMsg,
  Rw2Request,
  Rw2WriteResult,
  Rw2WriteStats,
} from './rw2';
import { decodeReadRequest, decodeWriteRequest, encodeReadResponse, PbExemplar, PbTimeSeries } from './prompb';

export interface RemoteHandlerOptions {
  appendable: Appendable;
  queryable: Queryable;
  enableWriteReceiver: boolean;
  logger: Logger;
  /** Largest compressed request body accepted (413 beyond). */
  maxBodyBytes?: number;
  /** Largest decoded request accepted (413 beyond). */
  maxDecodedBytes?: number;
  /** Most samples one remote-read request may return (Prometheus: storage.remote.read-sample-limit, 5e7). */
  readSampleLimit?: number;
  /** Where received exemplars go (exemplar storage enabled); without it they are dropped. */
  exemplars?: ExemplarStorage;
  /** --web.remote-write-receiver.accepted-protobuf-messages (default: both 1.0 and 2.0). */
  acceptedProtoMsgs?: RemoteWriteProtoMsg[];
  /** --web.enable-otlp-receiver: POST /api/v1/otlp/v1/metrics answers 404 without it. */
  enableOtlpReceiver?: boolean;
  /** The loaded config's `otlp` section, read per request so reloads apply (defaults when absent). */
  otlpConfig?: () => OTLPConfig;
  /** --query.lookback-delta, which spaces the OTLP receiver's target_info samples. */
  lookbackDeltaMs?: number;
}

const DEFAULT_MAX_BODY = 32 << 20;
const DEFAULT_MAX_DECODED = 256 << 20;

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string
  ) {
    super(message);
  }
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return readBoundedBody(req, limit, () => new HttpError(413, `request body exceeds the limit of ${limit} bytes`));
}

function setWrittenHeaders(res: ServerResponse, stats: Rw2WriteStats): void {
  res.setHeader(HEADER_SAMPLES_WRITTEN, String(stats.samples));
  res.setHeader(HEADER_HISTOGRAMS_WRITTEN, String(stats.histograms));
  res.setHeader(HEADER_EXEMPLARS_WRITTEN, String(stats.exemplars));
}

function plain(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(body ? body + '\n' : '');
}

/**
 * Appends one decoded write request in a single transaction: all of its samples or nothing.
 * Exemplars are stored once the samples are committed; a rejected exemplar (out of order,
 * labels too long) is dropped without failing the request, as Prometheus does.
 */
export async function appendWriteRequest(
  appendable: Appendable,
  series: PbTimeSeries[],
  exemplars?: ExemplarStorage
): Promise<number> {
  const app = appendable.appender();
  let n = 0;
  const withExemplars: [Labels, PbExemplar[]][] = [];
  try {
    for (const ts of series) {
      const labels = labelsFromPairs(ts.labels as Label[]);
      if (labels.length === 0) throw new HttpError(400, 'invalid labels: empty label set');
      if (exemplars && ts.exemplars?.length) withExemplars.push([labels, ts.exemplars]);
      let ref = 0;
      for (const s of ts.samples) {
        ref = app.append(ref, labels, Number(s.timestamp), s.value);
        n++;
      }
    }
  } catch (err) {
    app.rollback();
    if (err instanceof StorageError) throw new HttpError(400, err.message);
    throw err;
  }
  await app.commit();
  for (const [labels, list] of withExemplars) {
    for (const e of list) exemplars?.tryAdd(labels, { labels: labelsFromPairs(e.labels as Label[]), value: e.value, ts: Number(e.timestamp) });
  }
  return n;
}

const MATCH_TYPES: MatchType[] = ['=', '!=', '=~', '!~'];

export function registerRemoteHandlers(router: Router, opts: RemoteHandlerOptions): void {
  const maxBody = opts.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const maxDecoded = opts.maxDecodedBytes ?? DEFAULT_MAX_DECODED;
  const log = opts.logger.child({ component: 'remote' });
  const defaultOtlp = defaultOTLPConfig();
  registerOtlpHandler(router, {
    get appendable() {
      return opts.appendable;
    },
    get enabled() {
      return opts.enableOtlpReceiver ?? false;
    },
    config: () => opts.otlpConfig?.() ?? defaultOtlp,
    logger: opts.logger,
    maxBodyBytes: maxBody,
    maxDecodedBytes: maxDecoded,
    lookbackDeltaMs: opts.lookbackDeltaMs,
    exemplars: opts.exemplars,
  });

  router.post('/api/v1/write', async (req, res) => {
    if (!opts.enableWriteReceiver) {
      return plain(res, 404, 'remote write receiver needs to be enabled with --web.enable-remote-write-receiver');
    }
    let protoMsg: RemoteWriteProtoMsg;
    try {
      protoMsg = parseProtoMsg(req.headers['content-type']);
    } catch (err) {
      return plain(res, 415, (err as Error).message);
    }
    const accepted = opts.acceptedProtoMsgs ?? [PROTO_MSG_V1, PROTO_MSG_V2];
    if (!accepted.includes(protoMsg)) {
      return plain(res, 415, `${protoMsg} protobuf message is not accepted by this server; accepted [${accepted.join(' ')}]`);
    }
    const encoding = req.headers['content-encoding'];
    if (encoding && encoding.toLowerCase() !== 'snappy') {
      return plain(res, 415, `${encoding} encoding (compression) is not accepted by this server; only snappy is acceptable`);
    }
    try {
      const body = await readBody(req, maxBody);
      const decoded = snappyDecode(body, maxDecoded);
      if (protoMsg === PROTO_MSG_V2) return await writeV2(res, decoded);
      let wr;
      try {
        wr = decodeWriteRequest(decoded);
      } catch (err) {
        throw new HttpError(400, `decoding protobuf: ${(err as Error).message}`);
      }
      await appendWriteRequest(opts.appendable, wr.timeseries, opts.exemplars);
      res.writeHead(204);
      res.end();
    } catch (err) {
      const status =
        err instanceof HttpError
          ? err.status
          : err instanceof BodyTooLargeError
            ? 413
            : String((err as Error).message).startsWith('snappy')
              ? 400
              : 500;
      if (status >= 500) log.error('remote write failed', { err: err as Error });
      else log.debug('remote write rejected', { err: err as Error });
      plain(res, status, (err as Error).message);
    }
  });

  /** Remote-Write 2.0: the written counts go in response headers whatever the outcome. */
  async function writeV2(res: ServerResponse, decoded: Uint8Array): Promise<void> {
    let req: Rw2Request;
    try {
      req = decodeRw2Request(decoded);
    } catch (err) {
      throw new HttpError(400, `decoding protobuf: ${(err as Error).message}`);
    }
    let result: Rw2WriteResult;
    try {
      result = await appendRw2Request(opts.appendable, req, opts.exemplars);
    } catch (err) {
      setWrittenHeaders(res, { samples: 0, histograms: 0, exemplars: 0 });
      throw err;
    }
    setWrittenHeaders(res, result.stats);
    if (result.badRequest.length) {
      log.debug('remote write 2.0 partly rejected', { err: result.badRequest.join('; ') });
      return plain(res, 400, result.badRequest.join('\n'));
    }
    res.writeHead(204);
    res.end();
  }

  router.post('/api/v1/read', async (req, res) => {
    try {
      const body = await readBody(req, maxBody);
      let rr;
      try {
        rr = decodeReadRequest(snappyDecode(body, maxDecoded));
      } catch (err) {
        throw new HttpError(400, (err as Error).message);
      }
      const limit = opts.readSampleLimit ?? 50_000_000;
      let total = 0;
      const results = rr.queries.map((q) => {
        const matchers = q.matchers.map((m) => {
          const type = MATCH_TYPES[m.type];
          if (!type) throw new HttpError(400, `invalid matcher type ${m.type}`);
          return new Matcher(type, m.name, m.value);
        });
        const querier = opts.queryable.querier(q.startTimestampMs, q.endTimestampMs);
        try {
          const timeseries: PbTimeSeries[] = [];
          for (const s of querier.select(true, { start: q.startTimestampMs, end: q.endTimestampMs }, matchers)) {
            const samples = [];
            const it = s.iterator();
            while (it.next()) {
              samples.push({ timestamp: it.t(), value: it.v() });
              if (++total > limit) throw new HttpError(400, `exceeded sample limit (${limit})`);
            }
            if (samples.length)
              timeseries.push({ labels: s.labels.map((l) => ({ name: l.name, value: l.value })), samples });
          }
          return { timeseries };
        } finally {
          querier.close();
        }
      });
      const out = snappyEncode(encodeReadResponse({ results }));
      res.writeHead(200, {
        'Content-Type': 'application/x-protobuf',
        'Content-Encoding': 'snappy',
      });
      res.end(Buffer.from(out));
    } catch (err) {
      const status = err instanceof HttpError ? err.status : err instanceof BodyTooLargeError ? 413 : 500;
      if (status >= 500) log.error('remote read failed', { err: err as Error });
      plain(res, status, (err as Error).message);
    }
  });
}
