// Finds a head series by its exact label set. Keys are 32-bit hashes of the labels; every
// bucket entry is confirmed by comparing the label sets, so colliding hashes never merge two
// series. No per-series key string is kept, which saves memory over a string-keyed map.
import { Labels, labelsEqual } from '../../model/labels';

export function hashLabels(labels: Labels): number {
  let h = 0x811c9dc5;
  for (const l of labels) {
    const { name, value } = l;
    for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
    h = Math.imul(h ^ 0xffff, 0x01000193);
    for (let i = 0; i < value.length; i++) h = Math.imul(h ^ value.charCodeAt(i), 0x01000193);
    h = Math.imul(h ^ 0xfffe, 0x01000193);
  }
  return h >>> 0;
}

export class SeriesMap<T extends { readonly labels: Labels }> {
  private readonly buckets = new Map<number, T | T[]>();

  get(labels: Labels, hash = hashLabels(labels)): T | undefined {
    const b = this.buckets.get(hash);
    if (b === undefined) return undefined;
    if (!Array.isArray(b)) return labelsEqual(b.labels, labels) ? b : undefined;
    for (const s of b) if (labelsEqual(s.labels, labels)) return s;
    return undefined;
  }

  /** Adds an entry whose labels are not in the map yet. */
  add(entry: T, hash = hashLabels(entry.labels)): void {
    const b = this.buckets.get(hash);
    if (b === undefined) this.buckets.set(hash, entry);
    else if (Array.isArray(b)) b.push(entry);
    else this.buckets.set(hash, [b, entry]);
  }

  delete(entry: T): void {
    const hash = hashLabels(entry.labels);
    const b = this.buckets.get(hash);
    if (b === entry) this.buckets.delete(hash);
    else if (Array.isArray(b)) {
      const rest = b.filter((s) => s !== entry);
      this.buckets.set(hash, rest.length === 1 ? rest[0] : rest);
    }
  }
}
