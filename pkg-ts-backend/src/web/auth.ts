// `--web.config.file`: TLS and basic authentication in the format Prometheus shares with every
// exporter (prometheus/exporter-toolkit). The file is re-read when it changes, so passwords and
// certificates rotate without a restart.
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { createServer as createHttpServer, IncomingMessage, RequestListener, Server as HttpServer, ServerOptions as HttpServerOptions, ServerResponse } from 'node:http';
import { createServer as createHttpsServer, Server as HttpsServer, ServerOptions as HttpsServerOptions } from 'node:https';
import { dirname, isAbsolute, join } from 'node:path';
import type { SecureVersion, TLSSocket } from 'node:tls';
import bcrypt from 'bcryptjs';
import { parse as parseYaml } from 'yaml';
import type { Logger } from '../util/log';

export class WebConfigError extends Error {}

export type ClientAuthType = 'NoClientCert' | 'RequestClientCert' | 'RequireAnyClientCert' | 'VerifyClientCertIfGiven' | 'RequireAndVerifyClientCert';

const CLIENT_AUTH_TYPES: readonly ClientAuthType[] = ['NoClientCert', 'RequestClientCert', 'RequireAnyClientCert', 'VerifyClientCertIfGiven', 'RequireAndVerifyClientCert'];

const TLS_VERSIONS: Record<string, SecureVersion> = { TLS10: 'TLSv1', TLS11: 'TLSv1.1', TLS12: 'TLSv1.2', TLS13: 'TLSv1.3' };

/** Go's cipher suite names (what the file uses) and OpenSSL's (what Node takes). */
const CIPHER_SUITES: Record<string, string> = {
  TLS_RSA_WITH_AES_128_CBC_SHA: 'AES128-SHA',
  TLS_RSA_WITH_AES_256_CBC_SHA: 'AES256-SHA',
  TLS_RSA_WITH_AES_128_CBC_SHA256: 'AES128-SHA256',
  TLS_RSA_WITH_AES_128_GCM_SHA256: 'AES128-GCM-SHA256',
  TLS_RSA_WITH_AES_256_GCM_SHA384: 'AES256-GCM-SHA384',
  TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA: 'ECDHE-ECDSA-AES128-SHA',
  TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA: 'ECDHE-ECDSA-AES256-SHA',
  TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA: 'ECDHE-RSA-AES128-SHA',
  TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA: 'ECDHE-RSA-AES256-SHA',
  TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256: 'ECDHE-ECDSA-AES128-SHA256',
  TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256: 'ECDHE-RSA-AES128-SHA256',
  TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256: 'ECDHE-RSA-AES128-GCM-SHA256',
  TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256: 'ECDHE-ECDSA-AES128-GCM-SHA256',
  TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384: 'ECDHE-RSA-AES256-GCM-SHA384',
  TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384: 'ECDHE-ECDSA-AES256-GCM-SHA384',
  TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256: 'ECDHE-RSA-CHACHA20-POLY1305',
  TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256: 'ECDHE-ECDSA-CHACHA20-POLY1305',
};

const CURVES: Record<string, string> = { CurveP256: 'P-256', CurveP384: 'P-384', CurveP521: 'P-521', X25519: 'X25519' };

export interface TlsServerConfig {
  /** PEM text of the certificate chain and key (from cert_file/key_file or inline cert/key). */
  cert: string;
  key: string;
  clientAuthType: ClientAuthType;
  /** PEM text of the CAs that sign client certificates. */
  clientCA?: string;
  minVersion: SecureVersion;
  maxVersion?: SecureVersion;
  /** OpenSSL cipher names (TLS 1.2 and below); empty means Node's defaults. */
  cipherSuites: string[];
  /** Key exchange groups in OpenSSL's names; empty means Node's defaults. */
  curves: string[];
  /** Subject alternative names a client certificate must carry one of (empty: any). */
  clientAllowedSans: string[];
}

export interface WebConfig {
  /** Absent when the file configures no TLS: the server then speaks plain HTTP. */
  tls?: TlsServerConfig;
  /** user name -> bcrypt hash; empty means no authentication. */
  basicAuthUsers: ReadonlyMap<string, string>;
  /** Security headers added to every response. */
  headers: Readonly<Record<string, string>>;
}

type YamlMap = Record<string, unknown>;

