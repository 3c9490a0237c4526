// The HTTP client settings Prometheus inlines into scrape, SD, alerting and remote configs
// (prometheus/common's HTTPClientConfig): auth, TLS, proxy, redirects, headers.
import path from 'node:path';
import { Node } from 'yaml';
import { Authorization, BasicAuth, HTTPClientConfig, TLSConfig } from './types';
import { FieldHandler, YamlReader } from './yamlReader';

export function defaultHTTPClientConfig(enableHttp2 = true): HTTPClientConfig {
  return { tlsConfig: { insecureSkipVerify: false }, proxyFromEnvironment: false, followRedirects: true, enableHttp2, httpHeaders: {} };
}

/** Joins a relative file path to the config file's directory, as Prometheus's SetDirectory does. */
export function joinDir(dir: string, file: string | undefined): string | undefined {
  if (file === undefined || file === '' || path.isAbsolute(file)) return file;
  return path.join(dir, file);
}

const TLS_VERSIONS = ['TLS10', 'TLS11', 'TLS12', 'TLS13'];

/**
 * Field handlers for the inlined HTTP client settings, writing into `into`. Call
 * `finishHTTPClientConfig` after the enclosing struct is read, to validate and resolve files.
 */
export function httpClientFields(r: YamlReader, into: HTTPClientPending): Record<string, FieldHandler> {
  return {
    basic_auth: (v) => (into.basicAuth = readBasicAuth(r, v)),
    authorization: (v) => (into.authorization = readAuthorization(r, v)),
    bearer_token: (v) => (into.bearerToken = r.string(v)),
    bearer_token_file: (v) => (into.bearerTokenFile = r.string(v)),
    tls_config: (v) => (into.config.tlsConfig = readTLSConfig(r, v)),
    proxy_url: (v) => (into.config.proxyUrl = r.string(v) || undefined),
    no_proxy: (v) => (into.config.noProxy = r.string(v) || undefined),
    proxy_from_environment: (v) => (into.config.proxyFromEnvironment = r.bool(v)),
    proxy_connect_header: (v) => r.stringMap(v, 'config.ProxyHeader'),
    follow_redirects: (v) => (into.config.followRedirects = r.bool(v)),
    enable_http2: (v) => (into.config.enableHttp2 = r.bool(v)),
    http_headers: (v) => (into.config.httpHeaders = readHeaders(r, v)),
    oauth2: (v) => r.fail(v, 'oauth2 is not supported by flint; use authorization or basic_auth'),
  };
}

export interface HTTPClientPending {
  config: HTTPClientConfig;
  node: Node | null;
  basicAuth?: BasicAuth;
  authorization?: Authorization;
  bearerToken?: string;
  bearerTokenFile?: string;
}

export function pendingHTTPClient(node: Node | null, enableHttp2 = true): HTTPClientPending {
  return { config: defaultHTTPClientConfig(enableHttp2), node };
}

