// Parse errors carry the failing range and read like Prometheus's: `1:9: parse error: <reason>`.
import type { PositionRange } from './ast';

/** Prometheus's `line:col` of an offset: 1-based, with the column counted in UTF-8 bytes. */
export function lineColumn(query: string, offset: number): string {
  if (offset < 0 || offset > query.length) return 'invalid position:';
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (query[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  const column = Buffer.byteLength(query.slice(lineStart, offset), 'utf8') + 1;
  return `${line}:${column}`;
}

export class ParseError extends Error {
  constructor(
    /** The reason without the position prefix, e.g. `unexpected <op:+>`. */
    readonly reason: string,
    readonly positionRange: PositionRange,
    readonly query: string
  ) {
    super(`${lineColumn(query, positionRange.start)}: parse error: ${reason}`);
    this.name = 'ParseError';
  }
}
