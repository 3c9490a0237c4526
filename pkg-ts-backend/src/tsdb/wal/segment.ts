// WAL segments: numbered files of framed records. A frame is
// `[type u8][payload length u32 LE][CRC32 of payload u32 LE][payload]`.
// Reading stops at the first frame that is incomplete or fails its checksum: that is where a
// crash tore the write, and the caller truncates the file there.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { crc32 } from 'node:zlib';
import { ByteReader, ByteWriter } from '../encoding';

export const FRAME_HEADER = 9;
export const DEFAULT_SEGMENT_SIZE = 128 * 1024 * 1024;

const SEGMENT_NAME = /^\d{8}$/;

export function segmentName(index: number): string {
  return String(index).padStart(8, '0');
}

/** Segment indexes present in a directory, ascending. */
export function listSegments(dir: string): number[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => SEGMENT_NAME.test(f))
    .map(Number)
    .sort((a, b) => a - b);
}

/** Appends one frame holding `payload` to `out`. */
export function appendFrame(out: ByteWriter, type: number, payload: Uint8Array): void {
  out.byte(type);
  out.u32(payload.length);
  out.u32(crc32(payload));
  out.bytes(payload);
}

export interface SegmentReadResult {
  /** Bytes of intact frames from the start of the file. */
  validBytes: number;
  totalBytes: number;
  /** Why reading stopped before the end, if it did. */
  problem?: string;
}

/**
 * Calls `onRecord` for each intact frame. A record the callback cannot decode counts as
 * corruption at that frame's offset, like a checksum failure.
 */
export function readSegment(file: string, onRecord: (type: number, payload: ByteReader) => void): SegmentReadResult {
  const data = fs.readFileSync(file);
  let off = 0;
  while (off < data.length) {
    if (off + FRAME_HEADER > data.length)
      return { validBytes: off, totalBytes: data.length, problem: 'torn frame header' };
    const type = data[off];
    const len = data.readUInt32LE(off + 1);
    const crc = data.readUInt32LE(off + 5);
    const start = off + FRAME_HEADER;
    if (start + len > data.length) return { validBytes: off, totalBytes: data.length, problem: 'torn record' };
    const payload = data.subarray(start, start + len);
    if (crc32(payload) !== crc) return { validBytes: off, totalBytes: data.length, problem: 'checksum mismatch' };
    try {
      onRecord(type, new ByteReader(payload));
    } catch (err) {
      return { validBytes: off, totalBytes: data.length, problem: `undecodable record: ${(err as Error).message}` };
    }
    off = start + len;
  }
  return { validBytes: off, totalBytes: data.length };
}

/** Appends frames to numbered segment files, starting a new file when one is full. */
export class SegmentWriter {
  private fd: number;
  private size = 0;
  private index: number;
  private syncing: Promise<void> | null = null;
  private queued: Promise<void> | null = null;

  constructor(
    readonly dir: string,
    firstIndex: number,
    private readonly maxSegmentSize = DEFAULT_SEGMENT_SIZE
  ) {
    fs.mkdirSync(dir, { recursive: true });
    this.index = firstIndex;
    this.fd = fs.openSync(path.join(dir, segmentName(firstIndex)), 'a');
    this.size = fs.fstatSync(this.fd).size;
  }

  currentIndex(): number {
    return this.index;
  }

  /** Writes already framed bytes; they reach the OS before this returns. */
  write(frames: Uint8Array): void {
    if (this.size > 0 && this.size + frames.length > this.maxSegmentSize) this.cut();
    let off = 0;
    while (off < frames.length) off += fs.writeSync(this.fd, frames, off, frames.length - off);
    this.size += frames.length;
  }

  /** Closes the current segment (synced) and starts the next; returns the new segment's index. */
  cut(): number {
    fs.fsyncSync(this.fd);
    fs.closeSync(this.fd);
    this.index++;
    this.fd = fs.openSync(path.join(this.dir, segmentName(this.index)), 'a');
    this.size = 0;
    fsyncDir(this.dir);
    return this.index;
  }

  /** Flushes written frames to disk; concurrent callers share one fdatasync where they can. */
  sync(): Promise<void> {
    if (this.queued) return this.queued;
    if (this.syncing) {
      // Waits for the running sync whatever its outcome, then syncs again for the later writes.
      this.queued = this.syncing
        .catch(() => undefined)
        .then(() => {
          this.queued = null;
          return this.sync();
        });
      return this.queued;
    }
    const fd = this.fd;
    this.syncing = new Promise<void>((resolve, reject) => {
      fs.fdatasync(fd, (err) => {
        this.syncing = null;
        // A segment cut meanwhile closed this descriptor after syncing it itself.
        if (err && err.code !== 'EBADF') reject(err);
        else resolve();
      });
    });
    return this.syncing;
  }

  close(): void {
    fs.fsyncSync(this.fd);
    fs.closeSync(this.fd);
  }
}

export function fsyncDir(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
