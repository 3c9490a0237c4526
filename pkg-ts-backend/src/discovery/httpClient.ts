// A small HTTP GET honouring a config's HTTPClientConfig (auth, TLS, redirects, headers), for
// discovery requests.
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import { HTTPClientConfig } from '../config/types';

export interface HTTPResponse {
  status: number;
  statusText: string;
  contentType: string;
  body: Buffer;
}

const MAX_REDIRECTS = 10;
const TLS_VERSION: Record<string, tls.SecureVersion> = { TLS10: 'TLSv1', TLS11: 'TLSv1.1', TLS12: 'TLSv1.2', TLS13: 'TLSv1.3' };

function readSecretFile(file: string): string {
  return fs.readFileSync(file, 'utf8').trim();
}

/** The Authorization header a config asks for, reading credential files at call time (they may rotate). */
export function authorizationHeader(cfg: HTTPClientConfig): string | undefined {
  if (cfg.basicAuth) {
    const user = cfg.basicAuth.usernameFile ? readSecretFile(cfg.basicAuth.usernameFile) : cfg.basicAuth.username;
    const pass = cfg.basicAuth.passwordFile ? readSecretFile(cfg.basicAuth.passwordFile) : cfg.basicAuth.password;
    return `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
  }
  if (cfg.authorization) {
    const cred = cfg.authorization.credentialsFile ? readSecretFile(cfg.authorization.credentialsFile) : cfg.authorization.credentials;
    return `${cfg.authorization.type} ${cred}`;
  }
  return undefined;
}

/** TLS options for node's https module from a tls_config. */
export function tlsOptions(cfg: HTTPClientConfig): https.RequestOptions {
  const t = cfg.tlsConfig;
  return {
    ca: t.ca ?? (t.caFile ? fs.readFileSync(t.caFile) : undefined),
    cert: t.cert ?? (t.certFile ? fs.readFileSync(t.certFile) : undefined),
    key: t.key ?? (t.keyFile ? fs.readFileSync(t.keyFile) : undefined),
    servername: t.serverName,
    rejectUnauthorized: !t.insecureSkipVerify,
    minVersion: t.minVersion ? TLS_VERSION[t.minVersion] : undefined,
    maxVersion: t.maxVersion ? TLS_VERSION[t.maxVersion] : undefined,
  };
}

export function httpGet(url: string, cfg: HTTPClientConfig, headers: Record<string, string>, timeoutMs: number): Promise<HTTPResponse> {
  const all: Record<string, string | string[]> = { ...headers };
  for (const [name, values] of Object.entries(cfg.httpHeaders)) all[name] = values;
  const auth = authorizationHeader(cfg);
  if (auth) all.Authorization = auth;
  const deadline = Date.now() + timeoutMs;
  return getFollowing(new URL(url), cfg, all, deadline, 0);
}

function getFollowing(url: URL, cfg: HTTPClientConfig, headers: Record<string, string | string[]>, deadline: number, redirects: number): Promise<HTTPResponse> {
  return new Promise((resolve, reject) => {
    const mod = url.protocol === 'https:' ? https : http;
    const options: https.RequestOptions = { method: 'GET', headers, timeout: Math.max(1, deadline - Date.now()), ...(url.protocol === 'https:' ? tlsOptions(cfg) : {}) };
    const req = mod.request(url, options, (res) => {
      const status = res.statusCode ?? 0;
      const location = res.headers.location;
      if (cfg.followRedirects && status >= 300 && status < 400 && location) {
        res.resume();
        if (redirects >= MAX_REDIRECTS) {
          reject(new Error('stopped after 10 redirects'));
          return;
        }
        getFollowing(new URL(location, url), cfg, headers, deadline, redirects + 1).then(resolve, reject);
        return;
      }
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status, statusText: res.statusMessage ?? '', contentType: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`Get "${url.href}": context deadline exceeded`)));
    req.on('error', reject);
    req.end();
  });
}
