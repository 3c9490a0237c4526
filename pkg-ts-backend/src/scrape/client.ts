// The HTTP side of a scrape: one keep-alive agent per pool (TLS settings included), Prometheus's
// request headers, a deadline, gzip, and the body size limit.
import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import { createGunzip } from 'node:zlib';
import type { HTTPClientConfig, NameValidationScheme, ScrapeProtocol } from '../config/types';
import { VERSION } from '../version';

const PROTOCOL_HEADERS: Record<ScrapeProtocol, string> = {
  PrometheusProto: 'application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited',
  'PrometheusText0.0.4': 'text/plain;version=0.0.4',
  'PrometheusText1.0.0': 'text/plain;version=1.0.0',
  'OpenMetricsText0.0.1': 'application/openmetrics-text;version=0.0.1',
  'OpenMetricsText1.0.0': 'application/openmetrics-text;version=1.0.0',
};

/**
 * The Accept header Prometheus 3 sends for a `scrape_protocols` list: descending q weights from
 * 0.(n+1) and `*\/*` last. Protobuf is left out because flint has no parser for it.
 */
export function acceptHeader(protocols: readonly ScrapeProtocol[], scheme: NameValidationScheme): string {
  const escaping = scheme === 'legacy' ? 'underscores' : 'allow-utf-8';
  let weight = Object.keys(PROTOCOL_HEADERS).length + 1;
  const parts: string[] = [];
  for (const p of protocols) {
    if (p === 'PrometheusProto') continue;
    let v = PROTOCOL_HEADERS[p];
    if (p === 'PrometheusText1.0.0' || p === 'OpenMetricsText1.0.0') v += `;escaping=${escaping}`;
    parts.push(`${v};q=0.${weight}`);
    weight--;
  }
  parts.push(`*/*;q=0.${weight}`);
  return parts.join(',');
}

const MAX_REDIRECTS = 10;

export const USER_AGENT = `Flint/${VERSION}`;

export class ScrapeError extends Error {
  constructor(
    message: string,
    readonly kind: 'http' | 'timeout' | 'body_size' | 'network' = 'network'
  ) {
    super(message);
  }
}

export interface ScrapeResponse {
  body: Buffer;
  contentType: string;
}

function readSecret(inline: string | undefined, file: string | undefined): string {
  if (file) return readFileSync(file, 'utf8').trim();
  return inline ?? '';
}

function readPem(inline: string | undefined, file: string | undefined): string | undefined {
  if (inline) return inline;
  return file ? readFileSync(file, 'utf8') : undefined;
}

const TLS_VERSIONS: Record<string, 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3'> = {
  TLS10: 'TLSv1',
  TLS11: 'TLSv1.1',
  TLS12: 'TLSv1.2',
  TLS13: 'TLSv1.3',
};

/** An HTTP client for one scrape config. Files (passwords, certificates) are read when it is built. */
export class ScrapeClient {
  private readonly httpAgent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
  private readonly httpsAgent: https.Agent;
  private readonly headers: Record<string, string | string[]>;
  private readonly followRedirects: boolean;

  constructor(
    cfg: HTTPClientConfig,
    accept: string,
    private readonly enableCompression: boolean,
    private readonly bodySizeLimit: number
  ) {
    this.followRedirects = cfg.followRedirects;
    const tls = cfg.tlsConfig;
    this.httpsAgent = new https.Agent({
      keepAlive: true,
      ca: readPem(tls.ca, tls.caFile),
      cert: readPem(tls.cert, tls.certFile),
      key: readPem(tls.key, tls.keyFile),
      servername: tls.serverName,
      rejectUnauthorized: !tls.insecureSkipVerify,
      minVersion: tls.minVersion ? TLS_VERSIONS[tls.minVersion] : undefined,
      maxVersion: tls.maxVersion ? TLS_VERSIONS[tls.maxVersion] : undefined,
    });
    const headers: Record<string, string | string[]> = {};
    for (const [name, values] of Object.entries(cfg.httpHeaders))
      headers[name] = values.length === 1 ? values[0] : values;
    headers['accept'] = accept;
    headers['accept-encoding'] = enableCompression ? 'gzip' : 'identity';
    headers['user-agent'] = USER_AGENT;
    if (cfg.basicAuth) {
      const user = readSecret(cfg.basicAuth.username, cfg.basicAuth.usernameFile);
      const pass = readSecret(cfg.basicAuth.password, cfg.basicAuth.passwordFile);
      headers['authorization'] = 'Basic ' + Buffer.from(`${user}:${pass}`).toString('base64');
    } else if (cfg.authorization) {
      headers['authorization'] =
        `${cfg.authorization.type} ${readSecret(cfg.authorization.credentials, cfg.authorization.credentialsFile)}`;
    }
    this.headers = headers;
  }