function asMap(v: unknown, type: string): YamlMap {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw new WebConfigError(`yaml: unmarshal errors:\n  cannot unmarshal ${JSON.stringify(v)} into ${type}`);
  return v as YamlMap;
}

function checkFields(m: YamlMap, allowed: readonly string[], type: string): void {
  for (const k of Object.keys(m)) if (!allowed.includes(k)) throw new WebConfigError(`yaml: unmarshal errors:\n  field ${k} not found in type ${type}`);
}

function str(m: YamlMap, key: string): string {
  const v = m[key];
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') throw new WebConfigError(`yaml: unmarshal errors:\n  ${key}: cannot unmarshal ${JSON.stringify(v)} into string`);
  return v;
}

function strList(m: YamlMap, key: string): string[] {
  const v = m[key];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new WebConfigError(`yaml: unmarshal errors:\n  ${key}: expected a list of strings`);
  return v as string[];
}

/** Relative paths in the file are relative to the file's directory. */
function readRelative(baseDir: string, path: string, what: string): string {
  const full = isAbsolute(path) ? path : join(baseDir, path);
  try {
    return readFileSync(full, 'utf8');
  } catch (err) {
    throw new WebConfigError(`failed to read ${what} ${full}: ${(err as Error).message}`);
  }
}

const BCRYPT_HASH = /^\$2[aby]?\$\d\d\$[./A-Za-z0-9]{53}$/;

const ALLOWED_HEADERS: Record<string, (v: string) => string | undefined> = {
  'Strict-Transport-Security': () => undefined,
  'X-Content-Type-Options': (v) => (v.toLowerCase() === 'nosniff' ? undefined : 'X-Content-Type-Options: only "nosniff" is allowed'),
  'X-Frame-Options': (v) => (['deny', 'sameorigin'].includes(v.toLowerCase()) ? undefined : 'X-Frame-Options: only "deny" and "sameorigin" are allowed'),
  'X-XSS-Protection': () => undefined,
  'Content-Security-Policy': () => undefined,
};

function parseTls(m: YamlMap, baseDir: string): TlsServerConfig | undefined {
  checkFields(
    m,
    ['cert_file', 'key_file', 'cert', 'key', 'client_auth_type', 'client_ca_file', 'client_ca', 'cipher_suites', 'curve_preferences', 'min_version', 'max_version', 'prefer_server_cipher_suites', 'client_allowed_sans'],
    'web.TLSConfig'
  );
  const certFile = str(m, 'cert_file');
  const keyFile = str(m, 'key_file');
  const certInline = str(m, 'cert');
  const keyInline = str(m, 'key');
  const clientAuth = str(m, 'client_auth_type');
  const caFile = str(m, 'client_ca_file');
  const caInline = str(m, 'client_ca');
  if (!certFile && !keyFile && !certInline && !keyInline && !clientAuth && !caFile && !caInline) return undefined;
  if (certFile && certInline) throw new WebConfigError('cannot specify both cert_file and cert');
  if (keyFile && keyInline) throw new WebConfigError('cannot specify both key_file and key');
  if (caFile && caInline) throw new WebConfigError('cannot specify both client_ca_file and client_ca');
  if (!certFile && !certInline) throw new WebConfigError('missing cert_file or cert');
  if (!keyFile && !keyInline) throw new WebConfigError('missing key_file or key');
  const clientAuthType = (clientAuth || 'NoClientCert') as ClientAuthType;
  if (!CLIENT_AUTH_TYPES.includes(clientAuthType)) throw new WebConfigError(`Invalid ClientAuth: ${clientAuth}`);
  if ((caFile || caInline) && clientAuthType === 'NoClientCert') throw new WebConfigError("Client CA's have been configured without a Client Auth Policy");
  const version = (key: string, dflt?: SecureVersion): SecureVersion | undefined => {
    const v = str(m, key);
    if (v === '') return dflt;
    const mapped = TLS_VERSIONS[v];
    if (!mapped) throw new WebConfigError(`unknown TLS version: ${v}`);
    return mapped;
  };
  return {
    cert: certInline || readRelative(baseDir, certFile, 'cert_file'),
    key: keyInline || readRelative(baseDir, keyFile, 'key_file'),
    clientAuthType,
    clientCA: caInline || (caFile ? readRelative(baseDir, caFile, 'client_ca_file') : undefined),
    minVersion: version('min_version', 'TLSv1.2')!,
    maxVersion: version('max_version'),
    cipherSuites: strList(m, 'cipher_suites').map((c) => {
      const openssl = CIPHER_SUITES[c];
      if (!openssl) throw new WebConfigError(`unknown cipher: ${c}`);
      return openssl;
    }),
    curves: strList(m, 'curve_preferences').map((c) => {
      const name = CURVES[c];
      if (!name) throw new WebConfigError(`unknown curve: ${c}`);
      return name;
    }),
    clientAllowedSans: strList(m, 'client_allowed_sans'),
  };
}

