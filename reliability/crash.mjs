// Crash safety: flint scrapes a generated target, takes acknowledged remote writes and cuts
// blocks every couple of seconds (tiny min-block-duration); it is SIGKILLed at a seeded
// random moment, 20 times. After each restart every acknowledged write and every scraped
// sample seen through the API before the kill must be there, unchanged, and every block
// directory on disk must be whole.
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { seededRandom } from '../bench/generator.mjs';
import { apiQuery, freePort, sleep, startGeneratorProcess, startServer, waitReady } from '../bench/lib.mjs';
import { scratch } from './harness.mjs';
import { postWrite, writeRequestBody } from './remoteWrite.mjs';

const ROUNDS = 20;
const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

async function rangeSamples(base, selector, windowS) {
  const { status, body } = await apiQuery(base, '/api/v1/query', { query: `${selector}[${windowS}s]` });
  if (status !== 200) throw new Error(`query ${selector} answered ${status}: ${JSON.stringify(body).slice(0, 300)}`);
  const out = new Map();
  for (const series of body.data.result) {
    const key = JSON.stringify(series.metric);
    for (const [t, v] of series.values) out.set(`${key}@${t}`, v);
  }
  return out;
}

function missingFrom(expected, actual) {
  const missing = [];
  for (const [key, value] of expected) {
    if (!actual.has(key)) missing.push(`${key} absent`);
    else if (actual.get(key) !== value) missing.push(`${key} is ${actual.get(key)}, was ${value}`);
  }
  return missing;
}

function brokenBlocks(dataDir) {
  const broken = [];
  for (const name of readdirSync(dataDir)) {
    if (!ULID.test(name)) continue;
    for (const part of ['meta.json', 'index', 'chunks']) {
      if (!existsSync(join(dataDir, name, part))) broken.push(`${name}/${part} missing`);
    }
  }
  return broken;
}

export async function crashSafety(suite) {
  const part = 'crash';
  const random = seededRandom(20261122);
  const { dir, cleanup } = scratch('crash');
  const genPort = await freePort();
  const generator = startGeneratorProcess([
    '--port',
    String(genPort),
    '--series',
    '300',
    '--seed',
    '5',
    '--cache-ms',
    '0',
  ]);
  const configFile = join(dir, 'flint.yml');
  writeFileSync(
    configFile,
    [
      'global:',
      '  scrape_interval: 250ms',
      '  scrape_timeout: 250ms',
      'scrape_configs:',
      '  - job_name: gen',
      '    static_configs:',
      `      - targets: ['127.0.0.1:${genPort}']`,
      '',
    ].join('\n')
  );
  const dataDir = join(dir, 'data');
  const port = await freePort();
  const args = [
    '--log.level=warn',
    '--web.enable-remote-write-receiver',
    '--storage.tsdb.min-block-duration=2s',
    '--storage.tsdb.max-block-duration=12s',
  ];
  const startedAt = Date.now();
  const acknowledged = new Map();
  const scrapedSeen = new Map();
  let probeValue = 0;
  const stats = { rounds: 0, acked: 0, killedDuringWrite: 0, maxReadyMs: 0, blocks: 0 };
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const server = startServer('flint', { configFile, dataDir, port, args });
      const verdict = await (async () => {
        try {
          await waitReady(server, 60_000);
        } catch (err) {
          return `round ${round}: not ready after restart: ${err.message}`;
        }
        stats.maxReadyMs = Math.max(stats.maxReadyMs, Date.now() - server.startedAt);
        const windowS = Math.ceil((Date.now() - startedAt) / 1000) + 60;
        const probes = await rangeSamples(server.base, 'rel_probe', windowS);
        const scraped = await rangeSamples(server.base, 'up', windowS);
        const lost = [...missingFrom(acknowledged, probes), ...missingFrom(scrapedSeen, scraped)];
        if (lost.length)
          return `round ${round}: ${lost.length} committed samples lost or changed after restart, e.g. ${lost.slice(0, 3).join('; ')}`;
        const broken = brokenBlocks(dataDir);
        if (broken.length) return `round ${round}: incomplete blocks: ${broken.join(', ')}`;
        if (/level=error|corrupt/i.test(server.output()))
          return `round ${round}: errors logged: ${server.output().slice(-1500)}`;
        return undefined;
      })().catch((err) => `round ${round}: ${err.message}`);
      if (verdict) {
        await server.kill();
        return suite.check(part, `${ROUNDS} SIGKILL rounds while scraping, writing and compacting`, () => verdict);
      }

      // Write acknowledged samples until a random moment, looking at the scraped data once
      // on the way; the kill lands wherever the server is then (often inside a write).
      const killAt = Date.now() + 300 + random() * 1700;
      const confirmAt = Date.now() + (killAt - Date.now()) * random();
      let confirmed = false;
      const writer = (async () => {
        while (Date.now() < killAt) {
          const ts = Date.now();
          const value = ++probeValue;
          try {
            const r = await postWrite(
              server.base,
              writeRequestBody([{ labels: { __name__: 'rel_probe', source: 'crash' }, samples: [[ts, value]] }])
            );
            if (r.status === 204) {
              acknowledged.set(
                `${JSON.stringify({ __name__: 'rel_probe', source: 'crash' })}@${ts / 1000}`,
                String(value)
              );
              stats.acked++;
            }
          } catch {
            stats.killedDuringWrite++;
            return;
          }
          if (!confirmed && Date.now() >= confirmAt) {
            confirmed = true;
            try {
              for (const [k, v] of await rangeSamples(server.base, 'up', 3600)) scrapedSeen.set(k, v);
            } catch {
              return; // killed while answering: nothing was confirmed
            }
          }
          await sleep(random() * 20);
        }
      })();
      await sleep(Math.max(0, killAt - Date.now()));
      await server.kill('SIGKILL');
      await writer;
      stats.rounds++;
    }
    // One more start to check the last round's writes.
    const server = startServer('flint', { configFile, dataDir, port, args });
    const final = await (async () => {
      await waitReady(server, 60_000);
      const windowS = Math.ceil((Date.now() - startedAt) / 1000) + 60;
      const lost = [
        ...missingFrom(acknowledged, await rangeSamples(server.base, 'rel_probe', windowS)),
        ...missingFrom(scrapedSeen, await rangeSamples(server.base, 'up', windowS)),
      ];
      stats.blocks = readdirSync(dataDir).filter((n) => ULID.test(n)).length;
      const broken = brokenBlocks(dataDir);
      if (lost.length) return `after the last round: ${lost.length} samples lost, e.g. ${lost.slice(0, 3).join('; ')}`;
      if (broken.length) return `incomplete blocks: ${broken.join(', ')}`;
      if (stats.blocks === 0) return 'no block was ever cut: compaction was not exercised';
      return undefined;
    })().catch((err) => `final restart: ${err.message}`);
    await server.stop();
    await suite.check(
      part,
      `${ROUNDS} SIGKILL rounds while scraping, writing and compacting`,
      () =>
        final ?? {
          held: `${stats.rounds} kills; ${stats.acked} acknowledged writes and ${scrapedSeen.size} API-confirmed scraped samples all present after every restart; ${stats.blocks} blocks on disk, all whole; slowest restart to ready ${stats.maxReadyMs} ms`,
        }
    );
  } finally {
    await generator.stop();
    cleanup();
  }
}
