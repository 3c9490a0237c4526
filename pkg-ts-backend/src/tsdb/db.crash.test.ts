// Kills a writing child process with SIGKILL at random moments and checks after each restart
// that every commit it reported is present, bit for bit (its out-of-order samples included),
// and nothing unexpected is read.
import { transformSync } from '@swc/core';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Matcher } from '../model/matcher';
import { float64Bits } from '../model/value';
import { TSDB } from './db';
import { CRASH_DB_OPTIONS, CRASH_OUT_OF_ORDER_MS, CRASH_SERIES, CRASH_STEP_MS, crashValue } from './testing/crashChild';

const SRC = path.join(__dirname, '..');
const REPO_NODE_MODULES = path.join(SRC, '..', '..', 'node_modules');

/** Compiles the modules the child needs to plain JavaScript once, so each child starts fast. */
function compileChild(outDir: string): string {
  const walk = (rel: string): void => {
    for (const e of fs.readdirSync(path.join(SRC, rel), { withFileTypes: true })) {
      const r = path.join(rel, e.name);
      if (e.isDirectory()) walk(r);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) {
        const out = transformSync(fs.readFileSync(path.join(SRC, r), 'utf8'), {
          filename: r,
          jsc: { target: 'es2022', parser: { syntax: 'typescript' } },
          module: { type: 'commonjs' },
        });
        fs.mkdirSync(path.join(outDir, rel), { recursive: true });
        fs.writeFileSync(path.join(outDir, r.replace(/\.ts$/, '.js')), out.code);
      }
    }
  };
  for (const folder of ['model', 'storage', 'util', 'tsdb']) walk(folder);
  // util/metrics reads the build version.
  const version = transformSync(fs.readFileSync(path.join(SRC, 'version.ts'), 'utf8'), {
    filename: 'version.ts',
    jsc: { target: 'es2022', parser: { syntax: 'typescript' } },
    module: { type: 'commonjs' },
  });
  fs.writeFileSync(path.join(outDir, 'version.js'), version.code);
  return path.join(outDir, 'tsdb', 'testing', 'crashChild.js');
}

const ROUNDS = 20;

function runChildAndKill(script: string, dir: string, killAfterMs: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, dir], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_PATH: REPO_NODE_MODULES },
    });
    const commits: number[] = [];
    let buf = '';
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line === 'ready' && !timer) timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
        else if (line.startsWith('commit ')) commits.push(Number(line.slice(7)));
      }
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const guard = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.on('exit', (code, signal) => {
      clearTimeout(guard);
      if (timer) clearTimeout(timer);
      if (signal === 'SIGKILL' && timer) resolve(commits);
      else reject(new Error(`child exited with ${code ?? signal}: ${stderr}`));
    });
  });
}

describe('TSDB crash safety', () => {
  it(`keeps every reported commit across ${ROUNDS} SIGKILLs`, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flint-tsdb-crash-'));
    const build = fs.mkdtempSync(path.join(os.tmpdir(), 'flint-tsdb-crash-build-'));
    const script = compileChild(build);
    const reported = new Set<number>();
    try {
      for (let round = 0; round < ROUNDS; round++) {
        const commits = await runChildAndKill(script, dir, 30 + Math.floor(Math.random() * 250));
        for (const t of commits) reported.add(t);
        const db = await TSDB.open(dir, CRASH_DB_OPTIONS);
        try {
          const q = db.querier(-Infinity, Infinity);
          const series = q.select(true, undefined, [new Matcher('=', '__name__', 'crash_test')]);
          const seen = new Map<number, number>();
          const problems: string[] = [];
          for (const s of series) {
            const idx = Number(s.labels.find((l) => l.name === 'series')!.value);
            const it = s.iterator();
            let prev = -Infinity;
            while (it.next()) {
              const t = it.t();
              const [hi, lo] = float64Bits(it.v());
              const [wantHi, wantLo] = float64Bits(crashValue(idx, t));
              if (t <= prev || t % (CRASH_STEP_MS / 2) !== 0 || hi !== wantHi || lo !== wantLo)
                problems.push(`series ${idx} t=${t} v=${it.v()}`);
              prev = t;
              seen.set(t, (seen.get(t) ?? 0) + 1);
            }
          }
          q.close();
          for (const t of reported) {
            if (seen.get(t) !== CRASH_SERIES)
              problems.push(`commit ${t}: ${seen.get(t) ?? 0} of ${CRASH_SERIES} series`);
            const late = t - CRASH_OUT_OF_ORDER_MS;
            if (late >= 0 && seen.get(late) !== CRASH_SERIES)
              problems.push(`commit ${t}, out of order at ${late}: ${seen.get(late) ?? 0} of ${CRASH_SERIES} series`);
          }
          expect(problems.slice(0, 10)).toEqual([]);
        } finally {
          await db.close();
        }
      }
      expect(reported.size).toBeGreaterThan(ROUNDS);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      fs.rmSync(build, { recursive: true, force: true });
    }
  }, 50_000);
});