/** Parses the web config file's text; `baseDir` resolves relative certificate paths. */
export function parseWebConfig(text: string, baseDir: string): WebConfig {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new WebConfigError(`yaml: ${(err as Error).message}`);
  }
  const root = asMap(doc, 'web.Config');
  checkFields(root, ['tls_server_config', 'http_server_config', 'basic_auth_users'], 'web.Config');

  const http = asMap(root.http_server_config, 'web.HTTPConfig');
  checkFields(http, ['http2', 'headers'], 'web.HTTPConfig');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(asMap(http.headers, 'map[string]string'))) {
    const check = ALLOWED_HEADERS[name];
    if (!check) throw new WebConfigError(`HTTP header ${JSON.stringify(name)} can not be configured`);
    const problem = check(String(value));
    if (problem) throw new WebConfigError(`invalid value for ${problem}`);
    headers[name] = String(value);
  }

  const users = new Map<string, string>();
  for (const [user, hash] of Object.entries(asMap(root.basic_auth_users, 'map[string]string'))) {
    if (typeof hash !== 'string' || !BCRYPT_HASH.test(hash)) throw new WebConfigError(`basic_auth_users: password of user ${JSON.stringify(user)} is not a bcrypt hash`);
    users.set(user, hash);
  }

  return { tls: parseTls(asMap(root.tls_server_config, 'web.TLSConfig'), baseDir), basicAuthUsers: users, headers };
}

export function loadWebConfig(path: string): WebConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new WebConfigError(`open ${path}: ${(err as Error).message}`);
  }
  return parseWebConfig(text, dirname(path));
}

/** Node TLS options for a TLS server config (client-certificate policies per Go's tls.ClientAuthType). */
export function tlsServerOptions(tls: TlsServerConfig): HttpsServerOptions {
  const wantsCert = tls.clientAuthType !== 'NoClientCert';
  return {
    cert: tls.cert,
    key: tls.key,
    ca: tls.clientCA,
    minVersion: tls.minVersion,
    maxVersion: tls.maxVersion,
    ciphers: tls.cipherSuites.length ? tls.cipherSuites.join(':') : undefined,
    ecdhCurve: tls.curves.length ? tls.curves.join(':') : undefined,
    requestCert: wantsCert,
    // Only the strictest policy can let OpenSSL reject; the others are enforced per connection.
    rejectUnauthorized: tls.clientAuthType === 'RequireAndVerifyClientCert',
  };
}

/** Whether a TLS connection's client certificate satisfies the policy (checked once the handshake is done). */
export function clientCertAcceptable(socket: TLSSocket, tls: TlsServerConfig): boolean {
  const cert = socket.getPeerCertificate();
  const hasCert = cert !== null && Object.keys(cert).length > 0;
  switch (tls.clientAuthType) {
    case 'NoClientCert':
    case 'RequestClientCert':
      return true;
    case 'RequireAnyClientCert':
      if (!hasCert) return false;
      break;
    case 'VerifyClientCertIfGiven':
      if (hasCert && !socket.authorized) return false;
      break;
    case 'RequireAndVerifyClientCert':
      if (!hasCert || !socket.authorized) return false;
      break;
  }
  if (tls.clientAllowedSans.length === 0 || !hasCert) return true;
  const sans = (cert.subjectaltname ?? '').split(', ').map((s) => s.replace(/^[A-Za-z ]+:/, ''));
  return sans.some((s) => tls.clientAllowedSans.includes(s));
}

// A dummy hash compared for unknown users, so a wrong user name costs as much time as a wrong password.
const DUMMY_HASH = '$2b$10$KkcV8XfImhZJyhAc5v0kkeftEFUhwbF7CQyFjUk.5dpNU8bBW8May';
const AUTH_CACHE_SIZE = 100;

