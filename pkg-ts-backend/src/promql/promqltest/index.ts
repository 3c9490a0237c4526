// The promqltest runner's entry points: run a file, with upstream's engine settings.
import { readFileSync } from 'node:fs';
import { MemoryStorage } from '../../storage/memory';
import { Head } from '../../tsdb/head';
import { Engine, EngineOptions } from '../engine';
import type { LanguageFeatures } from '../features';
import { CaseResult, runScript, Storage } from './runner';

export type { CaseResult } from './runner';

/** The engine configuration of upstream's test runner (FORMAT.md §7), with the given language features. */
export function testEngineOptions(features: Partial<LanguageFeatures>): Partial<EngineOptions> {
  return {
    lookbackDeltaMs: 300_000,
    maxSamples: 10_000,
    timeoutMs: 100_000,
    defaultEvalIntervalMs: 60_000,
    enableDelayedNameRemoval: true,
    enableExperimentalFunctions: features.enableExperimentalFunctions ?? false,
    enableExtendedRangeSelectors: features.enableExtendedRangeSelectors ?? false,
    enableBinopFillModifiers: features.enableBinopFillModifiers ?? false,
  };
}

export interface FileResult {
  file: string;
  cases: CaseResult[];
  passed: number;
  failed: number;
  skipped: number;
}

/** Storages the runner can use: the TSDB head (default) or the naive in-memory reference. */
export const STORAGES: Record<'head' | 'memory', () => Storage> = {
  head: () => new Head(),
  memory: () => new MemoryStorage(),
};

export async function runTestFile(
  file: string,
  opts: Partial<LanguageFeatures> & { storage?: keyof typeof STORAGES }
): Promise<FileResult> {
  const engine = new Engine(testEngineOptions(opts));
  const cases = await runScript(readFileSync(file, 'utf8'), {
    engine,
    newStorage: STORAGES[opts.storage ?? 'head'],
  });
  const count = (s: CaseResult['status']): number => cases.filter((c) => c.status === s).length;
  return { file, cases, passed: count('passed'), failed: count('failed'), skipped: count('skipped') };
}
