// Remembered regex results per value. Relabeling sees the same label values on every scrape,
// and an RE2 (WebAssembly) call costs microseconds, so each distinct value is matched once.
import { Regex } from '../model/regex';

/** Distinct values remembered per regex; past this the memory is dropped and refilled. */
const MAX_ENTRIES = 16_384;

type Groups = readonly (string | undefined)[];

const execResults = new WeakMap<Regex, Map<string, Groups | null>>();
const matchResults = new WeakMap<Regex, Map<string, boolean>>();

function memoFor<V>(store: WeakMap<Regex, Map<string, V>>, re: Regex): Map<string, V> {
  let m = store.get(re);
  if (!m) {
    m = new Map();
    store.set(re, m);
  } else if (m.size >= MAX_ENTRIES) {
    m.clear();
  }
  return m;
}

export function cachedExec(re: Regex, s: string): Groups | null {
  const memo = memoFor(execResults, re);
  let r = memo.get(s);
  if (r === undefined) {
    r = re.exec(s);
    memo.set(s, r);
  }
  return r;
}

export function cachedMatches(re: Regex, s: string): boolean {
  const memo = memoFor(matchResults, re);
  let r = memo.get(s);
  if (r === undefined) {
    r = re.matches(s);
    memo.set(s, r);
  }
  return r;
}
