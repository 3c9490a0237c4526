import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { labelsFromRecord } from '../../model/labels';
import { crc32 } from 'node:zlib';
import { ByteWriter, CorruptionError } from '../encoding';
import { Yielder } from '../yielder';
import { ChunkMeta, DecodedIndex, decodeIndex, decodeTombstoneFile, encodeTombstoneFile, INDEX_MAGIC } from './files';
import { IndexBuilder } from './indexWriter';
import { isULID, newULID } from './ulid';

/** Writes an index with IndexBuilder; returns the file's bytes and the builder's decoded form. */
async function writeIndex(
  series: readonly { labels: ReturnType<typeof labelsFromRecord>; chunks: ChunkMeta[] }[]
): Promise<{ data: Uint8Array; built: DecodedIndex }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flint-index-'));
  try {
    const b = new IndexBuilder();
    for (const s of series) b.add(s.labels, s.chunks);
    const fh = await fs.promises.open(path.join(dir, 'index'), 'w');
    let built: DecodedIndex;
    try {
      built = await b.write(fh, new Yielder(10));
    } finally {
      await fh.close();
    }
    return { data: fs.readFileSync(path.join(dir, 'index')), built };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A version 1 index (absolute chunk references, one postings entry per name and value), by hand. */
function versionOneIndex(): Uint8Array {
  const w = new ByteWriter();
  w.u32(INDEX_MAGIC);
  w.byte(1);
  const symbols = ['__name__', 'a', 'job', 'x'];
  w.uvarint(symbols.length);
  for (const sym of symbols) w.string(sym);
  w.uvarint(1);
  w.uvarint(2);
  for (const id of [0, 1, 2, 3]) w.uvarint(id);
  w.uvarint(2);
  for (const [mint, maxt, ref, len] of [
    [-5, 10, 2 ** 32 + 5, 17],
    [20, 30, 2 ** 32 + 40, 9],
  ]) {
    w.varint(mint - (mint === -5 ? 0 : 10));
    w.uvarint(maxt - mint);
    w.uvarint(ref);
    w.uvarint(len);
  }
  w.uvarint(2);
  for (const [n, v] of [
    [0, 1],
    [2, 3],
  ]) {
    w.uvarint(n);
    w.uvarint(v);
    w.uvarint(1);
    w.uvarint(0);
  }
  w.u32(crc32(w.view()));
  return w.view().slice();
}

describe('block index', () => {
  const series = [
    {
      labels: labelsFromRecord({ __name__: 'a', job: 'x' }),
      chunks: [{ mint: -5, maxt: 10, ref: 2 ** 32 + 5, length: 17 }],
    },
    {
      labels: labelsFromRecord({ __name__: 'b', job: 'x' }),
      chunks: [
        { mint: 0, maxt: 100, ref: 2 ** 33 + 9, length: 30 },
        { mint: 101, maxt: 1e12, ref: 2 ** 33 + 50, length: 3 },
      ],
    },
  ];

  it('round-trips series, chunk metadata and postings; the builder returns what a reader decodes', async () => {
    const { data, built } = await writeIndex(series);
    const idx = decodeIndex(data);
    expect(built).toEqual(idx);
    expect(idx.labels).toEqual(series.map((s) => s.labels));
    expect([...idx.chunkStart]).toEqual([0, 1, 3]);
    expect([...idx.chunkMeta]).toEqual([-5, 10, 2 ** 32 + 5, 17, 0, 100, 2 ** 33 + 9, 30, 101, 1e12, 2 ** 33 + 50, 3]);
    expect([...idx.postings.get('job')!.get('x')!]).toEqual([0, 1]);
    expect([...idx.postings.get('__name__')!.get('b')!]).toEqual([1]);
  });

  it('round-trips many series with shared and unique label values', async () => {
    const many = Array.from({ length: 3000 }, (_, i) => ({
      labels: labelsFromRecord({ __name__: `m${i % 13}`, id: String(i).padStart(5, '0'), zone: `z${i % 3}` }),
      chunks: [{ mint: i, maxt: i + 10, ref: 5 + i * 20, length: 20 }],
    }));
    const { data, built } = await writeIndex(many);
    const idx = decodeIndex(data);
    // Flattened: deep equality of large Maps is slow in jest.
    const flat = (d: DecodedIndex): string[] => [
      JSON.stringify(d.labels),
      [...d.chunkStart].join(),
      [...d.chunkMeta].join(),
      ...[...d.postings].flatMap(([n, vs]) => [...vs].map(([v, ids]) => `${n}=${v}:${ids.join()}`)),
    ];
    expect(flat(built)).toEqual(flat(idx));
    expect(idx.labels).toEqual(many.map((s) => s.labels));
    expect([...idx.postings.get('zone')!.get('z1')!]).toEqual(many.map((_, i) => i).filter((i) => i % 3 === 1));
  });

  it('still reads version 1 indexes', () => {
    const idx = decodeIndex(versionOneIndex());
    expect(idx.labels).toEqual([labelsFromRecord({ __name__: 'a', job: 'x' })]);
    expect([...idx.chunkMeta]).toEqual([-5, 10, 2 ** 32 + 5, 17, 20, 30, 2 ** 32 + 40, 9]);
    expect([...idx.postings.get('job')!.get('x')!]).toEqual([0]);
  });

  it('detects corruption by checksum', async () => {
    const { data } = await writeIndex(series);
    data[10] ^= 1;
    expect(() => decodeIndex(data)).toThrow(CorruptionError);
    expect(() => decodeIndex(data.subarray(0, 5))).toThrow(CorruptionError);
  });

  it('round-trips tombstones', () => {
    const entries = [{ ref: 3, interval: { mint: -1, maxt: 2 ** 45 } }];
    expect(decodeTombstoneFile(encodeTombstoneFile(entries))).toEqual(entries);
  });
});

describe('ULID', () => {
  it('is 26 Crockford base32 characters ordered by time', () => {
    const a = newULID(1_000);
    const b = newULID(2_000);
    expect(isULID(a)).toBe(true);
    expect(a < b).toBe(true);
    expect(newULID(1_700_000_000_000).slice(0, 10)).toBe('01HF7YAT00');
  });
});
