// Template expansion for `replacement` and `target_label`, with the rules of Go's
// regexp.Expand that Prometheus users rely on: `$1`, `${1}`, `$name`, `${name}`, `$$`.
// A `$name` reference takes the longest run of [A-Za-z0-9_], so `$1_x` names group "1_x"
// (which usually does not exist and expands to nothing), exactly as in Prometheus.

/** Indexes of the named capture groups of an RE2 pattern, in the order they open. */
export function captureGroupNames(pattern: string): Map<string, number> {
  const names = new Map<string, number>();
  let group = 0;
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') {
      inClass = true;
      // A `]` right after `[` or `[^` is a literal member of the class.
      if (pattern[i + 1] === '^') i++;
      if (pattern[i + 1] === ']') i++;
      continue;
    }
    if (c !== '(') continue;
    if (pattern[i + 1] !== '?') {
      group++;
      continue;
    }
    const named = /^\(\?P?<([A-Za-z_][A-Za-z0-9_]*)>/.exec(pattern.slice(i, i + 300));
    if (named) {
      group++;
      if (!names.has(named[1])) names.set(named[1], group);
    }
  }
  return names;
}

const NAME_CHAR = /[A-Za-z0-9_]/;

/** Expands `template` with the groups of one match (index 0 = whole match). */
export function expandTemplate(template: string, groups: readonly (string | undefined)[], names: ReadonlyMap<string, number>): string {
  if (!template.includes('$')) return template;
  if (template === '$1' || template === '${1}') return groups[1] ?? '';
  let out = '';
  let i = 0;
  while (i < template.length) {
    const dollar = template.indexOf('$', i);
    if (dollar < 0) {
      out += template.slice(i);
      break;
    }
    out += template.slice(i, dollar);
    i = dollar + 1;
    if (template[i] === '$') {
      out += '$';
      i++;
      continue;
    }
    let name: string;
    if (template[i] === '{') {
      const close = template.indexOf('}', i + 1);
      const inner = close < 0 ? '' : template.slice(i + 1, close);
      if (inner === '' || !/^[A-Za-z0-9_]+$/.test(inner)) {
        // Not a valid reference: Go keeps the `$` literally.
        out += '$';
        continue;
      }
      name = inner;
      i = close + 1;
    } else {
      let j = i;
      while (j < template.length && NAME_CHAR.test(template[j])) j++;
      if (j === i) {
        out += '$';
        continue;
      }
      name = template.slice(i, j);
      i = j;
    }
    out += groupValue(name, groups, names);
  }
  return out;
}

function groupValue(name: string, groups: readonly (string | undefined)[], names: ReadonlyMap<string, number>): string {
  let index: number | undefined;
  if (/^[0-9]+$/.test(name)) index = Number(name);
  else index = names.get(name);
  if (index === undefined || index >= groups.length) return '';
  return groups[index] ?? '';
}
