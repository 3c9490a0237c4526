// Runs the built `flint` command as a user would (npm test builds before jest runs).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = join(__dirname, '..', '..', 'bin', 'flint.js');

function flint(args: string[], cwd?: string) {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd, timeout: 20_000 });
}

describe('flint command', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'flint-cmd-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('--help lists the flags with their defaults', () => {
    const r = flint(['--help']);
    expect(r.status).toBe(0);
    for (const f of ['--config.file=VALUE', '--storage.tsdb.path', '--web.listen-address', '--log.level', '--log.format', '(default: 0.0.0.0:9090)']) {
      expect(r.stdout).toContain(f);
    }
  });

  it('--version prints the version', () => {
    const r = flint(['--version']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^flint, version \d+\.\d+\.\d+/);
  });

  it('rejects an unknown flag with one line and exit code 2', () => {
    const r = flint(['--web.listen-adress=:1']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("flint: error: unknown long flag '--web.listen-adress', try --help\n");
  });

  it('rejects a missing explicit config file with one line and exit code 2', () => {
    const r = flint(['--config.file=/nonexistent/flint.yml', `--storage.tsdb.path=${dir}`]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('/nonexistent/flint.yml');
  });

  it('rejects a bad flag value with exit code 2', () => {
    const r = flint(['--log.format=xml']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--log.format');
  });

  it('starts on the embedded default, answers health and readiness, and exits 0 on SIGTERM', async () => {
    writeFileSync(join(dir, 'placeholder'), '');
    const child = spawn(process.execPath, [BIN, '--web.listen-address=127.0.0.1:0', `--storage.tsdb.path=${join(dir, 'data')}`], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    const api = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ready line; stderr: ${stderr}`)), 15_000);
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        const m = /api=(http:\/\/\S+)/.exec(stderr);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
    });
    expect(stderr).toContain('embedded default');
    expect(stderr).toContain(`storage=${join(dir, 'data')}`);
    const base = api.replace(/\/api\/v1\/$/, '');
    expect((await fetch(`${base}/-/healthy`)).status).toBe(200);
    expect((await fetch(`${base}/-/ready`)).status).toBe(200);
    expect((await fetch(`${base}/-/reload`, { method: 'POST' })).status).toBe(403);
    const code = await new Promise<number | null>((resolve) => {
      child.on('exit', (c) => resolve(c));
      child.kill('SIGTERM');
    });
    expect(code).toBe(0);
  }, 30_000);
});
