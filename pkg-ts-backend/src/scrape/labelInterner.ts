// Label pairs shared by the scrape caches of all targets. Most label pairs of a target repeat
// across its series (the job, the instance, a handler, a status code), and the parser hands out
// fresh strings, or slices of the body, for each series. A cache holding those would keep one
// copy of every pair per series (and could pin whole bodies); interning keeps one frozen pair
// object per distinct name and value, counted so that pairs no cached series uses are freed.
import type { Label, Labels } from '../model/labels';

interface Entry {
  readonly pair: Label;
  uses: number;
}

/**
 * Copies a string out of the body it was sliced from: V8 substrings keep their parent alive, and
 * a cached string outliving a multi-megabyte body would pin it in memory. The copy goes through
 * bytes so that it is a flat string: comparing the body against a sliced or concatenated string
 * (as the series prediction does for every sample) goes through V8's slow path.
 */
export function ownString(s: string): string {
  return Buffer.from(s, 'utf8').toString('utf8');
}

export class LabelInterner {
  private readonly byName = new Map<string, Map<string, Entry>>();
  private pairs = 0;

  /** The shared pairs for a label set; pass the result to `release` when it is dropped. */
  intern(labels: Labels): Labels {
    const out: Label[] = new Array(labels.length);
    for (let i = 0; i < labels.length; i++) {
      const { name, value } = labels[i];
      let byValue = this.byName.get(name);
      if (byValue === undefined) this.byName.set(ownString(name), (byValue = new Map()));
      let e = byValue.get(value);
      if (e === undefined) {
        const pair = Object.freeze({ name: ownString(name), value: ownString(value) });
        byValue.set(pair.value, (e = { pair, uses: 0 }));
        this.pairs++;
      }
      e.uses++;
      out[i] = e.pair;
    }
    return Object.freeze(out);
  }

  /** Gives back a label set `intern` returned. */
  release(labels: Labels): void {
    for (const { name, value } of labels) {
      const byValue = this.byName.get(name);
      const e = byValue?.get(value);
      if (byValue === undefined || e === undefined) continue;
      if (--e.uses > 0) continue;
      byValue.delete(value);
      this.pairs--;
      if (byValue.size === 0) this.byName.delete(name);
    }
  }

  /** Distinct pairs held. */
  size(): number {
    return this.pairs;
  }
}

/** The interner every scrape cache uses unless given its own. */
export const sharedLabelInterner = new LabelInterner();