/** prometheus/common's Validate: at most one credential source; bearer_token becomes authorization. */
export function finishHTTPClientConfig(r: YamlReader, p: HTTPClientPending, dir: string): HTTPClientConfig {
  const fail = (msg: string): never => r.fail(p.node, msg);
  const hasBearer = (p.bearerToken ?? '') !== '' || (p.bearerTokenFile ?? '') !== '';
  if (p.bearerToken && p.bearerTokenFile) fail('at most one of bearer_token & bearer_token_file must be configured');
  if (p.basicAuth && hasBearer) fail('at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured');
  if (p.basicAuth && p.basicAuth.username !== '' && p.basicAuth.usernameFile) fail('at most one of basic_auth username & username_file must be configured');
  if (p.basicAuth && p.basicAuth.password !== '' && p.basicAuth.passwordFile) fail('at most one of basic_auth password & password_file must be configured');
  if (p.authorization) {
    if (hasBearer) fail('authorization is not compatible with bearer_token & bearer_token_file');
    if (p.authorization.credentials !== '' && p.authorization.credentialsFile) fail('at most one of authorization credentials & credentials_file must be configured');
    if (p.authorization.type.toLowerCase() === 'basic') fail('authorization type cannot be set to "basic", use "basic_auth" instead');
    if (p.basicAuth) fail('at most one of basic_auth, oauth2 & authorization must be configured');
  }
  const c = p.config;
  if (p.basicAuth) c.basicAuth = { ...p.basicAuth, usernameFile: joinDir(dir, p.basicAuth.usernameFile), passwordFile: joinDir(dir, p.basicAuth.passwordFile) };
  if (p.authorization) c.authorization = { ...p.authorization, credentialsFile: joinDir(dir, p.authorization.credentialsFile) };
  if (hasBearer) c.authorization = { type: 'Bearer', credentials: p.bearerToken ?? '', credentialsFile: joinDir(dir, p.bearerTokenFile || undefined) };
  const t = c.tlsConfig;
  c.tlsConfig = { ...t, caFile: joinDir(dir, t.caFile), certFile: joinDir(dir, t.certFile), keyFile: joinDir(dir, t.keyFile) };
  if (c.tlsConfig.ca && c.tlsConfig.caFile) fail('at most one of ca and ca_file must be configured');
  if (c.tlsConfig.cert && c.tlsConfig.certFile) fail('at most one of cert and cert_file must be configured');
  if (c.tlsConfig.key && c.tlsConfig.keyFile) fail('at most one of key and key_file must be configured');
  if (Boolean(c.tlsConfig.cert || c.tlsConfig.certFile) !== Boolean(c.tlsConfig.key || c.tlsConfig.keyFile)) {
    fail(c.tlsConfig.key || c.tlsConfig.keyFile ? 'exactly one of cert or cert_file must be configured when a client key is configured' : 'exactly one of key or key_file must be configured when a client certificate is configured');
  }
  if (c.proxyFromEnvironment && c.proxyUrl) fail('if proxy_from_environment is configured, proxy_url must not be configured');
  if (c.noProxy && !c.proxyUrl) fail('if no_proxy is configured, proxy_url must also be configured');
  return c;
}

function readBasicAuth(r: YamlReader, node: Node | null): BasicAuth {
  const b: BasicAuth = { username: '', password: '' };
  r.struct(node, 'config.BasicAuth', {
    username: (v) => (b.username = r.string(v)),
    username_file: (v) => (b.usernameFile = r.string(v) || undefined),
    password: (v) => (b.password = r.string(v)),
    password_file: (v) => (b.passwordFile = r.string(v) || undefined),
  });
  return b;
}

function readAuthorization(r: YamlReader, node: Node | null): Authorization {
  const a: Authorization = { type: 'Bearer', credentials: '' };
  r.struct(node, 'config.Authorization', {
    type: (v) => (a.type = r.string(v).trim() || 'Bearer'),
    credentials: (v) => (a.credentials = r.string(v)),
    credentials_file: (v) => (a.credentialsFile = r.string(v) || undefined),
  });
  return a;
}

export function readTLSConfig(r: YamlReader, node: Node | null): TLSConfig {
  const t: TLSConfig = { insecureSkipVerify: false };
  const opt = (v: Node | null) => r.string(v) || undefined;
  const version = (v: Node | null) => {
    const s = r.string(v);
    if (s !== '' && !TLS_VERSIONS.includes(s)) r.fail(v, `unknown TLS version: ${s}`);
    return s || undefined;
  };
  r.struct(node, 'config.TLSConfig', {
    ca: (v) => (t.ca = opt(v)),
    ca_file: (v) => (t.caFile = opt(v)),
    cert: (v) => (t.cert = opt(v)),
    cert_file: (v) => (t.certFile = opt(v)),
    key: (v) => (t.key = opt(v)),
    key_file: (v) => (t.keyFile = opt(v)),
    server_name: (v) => (t.serverName = opt(v)),
    insecure_skip_verify: (v) => (t.insecureSkipVerify = r.bool(v)),
    min_version: (v) => (t.minVersion = version(v)),
    max_version: (v) => (t.maxVersion = version(v)),
  });
  return t;
}

function readHeaders(r: YamlReader, node: Node | null): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  if (node === null) return out;
  const map = r.stringMapOfNodes(node, 'config.Headers');
  for (const [name, value] of map) {
    let values: string[] = [];
    let secrets: string[] = [];
    r.struct(value, 'config.Header', {
      values: (v) => (values = r.stringList(v)),
      secrets: (v) => (secrets = r.stringList(v)),
      files: (v) => r.fail(v, 'http_headers files are not supported by flint; use values or secrets'),
    });
    out[name] = [...values, ...secrets];
  }
  return out;
}
