// The scrape cache (predicted order, slots, refs) against a plain model of what a sequence of
// scrapes must store: each series' values in order, the first of repeated series, stale markers
// for series that vanish or whose target failed, and refs that always name the series they came with.
import fc from 'fast-check';
import { parseConfig } from '../config/load';
import { formatLabels, Labels, labelsFromRecord } from '../model/labels';
import { isStaleNaN } from '../model/value';
import {
  Appendable,
  Appender,
  ERR_DUPLICATE_SAMPLE_FOR_TIMESTAMP,
  ERR_OUT_OF_ORDER_SAMPLE,
  StorageError,
} from '../storage/interface';
import { createLogger } from '../util/log';
import type { ScrapeClient, ScrapeResponse } from './client';
import { ScrapeLoop } from './loop';
import { populateTarget } from './target';

/** Exposed series text and the labels it must be stored under (null: dropped by metric relabeling). */
const POOL: [string, Record<string, string> | null][] = [
  ['a', { __name__: 'a' }],
  ['a{x="1"}', { __name__: 'a', x: '1' }],
  ['a{x="2"}', { __name__: 'a', x: '2' }],
  ['b{y="1",z="2"}', { __name__: 'b', y: '1', z: '2' }],
  ['b{z="2",y="1"}', { __name__: 'b', y: '1', z: '2' }],
  ['dropme{x="1"}', null],
  ['{"c.d",x="3"}', { __name__: 'c.d', x: '3' }],
];

/**
 * Hands out refs per label set and fails any append whose ref names another series; rejects
 * out-of-order and same-time different-value samples as the TSDB does.
 */
class RefCheckingStorage implements Appendable {
  readonly values = new Map<string, (number | 'stale')[]>();
  private readonly last = new Map<string, [number, number]>();
  private readonly refs = new Map<string, number>();
  private readonly keyOfRef: string[] = [''];
  appender(): Appender {
    const staged: [string, number, number][] = [];
    const stagedLast = new Map<string, [number, number]>();
    return {
      append: (ref: number, labels: Labels, t: number, v: number) => {
        const key = formatLabels(labels);
        if (ref !== 0 && this.keyOfRef[ref] !== key) throw new Error(`ref ${ref} is ${this.keyOfRef[ref]}, not ${key}`);
        const prev = stagedLast.get(key) ?? this.last.get(key);
        if (prev !== undefined && t < prev[0]) throw new StorageError(ERR_OUT_OF_ORDER_SAMPLE);
        if (prev !== undefined && t === prev[0] && !Object.is(v, prev[1]))
          throw new StorageError(ERR_DUPLICATE_SAMPLE_FOR_TIMESTAMP);
        stagedLast.set(key, [t, v]);
        let own = this.refs.get(key);
        if (own === undefined) {
          own = this.keyOfRef.length;
          this.refs.set(key, own);
          this.keyOfRef.push(key);
        }
        staged.push([key, t, v]);
        return own;
      },
      commit: async () => {
        for (const [key, t, v] of staged) {
          this.last.set(key, [t, v]);
          const list = this.values.get(key) ?? [];
          list.push(isStaleNaN(v) ? 'stale' : v);
          this.values.set(key, list);
        }
      },
      rollback: () => {
        staged.length = 0;
        stagedLast.clear();
      },
    };
  }
}

const scrapeArb = fc.oneof(
  { weight: 6, arbitrary: fc.array(fc.nat(POOL.length - 1), { maxLength: 10 }) },
  { weight: 1, arbitrary: fc.constant(null) }
);

describe('scrape cache', () => {
  test('stores what a model of Prometheus scraping stores, for any order, repeats and failures', async () => {
    const cfg = parseConfig(
      'scrape_configs:\n  - job_name: test\n    metric_relabel_configs:\n      - {source_labels: [__name__], regex: dropme, action: drop}\n',
      'test.yml'
    ).scrapeConfigs[0];
    const r = populateTarget([], labelsFromRecord({ __address__: 'h:1' }), cfg);
    if (r.kind !== 'target') throw new Error(r.kind);
    const target = r.target;
    const stored = (rec: Record<string, string>) =>
      formatLabels(labelsFromRecord({ ...rec, job: 'test', instance: 'h:1' }));
    await fc.assert(
      fc.asyncProperty(fc.array(scrapeArb, { minLength: 1, maxLength: 8 }), async (scrapes) => {
        let body = '';
        const client = {
          fetch: async (): Promise<ScrapeResponse> => ({
            body: Buffer.from(body),
            contentType: 'text/plain; version=0.0.4',
          }),
        };
        const storage = new RefCheckingStorage();
        const loop = new ScrapeLoop(
          target,
          storage,
          client as unknown as ScrapeClient,
          {
            honorLabels: false,
            honorTimestamps: true,
            trackTimestampsStaleness: false,
            sampleLimit: 0,
            labelLimit: 0,
            labelNameLengthLimit: 0,
            labelValueLengthLimit: 0,
            metricRelabelConfigs: cfg.metricRelabelConfigs,
            validationScheme: 'utf8',
            offsetSeed: 0n,
          },
          createLogger({ level: 'error', write: () => undefined })
        );
        const expected = new Map<string, (number | 'stale')[]>();
        const push = (key: string, v: number | 'stale') => expected.set(key, [...(expected.get(key) ?? []), v]);
        let live = new Set<string>();
        for (let k = 0; k < scrapes.length; k++) {
          const picks = scrapes[k];
          if (picks === null) {
            body = 'garbage\n';
            for (const key of live) push(key, 'stale');
            live = new Set();
          } else {
            body = picks.map((p, i) => `${POOL[p][0]} ${k * 100 + i}\n`).join('');
            const seen = new Set<string>();
            picks.forEach((p, i) => {
              const rec = POOL[p][1];
              if (rec === null || seen.has(stored(rec))) return;
              seen.add(stored(rec));
              push(stored(rec), k * 100 + i);
            });
            for (const key of live) if (!seen.has(key)) push(key, 'stale');
            live = seen;
          }
          await loop.scrapeAndReport();
          expect(loop.lastError === '').toBe(picks !== null);
          await new Promise((res) => setTimeout(res, 1));
        }
        await loop.stop(true);
        for (const key of live) push(key, 'stale');
        const exposed = new Map([...storage.values].filter(([key]) => !/^(up|scrape_)/.test(key)));
        expect(exposed).toEqual(expected);
      }),
      { numRuns: 60 }
    );
  });
});
