// Slow and oversized clients against the API: slow-loris connections must be cut by
// --web.read-timeout while other clients are served, and oversized bodies and headers
// must be refused with a 4xx without the server buffering them.
import http from 'node:http';
import net from 'node:net';
import { apiQuery, processStats, sleep } from '../bench/lib.mjs';
import { expect, scratch, startFlint } from './harness.mjs';

const READ_TIMEOUT_S = 2;

/** Opens a socket that sends a request head one byte at a time; resolves when the server closes it. */
function slowLoris(port, request, everyMs, limitMs, sentAtOnce = '') {
  return new Promise((resolve) => {
    const opened = Date.now();
    const socket = net.connect(port, '127.0.0.1', () => socket.write(sentAtOnce));
    let i = 0;
    let answer = '';
    const timer = setInterval(() => {
      if (i < request.length) socket.write(request[i++]);
    }, everyMs);
    const done = (how) => {
      clearInterval(timer);
      clearTimeout(limit);
      socket.destroy();
      resolve({ how, ms: Date.now() - opened, answer: answer.split('\r\n')[0] });
    };
    const limit = setTimeout(() => done('still open'), limitMs);
    socket.on('data', (d) => (answer += d.toString()));
    socket.on('close', () => done('closed by server'));
    socket.on('error', () => done('closed by server'));
  });
}

/** Streams `bytes` of body in 1 MiB chunks; resolves with the status the server answers, if any. */
function oversizedPost(port, path, bytes, headers) {
  return new Promise((resolve) => {
    const started = Date.now();
    let sent = 0;
    const req = http.request({
      host: '127.0.0.1',
      port,
      path,
      method: 'POST',
      headers: { ...headers, 'content-length': String(bytes) },
    });
    const chunk = Buffer.alloc(1 << 20, 0x61);
    const finish = (status, detail) =>
      resolve({ status, detail, sentMiB: Math.round(sent / 2 ** 20), ms: Date.now() - started });
    req.on('response', (res) => {
      let text = '';
      res.on('data', (d) => (text += d.toString()));
      res.on('end', () => finish(res.statusCode, text.trim().slice(0, 160)));
      res.on('error', () => finish(res.statusCode, text.trim().slice(0, 160)));
    });
    req.on('error', (err) => finish(undefined, err.code ?? err.message));
    const pump = () => {
      while (sent < bytes) {
        sent += chunk.length;
        if (!req.write(chunk)) return req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}

export async function clientLimits(suite) {
  const part = 'client-limits';
  const { dir, cleanup } = scratch('limits');
  let server;
  try {
    server = await startFlint(dir, 'global:\n  scrape_interval: 1s\n', [
      `--web.read-timeout=${READ_TIMEOUT_S}s`,
      '--web.enable-remote-write-receiver',
    ]);

    await suite.check(
      part,
      `40 slow-loris clients (request head one byte every 250 ms) with --web.read-timeout=${READ_TIMEOUT_S}s`,
      async () => {
        const head = `GET /api/v1/query?query=up HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: ${'p'.repeat(200)}\r\n\r\n`;
        const loris = Array.from({ length: 40 }, () => slowLoris(server.port, head, 250, 20_000));
        await sleep(500);
        const started = Date.now();
        const r = await apiQuery(server.base, '/api/v1/query', { query: 'vector(1)' });
        const served = Date.now() - started;
        const results = await Promise.all(loris);
        const open = results.filter((x) => x.how === 'still open');
        const slowest = Math.max(...results.map((x) => x.ms));
        expect(r.status === 200, `a normal query during the attack answered ${r.status}`);
        expect(open.length === 0, `${open.length} slow clients still connected after 20 s`);
        expect(slowest < READ_TIMEOUT_S * 1000 + 5000, `slowest cut after ${slowest} ms`);
        return {
          held: `all cut within ${slowest} ms (${results[0].answer || 'no answer'}); a normal query meanwhile answered in ${served} ms`,
        };
      }
    );

    await suite.check(part, 'slow request body (POST /api/v1/query, 1 byte every 250 ms)', async () => {
      const head =
        'POST /api/v1/query HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 400\r\n\r\n';
      const r = await slowLoris(server.port, `query=${'1'.repeat(394)}`, 250, 20_000, head);
      expect(r.how === 'closed by server' && r.ms < READ_TIMEOUT_S * 1000 + 5000, `${r.how} after ${r.ms} ms`);
      return { held: `cut after ${r.ms} ms (${r.answer || 'connection closed'})` };
    });

    const rssBefore = processStats(server.proc.pid).rssBytes;
    await suite.check(part, 'oversized form body: 64 MiB POST /api/v1/query', async () => {
      const r = await oversizedPost(server.port, '/api/v1/query', 64 * 2 ** 20, {
        'content-type': 'application/x-www-form-urlencoded',
      });
      expect(r.status >= 400 && r.status < 500, `answered ${r.status} (${r.detail})`);
      return { held: `${r.status} after ${r.sentMiB} MiB sent, ${r.ms} ms: ${r.detail}` };
    });
    await suite.check(part, 'oversized remote-write body: 256 MiB POST /api/v1/write', async () => {
      const r = await oversizedPost(server.port, '/api/v1/write', 256 * 2 ** 20, {
        'content-type': 'application/x-protobuf',
        'content-encoding': 'snappy',
      });
      expect(r.status >= 400 && r.status < 500, `answered ${r.status} (${r.detail})`);
      return { held: `${r.status} after ${r.sentMiB} MiB sent, ${r.ms} ms: ${r.detail}` };
    });
    await suite.check(part, 'oversized request head: 2 MiB of headers', async () => {
      const r = await fetch(`${server.base}/api/v1/query?query=up`, {
        headers: { 'x-big': 'b'.repeat(2 * 2 ** 20) },
      }).then(
        (res) => res.status,
        (err) => err.cause?.code ?? err.message
      );
      expect(r === 431 || r === 400 || r === 'ECONNRESET' || r === 'UND_ERR_SOCKET', `answered ${r}`);
      return { held: `refused (${r})` };
    });
    await suite.check(part, 'memory and service after the oversized requests', async () => {
      const rss = processStats(server.proc.pid).rssBytes;
      expect(server.alive(), 'flint exited');
      expect(rss - rssBefore < 200 * 2 ** 20, `RSS grew by ${Math.round((rss - rssBefore) / 2 ** 20)} MiB`);
      const r = await apiQuery(server.base, '/api/v1/query', { query: 'vector(1)' });
      expect(r.status === 200, `query answered ${r.status}`);
      return { held: `RSS ${Math.round(rssBefore / 2 ** 20)} -> ${Math.round(rss / 2 ** 20)} MiB, still answering` };
    });
  } finally {
    if (server) await server.stop();
    cleanup();
  }
}
