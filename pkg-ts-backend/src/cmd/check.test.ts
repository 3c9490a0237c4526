import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkConfigFiles } from './check';

let dir: string;
let stdout: string[];
let stderr: string[];
const out = { stdout: (l: string) => stdout.push(l), stderr: (l: string) => stderr.push(l) };

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flint-check-'));
  stdout = [];
  stderr = [];
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const p = path.join(dir, name);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, text);
  return p;
}

test('a valid config with rule files prints promtool-like success', () => {
  write('rules/a.yml', 'groups:\n  - name: g\n    rules:\n      - record: job:up:sum\n        expr: sum by (job) (up)\n      - alert: Down\n        expr: up == 0\n');
  const cfg = write('flint.yml', 'rule_files: [rules/*.yml]\nscrape_configs: [{job_name: a, static_configs: [{targets: ["h:1"]}]}]\n');
  expect(checkConfigFiles([cfg], false, out)).toBe(0);
  expect(stdout).toEqual([
    `Checking ${cfg}`,
    '  SUCCESS: 1 rule files found',
    ` SUCCESS: ${cfg} is valid prometheus config file syntax`,
    '',
    `Checking ${path.join(dir, 'rules/a.yml')}`,
    '  SUCCESS: 2 rules found',
    '',
  ]);
  expect(stderr).toEqual([]);
});

test('an invalid config fails with the loader message and exit code 1', () => {
  const cfg = write('bad.yml', 'scrape_configs:\n  - job_name: a\n    scrape_intervall: 5s\n');
  expect(checkConfigFiles([cfg], false, out)).toBe(1);
  expect(stdout).toEqual([`Checking ${cfg}`, '']);
  expect(stderr).toEqual([`  FAILED: parsing YAML file ${cfg}: yaml: unmarshal errors:\n  line 3: field scrape_intervall not found in type config.ScrapeConfig`]);
});

test('a named rule file that does not exist fails, unless only syntax is checked', () => {
  const cfg = write('flint.yml', 'rule_files: [missing.yml]\n');
  expect(checkConfigFiles([cfg], false, out)).toBe(1);
  expect(stderr[0]).toBe(`  FAILED: "${path.join(dir, 'missing.yml')}" does not point to an existing file`);
  stderr = [];
  expect(checkConfigFiles([cfg], true, out)).toBe(0);
});

test('a broken rule file fails the check', () => {
  write('r.yml', 'groups:\n  - name: g\n    rules:\n      - record: x\n        expr: sum(\n');
  const cfg = write('flint.yml', 'rule_files: [r.yml]\n');
  expect(checkConfigFiles([cfg], false, out)).toBe(1);
  expect(stderr[0]).toBe('  FAILED:');
  expect(stderr.length).toBeGreaterThan(1);
});

test('missing credential files and bad file_sd files are reported', () => {
  const cfg = write('flint.yml', 'scrape_configs: [{job_name: a, bearer_token_file: nope.txt}]\n');
  expect(checkConfigFiles([cfg], false, out)).toBe(1);
  expect(stderr[0]).toContain(`error checking authorization credentials or bearer token file "${path.join(dir, 'nope.txt')}": stat`);

  stderr = [];
  write('sd/t.json', '{"not": "a list"}');
  const sd = write('sd.yml', 'scrape_configs: [{job_name: a, file_sd_configs: [{files: [gone/*.yml, sd/*.json]}]}]\n');
  expect(checkConfigFiles([sd], false, out)).toBe(1);
  expect(stderr[0]).toContain(`checking SD file "${path.join(dir, 'sd/*.json')}": target groups must be a list`);
  expect(stdout).toContain(`  WARNING: file "${path.join(dir, 'gone/*.yml')}" for file_sd in scrape job "a" does not exist`);
});

test('several files: one bad file makes the exit code 1, all are checked', () => {
  const good = write('good.yml', '');
  const missing = path.join(dir, 'nope.yml');
  expect(checkConfigFiles([missing, good], false, out)).toBe(1);
  expect(stderr).toEqual([`  FAILED: open ${missing}: no such file or directory`]);
  expect(stdout).toContain(` SUCCESS: ${good} is valid prometheus config file syntax`);
});
