import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expandFileGlob, hasGlobMeta } from './fileGlob';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flint-glob-'));
  for (const f of ['a.yml', 'b.yml', 'c.json', '.hidden.yml', 'x1.yml', 'x22.yml']) fs.writeFileSync(path.join(dir, f), '');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const names = (pattern: string) => expandFileGlob(path.join(dir, pattern)).map((p) => path.basename(p));

test('star, question mark and classes match in the last element, sorted, hidden files included', () => {
  expect(names('*.yml')).toEqual(['.hidden.yml', 'a.yml', 'b.yml', 'x1.yml', 'x22.yml']);
  expect(names('x?.yml')).toEqual(['x1.yml']);
  expect(names('[ab].yml')).toEqual(['a.yml', 'b.yml']);
  expect(names('[^ab].json')).toEqual(['c.json']);
});

test('a plain path names itself only when it exists; a missing directory matches nothing', () => {
  expect(names('a.yml')).toEqual(['a.yml']);
  expect(names('zzz.yml')).toEqual([]);
  expect(expandFileGlob(path.join(dir, 'nope', '*.yml'))).toEqual([]);
});

test('regex characters in names are literal', () => {
  fs.writeFileSync(path.join(dir, 'a+b.(1).yml'), '');
  expect(names('a+b.(1).yml')).toEqual(['a+b.(1).yml']);
  expect(names('a+b.*.yml')).toEqual(['a+b.(1).yml']);
  expect(hasGlobMeta('a+b.(1).yml')).toBe(false);
});
