// Exemplar storage: one fixed-size ring shared by all series, as Prometheus keeps exemplars
// (`--enable-feature=exemplar-storage`, `storage.exemplars.max_exemplars`). When the ring is
// full the oldest exemplar of all is overwritten, so memory stays bounded however many series
// carry exemplars. Each series links its own exemplars oldest to newest through the ring.
import { compareLabels, getLabel, Labels, labelsEqual, labelsKey } from '../model/labels';
import type { Matcher } from '../model/matcher';

/** Prometheus's default for `storage.exemplars.max_exemplars`. */
export const DEFAULT_MAX_EXEMPLARS = 100000;
/** Prometheus's limit on an exemplar's label set: names plus values, in UTF-8 characters. */
export const EXEMPLAR_MAX_LABEL_RUNES = 128;

export class ExemplarError extends Error {}
export const ErrOutOfOrderExemplar = 'out of order exemplar';
export const ErrDuplicateExemplar = 'duplicate exemplar';
export const ErrExemplarLabelLength = `label length for exemplar exceeds maximum of ${EXEMPLAR_MAX_LABEL_RUNES} UTF-8 characters`;
export const ErrExemplarsDisabled = 'exemplar storage is disabled or max exemplars is less than or equal to 0';

export interface ExemplarInput {
  labels: Labels;
  value: number;
  /** Milliseconds. */
  ts: number;
}

export interface StoredExemplar {
  labels: Labels;
  value: number;
  ts: number;
}

export interface ExemplarQueryResult {
  seriesLabels: Labels;
  exemplars: StoredExemplar[];
}

interface SeriesEntry {
  labels: Labels;
  /** Ring slots of this series' oldest and newest exemplar; -1 when it has none. */
  oldest: number;
  newest: number;
}

const NONE = -1;

export class ExemplarStorage {
  private capacity = 0;
  private next = 0;
  private count = 0;
  private series = new Map<string, SeriesEntry>();
  private owner: (SeriesEntry | undefined)[] = [];
  private ts = new Float64Array(0);
  private values = new Float64Array(0);
  private labels: (Labels | undefined)[] = [];
  /** Slot of the next-newer exemplar of the same series, or -1. */
  private link = new Int32Array(0);
  appendedTotal = 0;

  constructor(maxExemplars = DEFAULT_MAX_EXEMPLARS) {
    this.allocate(maxExemplars);
  }

  private allocate(maxExemplars: number): void {
    this.capacity = Math.max(0, Math.trunc(maxExemplars));
    this.next = 0;
    this.count = 0;
    this.series = new Map();
    this.owner = new Array<SeriesEntry | undefined>(this.capacity);
    this.ts = new Float64Array(this.capacity);
    this.values = new Float64Array(this.capacity);
    this.labels = new Array<Labels | undefined>(this.capacity);
    this.link = new Int32Array(this.capacity).fill(NONE);
  }

  maxExemplars(): number {
    return this.capacity;
  }

  /** Exemplars currently held. */
  size(): number {
    return this.count;
  }

  seriesWithExemplars(): number {
    return this.series.size;
  }

  /** Throws an ExemplarError with Prometheus's text when the exemplar would be rejected. */
  validate(seriesLabels: Labels, e: ExemplarInput): void {
    this.check(this.series.get(labelsKey(seriesLabels)), e);
  }

  /**
   * Stores an exemplar for a series. Throws ExemplarError for a duplicate of the series' newest
   * exemplar (callers ingesting scrapes ignore that one), an out-of-order one, or labels too long.
   */
  add(seriesLabels: Labels, e: ExemplarInput): void {
    const key = labelsKey(seriesLabels);
    let entry = this.series.get(key);
    this.check(entry, e);
    if (!entry) {
      entry = { labels: seriesLabels, oldest: NONE, newest: NONE };
      this.series.set(key, entry);
    }
    const slot = this.next;
    this.evict(slot);
    this.owner[slot] = entry;
    this.ts[slot] = e.ts;
    this.values[slot] = e.value;
    this.labels[slot] = e.labels;
    this.link[slot] = NONE;
    if (entry.newest === NONE) entry.oldest = slot;
    else this.link[entry.newest] = slot;
    entry.newest = slot;
    this.next = (slot + 1) % this.capacity;
    this.count = Math.min(this.count + 1, this.capacity);
    this.appendedTotal++;
  }

