// A small check recorder: each part registers named checks, prints what it tried and what
// held, and the suite ends with the closing line CI reads (`N passed, N failed`).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, waitReady, freePort } from '../bench/lib.mjs';

export class Suite {
  constructor() {
    this.passed = 0;
    this.failed = 0;
    this.failures = [];
  }

  /** Runs one check; a thrown error or a false/string result is a failure. */
  async check(part, what, fn) {
    const started = Date.now();
    let verdict;
    try {
      verdict = await fn();
    } catch (err) {
      verdict = `threw: ${err.stack ?? err}`;
    }
    const ms = Date.now() - started;
    if (
      verdict === undefined ||
      verdict === true ||
      (typeof verdict === 'object' && verdict !== null && verdict.held)
    ) {
      this.passed++;
      const detail = typeof verdict === 'object' && verdict?.held ? ` — ${verdict.held}` : '';
      console.log(`  ok    [${part}] ${what}${detail} (${ms} ms)`);
    } else {
      this.failed++;
      const reason = typeof verdict === 'string' ? verdict : 'did not hold';
      this.failures.push(`[${part}] ${what}: ${reason}`);
      console.log(`  FAIL  [${part}] ${what}: ${reason.slice(0, 2000)} (${ms} ms)`);
    }
  }

  finish(jsonPath) {
    if (this.failures.length) {
      console.log('\nfailures:');
      for (const f of this.failures) console.log(`  ${f.split('\n')[0]}`);
    }
    if (jsonPath) writeFileSync(jsonPath, JSON.stringify({ passed: this.passed, failed: this.failed, skipped: 0 }));
    console.log(`\n${this.passed} passed, ${this.failed} failed`);
  }
}

/** A temporary directory removed by cleanup(). */
export function scratch(prefix) {
  const dir = mkdtempSync(join(tmpdir(), `flint-rel-${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 }) };
}

/** Starts flint with a config text in a fresh data dir and waits for /-/ready. */
export async function startFlint(dir, configText, args = [], readyHeaders = {}) {
  const configFile = join(dir, 'flint.yml');
  writeFileSync(configFile, configText);
  const port = await freePort();
  const server = startServer('flint', {
    configFile,
    dataDir: join(dir, 'data'),
    port,
    args: ['--log.level=warn', ...args],
  });
  await waitReady(server, 60_000, readyHeaders);
  return server;
}

/** Throws a readable error unless cond holds. */
export function expect(cond, message) {
  if (!cond) throw new Error(message);
}
