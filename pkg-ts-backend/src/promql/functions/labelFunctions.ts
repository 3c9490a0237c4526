// Helpers of label_replace, label_join and sort_by_label.

/**
 * Expands `$1`, `${1}`, `$name`, `${name}` and `$$` in a label_replace replacement the way Go's
 * Regexp.Expand does: a name is the longest run of letters, digits and underscores, and an
 * unknown group expands to nothing.
 */
export function expandTemplate(
  template: string,
  groups: (string | undefined)[],
  named: ReadonlyMap<string, number>
): string {
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const ch = template[i];
    if (ch !== '$' || i + 1 >= template.length) {
      out += ch;
      continue;
    }
    if (template[i + 1] === '$') {
      out += '$';
      i++;
      continue;
    }
    let name: string;
    let end: number;
    if (template[i + 1] === '{') {
      const close = template.indexOf('}', i + 2);
      name = close < 0 ? '' : template.slice(i + 2, close);
      if (!/^[A-Za-z0-9_]+$/.test(name)) {
        out += ch;
        continue;
      }
      end = close;
    } else {
      const m = /^[A-Za-z0-9_]+/.exec(template.slice(i + 1));
      if (!m) {
        out += ch;
        continue;
      }
      name = m[0];
      end = i + name.length;
    }
    if (/^\d+$/.test(name)) {
      const idx = Number(name);
      out += idx < groups.length ? (groups[idx] ?? '') : '';
    } else {
      const idx = named.get(name);
      out += idx === undefined ? '' : (groups[idx] ?? '');
    }
    i = end;
  }
  return out;
}

/**
 * Group numbers of the named groups (`(?P<name>…)`, `(?<name>…)`) of an RE2 pattern: every
 * unescaped `(` outside a character class opens a group unless it starts `(?` without a name.
 */
export function namedGroupIndexes(pattern: string): Map<string, number> {
  const names = new Map<string, number>();
  let group = 0;
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') i++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') {
      inClass = true;
      // `]` right after `[` or `[^` is a member of the class, not its end.
      if (pattern[i + 1] === '^') i++;
      if (pattern[i + 1] === ']') i++;
    } else if (c === '(') {
      if (pattern[i + 1] !== '?') group++;
      else {
        const m = /^\(\?P?<([A-Za-z_][A-Za-z0-9_]*)>/.exec(pattern.slice(i, i + 300));
        if (m) {
          group++;
          if (!names.has(m[1])) names.set(m[1], group);
        }
      }
    }
  }
  return names;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Natural order: runs of digits compare by number, everything else by character. */
export function naturalLess(a: string, b: string): boolean {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(j);
    if (isDigit(ca) && isDigit(cb)) {
      let ei = i;
      while (ei < a.length && isDigit(a.charCodeAt(ei))) ei++;
      let ej = j;
      while (ej < b.length && isDigit(b.charCodeAt(ej))) ej++;
      const na = a.slice(i, ei).replace(/^0+(?=\d)/, '');
      const nb = b.slice(j, ej).replace(/^0+(?=\d)/, '');
      if (na.length !== nb.length) return na.length < nb.length;
      if (na !== nb) return na < nb;
      i = ei;
      j = ej;
      continue;
    }
    if (ca !== cb) return ca < cb;
    i++;
    j++;
  }
  return a.length - i < b.length - j;
}