  /** GETs `url` within `timeoutMs` (redirects included); rejects with a ScrapeError carrying Prometheus's wording. */
  fetch(url: string, timeoutMs: number, signal?: AbortSignal): Promise<ScrapeResponse> {
    const deadline = Date.now() + timeoutMs;
    const follow = async (current: string, redirects: number): Promise<ScrapeResponse> => {
      const r = await this.fetchOnce(current, url, timeoutMs, Math.max(1, deadline - Date.now()), signal);
      if (!('location' in r)) return r;
      if (redirects >= MAX_REDIRECTS)
        throw new ScrapeError(`Get "${r.location}": stopped after ${MAX_REDIRECTS} redirects`);
      return follow(r.location, redirects + 1);
    };
    return follow(url, 0);
  }

  private fetchOnce(
    url: string,
    originalURL: string,
    timeoutMs: number,
    remainingMs: number,
    signal?: AbortSignal
  ): Promise<ScrapeResponse | { location: string }> {
    const isHttps = url.startsWith('https:');
    const headers = { ...this.headers, 'x-prometheus-scrape-timeout-seconds': String(timeoutMs / 1000) };
    return new Promise<ScrapeResponse | { location: string }>((resolve, reject) => {
      let settled = false;
      const finish = (err: ScrapeError | undefined, res?: ScrapeResponse | { location: string }) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (err) {
          req.destroy();
          reject(err);
        } else resolve(res as ScrapeResponse | { location: string });
      };
      const timer = setTimeout(
        () => finish(new ScrapeError(`Get "${originalURL}": context deadline exceeded`, 'timeout')),
        remainingMs
      );
      const onAbort = () => finish(new ScrapeError(`Get "${url}": context canceled`));
      signal?.addEventListener('abort', onAbort);
      const req = (isHttps ? https : http).get(
        url,
        { agent: isHttps ? this.httpsAgent : this.httpAgent, headers },
        (res) => {
          const status = res.statusCode ?? 0;
          const location = res.headers.location;
          if (this.followRedirects && status >= 300 && status < 400 && status !== 304 && location) {
            res.resume();
            return finish(undefined, { location: new URL(location, url).toString() });
          }
          if (status !== 200) {
            res.resume();
            return finish(
              new ScrapeError(
                `server returned HTTP status ${res.statusCode} ${res.statusMessage ?? ''}`.trimEnd(),
                'http'
              )
            );
          }
          const gzipped = this.enableCompression && /gzip/i.test(String(res.headers['content-encoding'] ?? ''));
          const stream = gzipped ? res.pipe(createGunzip()) : res;
          const chunks: Buffer[] = [];
          let size = 0;
          stream.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (this.bodySizeLimit > 0 && size > this.bodySizeLimit) {
              finish(new ScrapeError('body size limit exceeded', 'body_size'));
              stream.destroy();
              return;
            }
            chunks.push(chunk);
          });
          stream.on('error', (e: Error) =>
            finish(new ScrapeError(gzipped ? `decompressing body: ${e.message}` : `Get "${url}": ${e.message}`))
          );
          res.on('aborted', () => finish(new ScrapeError(`Get "${url}": unexpected EOF`)));
          stream.on('end', () => {
            if (!res.complete) return finish(new ScrapeError(`Get "${url}": unexpected EOF`));
            finish(undefined, {
              body: Buffer.concat(chunks, size),
              contentType: String(res.headers['content-type'] ?? ''),
            });
          });
        }
      );
      req.on('error', (e: Error) => finish(new ScrapeError(`Get "${url}": ${e.message}`)));
    });
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}
