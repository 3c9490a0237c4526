import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server as HttpServer } from 'node:http';
import { request as httpsRequest, Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import type { TLSSocket } from 'node:tls';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { createSecuredServer, parseWebConfig, WebConfigError } from './auth';

const TESTDATA = join(__dirname, 'testdata');
// Cost 4 keeps the tests fast; the hash format is the same as in production files.
const HASH = bcrypt.hashSync('s3cret', 4);
const HASH_2Y = HASH.replace(/^\$2b\$/, '$2y$');

describe('parseWebConfig', () => {
  it('accepts an empty file: plain HTTP, no users', () => {
    expect(parseWebConfig('', TESTDATA)).toEqual({ tls: undefined, basicAuthUsers: new Map(), headers: {} });
  });

  it('reads users, headers and TLS files relative to the config file', () => {
    const cfg = parseWebConfig(
      `tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ca.crt\n  min_version: TLS13\nhttp_server_config:\n  headers:\n    X-Frame-Options: deny\nbasic_auth_users:\n  alice: '${HASH_2Y}'\n`,
      TESTDATA
    );
    expect(cfg.basicAuthUsers.get('alice')).toBe(HASH_2Y);
    expect(cfg.headers).toEqual({ 'X-Frame-Options': 'deny' });
    expect(cfg.tls).toMatchObject({ clientAuthType: 'RequireAndVerifyClientCert', minVersion: 'TLSv1.3' });
    expect(cfg.tls?.cert).toContain('BEGIN CERTIFICATE');
    expect(cfg.tls?.clientCA).toContain('BEGIN CERTIFICATE');
  });

  it.each([
    ['basic_auth_user:\n  a: b\n', 'field basic_auth_user not found in type web.Config'],
    ['tls_server_config:\n  cert_file: server.crt\n', 'missing key_file or key'],
    ['tls_server_config:\n  key_file: server.key\n', 'missing cert_file or cert'],
    ['tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  client_auth_type: Sometimes\n', 'Invalid ClientAuth: Sometimes'],
    ['tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  client_ca_file: ca.crt\n', "Client CA's have been configured without a Client Auth Policy"],
    ['tls_server_config:\n  cert_file: nope.crt\n  key_file: server.key\n', 'failed to read cert_file'],
    ['tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  cipher_suites: [TLS_FAKE]\n', 'unknown cipher: TLS_FAKE'],
    ['http_server_config:\n  headers:\n    Server: flint\n', 'HTTP header "Server" can not be configured'],
    ['basic_auth_users:\n  bob: plaintext\n', 'password of user "bob" is not a bcrypt hash'],
  ])('rejects %p', (text, message) => {
    expect(() => parseWebConfig(text, TESTDATA)).toThrow(WebConfigError);
    expect(() => parseWebConfig(text, TESTDATA)).toThrow(message);
  });
});

function listen(server: HttpServer | HttpsServer): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

function close(server: HttpServer | HttpsServer): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

const basic = (user: string, password: string) => ({ Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });

describe('basic auth', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flint-webcfg-'));
  const file = join(dir, 'web.yml');
  let server: HttpServer | HttpsServer;
  let base: string;

  beforeAll(async () => {
    writeFileSync(file, `http_server_config:\n  headers:\n    X-Content-Type-Options: nosniff\nbasic_auth_users:\n  alice: '${HASH_2Y}'\n`);
    server = createSecuredServer(file, (_req, res) => res.end('secret data'));
    base = `http://127.0.0.1:${await listen(server)}`;
  });
  afterAll(async () => {
    await close(server);
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers 401 with WWW-Authenticate and no data without valid credentials', async () => {
    for (const headers of [{}, basic('alice', 'wrong'), basic('mallory', 's3cret'), { Authorization: 'Bearer x' }]) {
      const res = await fetch(base + '/api/v1/query?query=up', { headers });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Basic');
      expect(await res.text()).toBe('Unauthorized\n');
    }
  });

  it('lets valid credentials through, with the configured headers', async () => {
    const res = await fetch(base + '/', { headers: basic('alice', 's3cret') });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await res.text()).toBe('secret data');
  });

  it('picks up a changed file without a restart', async () => {
    const newHash = bcrypt.hashSync('rotated', 4);
    writeFileSync(file, `basic_auth_users:\n  alice: '${newHash}'\n  bob: '${HASH}'\n`);
    expect((await fetch(base + '/', { headers: basic('alice', 's3cret') })).status).toBe(401);
    expect((await fetch(base + '/', { headers: basic('alice', 'rotated') })).status).toBe(200);
    expect((await fetch(base + '/', { headers: basic('bob', 's3cret') })).status).toBe(200);
  });

  it('fails requests while the file is broken', async () => {
    writeFileSync(file, 'basic_auth_users: [\n');
    expect((await fetch(base + '/', { headers: basic('bob', 's3cret') })).status).toBe(500);
  });

  it('serves plain HTTP without auth when no file is given', async () => {
    const open = createSecuredServer('', (_req, res) => res.end('ok'));
    const port = await listen(open);
    try {
      expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('ok');
    } finally {
      await close(open);
    }
  });
});

