import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SDConfig } from '../config/types';
import { labelsToRecord } from '../model/labels';
import { DiscoveryManager } from './manager';
import { discoveredTargets } from './metrics';
import { TargetGroup } from './targetGroup';
import { recordingLogger, waitFor } from './testUtil';

function addresses(groups: TargetGroup[] | undefined): string[] {
  return (groups ?? []).flatMap((g) => g.targets.map((t) => labelsToRecord(t).__address__)).sort();
}

let dir: string;
let manager: DiscoveryManager;
let updates: Map<string, TargetGroup[]>[];

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flint-sd-'));
  manager = new DiscoveryManager(recordingLogger(), { updateIntervalMs: 20 });
  updates = [];
  manager.onUpdate((g) => updates.push(g));
});

afterEach(() => {
  manager.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const latest = () => updates[updates.length - 1];

test('static groups are sent for each pool', async () => {
  manager.applyConfig(
    new Map<string, SDConfig[]>([
      ['job-a', [{ kind: 'static', groups: [{ targets: ['a:1', 'a:2'], labels: [{ name: 'env', value: 'x' }] }] }]],
      ['job-b', [{ kind: 'static', groups: [{ targets: ['b:1'], labels: [] }] }]],
    ])
  );
  await waitFor(() => updates.length > 0);
  expect(addresses(latest().get('job-a'))).toEqual(['a:1', 'a:2']);
  expect(latest().get('job-a')![0]).toMatchObject({ source: '0', labels: [{ name: 'env', value: 'x' }] });
  expect(addresses(latest().get('job-b'))).toEqual(['b:1']);
  const gauge = (await discoveredTargets.get()).values.filter((v) => v.labels.name === 'scrape');
  expect(gauge.map((v) => [v.labels.config, v.value]).sort()).toEqual([
    ['job-a', 2],
    ['job-b', 1],
  ]);
});

test('a pool removed by a new config disappears; an unchanged pool stays', async () => {
  const a: SDConfig[] = [{ kind: 'static', groups: [{ targets: ['a:1'], labels: [] }] }];
  manager.applyConfig(new Map([['a', a], ['b', [{ kind: 'static', groups: [{ targets: ['b:1'], labels: [] }] }] as SDConfig[]]]));
  await waitFor(() => updates.length > 0);
  const n = updates.length;
  manager.applyConfig(new Map([['a', a]]));
  await waitFor(() => updates.length > n);
  expect([...latest().keys()]).toEqual(['a']);
  expect(addresses(latest().get('a'))).toEqual(['a:1']);
});

test('file_sd changes add and remove targets (JSON and YAML, watched)', async () => {
  const jsonFile = path.join(dir, 'targets.json');
  const yamlFile = path.join(dir, 'more.yml');
  fs.writeFileSync(jsonFile, JSON.stringify([{ targets: ['h1:9100', 'h2:9100'], labels: { rack: 'r1' } }]));
  // A long refresh interval: changes must arrive through the file watch.
  manager.applyConfig(new Map([['node', [{ kind: 'file', files: [path.join(dir, '*.json'), path.join(dir, '*.yml')], refreshIntervalMs: 3_600_000 }] as SDConfig[]]]));
  await waitFor(() => addresses(latest()?.get('node')).length === 2);
  const group = latest().get('node')![0];
  expect(labelsToRecord(group.labels)).toEqual({ __meta_filepath: jsonFile, rack: 'r1' });
  expect(group.source).toBe(`${jsonFile}:0`);

  fs.writeFileSync(jsonFile, JSON.stringify([{ targets: ['h2:9100', 'h3:9100'] }]));
  await waitFor(() => addresses(latest().get('node')).join() === 'h2:9100,h3:9100');

  fs.writeFileSync(yamlFile, '- targets: [y1:80]\n  labels: {kind: yaml}\n');
  await waitFor(() => addresses(latest().get('node')).join() === 'h2:9100,h3:9100,y1:80');

  fs.unlinkSync(jsonFile);
  await waitFor(() => addresses(latest().get('node')).join() === 'y1:80');
});

test('a broken file keeps its previous targets until it is fixed', async () => {
  const file = path.join(dir, 't.json');
  fs.writeFileSync(file, JSON.stringify([{ targets: ['a:1'] }]));
  manager.applyConfig(new Map([['j', [{ kind: 'file', files: [file], refreshIntervalMs: 30 }] as SDConfig[]]]));
  await waitFor(() => addresses(latest()?.get('j')).join() === 'a:1');
  fs.writeFileSync(file, '[{"targets": ');
  await new Promise((r) => setTimeout(r, 150));
  expect(addresses(latest().get('j'))).toEqual(['a:1']);
  fs.writeFileSync(file, JSON.stringify([{ targets: ['b:1'] }]));
  await waitFor(() => addresses(latest().get('j')).join() === 'b:1');
});
