// The snappy block format used by Remote-Write 1.0 and remote read bodies.
import * as snappy from 'snappyjs';

/** Reads the uncompressed length from a snappy block header (a little-endian base-128 varint). */
export function snappyDecodedLength(buf: Uint8Array): number {
  let result = 0;
  let shift = 0;
  for (let i = 0; i < 5 && i < buf.length; i++) {
    const b = buf[i];
    result += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) return result;
    shift += 7;
  }
  throw new Error('snappy: corrupt input (bad length header)');
}

export function snappyDecode(buf: Uint8Array, maxDecodedBytes: number): Uint8Array {
  const n = snappyDecodedLength(buf);
  if (n > maxDecodedBytes) throw new BodyTooLargeError(`decoded body of ${n} bytes exceeds the limit of ${maxDecodedBytes} bytes`);
  try {
    return snappy.uncompress(buf) as Uint8Array;
  } catch (err) {
    throw new Error(`snappy: corrupt input: ${(err as Error).message}`);
  }
}

export function snappyEncode(buf: Uint8Array): Uint8Array {
  return snappy.compress(buf) as Uint8Array;
}

export class BodyTooLargeError extends Error {}