  /**
   * As `add`, for ingestion paths that drop rejected exemplars: returns the rejection instead of
   * throwing it (undefined when stored).
   */
  tryAdd(seriesLabels: Labels, e: ExemplarInput): ExemplarError | undefined {
    try {
      this.add(seriesLabels, e);
      return undefined;
    } catch (err) {
      if (err instanceof ExemplarError) return err;
      throw err;
    }
  }

  /**
   * Exemplars with start <= ts <= end of every series matched by at least one of the matcher
   * sets (one set per selector of a query), series ordered by labels, exemplars oldest first.
   */
  select(start: number, end: number, matcherSets: readonly (readonly Matcher[])[]): ExemplarQueryResult[] {
    const out: ExemplarQueryResult[] = [];
    for (const entry of this.series.values()) {
      if (!matcherSets.some((ms) => ms.every((m) => m.matches(getLabel(entry.labels, m.name))))) continue;
      const exemplars: StoredExemplar[] = [];
      for (let s = entry.oldest; s !== NONE; s = this.link[s]) {
        const t = this.ts[s];
        if (t > end) break;
        if (t >= start) exemplars.push({ labels: this.labels[s] as Labels, value: this.values[s], ts: t });
      }
      if (exemplars.length > 0) out.push({ seriesLabels: entry.labels, exemplars });
    }
    out.sort((a, b) => compareLabels(a.seriesLabels, b.seriesLabels));
    return out;
  }

  /** Changes the capacity (a config reload), keeping the newest exemplars that still fit. */
  resize(maxExemplars: number): void {
    const capacity = Math.max(0, Math.trunc(maxExemplars));
    if (capacity === this.capacity) return;
    const kept: { series: Labels; e: ExemplarInput }[] = [];
    const first = this.count < this.capacity ? 0 : this.next;
    for (let i = 0; i < this.count; i++) {
      const s = (first + i) % this.capacity;
      const owner = this.owner[s];
      if (owner) kept.push({ series: owner.labels, e: { labels: this.labels[s] as Labels, value: this.values[s], ts: this.ts[s] } });
    }
    const appended = this.appendedTotal;
    this.allocate(capacity);
    if (capacity > 0) for (const { series, e } of kept.slice(Math.max(0, kept.length - capacity))) this.add(series, e);
    this.appendedTotal = appended;
  }

  private check(entry: SeriesEntry | undefined, e: ExemplarInput): void {
    if (this.capacity <= 0) throw new ExemplarError(ErrExemplarsDisabled);
    let runes = 0;
    for (const l of e.labels) runes += [...l.name].length + [...l.value].length;
    if (runes > EXEMPLAR_MAX_LABEL_RUNES) throw new ExemplarError(ErrExemplarLabelLength);
    if (!entry || entry.newest === NONE) return;
    const t = this.ts[entry.newest];
    const v = this.values[entry.newest];
    if (t === e.ts && sameValue(v, e.value) && labelsEqual(this.labels[entry.newest] as Labels, e.labels)) {
      throw new ExemplarError(ErrDuplicateExemplar);
    }
    // Exemplars of one scrape come sorted by time then value, so anything that sorts before the
    // newest one is out of order (or a repeat of an older exemplar, which is not worth a search).
    if (e.ts < t || (e.ts === t && e.value < v)) throw new ExemplarError(ErrOutOfOrderExemplar);
  }

  /** Frees a ring slot: it always holds the oldest exemplar of its series. */
  private evict(slot: number): void {
    const entry = this.owner[slot];
    if (!entry) return;
    entry.oldest = this.link[slot];
    if (entry.oldest === NONE) {
      entry.newest = NONE;
      this.series.delete(labelsKey(entry.labels));
    }
    this.owner[slot] = undefined;
    this.labels[slot] = undefined;
    this.count--;
  }
}

function sameValue(a: number, b: number): boolean {
  return a === b || (Number.isNaN(a) && Number.isNaN(b));
}