describe('TLS', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flint-webtls-'));
  const ca = readFileSync(join(TESTDATA, 'ca.crt'));
  const clientCert = readFileSync(join(TESTDATA, 'client.crt'));
  const clientKey = readFileSync(join(TESTDATA, 'client.key'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function get(port: number, withClientCert: boolean, auth?: Record<string, string>): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = httpsRequest(
        { host: '127.0.0.1', port, path: '/', ca, headers: auth, ...(withClientCert ? { cert: clientCert, key: clientKey } : {}) },
        (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        }
      );
      req.on('error', reject);
      req.end();
    });
  }

  async function serve(config: string): Promise<{ port: number; server: HttpServer | HttpsServer }> {
    const file = join(dir, `web-${Math.random().toString(36).slice(2)}.yml`);
    writeFileSync(file, config);
    const server = createSecuredServer(file, (_req, res) => res.end('over tls'));
    return { server, port: await listen(server) };
  }

  const tlsBase = `tls_server_config:\n  cert_file: ${join(TESTDATA, 'server.crt')}\n  key_file: ${join(TESTDATA, 'server.key')}\n`;

  it('serves HTTPS with the configured certificate, combined with basic auth', async () => {
    const { server, port } = await serve(`${tlsBase}basic_auth_users:\n  alice: '${HASH}'\n`);
    try {
      expect(await get(port, false)).toEqual({ status: 401, body: 'Unauthorized\n' });
      expect(await get(port, false, basic('alice', 's3cret'))).toEqual({ status: 200, body: 'over tls' });
    } finally {
      await close(server);
    }
  });

  it('requires a client certificate signed by the client CA with RequireAndVerifyClientCert', async () => {
    const { server, port } = await serve(`${tlsBase}  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ${join(TESTDATA, 'ca.crt')}\n`);
    try {
      await expect(get(port, false)).rejects.toThrow();
      expect(await get(port, true)).toEqual({ status: 200, body: 'over tls' });
    } finally {
      await close(server);
    }
  });

  it('applies TLS versions, cipher suites and curves', async () => {
    const { server, port } = await serve(
      `${tlsBase}  max_version: TLS12\n  cipher_suites: [TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256]\n  curve_preferences: [CurveP256]\n`
    );
    try {
      const cipher = await new Promise<{ name: string; version: string }>((resolve, reject) => {
        const req = httpsRequest({ host: '127.0.0.1', port, path: '/', ca }, (res) => {
          const socket = res.socket as TLSSocket;
          resolve(socket.getCipher());
          res.resume();
        });
        req.on('error', reject);
        req.end();
      });
      expect(cipher).toMatchObject({ name: 'ECDHE-ECDSA-AES128-GCM-SHA256', version: 'TLSv1.2' });
    } finally {
      await close(server);
    }
  });

  it('checks client_allowed_sans', async () => {
    const config = (san: string) =>
      `${tlsBase}  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ${join(TESTDATA, 'ca.crt')}\n  client_allowed_sans: ['${san}']\n`;
    const allowed = await serve(config('client.flint.test'));
    const denied = await serve(config('other.flint.test'));
    try {
      expect((await get(allowed.port, true)).status).toBe(200);
      await expect(get(denied.port, true)).rejects.toThrow();
    } finally {
      await Promise.all([close(allowed.server), close(denied.server)]);
    }
  });
});
