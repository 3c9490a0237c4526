// An HTTP client configured the way Prometheus's http_config is: basic auth, authorization
// (bearer) credentials, TLS (CA, client cert, server name, insecure_skip_verify), extra headers,
// per-request timeout. Secrets given as files are read on each client build so rotations apply
// on reload.
import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import { isAbsolute, join } from 'node:path';
import type { HTTPClientConfig } from '../config/types';

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export interface HttpRequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: Buffer | Uint8Array | string;
  timeoutMs: number;
  /** Largest response body accepted; larger responses fail the request. */
  maxBodyBytes?: number;
  signal?: AbortSignal;
}

export class HttpClientError extends Error {}

export class HttpClient {
  private readonly httpAgent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  private readonly httpsAgent: https.Agent;
  private readonly authHeader?: string;
  private readonly extraHeaders: Record<string, string>;

  constructor(cfg: HTTPClientConfig, baseDir = '.') {
    const file = (p: string) => readFileSync(isAbsolute(p) ? p : join(baseDir, p), 'utf8');
    const tls = cfg.tlsConfig;
    this.httpsAgent = new https.Agent({
      keepAlive: true,
      maxSockets: 64,
      ca: tls.ca ?? (tls.caFile ? file(tls.caFile) : undefined),
      cert: tls.cert ?? (tls.certFile ? file(tls.certFile) : undefined),
      key: tls.key ?? (tls.keyFile ? file(tls.keyFile) : undefined),
      servername: tls.serverName || undefined,
      rejectUnauthorized: !tls.insecureSkipVerify,
    });
    if (cfg.basicAuth) {
      const user = cfg.basicAuth.usernameFile ? file(cfg.basicAuth.usernameFile).trim() : cfg.basicAuth.username;
      const pass = cfg.basicAuth.passwordFile ? file(cfg.basicAuth.passwordFile).trim() : cfg.basicAuth.password;
      this.authHeader = 'Basic ' + Buffer.from(`${user}:${pass}`).toString('base64');
    } else if (cfg.authorization) {
      const cred = cfg.authorization.credentialsFile ? file(cfg.authorization.credentialsFile).trim() : cfg.authorization.credentials;
      this.authHeader = `${cfg.authorization.type || 'Bearer'} ${cred}`;
    }
    this.extraHeaders = {};
    for (const [k, vs] of Object.entries(cfg.httpHeaders ?? {})) if (vs.length) this.extraHeaders[k] = vs.join(', ');
  }

  request(url: string, opts: HttpRequestOptions): Promise<HttpResponse> {
    const u = new URL(url);
    const mod = u.protocol === 'https:' ? https : http;
    const headers: Record<string, string> = { ...this.extraHeaders, ...opts.headers };
    if (this.authHeader && !headers.Authorization) headers.Authorization = this.authHeader;
    if (u.username && !headers.Authorization) {
      headers.Authorization = 'Basic ' + Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`).toString('base64');
    }
    const limit = opts.maxBodyBytes ?? Infinity;
    return new Promise<HttpResponse>((resolve, reject) => {
      const req = mod.request(
        u,
        { method: opts.method ?? 'GET', headers, agent: u.protocol === 'https:' ? this.httpsAgent : this.httpAgent, signal: opts.signal },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (size > limit) {
              req.destroy(new HttpClientError(`response body exceeds the limit of ${limit} bytes`));
              return;
            }
            chunks.push(c);
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
          res.on('error', reject);
        }
      );
      req.setTimeout(opts.timeoutMs, () => req.destroy(new HttpClientError(`context deadline exceeded (timeout ${opts.timeoutMs}ms)`)));
      req.on('error', reject);
      req.end(opts.body);
    });
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}

/** The defaults of an unset http_config block. */
export function defaultHttpClientConfig(): HTTPClientConfig {
  return { tlsConfig: { insecureSkipVerify: false }, proxyFromEnvironment: false, followRedirects: true, enableHttp2: true, httpHeaders: {} };
}
