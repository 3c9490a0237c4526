import { join } from 'node:path';
import * as https from 'node:https';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { parseConfig } from '../config/load';
import { acceptHeader, ScrapeClient } from './client';

const TESTDATA = join(__dirname, 'testdata');

function clientFor(yaml: string, bodySizeLimit = 0): ScrapeClient {
  const cfg = parseConfig(`scrape_configs:\n  - job_name: t\n${yaml}`, join(TESTDATA, 'prometheus.yml'))
    .scrapeConfigs[0];
  return new ScrapeClient(
    cfg.httpClient,
    acceptHeader(cfg.scrapeProtocols, cfg.metricNameValidationScheme),
    cfg.enableCompression,
    bodySizeLimit
  );
}

async function listen(server: http.Server | https.Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

async function close(server: http.Server | https.Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
}

describe('acceptHeader', () => {
  test('follows scrape_protocols order and escaping; protobuf is not offered', () => {
    expect(acceptHeader(['PrometheusText0.0.4'], 'utf8')).toBe('text/plain;version=0.0.4;q=0.6,*/*;q=0.5');
    expect(acceptHeader(['PrometheusProto', 'PrometheusText1.0.0'], 'legacy')).toBe(
      'text/plain;version=1.0.0;escaping=underscores;q=0.6,*/*;q=0.5'
    );
  });
});

describe('ScrapeClient', () => {
  test('TLS with a CA, server name and a client certificate', async () => {
    let peerCN = '';
    const server = https.createServer(
      {
        key: readFileSync(join(TESTDATA, 'server.key')),
        cert: readFileSync(join(TESTDATA, 'server.crt')),
        ca: readFileSync(join(TESTDATA, 'ca.crt')),
        requestCert: true,
        rejectUnauthorized: true,
      },
      (req, res) => {
        peerCN = String((req.socket as import('node:tls').TLSSocket).getPeerCertificate().subject?.CN ?? '');
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('tls 1\n');
      }
    );
    const port = await listen(server);
    try {
      const good = clientFor(
        '    tls_config: {ca_file: ca.crt, cert_file: client.crt, key_file: client.key, server_name: flint.test}\n'
      );
      const res = await good.fetch(`https://127.0.0.1:${port}/metrics`, 2000);
      expect(res.body.toString()).toBe('tls 1\n');
      expect(peerCN).toBe('flint client');
      good.close();

      const noCA = clientFor('    tls_config: {cert_file: client.crt, key_file: client.key}\n');
      await expect(noCA.fetch(`https://127.0.0.1:${port}/metrics`, 2000)).rejects.toThrow(/certificate/);
      noCA.close();

      const insecure = clientFor(
        '    tls_config: {insecure_skip_verify: true, cert_file: client.crt, key_file: client.key}\n'
      );
      expect((await insecure.fetch(`https://127.0.0.1:${port}/metrics`, 2000)).body.toString()).toBe('tls 1\n');
      insecure.close();

      const wrongName = clientFor(
        '    tls_config: {ca_file: ca.crt, cert_file: client.crt, key_file: client.key, server_name: other.test}\n'
      );
      await expect(wrongName.fetch(`https://127.0.0.1:${port}/metrics`, 2000)).rejects.toThrow(/other\.test/);
      wrongName.close();
    } finally {
      await close(server);
    }
  });

  test('authorization, bearer token file and extra headers', async () => {
    const seen: http.IncomingHttpHeaders[] = [];
    const server = http.createServer((req, res) => {
      seen.push(req.headers);
      res.end('');
    });
    const port = await listen(server);
    const dir = mkdtempSync(join(tmpdir(), 'flint-scrape-'));
    writeFileSync(join(dir, 'token'), 'file-token\n');
    try {
      const a = clientFor('    authorization: {credentials: secret}\n    http_headers: {X-Extra: {values: [one]}}\n');
      await a.fetch(`http://127.0.0.1:${port}/metrics`, 2000);
      a.close();
      const b = clientFor(`    bearer_token_file: ${join(dir, 'token')}\n`);
      await b.fetch(`http://127.0.0.1:${port}/metrics`, 2000);
      b.close();
      expect(seen[0].authorization).toBe('Bearer secret');
      expect(seen[0]['x-extra']).toBe('one');
      expect(seen[1].authorization).toBe('Bearer file-token');
    } finally {
      await close(server);
    }
  });

  test('connection errors name the URL like Go does', async () => {
    const server = http.createServer();
    const port = await listen(server);
    await close(server);
    const c = clientFor('');
    await expect(c.fetch(`http://127.0.0.1:${port}/metrics`, 2000)).rejects.toThrow(
      `Get "http://127.0.0.1:${port}/metrics": connect ECONNREFUSED`
    );
    c.close();
  });

  test('follows redirects unless follow_redirects is false', async () => {
    const server = http.createServer((req, res) => {
      if (req.url === '/metrics') {
        res.writeHead(302, { location: '/real' });
        res.end();
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('r 1\n');
    });
    const port = await listen(server);
    try {
      const following = clientFor('');
      expect((await following.fetch(`http://127.0.0.1:${port}/metrics`, 2000)).body.toString()).toBe('r 1\n');
      following.close();
      const notFollowing = clientFor('    follow_redirects: false\n');
      await expect(notFollowing.fetch(`http://127.0.0.1:${port}/metrics`, 2000)).rejects.toThrow(
        'server returned HTTP status 302 Found'
      );
      notFollowing.close();
    } finally {
      await close(server);
    }
  });
});
