// Responses are gzip-compressed when the client accepts it, as Prometheus's compression
// handler does: range query results compress ten-fold and Grafana always asks for gzip.
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { constants, gzip } from 'node:zlib';
import { promisify } from 'node:util';

const gzipAsync = promisify(gzip);

/**
 * zlib's default level 6 spends about four times the CPU of level 1 on query results for
 * about a fifth fewer bytes; on the loopback and LAN links the API serves, CPU is the scarcer.
 */
const GZIP_OPTIONS = { level: constants.Z_BEST_SPEED };

/** Bodies smaller than this are not worth compressing. */
const MIN_COMPRESS_BYTES = 1024;

function acceptsGzip(req: IncomingMessage | undefined): boolean {
  const header = req?.headers['accept-encoding'];
  if (!header) return false;
  return header
    .split(',')
    .map((part) => part.trim().split(';'))
    .some(([coding, ...params]) => coding.trim().toLowerCase() === 'gzip' && !params.some((p) => /^\s*q\s*=\s*0(?:\.0*)?\s*$/.test(p)));
}

/** Writes `body` (text, or UTF-8 bytes) with the given status and headers, gzipped when the request allows it. */
export async function sendBody(req: IncomingMessage | undefined, res: ServerResponse, status: number, headers: OutgoingHttpHeaders, body: string | Buffer): Promise<void> {
  const raw = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  if (raw.length >= MIN_COMPRESS_BYTES && acceptsGzip(req)) {
    const zipped = await gzipAsync(raw, GZIP_OPTIONS);
    res.writeHead(status, { ...headers, 'Content-Encoding': 'gzip', Vary: 'Accept-Encoding', 'Content-Length': zipped.length });
    res.end(zipped);
    return;
  }
  res.writeHead(status, { ...headers, 'Content-Length': raw.length });
  res.end(raw);
}
