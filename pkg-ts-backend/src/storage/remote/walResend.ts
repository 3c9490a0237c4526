// Reads the TSDB's write-ahead log back for remote write: after a restart each queue resends
// the samples committed since its persisted watermark, so samples acknowledged locally but not
// yet delivered are not lost. Read-only: a torn tail just ends the reading.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Labels } from '../../model/labels';
import { decodeSamples, decodeSeries, RecordType } from '../../tsdb/wal/records';
import { listSegments, readSegment, segmentName } from '../../tsdb/wal/segment';

const CHECKPOINT = /^checkpoint\.(\d{8})$/;

/**
 * Calls `emit` for every sample in the WAL segments with a timestamp >= `sinceMs`, in log order.
 * Checkpoints contribute series labels only. Returns the number of samples emitted.
 */
export function readWalSamplesSince(walDir: string, sinceMs: number, emit: (labels: Labels, t: number, v: number) => void): number {
  if (!fs.existsSync(walDir)) return 0;
  const series = new Map<number, Labels>();
  const onSeries = (type: number, r: Parameters<Parameters<typeof readSegment>[1]>[1]) => {
    if (type === RecordType.Series) for (const s of decodeSeries(r)) series.set(s.ref, s.labels);
  };
  const cps = fs
    .readdirSync(walDir)
    .map((n) => CHECKPOINT.exec(n))
    .filter((m): m is RegExpExecArray => m !== null)
    .sort((a, b) => Number(a[1]) - Number(b[1]));
  const cp = cps[cps.length - 1];
  if (cp) {
    const cpDir = path.join(walDir, cp[0]);
    for (const seg of listSegments(cpDir)) readSegment(path.join(cpDir, segmentName(seg)), onSeries);
  }
  let n = 0;
  for (const seg of listSegments(walDir).filter((s) => !cp || s > Number(cp[1]))) {
    readSegment(path.join(walDir, segmentName(seg)), (type, r) => {
      if (type === RecordType.Series) return onSeries(type, r);
      if (type !== RecordType.Samples && type !== RecordType.CompactSamples) return;
      const b = decodeSamples(r, type === RecordType.CompactSamples);
      for (let i = 0; i < b.refs.length; i++) {
        if (b.ts[i] < sinceMs) continue;
        const labels = series.get(b.refs[i]);
        if (!labels) continue;
        emit(labels, b.ts[i], b.vs[i]);
        n++;
      }
    });
  }
  return n;
}
