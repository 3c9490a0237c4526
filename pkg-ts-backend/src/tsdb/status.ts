// Head statistics in the shape of the `data` object of Prometheus's /api/v1/status/tsdb.
import { METRIC_NAME } from '../model/labels';
import type { Head } from './head';

export interface NameCount {
  name: string;
  value: number;
}

export interface TSDBStatus {
  headStats: { numSeries: number; numLabelPairs: number; chunkCount: number; minTime: number; maxTime: number };
  seriesCountByMetricName: NameCount[];
  labelValueCountByLabelName: NameCount[];
  memoryInBytesByLabelName: NameCount[];
  seriesCountByLabelValuePair: NameCount[];
}

export const EMPTY_HEAD_MIN_TIME = 2 ** 63;

function top(entries: NameCount[], limit: number): NameCount[] {
  return entries.sort((a, b) => b.value - a.value || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).slice(0, limit);
}

export function headStatus(head: Head, limit = 10): TSDBStatus {
  const byMetric: NameCount[] = [];
  const valueCounts: NameCount[] = [];
  const memory: NameCount[] = [];
  const pairs: NameCount[] = [];
  let numLabelPairs = 0;
  const bytesByName = new Map<string, number>();
  for (const [name, value, count] of head.index.pairCounts()) {
    numLabelPairs++;
    // Memory as Prometheus counts it: the summed lengths of the label's values.
    bytesByName.set(name, (bytesByName.get(name) ?? 0) + Buffer.byteLength(value));
    pairs.push({ name: `${name}=${value}`, value: count });
    if (name === METRIC_NAME) byMetric.push({ name: value, value: count });
  }
  for (const [name, count] of head.index.valueCounts()) valueCounts.push({ name, value: count });
  for (const [name, bytes] of bytesByName) memory.push({ name, value: bytes });
  const empty = head.minT() > head.maxT();
  return {
    headStats: {
      numSeries: head.numSeries(),
      numLabelPairs,
      chunkCount: head.numChunks(),
      // An empty head reports Prometheus's int64 extremes (as a JSON number both read the same).
      minTime: empty ? EMPTY_HEAD_MIN_TIME : head.minT(),
      maxTime: empty ? -EMPTY_HEAD_MIN_TIME : head.maxT(),
    },
    seriesCountByMetricName: top(byMetric, limit),
    labelValueCountByLabelName: top(valueCounts, limit),
    memoryInBytesByLabelName: top(memory, limit),
    seriesCountByLabelValuePair: top(pairs, limit),
  };
}
