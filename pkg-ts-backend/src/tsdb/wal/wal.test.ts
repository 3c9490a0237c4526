import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createLogger } from '../../util/log';
import { ByteWriter } from '../encoding';
import { decodeSamples, decodeSeries, encodeSamples, encodeSeries, RecordType } from './records';
import { appendFrame, listSegments, readSegment, segmentName } from './segment';
import { replayWAL, WAL } from './wal';

let dir: string;
beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flint-wal-'))));
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function sampleRecord(t: number): { type: RecordType; encode: (w: ByteWriter) => void } {
  return {
    type: RecordType.Samples,
    encode: (w) => encodeSamples(w, [1], Float64Array.of(t), Float64Array.of(t / 2), 1),
  };
}

describe('WAL', () => {
  it('round-trips series and sample records', () => {
    const w = new ByteWriter();
    encodeSeries(w, [{ ref: 7, labels: [{ name: 'a', value: 'é' }] }]);
    const frames = new ByteWriter();
    appendFrame(frames, RecordType.Series, w.view());
    const file = path.join(dir, '00000000');
    fs.writeFileSync(file, frames.view());
    const seen: unknown[] = [];
    readSegment(file, (type, r) => seen.push([type, decodeSeries(r)]));
    expect(seen).toEqual([[RecordType.Series, [{ ref: 7, labels: [{ name: 'a', value: 'é' }] }]]]);
  });

  it('starts a new segment when one is full and on every open', async () => {
    const wal = new WAL(dir, { fsync: 'commit', logger: createLogger({ write: () => undefined }), segmentSize: 50 });
    for (let i = 0; i < 10; i++) await wal.log([sampleRecord(i)]);
    wal.close();
    const before = listSegments(dir);
    expect(before.length).toBeGreaterThan(2);
    new WAL(dir, { fsync: 'interval', logger: createLogger({ write: () => undefined }) }).close();
    expect(listSegments(dir)).toEqual([...before, before[before.length - 1] + 1]);
  });

  it('truncates a corrupt record, drops later segments and logs where', async () => {
    const wal = new WAL(dir, { fsync: 'commit', logger: createLogger({ write: () => undefined }), segmentSize: 60 });
    for (let i = 0; i < 6; i++) await wal.log([sampleRecord(i)]);
    wal.close();
    const segs = listSegments(dir);
    const victim = path.join(dir, segmentName(segs[1]));
    const data = fs.readFileSync(victim);
    data[data.length - 1] ^= 0xff;
    fs.writeFileSync(victim, data);
    const lines: string[] = [];
    const ts: number[] = [];
    replayWAL(
      dir,
      { onRecord: (type, r) => type === RecordType.Samples && ts.push(...decodeSamples(r).ts) },
      createLogger({ write: (l) => lines.push(l) }),
      { min: 0, max: 0, current: 0 }
    );
    expect(ts.length).toBeLessThan(6);
    expect(ts).toEqual(ts.map((_, i) => i));
    expect(lines.join('')).toContain(`segment=${segmentName(segs[1])}`);
    expect(listSegments(dir)).toEqual(segs.slice(0, 2));
  });

  it('replays a checkpoint and then only the newer segments', async () => {
    const wal = new WAL(dir, { fsync: 'commit', logger: createLogger({ write: () => undefined }) });
    await wal.log([sampleRecord(1)]);
    await wal.checkpoint((emit) =>
      emit(RecordType.Samples, (w) => encodeSamples(w, [1], Float64Array.of(100), Float64Array.of(0), 1))
    );
    await wal.log([sampleRecord(2)]);
    wal.close();
    const ts: number[] = [];
    replayWAL(
      dir,
      { onRecord: (type, r) => type === RecordType.Samples && ts.push(...decodeSamples(r).ts) },
      createLogger({ write: () => undefined }),
      {
        min: 0,
        max: 0,
        current: 0,
      }
    );
    expect(ts).toEqual([100, 2]);
  });
});
