// Finds a head series by its exact label set. An open-addressing table (linear probing) keyed
// by a 32-bit hash of the labels; every candidate is confirmed by comparing the label sets, so
// colliding hashes never merge two series. No per-series key string or Map entry is kept:
// a slot costs 4 bytes of hash and 8 of reference.
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

/** Spreads FNV's weak low bits before they pick a slot. */
function home(hash: number, mask: number): number {
  return Math.imul(hash ^ (hash >>> 16), 0x45d9f3b) & mask;
}

const MIN_CAPACITY = 64;

export class SeriesMap<T extends { readonly labels: Labels }> {
  private hashes = new Uint32Array(MIN_CAPACITY);
  private items: (T | undefined)[] = new Array<T | undefined>(MIN_CAPACITY).fill(undefined);
  private count = 0;

  get size(): number {
    return this.count;
  }

  get(labels: Labels, hash = hashLabels(labels)): T | undefined {
    const mask = this.items.length - 1;
    for (let i = home(hash, mask); ; i = (i + 1) & mask) {
      const item = this.items[i];
      if (item === undefined) return undefined;
      if (this.hashes[i] === hash && labelsEqual(item.labels, labels)) return item;
    }
  }

  /** Adds an entry whose labels are not in the map yet. */
  add(entry: T, hash = hashLabels(entry.labels)): void {
    // At most 3/4 full, so probe runs stay short.
    if ((this.count + 1) * 4 > this.items.length * 3) this.resize(this.items.length * 2);
    this.place(entry, hash);
    this.count++;
  }

  delete(entry: T, hash = hashLabels(entry.labels)): void {
    const mask = this.items.length - 1;
    let i = home(hash, mask);
    for (; ; i = (i + 1) & mask) {
      const item = this.items[i];
      if (item === undefined) return;
      if (item === entry) break;
    }
    this.items[i] = undefined;
    this.count--;
    // Backward shift: move later entries of the run into the hole when their home allows it,
    // so lookups never meet a gap before their entry.
    for (let j = (i + 1) & mask; this.items[j] !== undefined; j = (j + 1) & mask) {
      const k = home(this.hashes[j], mask);
      // Stays when its home lies cyclically in (i, j].
      const stays = i <= j ? i < k && k <= j : i < k || k <= j;
      if (stays) continue;
      this.items[i] = this.items[j];
      this.hashes[i] = this.hashes[j];
      this.items[j] = undefined;
      i = j;
    }
    if (this.items.length > MIN_CAPACITY && this.count * 8 < this.items.length) this.resize(this.items.length / 2);
  }

  private place(entry: T, hash: number): void {
    const mask = this.items.length - 1;
    let i = home(hash, mask);
    while (this.items[i] !== undefined) i = (i + 1) & mask;
    this.items[i] = entry;
    this.hashes[i] = hash;
  }

  private resize(capacity: number): void {
    const items = this.items;
    const hashes = this.hashes;
    this.items = new Array<T | undefined>(capacity).fill(undefined);
    this.hashes = new Uint32Array(capacity);
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      if (item !== undefined) this.place(item, hashes[i]);
    }
  }
}
