// Evaluates label matchers against an inverted index with Prometheus's semantics: a series
// lacking a label has that label's value "", so a matcher that accepts "" also selects series
// without the label (`{a=""}`, `{a!="x"}`, `{a=~".*"}`), while one that rejects "" requires it.
import type { Matcher } from '../../model/matcher';
import { intersectPostings, PostingsIndex, subtractPostings, unionPostings } from './postings';

function postingsForValues(index: PostingsIndex, name: string, accept: (v: string) => boolean): Uint32Array {
  const lists: Uint32Array[] = [];
  for (const value of index.valuesOf(name)) if (accept(value)) lists.push(index.postings(name, value));
  return unionPostings(lists);
}

/** Sorted references of the series matching every matcher (all series when there is none). */
export function postingsForMatchers(index: PostingsIndex, matchers: readonly Matcher[]): Uint32Array {
  let result: Uint32Array | undefined;
  const subtractions: Matcher[] = [];
  // Intersect the cheapest, most selective kinds first: exact equality, then regexes.
  const ordered = [...matchers].sort((a, b) => rank(a) - rank(b));
  for (const m of ordered) {
    if (m.matchesEmpty()) {
      subtractions.push(m);
      continue;
    }
    const found =
      m.type === '=' ? index.postings(m.name, m.value) : postingsForValues(index, m.name, (v) => m.matches(v));
    result = result === undefined ? found : intersectPostings(result, found);
    if (result.length === 0) return result;
  }
  if (result === undefined) result = index.allPostings();
  for (const m of subtractions) {
    // The series to drop are those whose value of the label is present and rejected.
    const rejected =
      m.type === '!=' ? index.postings(m.name, m.value) : postingsForValues(index, m.name, (v) => !m.matches(v));
    result = subtractPostings(result, rejected);
    if (result.length === 0) return result;
  }
  return result;
}

function rank(m: Matcher): number {
  if (m.type === '=') return 0;
  if (m.type === '=~') return 1;
  return 2;
}
