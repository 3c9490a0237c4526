// Compares flint's config errors with those of the real promtool (Debian's Prometheus 2.42):
// the message after `FAILED: ` must be the same, apart from the `line N: ` flint adds to value errors
// and the type name: where go-yaml says `config.plain` (an alias type inside Prometheus), flint names
// the section's real type (`config.GlobalConfig`).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfigFile } from './load';

const PROMTOOL = '/usr/bin/promtool';
const available = fs.existsSync(PROMTOOL);

const CASES: Record<string, string> = {
  unknownField: 'scrape_configs:\n  - job_name: a\n\n    scrape_intervall: 5s\n',
  duplicateKey: 'global:\n  scrape_interval: 1m\n  scrape_interval: 2m\n',
  badBool: 'scrape_configs:\n  - job_name: a\n    honor_labels: maybe\n',
  badDuration: 'global:\n  scrape_interval: 5 minutes\n',
  timeout: 'scrape_configs:\n  - job_name: x\n    scrape_interval: 5s\n    scrape_timeout: 10s\n',
  globalTimeout: 'global:\n  scrape_interval: 5s\n  scrape_timeout: 6s\n',
  duplicateJob: 'scrape_configs:\n  - job_name: x\n  - job_name: x\n',
  emptyJob: 'scrape_configs:\n  - scrape_interval: 1m\n',
  urlTarget: "scrape_configs:\n  - job_name: x\n    static_configs:\n      - targets: ['http://h:1/metrics']\n",
  hashmod: 'scrape_configs:\n  - job_name: a\n    relabel_configs:\n      - action: hashmod\n        target_label: x\n',
  replaceNoTarget: 'scrape_configs:\n  - job_name: a\n    relabel_configs:\n      - action: replace\n',
  labeldrop: 'scrape_configs:\n  - job_name: a\n    relabel_configs:\n      - action: labeldrop\n        source_labels: [x]\n',
  unknownAction: 'scrape_configs:\n  - job_name: a\n    relabel_configs:\n      - action: frobnicate\n',
  fileSd: 'scrape_configs:\n  - job_name: x\n    file_sd_configs:\n      - files: [a.txt]\n',
  dnsType: 'scrape_configs:\n  - job_name: x\n    dns_sd_configs:\n      - names: [a]\n        type: TXT\n',
  dnsPort: 'scrape_configs:\n  - job_name: x\n    dns_sd_configs:\n      - names: [a]\n        type: A\n',
  bearer: 'scrape_configs:\n  - job_name: x\n    bearer_token: a\n    bearer_token_file: b\n',
  ruleGlob: 'rule_files: ["a/*/b.yml"]\n',
  remoteWriteUrl: 'remote_write:\n  - name: a\n',
  units: 'scrape_configs:\n  - job_name: x\n    body_size_limit: 10XB\n',
};

(available ? describe : describe.skip)('errors match promtool 2.42', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flint-promtool-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test.each(Object.keys(CASES))('%s', (name) => {
    const file = path.join(dir, `${name}.yml`);
    fs.writeFileSync(file, CASES[name]);
    const r = spawnSync(PROMTOOL, ['check', 'config', '--syntax-only', file], { encoding: 'utf8', timeout: 10_000 });
    expect(r.status).toBe(1);
    const theirs = r.stderr.replace(/^\s*FAILED: /, '').trimEnd();
    let ours = '';
    try {
      loadConfigFile(file);
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      ours = (err as Error).message;
    }
    const typeName = /in type config\.plain$/.test(theirs) ? /in type config\.\w+$/ : /$^/;
    expect(ours.replace(/: line \d+: (?!field )/, ': ').replace(typeName, 'in type config.plain')).toBe(theirs);
  });
});
