// POST /api/v1/otlp/v1/metrics: the OTLP/HTTP metrics receiver (Prometheus 3's
// --web.enable-otlp-receiver). Bodies are protobuf or OTLP JSON, optionally gzip-compressed; all
// samples of one request are appended in one transaction or none are.
import type { IncomingMessage, ServerResponse } from 'node:http';
import zlib from 'node:zlib';
import type { OTLPConfig } from '../../config/types';
import type { Logger } from '../../util/log';
import { readBoundedBody } from '../../web/body';
import type { Router } from '../../web/router';
import type { ExemplarStorage } from '../exemplars';
import { Appendable, StorageError } from '../interface';
import { BodyTooLargeError } from './codec';
import {
  decodeOtlpJson,
  decodeOtlpProtobuf,
  encodeOtlpResponse,
  OtlpExportRequest,
  OtlpPartialSuccess,
  otlpResponseJson,
} from './otlpProto';
import { OtlpTranslation, translateOtlp } from './otlpTranslate';

export const OTLP_METRICS_PATH = '/api/v1/otlp/v1/metrics';
const PROTOBUF = 'application/x-protobuf';
const JSON_TYPE = 'application/json';

export interface OtlpHandlerOptions {
  appendable: Appendable;
  /** Read per request, so it can follow a flag or a reload. */
  enabled: boolean;
  /** The current `otlp` section of the loaded config (read per request, so reloads apply). */
  config: () => OTLPConfig;
  logger: Logger;
  /** Largest request body accepted as sent (413 beyond). */
  maxBodyBytes?: number;
  /** Largest body accepted after gunzip (413 beyond). */
  maxDecodedBytes?: number;
  /** --query.lookback-delta; spaces target_info samples. */
  lookbackDeltaMs?: number;
  /** Where exemplars go when exemplar storage is enabled; without it they are dropped. */
  exemplars?: ExemplarStorage;
}

const DEFAULT_MAX_BODY = 32 << 20;
const DEFAULT_MAX_DECODED = 256 << 20;

class OtlpHttpError extends Error {
  constructor(
    readonly status: number,
    message: string
  ) {
    super(message);
  }
}

function plain(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(body + '\n');
}

function mediaType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
}

function decompress(req: IncomingMessage, body: Buffer, maxDecoded: number): Buffer {
  const encoding = (req.headers['content-encoding'] ?? '').trim().toLowerCase();
  if (encoding === '' || encoding === 'identity') return body;
  if (encoding !== 'gzip') throw new OtlpHttpError(400, `unsupported compression: ${encoding}`);
  try {
    return zlib.gunzipSync(body, { maxOutputLength: maxDecoded });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new BodyTooLargeError(`decoded body exceeds the limit of ${maxDecoded} bytes`);
    }
    throw new OtlpHttpError(400, `gzip: ${(err as Error).message}`);
  }
}

function decode(type: string, body: Buffer): OtlpExportRequest {
  try {
    return type === JSON_TYPE ? decodeOtlpJson(body.toString('utf8')) : decodeOtlpProtobuf(body);
  } catch (err) {
    throw new OtlpHttpError(400, `decoding ${type === JSON_TYPE ? 'JSON' : 'protobuf'}: ${(err as Error).message}`);
  }
}

/** Appends a translated request in one transaction, then stores its exemplars (a rejected one is dropped). */
export async function appendOtlp(
  appendable: Appendable,
  tr: OtlpTranslation,
  exemplars?: ExemplarStorage
): Promise<void> {
  const app = appendable.appender();
  try {
    for (const s of tr.samples) app.append(0, s.labels, s.t, s.v);
  } catch (err) {
    app.rollback();
    if (err instanceof StorageError) throw new OtlpHttpError(400, err.message);
    throw err;
  }
  await app.commit();
  if (!exemplars) return;
  for (const e of tr.exemplars) exemplars.tryAdd(e.series, { labels: e.labels, value: e.value, ts: e.ts });
}

export function registerOtlpHandler(router: Router, opts: OtlpHandlerOptions): void {
  const maxBody = opts.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const maxDecoded = opts.maxDecodedBytes ?? DEFAULT_MAX_DECODED;
  const log = opts.logger.child({ component: 'otlp' });

  router.post(OTLP_METRICS_PATH, async (req, res) => {
    if (!opts.enabled)
      return plain(res, 404, 'otlp write receiver needs to be enabled with --web.enable-otlp-receiver');
    try {
      const type = mediaType(req);
      if (type !== PROTOBUF && type !== JSON_TYPE) {
        throw new OtlpHttpError(400, `unsupported content type: ${type}, supported: [${JSON_TYPE}, ${PROTOBUF}]`);
      }
      const body = decompress(
        req,
        await readBoundedBody(
          req,
          maxBody,
          () => new BodyTooLargeError(`request body exceeds the limit of ${maxBody} bytes`)
        ),
        maxDecoded
      );
      const tr = translateOtlp(decode(type, body), { config: opts.config(), lookbackDeltaMs: opts.lookbackDeltaMs });
      let partial: OtlpPartialSuccess | undefined;
      if (tr.warnings.length) {
        log.warn('Error translating OTLP metrics to Prometheus write request', { err: tr.warnings.join('; ') });
        partial = { rejectedDataPoints: tr.rejectedDataPoints, errorMessage: tr.warnings.join('; ') };
      }
      await appendOtlp(opts.appendable, tr, opts.exemplars);
      if (type === JSON_TYPE) {
        res.writeHead(200, { 'Content-Type': JSON_TYPE });
        res.end(otlpResponseJson(partial));
      } else {
        res.writeHead(200, { 'Content-Type': PROTOBUF });
        res.end(Buffer.from(encodeOtlpResponse(partial)));
      }
    } catch (err) {
      const status = err instanceof OtlpHttpError ? err.status : err instanceof BodyTooLargeError ? 413 : 500;
      if (status >= 500) log.error('Error appending OTLP metrics', { err: err as Error });
      else log.debug('OTLP write rejected', { err: err as Error });
      plain(res, status, (err as Error).message);
    }
  });
}
