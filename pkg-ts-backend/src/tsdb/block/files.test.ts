import { labelsFromRecord } from '../../model/labels';
import { CorruptionError } from '../encoding';
import { decodeIndex, decodeTombstoneFile, encodeIndex, encodeTombstoneFile } from './files';
import { isULID, newULID } from './ulid';

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

  it('round-trips series, chunk metadata and postings', () => {
    const idx = decodeIndex(encodeIndex(series));
    expect(idx.labels).toEqual(series.map((s) => s.labels));
    expect([...idx.chunkStart]).toEqual([0, 1, 3]);
    expect([...idx.chunkMeta]).toEqual([-5, 10, 2 ** 32 + 5, 17, 0, 100, 2 ** 33 + 9, 30, 101, 1e12, 2 ** 33 + 50, 3]);
    expect([...idx.postings.get('job')!.get('x')!]).toEqual([0, 1]);
    expect([...idx.postings.get('__name__')!.get('b')!]).toEqual([1]);
  });

  it('detects corruption by checksum', () => {
    const data = encodeIndex(series);
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