function sha256(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

function basicCredentials(req: IncomingMessage): { user: string; password: string } | undefined {
  const header = req.headers.authorization ?? '';
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!m) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  if (i < 0) return undefined;
  return { user: decoded.slice(0, i), password: decoded.slice(i + 1) };
}

/**
 * Checks each request against the web config file, re-reading it when it changes. bcrypt is
 * slow on purpose, so results are cached by (user, hash, password) digests.
 */
export class WebConfigGuard {
  private config: WebConfig;
  private signature: string;
  private readonly verdicts = new Map<string, boolean>();

  constructor(
    private readonly path: string,
    private readonly logger?: Logger,
    private readonly onTlsChange?: (tls: TlsServerConfig) => void
  ) {
    this.config = loadWebConfig(path);
    this.signature = this.fileSignature();
  }

  get current(): WebConfig {
    return this.config;
  }

  private fileSignature(): string {
    const st = statSync(this.path);
    return `${st.mtimeMs}:${st.size}:${st.ino}`;
  }

  /** Picks up edits of the file; a broken file keeps failing requests until it is fixed. */
  private refresh(): WebConfig {
    const sig = this.fileSignature();
    if (sig !== this.signature) {
      const next = loadWebConfig(this.path);
      this.signature = sig;
      this.config = next;
      this.verdicts.clear();
      if (next.tls) this.onTlsChange?.(next.tls);
    }
    return this.config;
  }

  private async verify(user: string, password: string, cfg: WebConfig): Promise<boolean> {
    const known = cfg.basicAuthUsers.get(user);
    const hash = known ?? DUMMY_HASH;
    const key = `${sha256(user)}:${hash}:${sha256(password)}`;
    const cached = this.verdicts.get(key);
    if (cached !== undefined) return cached;
    const ok = (await bcrypt.compare(password, hash)) && known !== undefined;
    if (this.verdicts.size >= AUTH_CACHE_SIZE) this.verdicts.delete(this.verdicts.keys().next().value as string);
    this.verdicts.set(key, ok);
    return ok;
  }

  /** Resolves true when the request may proceed; otherwise it has already been answered. */
  async admit(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    let cfg: WebConfig;
    try {
      cfg = this.refresh();
    } catch (err) {
      this.logger?.error('Unable to parse configuration', { path: this.path, err: err as Error });
      res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('Internal Server Error\n');
      return false;
    }
    for (const [name, value] of Object.entries(cfg.headers)) res.setHeader(name, value);
    if (cfg.basicAuthUsers.size === 0) return true;
    const creds = basicCredentials(req);
    if (creds && (await this.verify(creds.user, creds.password, cfg))) return true;
    res.setHeader('WWW-Authenticate', 'Basic');
    res.writeHead(401, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('Unauthorized\n');
    return false;
  }
}

/**
 * An HTTP or HTTPS server (per the web config file) whose requests pass the guard before reaching
 * `handler`. With no file, a plain HTTP server without authentication.
 */
export function createSecuredServer(
  webConfigFile: string,
  handler: RequestListener,
  logger?: Logger,
  serverOptions: HttpServerOptions = {}
): HttpServer | HttpsServer {
  if (webConfigFile === '') return createHttpServer(serverOptions, handler);
  // The guard re-reads the file; new certificates go into the running HTTPS server.
  const secure: { server?: HttpsServer } = {};
  const guard = new WebConfigGuard(webConfigFile, logger, (tls) => secure.server?.setSecureContext(tlsServerOptions(tls)));
  const guarded: RequestListener = (req, res) => {
    guard.admit(req, res).then(
      (ok) => {
        if (ok) handler(req, res);
      },
      (err: unknown) => {
        logger?.error('web config guard failed', { err: err as Error });
        if (!res.headersSent) {
          res.writeHead(500);
          res.end();
        }
      }
    );
  };
  const tls = guard.current.tls;
  if (!tls) return createHttpServer(serverOptions, guarded);
  const https = createHttpsServer({ ...serverOptions, ...tlsServerOptions(tls) }, guarded);
  secure.server = https;
  https.on('secureConnection', (socket: TLSSocket) => {
    if (!clientCertAcceptable(socket, guard.current.tls ?? tls)) socket.destroy();
  });
  return https;
}
